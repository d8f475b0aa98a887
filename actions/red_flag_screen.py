"""The red-flag screen question, made from the red flags' records (bot/warning_signs.py).

Rasa's form asks `action_ask_red_flag_screen` for the slot `red_flag_screen`: the
question depends on what the person said and answered so far (bot.interview.screen_question),
and the whole list met with a question back becomes one short question per sign.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import all_findings, latest_intent
from bot import interview
from bot.names import ACTION_ASK_RED_FLAG_SCREEN


class ActionAskRedFlagScreen(Action):
    def name(self) -> str:
        return ACTION_ASK_RED_FLAG_SCREEN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        question, asking = interview.screen_question(
            tracker.get_slot("red_flag_asking"),
            tracker.get_slot("red_flag_answers"),
            all_findings(tracker),
            latest_intent(tracker),
        )
        buttons = [{"title": title, "payload": payload} for title, payload in interview.YES_NO_NOT_SURE]
        dispatcher.utter_message(text=question, buttons=buttons)
        return [SlotSet("red_flag_asking", asking)]
