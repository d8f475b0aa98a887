"""The action server down, slow, then back: the person always gets a reply with the safety advice,
and the Rasa server needs no restart (bot/runtime/action_fallback.py).

One Rasa server on free ports whose action server address is a free port `P`:
nothing listens on `P` at first, then a small HTTP server that never answers in
time, then the real action server.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.request
import uuid
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from bot.knowledge import load_knowledge_base
from bot.replies import emergency_reply, technical_problem_reply
from bot.settings import PROJECT_ROOT, Settings
from bot.texts import catalogue
from scripts.serve import Stack, free_port

pytestmark = pytest.mark.e2e

ACTION_TIMEOUT = 4
SUDDEN = "I suddenly can't feel my legs at all"
ORDINARY = "my feet have been numb and tingling for a while"


class Assistant:
    """REST and the tracker of the HTTP API."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def _request(self, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            f"{self.stack.rasa_url}{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def send(self, sender_id: str, text: str) -> List[Dict[str, Any]]:
        return self._request("/webhooks/rest/webhook", {"sender": sender_id, "message": text})

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        return self._request(f"/conversations/{sender_id}/tracker")


@pytest.fixture(scope="module")
def rasa_alone(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    action_port = free_port()
    settings = replace(
        Settings.from_env({"STARTUP_TIMEOUT": "600", "ACTION_TIMEOUT": str(ACTION_TIMEOUT)}),
        rasa_port=free_port(),
        action_port=action_port,
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        tracker_db=tmp_path_factory.mktemp("faults") / "tracker.db",
        model_dir=model_path,
    )
    stack = Stack(settings, log_dir=PROJECT_ROOT / "reports" / "logs" / "faults", action_server=False)
    stack.start()
    try:
        yield Assistant(stack)
    finally:
        stack.stop()


@contextlib.contextmanager
def action_server_that_hangs(port: int) -> Iterator[List[str]]:
    """Takes every call on `port` and answers none of them while in use; yields the paths called."""
    calls: List[str] = []
    release = threading.Event()

    class Hanging(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            calls.append(self.path)
            release.wait()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Silent."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Hanging)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield calls
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def sender() -> str:
    return f"faults-{uuid.uuid4().hex[:12]}"


def said(messages: List[Dict[str, Any]]) -> str:
    """The text of a reply; Rasa's REST channel sends each paragraph as a message of its own."""
    return "\n\n".join(m["text"] for m in messages if "text" in m)


def the_emergency_reply_came(messages: List[Dict[str, Any]]) -> None:
    """The emergency reply, then the summary's links for whoever attends (made without the action
    server too)."""
    offer = str(catalogue().entries["conversation.summary_offer"]).split("{")[0]
    summary = [m for m in messages if m.get("text", "").startswith(offer) or custom_type(m) == "summary"]
    emergency = [m for m in messages if m not in summary]
    [payload] = [m["custom"] for m in emergency if "custom" in m]
    assert payload["type"] == "emergency" and "sudden_severe_numbness" in payload["red_flags"]
    expected = emergency_reply(payload["red_flags"], load_knowledge_base())
    assert payload == expected.payload and said(emergency) == expected.text
    assert [custom_type(m) for m in summary] == [None, "summary"] and messages[-2:] == summary


def custom_type(message: Dict[str, Any]) -> str | None:
    return (message.get("custom") or {}).get("type")


def the_problem_reply_came(messages: List[Dict[str, Any]]) -> None:
    assert said(messages) == technical_problem_reply(False, load_knowledge_base())


def stored(assistant: Assistant, me: str) -> Dict[str, List[str]]:
    events = assistant.tracker(me)["events"]
    return {kind: [e.get("text") for e in events if e["event"] == kind] for kind in ("user", "bot")}


def test_with_no_action_server_a_red_flag_still_gets_the_emergency_reply(rasa_alone: Assistant) -> None:
    me = sender()
    the_emergency_reply_came(rasa_alone.send(me, SUDDEN))
    slots = rasa_alone.tracker(me)["slots"]
    assert slots["triage_level"] == "emergency" and "sudden_severe_numbness" in slots["red_flags"]
    assert stored(rasa_alone, me)["user"] == [SUDDEN]


def test_with_no_action_server_a_message_gets_the_problem_reply_and_is_kept(rasa_alone: Assistant) -> None:
    me = sender()
    the_problem_reply_came(rasa_alone.send(me, ORDINARY))
    conversation = stored(rasa_alone, me)
    assert conversation["user"] == [ORDINARY]
    assert conversation["bot"] == [technical_problem_reply(False, load_knowledge_base())]


def test_a_question_after_an_emergency_gets_the_emergency_advice_too(rasa_alone: Assistant) -> None:
    me = sender()
    the_emergency_reply_came(rasa_alone.send(me, SUDDEN))
    reply = rasa_alone.send(me, "what causes numb feet?")
    assert said(reply) == technical_problem_reply(True, load_knowledge_base())


def test_an_action_server_that_does_not_answer_in_time(rasa_alone: Assistant) -> None:
    with action_server_that_hangs(rasa_alone.stack.settings.action_port) as calls:
        the_problem_reply_came(rasa_alone.send(sender(), ORDINARY))
        assert calls, "the Rasa server did not call the action server"
        the_emergency_reply_came(rasa_alone.send(sender(), SUDDEN))


def test_once_the_action_server_is_back_the_next_message_gets_a_normal_reply(rasa_alone: Assistant) -> None:
    me = sender()
    the_problem_reply_came(rasa_alone.send(me, ORDINARY))
    stack = rasa_alone.stack
    stack.start_action_server()
    stack.wait_ready()
    reply = rasa_alone.send(me, ORDINARY)
    assert load_knowledge_base().technical_problem not in said(reply)
    assert reply[-1].get("buttons"), reply  # the interview's next question, with its answer buttons
    assert rasa_alone.tracker(me)["slots"]["requested_slot"] is not None
    assert stored(rasa_alone, me)["user"] == [ORDINARY, ORDINARY]
