"""The symptom interview form's slot filling."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.conversation import advice_for_who_is_asking, latest_entities, latest_findings, latest_intent
from bot import corrections, interview, red_flags
from bot.interview_questions import INTERVIEW_ORDER
from bot.names import UNSURE_INTENT, VALIDATE_SYMPTOM_FORM


class ValidateSymptomForm(FormValidationAction):
    """Fills every interview slot the latest message answers (see bot.interview). An answer
    not understood is met with a request to rephrase (a rule); the second in a row, or an answer
    the form cannot use said again word for word, is noted as not sure, so that the form fills
    the slot and goes on (with nothing filled, it would stop)."""

    def name(self) -> str:
        return VALIDATE_SYMPTOM_FORM

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        known = {slot: tracker.get_slot(slot) for slot in INTERVIEW_ORDER}
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        confidence = float((tracker.latest_message or {}).get("intent", {}).get("confidence") or 0.0)
        filled = interview.answers(
            text=(tracker.latest_message or {}).get("text") or "",
            entities=latest_entities(tracker),
            intent=intent,
            requested_slot=requested,
            known=known,
            confidence=confidence,
        )
        events: List[EventType] = []
        for advice in advice_for_who_is_asking(tracker):
            dispatcher.utter_message(text=advice)
        if requested == "red_flag_screen":
            filled.pop(requested, None)
            if interview.answers_the_screen(intent, confidence):
                events += self._screen(tracker, intent, filled)
        elif requested == "laterality" and "laterality" not in filled and self._asked_twice(tracker):
            filled[requested] = interview.unanswered(requested)
        elif requested and requested not in filled and self._cannot_answer(tracker, intent, requested):
            filled[requested] = interview.unanswered(requested)
            dispatcher.utter_message(text=interview.NOTED_AS_NOT_SURE)
        changed = corrections.changes(known, filled)
        if changed and requested != "red_flag_screen":
            dispatcher.utter_message(text=corrections.describe(changed))
        events += [SlotSet(s, v) for s, v in filled.items() if v != known.get(s)]
        urgent = intent == "report_red_flag" or red_flags.mentions_a_part(latest_findings(tracker))
        first = interview.question_out_of_order({**known, **filled}, urgent)
        if first:
            events.append(SlotSet("requested_slot", first))
        return events

    @staticmethod
    def _screen(tracker: Tracker, intent: str, filled: Dict[str, Any]) -> List[EventType]:
        """A red-flag screen answer: only an explicit "no" clears a sign; anything unclear asks the
        signs one at a time (bot.interview.screen_step)."""
        asking = tracker.get_slot("red_flag_asking")
        text = (tracker.latest_message or {}).get("text") or ""
        reply = interview.screen_reply(text, intent, latest_entities(tracker), asking)
        step = interview.screen_step(asking, tracker.get_slot("red_flag_answers") or {}, reply)
        if step.screen is not None:
            filled["red_flag_screen"] = step.screen
        return [SlotSet("red_flag_asking", step.asking), SlotSet("red_flag_answers", step.answers)]

    @staticmethod
    def _asked_twice(tracker: Tracker) -> bool:
        """Which side, asked again after an answer that gave only where: the second such answer is
        noted as not sure, so that the question is not asked a third time."""
        return interview.answers_while_asked(tracker.events, "laterality") >= 2

    @staticmethod
    def _cannot_answer(tracker: Tracker, intent: str, requested: str) -> bool:
        """Not understood twice in a row, or an unusable answer said again word for word."""
        events = tracker.events
        not_understood = interview.not_understood_in_a_row(events, requested)
        if intent == UNSURE_INTENT and not_understood >= interview.MAX_NOT_UNDERSTOOD:
            return True
        return interview.repeated_while_asked(events, requested)
