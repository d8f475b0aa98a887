"""Which replies a resent message gets (bot/runtime/resent_messages.py)."""

from __future__ import annotations

from collections import deque

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.runtime.resent_messages import replies_to

EVENTS = deque(  # as a tracker holds them
    [
        UserUttered("my feet are numb", message_id="first"),
        ActionExecuted("action_interview"),
        BotUttered("Is it in both feet?", {"buttons": [{"title": "both", "payload": "both"}]}),
        SlotSet("body_part", "feet"),
        BotUttered("Thanks."),
        UserUttered("both", message_id="second"),
        BotUttered("How long has it been?"),
    ]
)


def test_a_resent_message_gets_the_replies_of_its_own_turn_only() -> None:
    replies = replies_to(EVENTS, "first")

    assert replies == [
        {"text": "Is it in both feet?", "buttons": [{"title": "both", "payload": "both"}]},
        {"text": "Thanks."},
    ]


def test_the_latest_turn_is_found_too() -> None:
    assert replies_to(EVENTS, "second") == [{"text": "How long has it been?"}]


def test_a_message_not_taken_in_yet_is_handled() -> None:
    assert replies_to(EVENTS, "third") is None
