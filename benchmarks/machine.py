"""The machine a benchmark ran on, so that its figures can be read in context."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any, Dict


def _first(path: str, prefix: str) -> str | None:
    file = Path(path)
    if not file.exists():
        return None
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(prefix):
            return line.split(":" if ":" in line else "=", 1)[1].strip().strip('"')
    return None


def cpu_model() -> str:
    return _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"


def ram_gib() -> float | None:
    total = _first("/proc/meminfo", "MemTotal")  # "24605240 kB"
    return round(int(total.split()[0]) / 2**20, 1) if total else None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def describe() -> Dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "ram_gib": ram_gib(),
        "os": _first("/etc/os-release", "PRETTY_NAME=") or platform.platform(),
        "kernel": platform.release(),
        "arch": platform.machine(),
        "python": platform.python_version(),
        "rasa": _version("rasa"),
        "rasa_sdk": _version("rasa-sdk"),
        "tensorflow": _version("tensorflow"),
        "spacy": _version("spacy"),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def one_line(machine: Dict[str, Any]) -> str:
    return (
        f"{machine['cores']} cores, {machine['cpu']}, {machine['ram_gib']} GiB RAM, {machine['os']}, "
        f"Python {machine['python']}, rasa {machine['rasa']}, TensorFlow {machine['tensorflow']}"
    )
