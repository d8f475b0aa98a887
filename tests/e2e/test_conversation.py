"""End to end over REST against the real action server and Rasa server:
the paths a person notices."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

pytestmark = pytest.mark.e2e


def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


def payload(messages: List[Dict[str, Any]], kind: str) -> Dict[str, Any]:
    found = [
        m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == kind
    ]
    assert found, f"no {kind} payload in {messages}"
    return found[0]


def text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_greeting_carries_the_disclaimer(assistant) -> None:
    reply = text(assistant.send(sender(), "hello"))
    assert "not a diagnosis" in reply and "emergency" in reply


def test_what_causes_numb_feet_is_answered_from_the_knowledge_base(assistant) -> None:
    from bot.knowledge import load_knowledge_base

    reply = text(assistant.send(sender(), "what causes numb feet?"))
    assert load_knowledge_base().overview_causes in reply


def test_a_first_message_that_says_everything_leaves_only_the_red_flag_screen(assistant) -> None:
    me = sender()
    first = assistant.send(
        me,
        "both my feet have been numb and tingling for about a year, it came on "
        "gradually and is slowly getting worse, I'm type 2 diabetic",
    )
    assert assistant.tracker(me)["slots"]["requested_slot"] == "red_flag_screen", first
    result = payload(assistant.send(me, "no, none of those"), "assessment")
    assert result["triage_level"] == "see_clinician"
    assert result["possible_causes"][0]["id"] == "diabetic_neuropathy"
    assert result["possible_causes"][0]["evidence"]
    slots = assistant.tracker(me)["slots"]
    assert slots["triage_level"] == "see_clinician"
    assert slots["possible_causes"][0] == "diabetic_neuropathy"


def test_a_red_flag_interrupts_the_interview(assistant) -> None:
    me = sender()
    assistant.send(me, "my feet feel numb")
    assert assistant.tracker(me)["slots"]["requested_slot"] is not None
    emergency = payload(assistant.send(me, "and now I can't breathe properly"), "emergency")
    assert "breathing_difficulty" in emergency["red_flags"]
    slots = assistant.tracker(me)["slots"]
    assert slots["triage_level"] == "emergency" and "breathing_difficulty" in slots["red_flags"]
    assert slots["requested_slot"] is None


def test_start_over_in_the_middle_of_the_interview_is_asked_first(assistant) -> None:
    from actions.restart import CARRY_ON, CONFIRM_QUESTION, START_OVER

    me = sender()
    assistant.send(me, "both my feet are numb")
    asked = assistant.tracker(me)["slots"]["requested_slot"]
    assert asked is not None
    assert CONFIRM_QUESTION in text(assistant.send(me, "start over"))
    # "No, carry on": nothing was dropped and the same question comes again.
    reply = text(assistant.send(me, "/deny"))
    slots = assistant.tracker(me)["slots"]
    assert CARRY_ON in reply and slots["requested_slot"] == asked
    assert slots["laterality"] == "both_sides"
    # Asked again, a question in between is answered and the question asked again; then "yes" starts
    # over: what was said is set aside.
    assert CONFIRM_QUESTION in text(assistant.send(me, "let's start over"))
    answered = assistant.send(me, "what tests might a doctor do?")
    assert len(answered) > 1 and answered[-1]["text"] == CONFIRM_QUESTION
    assert assistant.tracker(me)["slots"]["laterality"] == "both_sides"
    assert START_OVER in text(assistant.send(me, "yes"))
    slots = assistant.tracker(me)["slots"]
    assert slots["laterality"] is None and slots["requested_slot"] is None


def test_someone_elses_emergency_is_told_to_call_for_them_without_triaging_the_person(assistant) -> None:
    from bot.someone_else import THEIR_EMERGENCY, WHOSE_SYMPTOMS

    me = sender()
    said = "my dad suddenly can't feel his legs at all and he is struggling to breathe"
    reply = text(assistant.send(me, said))
    assert reply.startswith(THEIR_EMERGENCY) and WHOSE_SYMPTOMS in reply
    slots = assistant.tracker(me)["slots"]
    assert slots["triage_level"] is None and not slots["red_flags"] and slots["requested_slot"] is None
    # The person's own symptoms then start the interview as usual.
    assistant.send(me, "my own feet have been numb for months")
    assert assistant.tracker(me)["slots"]["requested_slot"] is not None


def test_denied_red_flags_do_not_escalate(assistant) -> None:
    me = sender()
    messages = assistant.send(me, "my toes are numb but no trouble breathing and no weakness")
    assert not [m for m in messages if (m.get("custom") or {}).get("type") == "emergency"]


def test_so_what_do_you_think_gives_a_first_assessment(assistant) -> None:
    me = sender()
    assistant.send(me, "my feet are numb and I'm diabetic")
    result = payload(assistant.send(me, "so what do you think?"), "assessment")
    assert "diabetic_neuropathy" in [c["id"] for c in result["possible_causes"]]
    more = text(assistant.send(me, "tell me more about the first one"))
    assert "diab" in more.lower()
    assert "take care" in text(assistant.send(me, "bye")).lower()


def test_a_red_flag_answering_a_later_question_still_interrupts(assistant) -> None:
    me = sender()
    assistant.send(me, "my feet have been numb for a while")
    for answer in ("my toes", "both"):
        if assistant.tracker(me)["slots"]["requested_slot"] in ("body_part", "laterality"):
            assistant.send(me, answer)
    assert assistant.tracker(me)["slots"]["requested_slot"] == "onset"
    emergency = payload(assistant.send(me, "I can't breathe"), "emergency")
    assert emergency["red_flags"] == ["breathing_difficulty"]


def test_model_parse_returns_canonical_values_with_their_assertion_status(assistant) -> None:
    text = (
        "Both feet have felt numb, like socks, for about 3 months. No weakness. "
        "I'm not diabetic but my dad is."
    )
    found = {
        (e["entity"], e["value"] if e["entity"] != "duration" else "<phrase>", e["negated"], e["experiencer"])
        for e in assistant.parse(text)["entities"]
    }
    assert {
        ("symptom", "numbness", False, "patient"),
        ("body_part", "feet", False, "patient"),
        ("laterality", "both_sides", False, "patient"),
        ("duration", "<phrase>", False, "patient"),
        ("symptom", "weakness", True, "patient"),
        ("risk_factor", "diabetes", True, "patient"),
        ("risk_factor", "diabetes", False, "other"),
    } <= found
