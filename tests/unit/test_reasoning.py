"""Triage and causes from findings: every cause and every red flag, with the
rules that denied and someone else's findings never count."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from bot.findings import Finding, Findings
from bot.reasoning import assess, load_rules
from bot.vocabulary import load_vocabulary


def findings(*items: str) -> Findings:
    """'risk_factor:diabetes', '-symptom:weakness' (denied), '~risk_factor:diabetes' (someone else's),
    'duration=3 months'."""
    out: List[Finding] = []
    for item in items:
        negated, other = item.startswith("-"), item.startswith("~")
        item = item.lstrip("-~")
        if item.startswith("duration="):
            phrase = item.split("=", 1)[1]
            out.append(Finding("duration", phrase, phrase, negated, "other" if other else "patient"))
            continue
        entity, value = item.split(":")
        out.append(Finding(entity, value, value.replace("_", " "), negated, "other" if other else "patient"))
    return Findings(out)


CAUSE_CASES: List[Tuple[str, Tuple[str, ...], str]] = [
    (
        "diabetic",
        (
            "symptom:numbness",
            "body_part:feet",
            "laterality:both_sides",
            "onset:gradual",
            "risk_factor:diabetes",
        ),
        "diabetic_neuropathy",
    ),
    ("vegan", ("symptom:tingling", "laterality:both_sides", "risk_factor:vegan_diet"), "b12_deficiency"),
    ("malabsorption", ("symptom:numbness", "risk_factor:malabsorption"), "b12_deficiency"),
    ("low b12", ("symptom:numbness", "risk_factor:b12_deficiency"), "b12_deficiency"),
    (
        "circulation",
        ("symptom:numbness", "risk_factor:peripheral_artery_disease"),
        "peripheral_artery_disease",
    ),
    (
        "tarsal",
        ("symptom:burning", "laterality:one_side", "body_part:sole", "body_part:toes"),
        "tarsal_tunnel_syndrome",
    ),
    (
        "tarsal ankle",
        ("symptom:tingling", "laterality:one_side", "body_part:ankle"),
        "tarsal_tunnel_syndrome",
    ),
    (
        "sciatica back",
        ("symptom:pain", "laterality:one_side", "body_part:leg", "body_part:lower_back"),
        "sciatica",
    ),
    ("sciatica disc", ("symptom:numbness", "risk_factor:herniated_disc", "laterality:one_side"), "sciatica"),
    ("stenosis", ("symptom:numbness", "risk_factor:spinal_stenosis"), "sciatica"),
    (
        "alcohol",
        ("symptom:numbness", "laterality:both_sides", "risk_factor:heavy_alcohol_use"),
        "alcohol_neuropathy",
    ),
    ("chemo", ("symptom:numbness", "body_part:hands", "risk_factor:chemotherapy"), "chemotherapy_neuropathy"),
    (
        "cidp",
        (
            "symptom:numbness",
            "symptom:weakness",
            "onset:gradual",
            "duration=4 months",
            "progression:worsening",
        ),
        "cidp",
    ),
    (
        "sitting",
        ("symptom:numbness", "risk_factor:prolonged_sitting", "duration=10 minutes"),
        "temporary_compression",
    ),
]


@pytest.mark.parametrize("name, items, cause", CAUSE_CASES, ids=[c[0] for c in CAUSE_CASES])
def test_each_cause_ranks_first_for_its_pattern(name: str, items: Tuple[str, ...], cause: str) -> None:
    result = assess(findings(*items))
    assert result.causes, name
    assert result.causes[0].cause == cause
    assert result.causes[0].supporting, "a cause is offered with the person's words as evidence"


def test_every_cause_of_the_vocabulary_is_covered() -> None:
    assert {c[2] for c in CAUSE_CASES} == set(load_vocabulary().causes)
    assert {rule.cause for rule in load_rules()} == set(load_vocabulary().causes)


RED_FLAG_CASES = [
    ("sudden severe", ("symptom:numbness", "onset:sudden", "severity:severe"), "sudden_severe_numbness"),
    ("weak within days", ("symptom:weakness", "duration=2 days"), "rapid_weakness"),
    ("weak suddenly", ("symptom:weakness", "onset:sudden"), "rapid_weakness"),
    ("breathing", ("symptom:breathing_difficulty",), "breathing_difficulty"),
    ("bladder", ("symptom:bladder_control_loss", "symptom:numbness"), "bladder_control_loss"),
    ("stroke", ("red_flag:stroke_signs", "symptom:numbness"), "stroke_signs"),
    ("weak, told as new", ("symptom:weakness", "red_flag:recent_start"), "rapid_weakness"),
    ("gone, an hour ago", ("severity:severe", "red_flag:recent_start"), "sudden_severe_numbness"),
]


@pytest.mark.parametrize("name, items, flag", RED_FLAG_CASES, ids=[c[0] for c in RED_FLAG_CASES])
def test_each_red_flag_gives_emergency(name: str, items: Tuple[str, ...], flag: str) -> None:
    result = assess(findings(*items))
    assert result.triage_level == "emergency"
    assert flag in result.red_flags


def test_every_red_flag_of_the_vocabulary_is_covered() -> None:
    assert {c[2] for c in RED_FLAG_CASES} == set(load_vocabulary().red_flags)


@pytest.mark.parametrize(
    "items",
    [
        ("symptom:numbness", "-symptom:breathing_difficulty", "-symptom:bladder_control_loss"),
        ("symptom:numbness", "-symptom:weakness", "onset:sudden"),
        ("symptom:numbness", "~symptom:breathing_difficulty"),
        ("symptom:numbness", "onset:sudden", "-severity:severe"),
    ],
)
def test_denied_or_someone_elses_red_flags_never_escalate(items: Tuple[str, ...]) -> None:
    assert assess(findings(*items)).triage_level != "emergency"


def test_slow_weakness_over_months_is_cidp_not_an_emergency() -> None:
    result = assess(findings("symptom:weakness", "symptom:numbness", "onset:gradual", "duration=6 months"))
    assert result.triage_level == "see_clinician"
    assert result.causes[0].cause == "cidp"


@pytest.mark.parametrize(
    "items, absent",
    [
        (("symptom:numbness", "-risk_factor:diabetes", "laterality:both_sides"), "diabetic_neuropathy"),
        (("symptom:numbness", "~risk_factor:diabetes", "laterality:both_sides"), "diabetic_neuropathy"),
        (("symptom:numbness", "~risk_factor:chemotherapy"), "chemotherapy_neuropathy"),
        (
            ("symptom:numbness", "-risk_factor:heavy_alcohol_use", "risk_factor:vegan_diet"),
            "alcohol_neuropathy",
        ),
    ],
)
def test_denied_or_someone_elses_findings_never_count_for_a_cause(
    items: Tuple[str, ...], absent: str
) -> None:
    assert absent not in [m.cause for m in assess(findings(*items)).causes]


def test_brief_positional_numbness_alone_is_self_care() -> None:
    result = assess(
        findings(
            "symptom:numbness",
            "risk_factor:prolonged_sitting",
            "duration=a few minutes",
            "progression:improving",
        )
    )
    assert result.triage_level == "self_care"


@pytest.mark.parametrize(
    "extra",
    [
        "progression:worsening",
        "duration=3 months",
        "symptom:weakness",
        "risk_factor:diabetes",
    ],
)
def test_positional_numbness_with_anything_else_needs_a_clinician(extra: str) -> None:
    result = assess(findings("symptom:numbness", "risk_factor:prolonged_sitting", extra))
    assert result.triage_level == "see_clinician"


def test_persistent_unexplained_numbness_needs_a_clinician() -> None:
    result = assess(findings("symptom:numbness", "body_part:feet", "duration=5 months"))
    assert result.triage_level == "see_clinician"


def test_a_positive_red_flag_screen_escalates_without_a_named_flag() -> None:
    assert assess(findings("symptom:numbness"), screen_positive=True).triage_level == "emergency"


def test_sudden_and_severe_must_be_said_together() -> None:
    said_apart = Findings(
        [
            Finding("symptom", "numbness", "numb", turn=0),
            Finding("onset", "sudden", "within an hour", turn=0),
            Finding("severity", "severe", "completely", turn=2),
        ]
    )
    assert "sudden_severe_numbness" not in assess(said_apart).red_flags


def test_numbness_that_keeps_coming_back_after_sitting_needs_a_clinician() -> None:
    result = assess(
        findings(
            "symptom:numbness",
            "risk_factor:prolonged_sitting",
            "duration=a few minutes",
            "progression:comes_and_goes",
        )
    )
    assert result.triage_level == "see_clinician"


def test_a_stray_hint_of_another_cause_does_not_spoil_self_care() -> None:
    result = assess(
        findings(
            "symptom:numbness",
            "risk_factor:prolonged_sitting",
            "duration=five minutes",
            "progression:improving",
            "laterality:one_side",
            "body_part:lower_back",
        )
    )
    assert result.causes[0].cause == "temporary_compression"
    assert result.triage_level == "self_care"
