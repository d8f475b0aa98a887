"""The tracker store's memory of recent conversations (bot/graph/tracker_store.py) never
answers with an outdated conversation: what another server added, a turn that was not
saved, a deletion or a new session are all read from the database."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.graph.conversation_deletion import delete_conversation
from bot.graph.tracker_store import RecentTrackers, SQLiteTrackerStore

DOMAIN = Domain.from_yaml(
    """
    version: "3.1"
    intents: [describe_symptoms, inform]
    slots:
      laterality:
        type: text
        mappings: [{type: custom}]
    """
)
OPENING: List[Event] = [
    ActionExecuted("action_session_start"),
    SessionStarted(),
    ActionExecuted("action_listen"),
    UserUttered("my feet are numb", {"name": "describe_symptoms", "confidence": 0.9}),
    BotUttered("Is it one foot or both?"),
    ActionExecuted("action_listen"),
]


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


def store(db: Path) -> SQLiteTrackerStore:
    return SQLiteTrackerStore(DOMAIN, db=str(db))


def answer(tracker: DialogueStateTracker, text: str, laterality: str) -> None:
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 0.9}))
    tracker.update(SlotSet("laterality", laterality))
    tracker.update(ActionExecuted("action_listen"))


def rows(db: Path, sender_id: str) -> int:
    return (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender_id,))
        .fetchone()[0]
    )


def started(db: Path, sender_id: str = "person-1") -> SQLiteTrackerStore:
    """A store that has saved a conversation's opening and answered one question since."""
    first = store(db)
    run(first.save(DialogueStateTracker.from_events(sender_id, OPENING, DOMAIN.slots)))
    tracker = run(first.retrieve(sender_id))
    answer(tracker, "both", "both_sides")
    run(first.save(tracker))
    return first


def test_turn_after_turn_every_event_is_stored_once_and_read_back(db: Path) -> None:
    first = started(db)
    tracker = run(first.retrieve("person-1"))
    answer(tracker, "actually just the left", "left")
    run(first.save(tracker))

    again = run(store(db).retrieve("person-1"))
    assert rows(db, "person-1") == len(OPENING) + 6
    assert again.get_slot("laterality") == "left"
    assert [e.as_dict() for e in again.events] == [
        e.as_dict() for e in run(first.retrieve("person-1")).events
    ]


def test_what_another_server_added_is_read(db: Path) -> None:
    first = started(db)
    assert run(first.retrieve("person-1")).get_slot("laterality") == "both_sides"

    other = store(db)  # a second replica on the same database
    tracker = run(other.retrieve("person-1"))
    answer(tracker, "only the right one", "right")
    run(other.save(tracker))

    assert run(first.retrieve("person-1")).get_slot("laterality") == "right"


def test_a_turn_that_was_not_saved_is_not_remembered(db: Path) -> None:
    first = started(db)
    tracker = run(first.retrieve("person-1"))
    answer(tracker, "the left", "left")  # the turn fails before the save

    assert run(first.retrieve("person-1")).get_slot("laterality") == "both_sides"


def test_a_deleted_conversation_is_forgotten_at_once(db: Path) -> None:
    first = started(db)
    run(first.retrieve("person-1"))
    assert len(first.recent) == 1

    delete_conversation(first, "person-1")

    assert len(first.recent) == 0
    assert run(first.retrieve("person-1")) is None


def test_a_conversation_deleted_by_another_process_is_not_served(db: Path) -> None:
    first = started(db)
    run(first.retrieve("person-1"))

    delete_conversation(store(db), "person-1")  # `make forget-old`, say

    assert run(first.retrieve("person-1")) is None


def test_a_new_session_is_read_as_rasa_reads_it(db: Path) -> None:
    first = started(db)
    tracker = run(first.retrieve("person-1"))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    run(first.save(tracker))

    again = run(first.retrieve("person-1"))
    assert isinstance(again.events[0], SessionStarted)
    assert again.get_slot("laterality") is None
    assert len(again.events) == len(run(store(db).retrieve("person-1")).events)


def test_idle_conversations_leave_memory() -> None:
    now = [0.0]
    recent = RecentTrackers(size=10, idle_s=600, clock=lambda: now[0])
    tracker = DialogueStateTracker.from_events("person-1", OPENING[1:], DOMAIN.slots)
    recent.put(tracker, 7)
    assert recent.get("person-1", 7) is tracker
    now[0] = 601.0
    assert recent.get("person-1", 7) is None
    assert len(recent) == 0


def test_memory_holds_at_most_its_size() -> None:
    recent = RecentTrackers(size=3, idle_s=600)
    for number in range(5):
        recent.put(DialogueStateTracker.from_events(f"person-{number}", OPENING[1:], DOMAIN.slots), number)
    assert len(recent) == 3
    assert recent.get("person-0", 0) is None
    assert recent.get("person-4", 4) is not None
