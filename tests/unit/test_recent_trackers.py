"""The tracker store's memory of recent conversations (bot/runtime/tracker_store.py), on SQLite and on
PostgreSQL, never answers with an outdated conversation: what another server added, a turn that was
not saved, a deletion or a new session are all read from the database, and a conversation brought up
to date from memory is exactly what a full read gives."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
import sqlalchemy as sa
from local_postgres import temporary_database
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.conversation_deletion import delete_conversation, open_tracker_store
from bot.runtime.tracker_store import CachedSQLTrackerStore, RecentTrackers
from bot.settings import DatabaseSettings, RedisSettings, Settings

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

Stores = Callable[[], CachedSQLTrackerStore]  # a new server's store on the same database


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[DatabaseSettings]:
    yield from temporary_database("recent_trackers_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "sqlite":
        settings = replace(Settings.from_env({}), tracker_db=tmp_path / "tracker.db")
    else:
        redis = RedisSettings(host="127.0.0.1", port=6379, db=1, password=None, key_prefix=None)
        database = request.getfixturevalue("postgres_database")
        settings = replace(Settings.from_env({}), profile="production", database=database, redis=redis)
    opened: List[CachedSQLTrackerStore] = []

    def new_store() -> CachedSQLTrackerStore:
        opened.append(open_tracker_store(settings))
        opened[-1].domain = DOMAIN
        return opened[-1]

    yield new_store
    for each in opened:
        each.engine.dispose()


@pytest.fixture
def sender() -> str:  # the PostgreSQL database is shared by the module's tests
    return f"person-{uuid.uuid4().hex[:8]}"


def answer(tracker: DialogueStateTracker, text: str, laterality: str) -> None:
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 0.9}))
    tracker.update(SlotSet("laterality", laterality))
    tracker.update(ActionExecuted("action_listen"))


def rows(store: CachedSQLTrackerStore, sender_id: str) -> int:
    events = store.SQLEvent.__table__
    with store.engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(events).where(events.c.sender_id == sender_id)
        return connection.execute(query).scalar()


def started(store: Stores, sender_id: str) -> CachedSQLTrackerStore:
    """A store that has saved a conversation's opening and answered one question since."""
    first = store()
    run(first.save(DialogueStateTracker.from_events(sender_id, OPENING, DOMAIN.slots)))
    tracker = run(first.retrieve(sender_id))
    answer(tracker, "both", "both_sides")
    run(first.save(tracker))
    return first


def test_turn_after_turn_every_event_is_stored_once_and_read_back(store: Stores, sender: str) -> None:
    first = started(store, sender)
    tracker = run(first.retrieve(sender))
    answer(tracker, "actually just the left", "left")
    run(first.save(tracker))

    again = run(store().retrieve(sender))
    assert rows(first, sender) == len(OPENING) + 6
    assert again.get_slot("laterality") == "left"
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in run(first.retrieve(sender)).events]


@pytest.mark.slow
def test_thousands_of_events_in_one_save_are_all_stored(store: Stores, sender: str) -> None:
    """As when the HTTP API replaces a conversation: more rows than one statement of SQLite's default
    build may carry."""
    tracker = DialogueStateTracker.from_events(sender, OPENING, DOMAIN.slots)
    for number in range(2000):
        answer(tracker, f"answer {number}", "left" if number % 2 else "right")
    first = store()
    run(first.save(tracker))

    assert rows(first, sender) == len(OPENING) + 6000
    again = run(store().retrieve(sender))
    assert again.latest_message.text == "answer 1999"
    assert again.get_slot("laterality") == "left"


def test_what_another_server_added_is_read(store: Stores, sender: str) -> None:
    first = started(store, sender)
    assert run(first.retrieve(sender)).get_slot("laterality") == "both_sides"

    other = store()  # a second replica on the same database
    for text, laterality in [("only the right one", "right"), ("no, both", "both_sides"), ("left", "left")]:
        tracker = run(other.retrieve(sender))
        answer(tracker, text, laterality)
        run(other.save(tracker))
        mine = run(first.retrieve(sender))  # the turns alternate between the replicas
        answer(mine, f"{text}, I said", laterality)
        run(first.save(mine))

    remembered = run(first.retrieve(sender))
    fresh = run(store().retrieve(sender))
    assert remembered.get_slot("laterality") == "left"
    assert [e.as_dict() for e in remembered.events] == [e.as_dict() for e in fresh.events]
    assert rows(first, sender) == len(OPENING) + 3 + 6 * 3


def test_a_turn_that_was_not_saved_is_not_remembered(store: Stores, sender: str) -> None:
    first = started(store, sender)
    tracker = run(first.retrieve(sender))
    answer(tracker, "the left", "left")  # the turn fails before the save

    assert run(first.retrieve(sender)).get_slot("laterality") == "both_sides"


def test_a_deleted_conversation_is_forgotten_at_once(store: Stores, sender: str) -> None:
    first = started(store, sender)
    run(first.retrieve(sender))
    assert len(first.recent) == 1

    delete_conversation(first, sender)

    assert len(first.recent) == 0
    assert run(first.retrieve(sender)) is None


def test_a_conversation_deleted_by_another_process_is_not_served(store: Stores, sender: str) -> None:
    first = started(store, sender)
    run(first.retrieve(sender))

    delete_conversation(store(), sender)  # `make forget-old`, say

    assert run(first.retrieve(sender)) is None


def test_after_a_deletion_elsewhere_only_the_new_conversation_is_served(store: Stores, sender: str) -> None:
    first = started(store, sender)
    remembered = run(first.retrieve(sender))
    stored = rows(first, sender)

    other = store()
    delete_conversation(other, sender)
    # The person writes again, without a session start (as the HTTP API may append events). SQLite
    # hands out the deleted rows' ids again: there the remembered newest id exists once more.
    again = DialogueStateTracker.from_events(sender, OPENING[2:], DOMAIN.slots)
    answer(again, "the left", "left")
    answer(again, "no, the right", "right")
    run(other.save(again))
    assert rows(first, sender) > stored

    tracker = run(first.retrieve(sender))
    assert tracker is not remembered
    assert [e.as_dict() for e in tracker.events] == [e.as_dict() for e in again.events]


def test_a_new_session_is_read_as_rasa_reads_it(store: Stores, sender: str) -> None:
    first = started(store, sender)
    tracker = run(first.retrieve(sender))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    run(first.save(tracker))

    again = run(first.retrieve(sender))
    assert isinstance(again.events[0], SessionStarted)
    assert again.get_slot("laterality") is None
    assert len(again.events) == len(run(store().retrieve(sender)).events)


def test_idle_conversations_leave_memory(sender: str) -> None:
    now = [0.0]
    recent = RecentTrackers(size=10, idle_s=600, clock=lambda: now[0])
    tracker = DialogueStateTracker.from_events(sender, OPENING[1:], DOMAIN.slots)
    recent.put(tracker, 7)
    assert recent.get(sender).tracker is tracker
    now[0] = 601.0
    assert recent.get(sender) is None
    assert len(recent) == 0


def test_memory_holds_at_most_its_size() -> None:
    recent = RecentTrackers(size=3, idle_s=600)
    for number in range(5):
        recent.put(DialogueStateTracker.from_events(f"person-{number}", OPENING[1:], DOMAIN.slots), number)
    assert len(recent) == 3
    assert recent.get("person-0") is None
    assert recent.get("person-4") is not None
