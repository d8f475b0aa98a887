"""Reads a conversation's events (Rasa's JSON event dicts) into user turns.

The findings are derived from the events every time they are needed, rather
than kept in a slot: the tracker store already holds every message, so there
is one source of truth. Works on rasa-sdk's event dicts and on
`event.as_dict()` of Rasa's own events alike.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from bot.findings import Findings, Turn
from bot.interview_questions import INTERVIEW_ORDER

RESETS = ("restart", "session_started")


def turns_from_events(events: Sequence[Mapping[str, Any]]) -> List[Turn]:
    turns: List[Turn] = []
    answers: Dict[str, Any] = {}

    def close() -> None:
        if turns and answers:
            last = turns[-1]
            turns[-1] = Turn(last.text, last.entities, tuple(answers.items()), last.intent)
        answers.clear()

    for event in events:
        kind = event.get("event")
        if kind in RESETS:
            turns.clear()
            answers.clear()
        elif kind == "user":
            close()
            parse = event.get("parse_data") or {}
            turns.append(
                Turn(
                    text=str(event.get("text") or ""),
                    entities=tuple(parse.get("entities") or ()),
                    intent=(parse.get("intent") or {}).get("name"),
                )
            )
        elif kind == "slot" and event.get("name") in INTERVIEW_ORDER and event.get("value") is not None:
            answers[event["name"]] = event["value"]
    close()
    return turns


def findings_from_events(events: Sequence[Mapping[str, Any]]) -> Findings:
    return Findings.from_turns(turns_from_events(events))
