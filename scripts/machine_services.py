"""This machine's own Redis and PostgreSQL, stopped, killed and started again by the fault tests and
`make chaos`, with the commands the machine starts them with (/work/.library/env/machines/python-svc.md)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from bot.settings import machine_redis_port

REDIS_PORT = machine_redis_port()
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    str(REDIS_PORT),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def redis_is_ours() -> bool:
    return bool(shutil.which("redis-server")) and Path("/var/lib/redis").is_dir()


def postgresql_is_ours() -> bool:
    return bool(shutil.which("pg_ctlcluster")) and Path("/etc/postgresql").is_dir()


def postgres_cluster(action: str, mode: str = "fast") -> None:
    """pg_ctlcluster on the newest local cluster; `mode` immediate stops it as a crash would."""
    versions = sorted(os.listdir("/etc/postgresql"))
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            versions[-1],
            "main",
            action,
            *(["-m", mode] * (action in ("stop", "restart"))),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _redis_cli(*args: str) -> str:
    return subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), *args], capture_output=True, text=True, timeout=60
    ).stdout


def stop_redis() -> None:
    _redis_cli("shutdown", "nosave")


def kill_redis() -> None:
    """SIGKILL, as a crash: Redis keeps nothing on disk here, so every lock goes with it."""
    for line in _redis_cli("info", "server").splitlines():
        if line.startswith("process_id:"):
            os.kill(int(line.split(":", 1)[1]), signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _redis_cli("ping").strip() == "PONG" and time.monotonic() < deadline:
                time.sleep(0.05)
            return


def start_redis() -> None:
    subprocess.run(REDIS_START, check=True, capture_output=True, timeout=60)
    deadline = time.monotonic() + 30
    while _redis_cli("ping").strip() != "PONG":
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not come back")
        time.sleep(0.2)
