"""The systems under test: train them, start them, time their cold start, read their memory.

- the stock Rasa starter (`rasa init --no-prompt` in a temporary folder, default
  config, its in-memory tracker store, no action server: its stories use none);
- this assistant, trained from this tree and served by scripts/serve.py's Stack
  (action server + Rasa server) on free ports with its own tracker database;
- a cluster (scripts/cluster.py or `make cluster`), when the tree has one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List

from benchmarks.load import RestClient
from bot.settings import PROJECT_ROOT, Settings
from scripts.serve import Stack, free_port
from scripts.train import model_file, training_digest

BIN = Path(sys.executable).parent
START_TIMEOUT_S = 600.0  # a shared 2-core machine can take minutes to load TensorFlow
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONWARNINGS": "ignore",
}


def _env() -> Dict[str, str]:
    return {**os.environ, **QUIET_ENV}


def timed_run(command: List[str], cwd: Path, log: Path) -> float:
    """Runs a command to completion, its output in `log`; seconds taken."""
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with log.open("wb") as out:
        result = subprocess.run(command, cwd=cwd, env=_env(), stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with code {result.returncode}; see {log}")
    return time.monotonic() - began


def newest_model(directory: Path) -> Path:
    models = sorted(directory.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"no model in {directory}")
    return models[-1]


def first_answer(base_url: str, deadline: float, alive: subprocess.Popen | None = None) -> None:
    """Waits until the REST channel answers a message (the first one also warms the model)."""
    client = RestClient(base_url)
    while True:
        try:
            client.send("bench-cold-start", "hello")
            client.close()
            return
        except (OSError, RuntimeError, ValueError):
            client.close()
            if alive is not None and alive.poll() is not None:
                raise RuntimeError(f"the server at {base_url} exited with code {alive.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base_url} did not answer within {START_TIMEOUT_S:.0f} s") from None
            time.sleep(0.2)


def memory_mb(pid: int) -> Dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of one process, in MB (10^6 bytes)."""
    values: Dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            name = "rss_mb" if key == "VmRSS" else "peak_rss_mb"
            values[name] = round(int(rest.split()[0]) * 1024 / 1e6, 1)  # the kernel's kB are KiB
    return values


@dataclass
class Stock:
    """The stock starter assistant in `directory`."""

    directory: Path
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def train(self) -> float:
        """`rasa init --no-prompt` copies the starter project and trains it; seconds taken."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return timed_run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(self.directory)],
            self.directory,
            self.log_dir / "stock-train.log",
        )

    @property
    def model(self) -> Path:
        return newest_model(self.directory / "models")

    def start(self) -> float:
        """Starts the server; seconds from process start to its first answer."""
        log = (self.log_dir / "stock-server.log").open("ab")
        began = time.monotonic()
        self.process = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.port)]
            + ["--interface", "127.0.0.1", "--enable-api"],
            cwd=self.directory,
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        first_answer(self.url, began + START_TIMEOUT_S, self.process)
        return time.monotonic() - began

    def memory(self) -> Dict[str, Dict[str, float]]:
        return {"rasa": memory_mb(self.process.pid)} if self.process else {}

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@dataclass
class Assistant:
    """This assistant: trained from the tree, served by scripts/serve.py's Stack."""

    models: Path
    work_dir: Path
    log_dir: Path
    stack: Stack | None = None
    model: Path | None = None

    def train(self) -> float:
        """A full training (`--force`: Rasa's cache would reuse components), written where
        `make train` puts it; seconds taken."""
        target = model_file(self.models, training_digest())
        seconds = timed_run(
            [
                str(BIN / "rasa"),
                "train",
                "--force",
                "--out",
                str(self.models),
                "--fixed-model-name",
                target.name,
                "--quiet",
            ],
            PROJECT_ROOT,
            self.log_dir / "assistant-train.log",
        )
        self.model = target
        return seconds

    @property
    def url(self) -> str:
        if self.stack is None:
            raise RuntimeError("not started")
        return self.stack.rasa_url

    def start(self) -> float:
        """Starts both servers; seconds from process start to the first answer."""
        self.model = self.model or newest_model(self.models)
        action_port = free_port()
        settings = replace(
            Settings.from_env({"STARTUP_TIMEOUT": str(START_TIMEOUT_S)}),
            rasa_port=free_port(),
            action_port=action_port,
            action_server_url=f"http://127.0.0.1:{action_port}/webhook",
            tracker_db=self.work_dir / "tracker.db",
            model_dir=self.model,
        )
        self.stack = Stack(settings, log_dir=self.log_dir / "assistant")
        began = time.monotonic()
        self.stack.start()
        first_answer(self.url, began + START_TIMEOUT_S, self.stack.processes["rasa"])
        return time.monotonic() - began

    def memory(self) -> Dict[str, Dict[str, float]]:
        if self.stack is None:
            return {}
        return {name: memory_mb(process.pid) for name, process in self.stack.processes.items()}

    def stop(self) -> None:
        if self.stack is not None:
            self.stack.stop()
            self.stack = None


def cluster_command() -> List[str] | None:
    """How this tree starts its cluster, or None when it has none."""
    if (PROJECT_ROOT / "scripts" / "cluster.py").exists():
        return [str(BIN / "python"), "-m", "scripts.cluster"]
    makefile = PROJECT_ROOT / "Makefile"
    if makefile.exists() and any(line.startswith("cluster:") for line in makefile.read_text().splitlines()):
        return ["make", "--no-print-directory", "cluster"]
    return None


@dataclass
class Cluster:
    """A cluster at `url`: started here with `command` (and stopped afterwards), or already running."""

    url: str
    log_dir: Path
    command: List[str] | None = None
    environment: Dict[str, str] = field(default_factory=dict)  # e.g. CLUSTER_REPLICAS, CLUSTER_PORT
    log_name: str = "cluster.log"
    process: subprocess.Popen | None = None

    def start(self) -> float:
        began = time.monotonic()
        if self.command:
            log = (self.log_dir / self.log_name).open("ab")
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env={**_env(), **self.environment},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        first_answer(self.url, began + START_TIMEOUT_S, self.process)
        return time.monotonic() - began

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace_s=90)  # it stops its replicas first
            self.process = None


def stop_process(process: subprocess.Popen, grace_s: float = 30) -> None:
    """SIGTERM to the process group it leads, SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def file_mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 2)


def dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
