"""The emergency reply, predicted by bot.graph.red_flag_policy before anything else."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import all_findings, end_interview, latest_findings, latest_intent
from actions.summary import send_summary
from bot import red_flags
from bot.knowledge import load_knowledge_base
from bot.names import ACTION_EMERGENCY
from bot.replies import emergency_reply


class ActionEmergency(Action):
    def name(self) -> str:
        return ACTION_EMERGENCY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        conversation = all_findings(tracker)
        flags = red_flags.emergency_flags(
            latest_findings(tracker),
            conversation,
            latest_intent(tracker),
            tracker.get_slot("requested_slot"),
            tracker.get_slot("red_flag_asking"),
        ) or red_flags.detect(conversation)
        reply = emergency_reply(flags, load_knowledge_base())
        dispatcher.utter_message(text=reply.text, json_message=reply.payload)
        send_summary(dispatcher, tracker)  # for whoever attends
        known = tracker.get_slot("red_flags") or []
        return [
            SlotSet("triage_level", "emergency"),
            SlotSet("red_flags", known + [f for f in flags if f not in known]),
            *end_interview(tracker),
        ]
