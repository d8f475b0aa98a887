"""Deleting conversations from the tracker store, on SQLite and on PostgreSQL:
one person's on request ("forget me"), and every idle one (`make forget-old`)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy.exc
from local_postgres import temporary_database
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.names import ACTION_FORGET_CONVERSATION
from bot.runtime import forget_me
from bot.runtime.conversation_deletion import (
    delete_conversation,
    delete_conversations_idle_since,
    open_tracker_store,
    sql_tracker_store,
)
from bot.settings import PROJECT_ROOT, DatabaseSettings, RedisSettings, Settings

DAY = 86400.0


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[DatabaseSettings]:
    """A database of its own on the local PostgreSQL, dropped afterwards."""
    yield from temporary_database("privacy_test")


def embedded_settings(tmp_path: Path) -> Settings:
    return replace(Settings.from_env({}), tracker_db=tmp_path / "tracker.db")


def production_settings(database: DatabaseSettings) -> Settings:
    redis = RedisSettings(host="127.0.0.1", port=6379, db=1, password=None, key_prefix=None)
    return replace(Settings.from_env({}), profile="production", database=database, redis=redis)


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return embedded_settings(tmp_path)
    return production_settings(request.getfixturevalue("postgres_database"))


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLTrackerStore]:
    store = open_tracker_store(settings)
    yield store
    with store.engine.begin() as connection:  # the PostgreSQL database is shared by the module's tests
        connection.exec_driver_sql("DELETE FROM events")
    store.engine.dispose()


def conversation(sender_id: str, at: float, text: str = "my feet are numb") -> List[Event]:
    """Two turns, a restart between them, all at about `at`."""
    return [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(text, {"name": "describe_symptoms", "confidence": 1.0}, timestamp=at + 1),
        BotUttered("Where exactly do you feel it?", timestamp=at + 2),
        Restarted(timestamp=at + 3),
        ActionExecuted("action_listen", timestamp=at + 4),
        UserUttered("both feet", {"name": "inform", "confidence": 1.0}, timestamp=at + 5),
    ]


def save(store: SQLTrackerStore, sender_id: str, events: List[Event]) -> None:
    tracker = DialogueStateTracker.from_events(sender_id, events)
    asyncio.run(store.save(tracker))


def stored_events(store: SQLTrackerStore, sender_id: str) -> int:
    tracker = asyncio.run(store.retrieve_full_tracker(sender_id))
    return 0 if tracker is None else len(tracker.events)


def test_forgetting_deletes_every_event_of_that_person_and_nobody_elses(store) -> None:
    now = time.time()
    save(store, "forgetful", conversation("forgetful", now))
    save(store, "someone-else", conversation("someone-else", now))

    assert delete_conversation(store, "forgetful") == 6

    assert stored_events(store, "forgetful") == 0, "events before the restart must go too"
    assert stored_events(store, "someone-else") == 6
    assert delete_conversation(store, "forgetful") == 0


def test_on_sqlite_the_deleted_text_leaves_the_database_files(tmp_path: Path) -> None:
    store = open_tracker_store(embedded_settings(tmp_path))
    save(store, "forgetful", conversation("forgetful", time.time()))
    save(store, "someone-else", conversation("someone-else", time.time(), text="my heels tingle"))
    files = [tmp_path / "tracker.db", tmp_path / "tracker.db-wal"]
    assert any(b"my feet are numb" in f.read_bytes() for f in files if f.exists())

    delete_conversation(store, "forgetful")
    # The person's own words are gone; the other conversation's are still there.
    for path in files:
        if path.exists():
            contents = path.read_bytes()
            assert b"my feet are numb" not in contents, path.name
    assert any(b"my heels tingle" in f.read_bytes() for f in files if f.exists())
    store.engine.dispose()


def test_retention_deletes_idle_conversations_and_keeps_recent_ones(store) -> None:
    now = time.time()
    save(store, "old", conversation("old", now - 40 * DAY))
    save(store, "older", conversation("older", now - 400 * DAY))
    save(store, "recent", conversation("recent", now - 2 * DAY))
    # Started long ago but still going on: its latest event counts, so it stays whole.
    save(store, "ongoing", conversation("ongoing", now - 90 * DAY) + conversation("ongoing", now - DAY)[1:3])

    assert delete_conversations_idle_since(store, now - 30 * DAY) == 2

    assert stored_events(store, "old") == stored_events(store, "older") == 0
    assert stored_events(store, "recent") == 6
    assert stored_events(store, "ongoing") == 8
    assert delete_conversations_idle_since(store, now - 30 * DAY) == 0


def run_forget_old(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.forget_old"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_make_forget_old_deletes_by_retention_days_and_prints_only_counts(tmp_path: Path) -> None:
    store = open_tracker_store(embedded_settings(tmp_path))
    now = time.time()
    save(store, "person-a-long-ago", conversation("a", now - 20 * DAY))
    save(store, "person-b-yesterday", conversation("b", now - DAY))
    store.engine.dispose()
    env = {"TRACKER_DB": str(tmp_path / "tracker.db"), "ASSISTANT_PROFILE": "embedded"}

    kept = run_forget_old({**env, "RETENTION_DAYS": "0"})
    assert kept.returncode == 0 and "kept for ever" in kept.stdout
    default = run_forget_old({**env, "RETENTION_DAYS": ""})  # 30 days
    assert default.returncode == 0 and "deleted 0 conversations" in default.stdout, default.stderr
    week = run_forget_old({**env, "RETENTION_DAYS": "7"})
    assert week.returncode == 0, week.stderr
    assert "deleted 1 conversation idle for more than 7 days" in week.stdout
    assert "person-" not in week.stdout + week.stderr
    store = open_tracker_store(embedded_settings(tmp_path))
    assert stored_events(store, "person-a-long-ago") == 0
    assert stored_events(store, "person-b-yesterday") == 6
    store.engine.dispose()


@pytest.mark.slow
def test_make_forget_old_names_an_unreachable_database_in_one_line() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    result = run_forget_old(
        {
            "ASSISTANT_PROFILE": "production",
            "DB_URL": f"postgresql://postgres@127.0.0.1:{closed}/assistant",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "RETENTION_DAYS": "30",
        }
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: PostgreSQL (tracker store) at 127.0.0.1:{closed}/assistant")
    assert "Traceback" not in result.stderr


def test_a_negative_retention_is_a_clear_error() -> None:
    with pytest.raises(SystemExit, match="RETENTION_DAYS must be 0"):
        Settings.from_env({"RETENTION_DAYS": "-1"})


# The Rasa server's side of "forget me" (bot/runtime/forget_me.py).


def test_only_a_turn_that_ran_the_forget_action_asks_for_deletion() -> None:
    asked = [UserUttered("yes"), ActionExecuted(ACTION_FORGET_CONVERSATION), ActionExecuted("action_listen")]
    assert forget_me.ran_in_latest_turn(asked, ACTION_FORGET_CONVERSATION)
    assert not forget_me.ran_in_latest_turn([*asked, UserUttered("hello")], ACTION_FORGET_CONVERSATION)
    assert not forget_me.ran_in_latest_turn([UserUttered("hello")], ACTION_FORGET_CONVERSATION)


def forget_with(store) -> CollectingOutputChannel:
    output = CollectingOutputChannel()
    processor = type("Processor", (), {"tracker_store": store})()
    asyncio.run(forget_me.forget(processor, UserMessage("yes", output, "forgetful")))
    return output


def test_the_person_is_told_only_after_the_deletion(tmp_path: Path) -> None:
    store = open_tracker_store(embedded_settings(tmp_path))
    save(store, "forgetful", conversation("forgetful", time.time()))

    output = forget_with(FailSafeTrackerStore(store))

    assert [m["text"] for m in output.messages] == [forget_me.FORGOTTEN]
    assert stored_events(store, "forgetful") == 0
    store.engine.dispose()


def test_a_failed_deletion_is_said_to_the_person_and_logged_without_the_conversation(
    tmp_path: Path, caplog
) -> None:
    store = open_tracker_store(embedded_settings(tmp_path))
    save(store, "forgetful", conversation("forgetful", time.time()))

    def refuse(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("DELETE", {"sender_id": "forgetful"}, Exception("gone"))

    store.session_scope = refuse
    output = forget_with(store)

    assert [m["text"] for m in output.messages] == [forget_me.FORGET_FAILED]
    assert "gone" in caplog.text and "forgetful" not in caplog.text
    assert "nothing was deleted" in forget_me.FORGET_FAILED


def test_deleting_needs_an_sql_store() -> None:
    output = forget_with(InMemoryTrackerStore(Domain.empty()))
    assert [m["text"] for m in output.messages] == [forget_me.FORGET_FAILED]
    with pytest.raises(TypeError):
        sql_tracker_store(InMemoryTrackerStore(Domain.empty()))
