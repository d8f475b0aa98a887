"""The structured replies (`custom` payloads) as words, for channels that show text.

Every channel puts the triage level into words, so that nobody has to rely on
a colour. No Rasa import: the terminal client uses this too.
"""

from __future__ import annotations

from typing import Any, Mapping, TypeGuard

CLINICAL_TYPES = ("assessment", "emergency")
TRIAGE_LABELS = {
    "emergency": "Emergency: get help now",
    "see_clinician": "See a clinician",
    "self_care": "Self-care: keep an eye on it",
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
        return "EMERGENCY: call your local emergency number now"
    level = str(payload.get("triage_level", ""))
    return f"Triage level: {TRIAGE_LABELS.get(level, level)}"


def summary(payload: Mapping[str, Any]) -> list[str]:
    """A few short lines that stand above the full text: the level and the causes by name."""
    lines = [heading(payload)]
    names = [str(c.get("name") or c.get("id")) for c in payload.get("possible_causes") or []]
    if names:
        lines.append("Possible causes: " + ", ".join(names))
    return lines
