"""The symptom interview form's slot filling."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import latest_entities, latest_intent
from bot import interview


class ValidateSymptomForm(FormValidationAction):
    """Fills every interview slot the latest message answers (see bot.interview)."""

    def name(self) -> Text:
        return "validate_symptom_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        known = {slot: tracker.get_slot(slot) for slot in interview.INTERVIEW_ORDER}
        filled = interview.answers(
            text=(tracker.latest_message or {}).get("text") or "",
            entities=latest_entities(tracker),
            intent=latest_intent(tracker),
            requested_slot=tracker.get_slot("requested_slot"),
            known=known,
        )
        return [SlotSet(slot, value) for slot, value in filled.items() if value != known.get(slot)]
