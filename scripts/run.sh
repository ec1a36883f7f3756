#!/usr/bin/env bash
# `make run`: the embedded default (SQLite file ./atgard.db). Imports the example plan the first
# time, then starts the bot: Slack when tokens are set, otherwise the local sandbox/console.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PLAN="../shared/fixtures/atgardsplan-2025-kungsholmen.xlsx"
[ -f "$PLAN" ] || PLAN="tests/data/atgardsplan-2025-kungsholmen.xlsx"
if [ "$($BIN/atgard list --json | $BIN/python -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "0" ]; then
  echo "Första start: läser in exempelplanen $PLAN"
  $BIN/atgard import "$PLAN" --district Kungsholmen --year 2025
fi
exec $BIN/atgard run
