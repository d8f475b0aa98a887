"""The summary to show a clinician: its links, after every assessment or emergency and when asked."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.names import ACTION_GIVE_SUMMARY
from bot.settings import Settings
from bot.summary.links import summary_links
from bot.texts import say


def send_summary(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A message with the `summary` payload of the shared spec and its links in words."""
    payload = summary_links(Settings.from_env()).payload(tracker.sender_id)
    expires_text = payload["expires"].replace("T", " ")[:16]
    text = say(
        "conversation.summary_offer", pdf=payload["pdf"], html=payload["html"], expires_text=expires_text
    )
    dispatcher.utter_message(text=text, json_message=payload)


class ActionGiveSummary(Action):
    def name(self) -> str:
        return ACTION_GIVE_SUMMARY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        send_summary(dispatcher, tracker)
        return []
