"""Who is asking (bot/who_is_asking.py), corrections (bot/corrections.py), another person carried
across sentences (bot/nlp/extract.py), and past risks and named conditions as evidence
(bot/reasoning.py): the behaviours a person notices, without a server."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from bot import corrections
from bot.findings import Finding, Findings
from bot.knowledge import load_knowledge_base
from bot.nlp.extract import ClinicalExtractor
from bot.reasoning import assess
from bot.replies import assessment_reply
from bot.who_is_asking import advice, age_said, newly_said, pregnant, who_is_asking

KB = load_knowledge_base()


# --- who is asking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("I'm 15 and my feet tingle", 15),
        ("15 year old here, my toes go numb", 15),
        ("I am a 14-year-old girl", 14),
        ("I'm 30 weeks pregnant", None),
        ("I've had this for 15 years", None),
        ("my son is 12 and his feet are numb", None),
        ("I'm 20 stone", None),
        ("I am 67", 67),
    ],
)
def test_only_the_persons_own_age_is_read(text: str, age: int | None) -> None:
    assert age_said(text) == age


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am pregnant and my feet are numb and swollen", True),
        ("during my pregnancy my toes went numb", True),
        ("I'm not pregnant", False),
        ("my wife is pregnant and has numb feet", False),
    ],
)
def test_only_the_persons_own_pregnancy_counts(text: str, expected: bool) -> None:
    assert pregnant(text) is expected


def test_a_child_is_sent_to_a_parent_and_a_clinician_and_never_to_self_care() -> None:
    asker = who_is_asking(
        ["I'm 15", "my foot went numb after sitting cross-legged and it passed in a minute"]
    )
    assert asker.under_16 and advice(asker, KB) == [KB.under_16]
    brief = Findings(
        [
            Finding("risk_factor", "prolonged_sitting", "sitting cross-legged"),
            Finding("symptom", "numbness", "numb", historical=True),
            Finding("duration", "a minute", "a minute"),
        ]
    )
    assert assess(brief).triage_level == "self_care"
    assert assess(brief, asker=asker).triage_level == "see_clinician"


def test_swelling_with_a_headache_in_pregnancy_is_urgent_and_said_once() -> None:
    texts = ["I am pregnant and my feet are numb and swollen"]
    assert newly_said(texts, KB) == [KB.pregnancy]
    texts.append("now I have a bad headache and blurry vision")
    assert newly_said(texts, KB) == [KB.pregnancy_urgent]
    texts.append("both feet")
    assert newly_said(texts, KB) == []


# --- corrections --------------------------------------------------------------------------------


def test_a_first_answer_is_no_change() -> None:
    assert corrections.changes({"laterality": None}, {"laterality": "one_side"}) == []


def test_the_answers_at_the_last_assessment_are_read_from_the_events() -> None:
    events: List[Dict[str, Any]] = [
        {"event": "slot", "name": "laterality", "value": "one_side"},
        {"event": "action", "name": "action_give_assessment"},
        {"event": "slot", "name": "laterality", "value": "both_sides"},
    ]
    before = corrections.slots_at_last_assessment(events)
    assert before == {"laterality": "one_side"}
    assert "both sides (before: one side)" in corrections.updated(
        corrections.changes(before, {"laterality": "both_sides"})
    )


# --- another person, across sentences -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "My husband has been diabetic for 20 years. He can't feel the soles of his feet.",
        "I'm writing about my mum. She has numb toes and her legs feel weak.",
        "My dad has numb feet. It started a year ago and has slowly got worse; he also drinks a lot.",
    ],
)
def test_he_and_she_carry_the_other_person_across_sentences(extractor: ClinicalExtractor, text: str) -> None:
    found = extractor.extract(text)
    assert found and all(e["experiencer"] == "other" for e in found if e["entity"] != "red_flag")


@pytest.mark.parametrize(
    "text",
    [
        "My husband has numb feet. I have numb toes too.",
        "My wife noticed it first. Now my left foot is numb.",
        "no diabetes, my mum has it though. My feet are numb.",
    ],
)
def test_the_writer_speaking_of_themselves_ends_the_other_persons_turn(
    extractor: ClinicalExtractor, text: str
) -> None:
    found = extractor.extract(text)
    assert any(e["entity"] == "symptom" and e["experiencer"] == "patient" for e in found)


# --- causes from lay words ----------------------------------------------------------------------


def causes_for(extractor: ClinicalExtractor, text: str) -> List[str]:
    from bot.findings import Turn

    findings = Findings.from_turns([Turn(text, tuple(extractor.extract(text)))])
    return [match.cause for match in assess(findings).top(3)]


def test_calf_pain_on_walking_that_eases_with_rest_points_to_circulation(
    extractor: ClinicalExtractor,
) -> None:
    text = "my toes are numb and my calves cramp when I walk to the shops, it eases when I stop"
    assert causes_for(extractor, text)[0] == "peripheral_artery_disease"


def test_a_condition_the_person_names_as_theirs_counts(extractor: ClinicalExtractor) -> None:
    assert "sciatica" in causes_for(extractor, "my sciatica flared up and now my foot is numb")


def test_a_past_risk_weighs_less_and_the_reason_says_so(extractor: ClinicalExtractor) -> None:
    from bot.findings import Turn

    past = "both feet numb for months, I stopped drinking ten years ago"
    now = "both feet numb for months, I drink heavily"
    scores = {}
    for text in (past, now):
        findings = Findings.from_turns([Turn(text, tuple(extractor.extract(text)))])
        assessment = assess(findings)
        scores[text] = next(m.score for m in assessment.causes if m.cause == "alcohol_neuropathy")
        if text == past:
            assert "as something in the past" in assessment_reply(assessment, KB).text
    assert scores[past] < scores[now]
