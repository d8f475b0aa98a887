"""The reply to symptoms described for someone else, predicted by bot.graph.someone_else_policy."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_findings
from bot.names import ACTION_ABOUT_SOMEONE_ELSE
from bot.someone_else import someone_else_reply


class ActionAboutSomeoneElse(Action):
    def name(self) -> str:
        return ACTION_ABOUT_SOMEONE_ELSE

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=someone_else_reply(latest_findings(tracker)))
        return []
