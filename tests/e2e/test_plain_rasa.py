"""Plain `rasa run` and `rasa shell` refuse to serve the model, which they would serve without the
project's patches (no "forget me", no log redaction, no input checks): the person starting it is
pointed at `make run` instead (bot/graph/serving_guard.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

RASA = Path(sys.executable).parent / "rasa"


@pytest.mark.parametrize("command", ["run", "shell"])
def test_plain_rasa_refuses_to_serve_and_points_at_make_run(command: str, model_path: Path) -> None:
    result = subprocess.run(
        [str(RASA), command, "--model", str(model_path), "--port", "0"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    last_line = (result.stdout + result.stderr).strip().splitlines()[-1]
    assert result.returncode != 0
    assert last_line.startswith(f"error: plain `rasa {command}` would serve this assistant without")
    assert "make run" in last_line
