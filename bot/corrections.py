"""Corrections and changes of mind: "actually only the left one", "sorry, both feet", "I meant weeks".

A later answer replaces an earlier one for the same question, and a denied value
("actually I'm not diabetic") leaves a list answer. A message worded as a
correction is read for every answer it gives, even when the classifier took it
for a remark or a question. The person is told what changed, and an assessment
already given is given again, saying what changed since.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from bot.findings import UNKNOWN
from bot.names import ACTION_GIVE_ASSESSMENT
from bot.texts import say

#: Words that mark a message as correcting something said before.
_CUE = re.compile(
    r"\b(?:actually|i\s+meant|i\s+mean|sorry|correction|no\s+wait|wait|my\s+mistake|i\s+was\s+wrong|"
    r"i\s+got\s+that\s+wrong|scratch\s+that|to\s+correct|rather|instead|not\s+the\s+\w+\s*,|change\s+that|"
    r"i\s+misspoke|let\s+me\s+rephrase|on\s+second\s+thought)\b",
    re.IGNORECASE,
)
#: How a slot's values read in "what changed" (their texts); any other value reads as itself.
_LABELS = {
    "one_side": "corrections.one_side",
    "both_sides": "corrections.both_sides",
    "sudden": "corrections.sudden",
    "gradual": "corrections.gradual",
    "worsening": "corrections.worsening",
    "stable": "corrections.stable",
    "improving": "corrections.improving",
    "spreading_upward": "corrections.spreading_upward",
    "comes_and_goes": "corrections.comes_and_goes",
    UNKNOWN: "corrections.not_sure",
}
#: The slots a correction can change, and how each is named in "what changed" (their texts).
_SLOT_NAMES = {
    "body_part": "corrections.where",
    "laterality": "corrections.which_side",
    "onset": "corrections.how_it_started",
    "duration": "corrections.how_long",
    "progression": "corrections.how_it_is_going",
    "risk_factors": "corrections.other_conditions",
}

Change = Tuple[str, Any, Any]  # slot, before, after


def is_correction(text: str) -> bool:
    return bool(_CUE.search(text))


def _said(value: Any) -> bool:
    return value not in (None, UNKNOWN, [])


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> List[Change]:
    """The answers that changed from one stated value to another (a first answer is no change)."""
    return [
        (slot, before[slot], after[slot])
        for slot in _SLOT_NAMES
        if slot in after and _said(before.get(slot)) and after[slot] != before[slot]
    ]


def _label(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_label(v) for v in value) if value else say("corrections.none")
    key = _LABELS.get(str(value))
    return say(key) if key else str(value).replace("_", " ")


def _listed(found: Sequence[Change]) -> str:
    return "; ".join(
        say("corrections.change", question=say(_SLOT_NAMES[slot]), now=_label(new), before=_label(old))
        for slot, old, new in found
    )


def describe(found: Sequence[Change]) -> str:
    """ "Thanks, I've changed that: which side: both sides (before: one side)."""
    return say("corrections.changed", changes=_listed(found))


def updated(found: Sequence[Change]) -> str:
    """The first words of an assessment given again after a change."""
    return say("corrections.updated", changes=_listed(found))


def slots_at_last_assessment(events: Sequence[Mapping[str, Any]]) -> Dict[str, Any] | None:
    """The interview answers as they were when the latest assessment was given, None if none was."""
    slots: Dict[str, Any] = {}
    at_assessment: Dict[str, Any] | None = None
    for event in events:
        kind = event.get("event")
        if kind in ("restart", "session_started"):
            slots, at_assessment = {}, None
        elif kind == "slot" and event.get("name") in _SLOT_NAMES:
            slots[event["name"]] = event.get("value")
        elif kind == "action" and event.get("name") == ACTION_GIVE_ASSESSMENT:
            at_assessment = dict(slots)
    return at_assessment
