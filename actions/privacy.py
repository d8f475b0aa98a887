"""'Forget me': ask first, then mark the turn for deletion, or keep everything and carry on.

The deletion itself happens in the Rasa server once the turn is saved
(bot/runtime/forget_me.py), which also tells the person it is done: this server
cannot reach the conversation store, and a deletion during the turn would be
undone when Rasa saves the turn.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ask_pausing_interview, paused_by
from bot.names import (
    ACTION_CONFIRM_FORGET,
    ACTION_FORGET_CONVERSATION,
    ACTION_KEEP_CONVERSATION,
    SYMPTOM_FORM,
)
from bot.texts import say

CONFIRM_QUESTION = say("conversation.forget_question")
KEPT = say("conversation.kept")


class ActionConfirmForget(Action):
    """Asks before deleting, pausing the interview if it runs."""

    def name(self) -> str:
        return ACTION_CONFIRM_FORGET

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        buttons = ((say("conversation.forget_yes"), "/affirm"), (say("conversation.forget_no"), "/deny"))
        return ask_pausing_interview(dispatcher, tracker, CONFIRM_QUESTION, buttons)


class ActionForgetConversation(Action):
    """Marks the turn: the Rasa server deletes the conversation after saving it and confirms."""

    def name(self) -> str:
        return ACTION_FORGET_CONVERSATION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return []


class ActionKeepConversation(Action):
    """Keeps everything and goes back to the interview if the question paused it."""

    def name(self) -> str:
        return ACTION_KEEP_CONVERSATION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if paused_by(tracker.events, ACTION_CONFIRM_FORGET):
            dispatcher.utter_message(text=f"{KEPT} {say('conversation.kept_carry_on')}")
            return [FollowupAction(SYMPTOM_FORM)]
        dispatcher.utter_message(text=f"{KEPT} {say('conversation.kept_anything_else')}")
        return []
