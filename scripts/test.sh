#!/usr/bin/env bash
# `make test`: lint, then the whole suite on SQLite and again on PostgreSQL.
# PostgreSQL is expected at 127.0.0.1:5432 (trust auth, user postgres); it is started if down.
# Where it cannot be reached the run FAILS: it never silently skips a backend.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONDONTWRITEBYTECODE=1

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== chromium and LibreOffice Calc (the browser tests; the exported workbook opened for real)"
need_chromium=$(command -v chromium >/dev/null 2>&1 || echo yes)
need_calc=$(command -v soffice >/dev/null 2>&1 || echo yes)
if [ -n "$need_chromium$need_calc" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    if [ -n "$need_chromium" ]; then
      apt-get install -y -qq chromium >/dev/null || echo "could not install chromium: browser tests will fail"
    fi
    if [ -n "$need_calc" ]; then
      apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null \
        || echo "could not install LibreOffice Calc: its export test is skipped"
    fi
  else
    echo "missing Debian packages (chromium, libreoffice-calc-nogui): browser tests fail, the LibreOffice test is skipped"
  fi
fi

echo "== postgresql"
PGHOST=127.0.0.1
if ! pg_isready -h "$PGHOST" -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p 5432 -q && break; sleep 1; done
  fi
fi
if ! pg_isready -h "$PGHOST" -p 5432 -q; then
  echo "PostgreSQL is not reachable at $PGHOST:5432: failing (the suite must run on both databases)" >&2
  exit 1
fi
export TEST_DATABASE_URL="postgresql+psycopg://postgres@$PGHOST:5432/atgard_test"

PYTEST_ARGS=(-q -p no:cacheprovider -n "${PYTEST_WORKERS:-2}" --dist loadfile)

echo "== tests on SQLite"
ATGARD_TEST_DB=sqlite $BIN/pytest "${PYTEST_ARGS[@]}" "$@"

echo "== tests on PostgreSQL"
ATGARD_TEST_DB=postgresql $BIN/pytest "${PYTEST_ARGS[@]}" "$@"
