"""'Forget me' and the retention period, end to end over REST against the real servers:
what the person sees, and what is left in the tracker store afterwards."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List

import pytest

from actions.privacy import CONFIRM_QUESTION, KEPT
from bot.runtime.forget_me import FORGOTTEN
from bot.settings import PROJECT_ROOT, Settings
from bot.warning_signs import screen_question
from scripts.serve import Stack, free_port

pytestmark = pytest.mark.e2e

DAY = 86400
EVERYTHING_BUT_THE_SCREEN = (
    "both my feet have been numb and tingling for about a year since the Lisbon marathon, it came on "
    "gradually and is slowly getting worse, I'm type 2 diabetic"
)


def sender() -> str:
    return f"privacy-{uuid.uuid4().hex[:12]}"


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("text", "") for m in messages]


def user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def database_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


def ask_to_forget(assistant, me: str, words: str = "please delete my data") -> None:
    question = assistant.send(me, words)
    assert texts(question) == [CONFIRM_QUESTION], question
    assert [b["payload"] for b in question[0]["buttons"]] == ["/affirm", "/deny"]
    assert "cannot be undone" in CONFIRM_QUESTION and "assessment" in CONFIRM_QUESTION


def test_yes_deletes_the_conversation_even_in_the_middle_of_the_interview(assistant) -> None:
    me = sender()
    assistant.send(me, EVERYTHING_BUT_THE_SCREEN)
    assert assistant.tracker(me)["slots"]["requested_slot"] == "red_flag_screen"
    db = assistant.stack.settings.tracker_db
    assert b"Lisbon marathon" in database_bytes(db)

    ask_to_forget(assistant, me)
    # "Yes" while the red-flag screen was pending: it answers the deletion question, not the screen.
    done = assistant.send(me, "/affirm")

    assert texts(done) == [FORGOTTEN]
    assert not any(isinstance(m.get("custom"), dict) for m in done), "no emergency, no assessment"
    tracker = assistant.tracker(me)
    assert user_texts(tracker) == []
    assert not any(e["event"] == "bot" for e in tracker["events"])
    assert tracker["slots"]["requested_slot"] is None
    assert b"Lisbon marathon" not in database_bytes(db)


def test_no_keeps_everything_and_the_interview_carries_on(assistant) -> None:
    me = sender()
    assistant.send(me, EVERYTHING_BUT_THE_SCREEN)
    ask_to_forget(assistant, me, "erase this conversation")

    kept = assistant.send(me, "/deny")

    assert kept[0]["text"].startswith(KEPT)
    assert kept[-1]["text"] == screen_question(), "the pending question is asked again"
    tracker = assistant.tracker(me)
    assert tracker["slots"]["requested_slot"] == "red_flag_screen"
    assert EVERYTHING_BUT_THE_SCREEN in user_texts(tracker)
    # The interview goes on to the assessment as before.
    result = assistant.send(me, "/deny")
    assert any(isinstance(m.get("custom"), dict) and m["custom"]["type"] == "assessment" for m in result)


def test_a_question_instead_of_yes_or_no_is_answered_and_the_deletion_asked_again(assistant) -> None:
    from bot.knowledge import load_knowledge_base

    me = sender()
    assistant.send(me, EVERYTHING_BUT_THE_SCREEN)
    ask_to_forget(assistant, me)

    answered = texts(assistant.send(me, "what causes numb feet?"))

    assert load_knowledge_base().overview_causes in answered and answered[-1] == CONFIRM_QUESTION
    # "No" still has its question: everything is kept and the interview resumes where it was.
    kept = assistant.send(me, "/deny")
    assert kept[0]["text"].startswith(KEPT)
    assert kept[-1]["text"] == screen_question()
    assert assistant.tracker(me)["slots"]["requested_slot"] == "red_flag_screen"


def test_after_a_restart_forgetting_also_deletes_what_came_before_it(assistant) -> None:
    me = sender()
    assistant.send(me, "my toes have been tingling since the Oslo trip")
    assistant.send(me, "/restart")
    ask_to_forget(assistant, me, "forget everything I told you")

    assert texts(assistant.send(me, "yes")) == [FORGOTTEN]

    tracker = assistant.tracker(me)
    assert user_texts(tracker) == []
    assert b"Oslo trip" not in database_bytes(assistant.stack.settings.tracker_db)
    # A new conversation can start at once.
    assert assistant.send(me, "hello")


def age(db: Path, sender_id: str, days: int) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * DAY, sender_id)
        )


def test_forget_old_removes_an_idle_conversation_and_keeps_a_recent_one(assistant) -> None:
    idle, recent = sender(), sender()
    assistant.send(idle, "my feet have been numb for weeks")
    assistant.send(recent, "my soles burn at night")
    db = assistant.stack.settings.tracker_db
    age(db, idle, 40)

    result = subprocess.run(
        [sys.executable, "-m", "scripts.forget_old"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TRACKER_DB": str(db), "RETENTION_DAYS": "30"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation idle for more than 30 days" in result.stdout
    assert user_texts(assistant.tracker(idle)) == []
    assert user_texts(assistant.tracker(recent)) == ["my soles burn at night"]


API_TOKEN = "e2e-api-token-0123456789"


@pytest.fixture(scope="module")
def protected(model_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """A Rasa server and action server started with RASA_AUTH_TOKEN, as a non-local HOST requires."""
    action_port = free_port()
    settings = replace(
        Settings.from_env({"STARTUP_TIMEOUT": "600", "RASA_AUTH_TOKEN": API_TOKEN}),
        rasa_port=free_port(),
        action_port=action_port,
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        tracker_db=tmp_path_factory.mktemp("protected") / "tracker.db",
        model_dir=model_path,
    )
    stack = Stack(settings, log_dir=PROJECT_ROOT / "reports" / "logs" / "protected")
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def status_of(url: str, body: Dict[str, Any] | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_with_a_token_the_http_api_needs_it_and_the_command_line_never_shows_it(protected) -> None:
    base = protected.rasa_url
    assert status_of(f"{base}/webhooks/rest/webhook", {"sender": "p", "message": "my feet are numb"}) == 200
    for path in ("/status", "/conversations/p/tracker"):
        assert status_of(f"{base}{path}") == 401, path
        assert status_of(f"{base}{path}?token=wrong") == 401, path
        assert status_of(f"{base}{path}?token={API_TOKEN}") == 200, path
    assert status_of(f"{base}/model/parse", {"text": "hello"}) == 401
    for process in protected.processes.values():
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert API_TOKEN.encode() not in command_line
    logs = b"".join(p.read_bytes() for p in protected.log_dir.glob("*.log"))
    assert API_TOKEN.encode() not in logs
