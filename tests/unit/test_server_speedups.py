"""The Rasa server's speed-ups keep their guarantees: conversations survive a
restart of the tracker store, and a malformed action server answer is still refused."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.runtime import action_response
from bot.runtime.tracker_store import SQLiteTrackerStore

DOMAIN = Domain.from_yaml(
    """
    version: "3.1"
    intents: [describe_symptoms]
    slots:
      laterality:
        type: text
        mappings: [{type: custom}]
    """
)


def test_a_conversation_survives_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    tracker = DialogueStateTracker.from_events(
        "person-1",
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("both my feet are numb", {"name": "describe_symptoms", "confidence": 0.9}),
            SlotSet("laterality", "both_sides"),
        ],
        DOMAIN.slots,
    )
    asyncio.run(SQLiteTrackerStore(DOMAIN, db=str(db), dialect="sqlite").save(tracker))

    restored = asyncio.run(SQLiteTrackerStore(DOMAIN, db=str(db)).retrieve("person-1"))

    assert restored is not None
    assert restored.latest_message.text == "both my feet are numb"
    assert restored.get_slot("laterality") == "both_sides"
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.fixture
def remote_action() -> RemoteAction:
    action_response.install()
    return RemoteAction("action_give_assessment", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_a_well_formed_action_answer_is_accepted(remote_action: RemoteAction) -> None:
    answer = {
        "events": [{"event": "slot", "name": "laterality", "value": "both_sides"}],
        "responses": [{"text": "Thanks."}],
    }
    assert remote_action._validate_action_result(answer)


@pytest.mark.parametrize(
    "answer",
    [
        {"events": [{"event": "slot", "name": 3}], "responses": []},  # a slot name must be text
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_a_malformed_action_answer_is_refused_with_rasas_message(
    remote_action: RemoteAction, answer: dict
) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        remote_action._validate_action_result(answer)
