"""What a web worker loads before its first request: every worker pays for it in memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# The modules `atgard serve` imports to build the app and the scheduler (bot/cli_serve.py).
SERVE = "import bot.cli, bot.slack.app, bot.slack.server, bot.runtime, reminders.service"


def test_serving_does_not_load_the_excel_or_chart_libraries() -> None:
    """openpyxl (with numpy and PIL behind it) and matplotlib are for imports and exports,
    loaded when one runs: at start they cost each worker about 18 MB (bench/results.md, idle
    RSS). A fresh interpreter, so no other test's imports count."""
    probe = f"{SERVE}; import json, sys; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert not loaded & {"openpyxl", "numpy", "PIL", "matplotlib"}
