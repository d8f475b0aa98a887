"""Reading a rasa-sdk tracker into the domain core's terms."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation import findings_from_events, turns_from_events
from bot.findings import Findings
from bot.knowledge import load_knowledge_base
from bot.who_is_asking import newly_said


def all_findings(tracker: Tracker) -> Findings:
    return findings_from_events(tracker.events)


def latest_findings(tracker: Tracker) -> Findings:
    turns = turns_from_events(tracker.events)
    return Findings.from_turns(turns[-1:])


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("intent", {}).get("name") or "")


def latest_entities(tracker: Tracker) -> List[Dict[str, Any]]:
    return list((tracker.latest_message or {}).get("entities") or [])


def advice_for_who_is_asking(tracker: Tracker) -> List[str]:
    """Advice for a child or a pregnant woman, when the latest message is the first to say so."""
    texts = [turn.text for turn in turns_from_events(tracker.events)]
    return newly_said(texts, load_knowledge_base()) if texts else []


def end_interview(tracker: Tracker) -> List[EventType]:
    """Events that close the interview if it is running."""
    if tracker.active_loop.get("name"):
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


def ask_pausing_interview(
    dispatcher: CollectingDispatcher, tracker: Tracker, question: str, buttons: Sequence[Tuple[str, str]]
) -> List[EventType]:
    """Asks a yes-or-no question of our own and pauses the interview if it runs, so that the
    answer is not taken as the answer to the interview's question (a "yes" to the red-flag
    screen would be an emergency, a "no" would rule the red flags out)."""
    dispatcher.utter_message(text=question, buttons=[{"title": t, "payload": p} for t, p in buttons])
    return end_interview(tracker)


def paused_by(events: Sequence[Mapping[str, Any]], action: str) -> bool:
    """Whether the interview is paused by `action`'s question: the latest change of the running form
    closed it, among the events `action` returned (logged right after it). Asking the same question
    again, after answering one of the person's in between, leaves it paused by the first asking."""
    closed_by: str | None = None
    last_action: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "action":
            last_action = event.get("name")
        elif kind == "active_loop":
            closed_by = last_action if event.get("name") is None else None
        elif kind in ("restart", "session_started"):
            closed_by = None
    return closed_by == action
