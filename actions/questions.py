"""Educational questions, answered from the knowledge base at any point."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import advice_for_who_is_asking, all_findings, latest_entities, latest_intent
from bot import questions
from bot.knowledge import load_knowledge_base
from bot.names import ACTION_ANSWER_QUESTION


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return ACTION_ANSWER_QUESTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = questions.answer(
            intent=latest_intent(tracker),
            text=(tracker.latest_message or {}).get("text") or "",
            entities=latest_entities(tracker),
            possible_causes=tracker.get_slot("possible_causes"),
            kb=load_knowledge_base(),
            described=bool(
                tracker.active_loop.get("name")
                or tracker.get_slot("triage_level")
                or all_findings(tracker).statements().has("symptom")
            ),
        )
        for advice in advice_for_who_is_asking(tracker):
            dispatcher.utter_message(text=advice)
        dispatcher.utter_message(text=text)
        return []
