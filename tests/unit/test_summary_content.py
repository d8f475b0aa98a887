"""What the summary for the clinician holds (bot/summary/content.py), from real sentences through the
assistant's NLP: the person's words, what they denied, the warning signs as answered, never more."""

from __future__ import annotations

from typing import Dict

from summary_conversations import summary_of

from bot.summary.content import NO, NOT_ASKED, YES, Summary


def screen(summary: Summary) -> Dict[str, str]:
    return {answer.flag: answer.answer for answer in summary.screen}


def test_the_presenting_complaint_in_the_persons_words(diabetic: Summary) -> None:
    complaint = {label: (values, words) for label, values, words in diabetic.complaint}
    assert complaint["Main symptoms"] == ("numbness", ("like I'm wearing socks",))
    assert complaint["One side or both"][0] == "both sides"
    assert complaint["Course"] == ("worsening", ("getting worse",))


def test_a_denied_risk_factor_is_listed_as_denied_never_as_present(diabetic: Summary) -> None:
    assert [(i.value, i.words) for i in diabetic.risk_factors_denied] == [
        ("heavy_alcohol_use", ("drink alcohol",))
    ]
    assert [i.value for i in diabetic.risk_factors] == ["diabetes"]
    assert "heavy_alcohol_use" not in {i.value for i in diabetic.findings}
    assert all(cause.id != "alcohol_neuropathy" for cause in diabetic.causes)


def test_causes_come_with_the_persons_words_and_the_article_section(diabetic: Summary) -> None:
    first = diabetic.causes[0]
    assert first.id == "diabetic_neuropathy" and "diabetic" in first.evidence_for
    assert all(cause.section for cause in diabetic.causes)
    assert diabetic.next_steps and diabetic.questions
    assert diabetic.triage_level == "see_clinician" and diabetic.triage_reason


def test_a_cleared_screen_is_no_for_every_sign(diabetic: Summary) -> None:
    assert set(screen(diabetic).values()) == {NO}


def test_an_emergency_is_headed_by_the_advice_and_unasked_signs_stay_not_asked(emergency: Summary) -> None:
    assert emergency.emergency_advice and emergency.triage_level == "emergency"
    assert emergency.causes == () and emergency.next_steps == () and emergency.questions == ()
    answers = screen(emergency)
    assert answers.pop("bladder_control_loss") == YES
    assert set(answers.values()) == {NOT_ASKED}  # never "no" for a sign nobody asked about
    assert "bladder" in emergency.triage_reason


def test_a_start_in_the_last_day_is_timing_not_a_warning_sign_of_its_own(emergency: Summary) -> None:
    labels = {item.value: item.label for item in emergency.findings}
    assert labels["bladder_control_loss"] == "Warning sign"
    assert labels["recent_start"] == "Timing"


def test_a_sign_denied_in_the_persons_words_is_no_and_the_rest_not_asked() -> None:
    answers = screen(summary_of(("my feet have been numb for weeks, no trouble breathing",)))
    assert answers.pop("breathing_difficulty") == NO
    assert set(answers.values()) == {NOT_ASKED}


def test_no_findings_yet_says_so() -> None:
    empty = summary_of(())
    assert not empty.has_findings and empty.nothing_yet
    assert empty.findings == () and empty.causes == () and empty.questions == ()


def test_someone_elses_symptoms_are_not_the_persons() -> None:
    other = summary_of(("my husband is diabetic and he can't feel the soles of his feet",))
    assert other.findings == () and other.risk_factors == ()
