"""The structured replies (`custom` payloads) as words, for channels that show text.

Every channel puts the triage level into words, so that nobody has to rely on
a colour. No Rasa import: the terminal client uses this too.
"""

from __future__ import annotations

from typing import Any, Mapping, TypeGuard

from bot.texts import say

CLINICAL_TYPES = ("assessment", "emergency")
#: Each triage level's label in the catalogue (bot/texts/en/triage.yml).
TRIAGE_LABEL_KEYS = {
    "emergency": "triage.emergency",
    "see_clinician": "triage.see_clinician",
    "self_care": "triage.self_care",
}


SUMMARY_TYPE = "summary"
SUMMARY_FILE_NAME = "summary-for-your-clinician.pdf"


def is_summary(payload: Any) -> bool:
    """The links to the summary for the clinician (bot/summary/links.py)."""
    return isinstance(payload, Mapping) and payload.get("type") == SUMMARY_TYPE


def is_clinical(payload: Any) -> TypeGuard[Mapping[str, Any]]:
    """True for the assistant's own payloads (bot/vocabulary.yml), not a channel-native custom message."""
    return isinstance(payload, Mapping) and payload.get("type") in CLINICAL_TYPES


def heading(payload: Mapping[str, Any]) -> str:
    if payload.get("type") == "emergency":
        return say("triage.emergency_heading")
    level = str(payload.get("triage_level", ""))
    return say(
        "triage.level_heading", label=say(TRIAGE_LABEL_KEYS[level]) if level in TRIAGE_LABEL_KEYS else level
    )


def summary(payload: Mapping[str, Any]) -> list[str]:
    """A few short lines that stand above the full text: the level and the causes by name."""
    lines = [heading(payload)]
    names = [str(c.get("name") or c.get("id")) for c in payload.get("possible_causes") or []]
    if names:
        lines.append(say("channels.possible_causes", causes=", ".join(names)))
    return lines
