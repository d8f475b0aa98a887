"""The assessment: triage, possible causes with the reasons, next steps."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import all_findings, end_interview
from actions.summary import send_summary
from bot import corrections
from bot.conversation import turns_from_events
from bot.interview import unsure_flags
from bot.interview_questions import INTERVIEW_ORDER
from bot.knowledge import load_knowledge_base
from bot.names import ACTION_GIVE_ASSESSMENT
from bot.reasoning import assess
from bot.replies import MAX_CAUSES, assessment_reply, emergency_reply
from bot.texts import say
from bot.who_is_asking import advice, who_is_asking


class ActionGiveAssessment(Action):
    def name(self) -> str:
        return ACTION_GIVE_ASSESSMENT

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        findings = all_findings(tracker)
        asker = who_is_asking(turn.text for turn in turns_from_events(tracker.events))
        assessment = assess(
            findings,
            screen_positive=tracker.get_slot("red_flag_screen") == "present",
            unsure_flags=unsure_flags(tracker.get_slot("red_flag_answers")),
            asker=asker,
        )
        if assessment.triage_level != "emergency" and not len(findings.statements()):
            dispatcher.utter_message(text=say("conversation.nothing_yet"))
            return end_interview(tracker)
        kb = load_knowledge_base()
        if assessment.triage_level == "emergency":
            reply = emergency_reply(assessment.red_flags, kb)
        else:
            partial = any(tracker.get_slot(slot) is None for slot in INTERVIEW_ORDER)
            first = advice(asker, kb)
            before = corrections.slots_at_last_assessment(tracker.events)
            changed = corrections.changes(before or {}, {s: tracker.get_slot(s) for s in INTERVIEW_ORDER})
            if changed:
                first.append(corrections.updated(changed))
            reply = assessment_reply(assessment, kb, partial=partial, first=first)
        dispatcher.utter_message(text=reply.text, json_message=reply.payload)
        send_summary(dispatcher, tracker)
        return [
            SlotSet("triage_level", assessment.triage_level),
            SlotSet("possible_causes", [m.cause for m in assessment.top(MAX_CAUSES)]),
            SlotSet("red_flags", list(assessment.red_flags)),
            *end_interview(tracker),
        ]
