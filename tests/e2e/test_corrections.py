"""Corrections and changes of mind, end to end: the new answer replaces the old one, the person is
told what changed, and an assessment already given is given again with the change."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

pytestmark = pytest.mark.e2e

EVERYTHING = (
    "both my feet have been numb and tingling for about a year, it came on gradually and is slowly "
    "getting worse, I'm type 2 diabetic"
)


def sender() -> str:
    return f"fix-{uuid.uuid4().hex[:12]}"


def text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def assessments(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [
        m["custom"]
        for m in messages
        if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "assessment"
    ]


def test_one_foot_corrected_to_both_in_the_next_message(assistant) -> None:
    me = sender()
    assistant.send(me, "my left foot has been numb for a few months")
    assert assistant.tracker(me)["slots"]["laterality"] == "one_side"
    reply = text(assistant.send(me, "sorry, I meant both feet"))
    assert assistant.tracker(me)["slots"]["laterality"] == "both_sides"
    assert "I've changed that" in reply


def test_actually_only_the_left_one(assistant) -> None:
    me = sender()
    assistant.send(me, "both my feet have been numb for months")
    assistant.send(me, "actually only the left one")
    assert assistant.tracker(me)["slots"]["laterality"] == "one_side"


def test_a_place_given_for_which_side_is_asked_about_specifically(assistant) -> None:
    me = sender()
    assistant.send(me, "I have numbness in my feet")
    slots = assistant.tracker(me)["slots"]
    if slots["requested_slot"] != "laterality":
        pytest.fail(f"expected the side question first, got {slots['requested_slot']}")
    reply = text(assistant.send(me, "toes"))
    assert "You said \u201ctoes\u201d" in reply
    assert assistant.tracker(me)["slots"]["laterality"] is None


def test_a_change_after_the_assessment_brings_a_new_one_that_says_what_changed(assistant) -> None:
    me = sender()
    assistant.send(me, EVERYTHING)
    first = assessments(assistant.send(me, "no, none of those"))
    assert first and first[0]["triage_level"] == "see_clinician"
    messages = assistant.send(me, "actually, sorry, it's only in my left foot, not both")
    again = assessments(messages)
    assert again, text(messages)
    assert "Here is my answer again with what you changed" in text(messages)
    assert "which side: one side (before: both sides)" in text(messages)
    assert assistant.tracker(me)["slots"]["laterality"] == "one_side"
