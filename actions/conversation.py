"""Reading a rasa-sdk tracker into the domain core's terms."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet

from bot.conversation import findings_from_events, turns_from_events
from bot.findings import Findings

INTERVIEW_FORM = "symptom_form"


def all_findings(tracker: Tracker) -> Findings:
    return findings_from_events(tracker.events)


def latest_findings(tracker: Tracker) -> Findings:
    turns = turns_from_events(tracker.events)
    return Findings.from_turns(turns[-1:])


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("intent", {}).get("name") or "")


def latest_entities(tracker: Tracker) -> List[Dict[str, Any]]:
    return list((tracker.latest_message or {}).get("entities") or [])


def end_interview(tracker: Tracker) -> List[EventType]:
    """Events that close the interview if it is running."""
    if tracker.active_loop.get("name"):
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []
