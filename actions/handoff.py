"""Requests for a person: point to a clinician (the contact is configurable)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.names import ACTION_HANDOFF
from bot.settings import Settings
from bot.texts import say


class ActionHandoff(Action):
    def name(self) -> str:
        return ACTION_HANDOFF

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        contact = Settings.from_env().human_contact
        dispatcher.utter_message(text=say("conversation.handoff", contact=contact))
        return []
