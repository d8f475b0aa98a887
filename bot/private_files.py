"""Runtime files that hold secrets (tokens, passwords): readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml


def write_private_yaml(path: Path, data: Any) -> Path:
    """Writes `data` as YAML to a fresh file created with mode 0600 (never widened first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        yaml.safe_dump(data, file, sort_keys=False)
    return path
