"""Starting over (Rasa's default restart, with a word to the person)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted
from rasa_sdk.executor import CollectingDispatcher

# Starting over does not delete anything: "delete my data" does (actions/privacy.py).
START_OVER = (
    "Let's start again: I won't use what you told me before. It stays in my records unless you say "
    '"delete my data". Tell me what you are feeling in your feet.'
)


class ActionRestart(Action):
    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=START_OVER)
        return [Restarted()]
