"""Which side, asked more specifically when the person answered where instead.

Rasa's form asks `action_ask_laterality` for the slot `laterality`. After an
answer that named a place but no side ("toes"), it asks about that place
("You said “toes”. Is that on both sides, or only on one side?"); otherwise it
asks the domain's question (`utter_ask_laterality`).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_entities
from bot import interview
from bot.names import ACTION_ASK_LATERALITY
from bot.texts import say

QUESTION = "utter_ask_laterality"


class ActionAskLaterality(Action):
    def name(self) -> str:
        return ACTION_ASK_LATERALITY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        asked = tracker.get_slot("requested_slot") == "laterality"
        part = interview.part_without_side(text, latest_entities(tracker)) if asked else None
        if part is None:
            dispatcher.utter_message(response=QUESTION)
            return []
        buttons = (domain.get("responses", {}).get(QUESTION) or [{}])[0].get("buttons") or []
        dispatcher.utter_message(text=say("conversation.which_side", part=part), buttons=buttons)
        return []
