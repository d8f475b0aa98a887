"""Session fixtures: the trained model (trained once per session at most),
the NLU in-process, and the real servers started as subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from bot.settings import PROJECT_ROOT, Settings
from scripts.serve import Stack
from scripts.train import model_file, training_digest

REPORTS = PROJECT_ROOT / "reports"


@pytest.fixture(scope="session")
def model_path() -> Path:
    """`make test` trains before pytest; a bare `pytest` run trains here, once."""
    if os.environ.get("ASSISTANT_MODEL_READY") != "1":
        subprocess.run([sys.executable, "-m", "scripts.train"], check=True, cwd=PROJECT_ROOT)
    path = model_file(Settings.from_env().model_dir, training_digest())
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make train`")
    return path


@pytest.fixture(scope="session")
def parse_message(model_path: Path) -> Callable[[str], Dict[str, Any]]:
    """The same result as POST /model/parse, from the trained model in-process."""
    from rasa.core.agent import Agent

    loop = asyncio.new_event_loop()
    agent = Agent.load(str(model_path))

    def parse(text: str) -> Dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    yield parse
    loop.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Assistant:
    """A client of the running servers, over REST and the HTTP API."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.base = stack.rasa_url

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"null")

    def send(self, sender_id: str, text: str) -> List[Dict[str, Any]]:
        return self._request("POST", "/webhooks/rest/webhook", {"sender": sender_id, "message": text})

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        return self._request("GET", f"/conversations/{sender_id}/tracker")

    def parse(self, text: str) -> Dict[str, Any]:
        return self._request("POST", "/model/parse", {"text": text})


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The real action server and Rasa server on free ports, for the whole session."""
    action_port = _free_port()
    settings = replace(
        # A loaded 2-core machine can take minutes to load TensorFlow and the model.
        Settings.from_env({"STARTUP_TIMEOUT": "600"}),
        rasa_port=_free_port(),
        action_port=action_port,
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        tracker_db=tmp_path_factory.mktemp("tracker") / "tracker.db",
        model_dir=model_path,
    )
    stack = Stack(settings, log_dir=REPORTS / "logs")
    stack.start()
    try:
        yield Assistant(stack)
    finally:
        stack.stop()
