"""Which interview answers a message gives."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from bot import corrections
from bot.interview import answers, missing, part_without_side
from bot.interview_questions import INTERVIEW_ORDER


def ent(entity: str, value: str, text: str, phrase: str = "", **status: Any) -> Dict[str, Any]:
    """An entity as the NLU returns it, spanning `phrase` (default: the value) in `text`."""
    phrase = phrase or value
    start = max(text.find(phrase), 0)
    return {"entity": entity, "value": value, "start": start, "end": start + len(phrase), **status}


def test_one_message_can_answer_several_questions() -> None:
    text = "both feet for about a year, slowly getting worse, I'm diabetic"
    entities: List[Dict[str, Any]] = [
        ent("laterality", "both_sides", text, "both feet"),
        ent("body_part", "feet", text),
        ent("duration", "about a year", text),
        ent("onset", "gradual", text, "slowly"),
        ent("progression", "worsening", text, "getting worse"),
        ent("risk_factor", "diabetes", text, "diabetic"),
    ]
    filled = answers(text, entities, "describe_symptoms", None, {})
    assert filled == {
        "laterality": "both_sides",
        "body_part": ["feet"],
        "duration": "about a year",
        "onset": "gradual",
        "progression": "worsening",
        "risk_factors": ["diabetes"],
    }


def test_denied_and_someone_elses_findings_fill_nothing() -> None:
    entities = [
        ent("risk_factor", "diabetes", "x", negated=True),
        ent("risk_factor", "chemotherapy", "x", experiencer="other"),
    ]
    assert answers("no diabetes, my mum had chemo", entities, "inform", None, {}) == {}


def test_denying_every_risk_factor_answers_the_risk_factor_question() -> None:
    entities = [ent("risk_factor", "diabetes", "x", negated=True)]
    assert answers("I'm not diabetic", entities, "inform", "risk_factors", {}) == {"risk_factors": []}


@pytest.mark.parametrize(
    "slot, text, intent, value",
    [
        ("laterality", "both", "inform", "both_sides"),
        ("laterality", "just the left", "inform", "one_side"),
        ("onset", "all at once", "inform", "sudden"),
        ("onset", "slowly", "inform", "gradual"),
        ("duration", "6 months or so", "inform", "6 months or so"),
        ("progression", "it's getting worse", "inform", "worsening"),
        ("progression", "no", "deny", "stable"),
        ("red_flag_screen", "no none of those", "deny", "none"),
        ("red_flag_screen", "yes", "affirm", "present"),
        ("risk_factors", "none of them", "deny", []),
        ("body_part", "not sure", "dont_know", []),
        ("onset", "no idea", "dont_know", "unknown"),
    ],
)
def test_short_answers_to_the_question_being_asked(slot: str, text: str, intent: str, value: Any) -> None:
    assert answers(text, [], intent, slot, {})[slot] == value


def test_an_answer_that_says_nothing_moves_the_interview_on() -> None:
    assert answers("hmm hard to say really", [], "inform", "onset", {}) == {"onset": "unknown"}


def test_questions_do_not_fill_the_interview() -> None:
    entities = [ent("risk_factor", "diabetes", "x")]
    assert answers("could it be my diabetes?", entities, "ask_cause", "onset", {}) == {}


def test_body_parts_accumulate() -> None:
    filled = answers(
        "and my toes", [ent("body_part", "toes", "and my toes")], "inform", None, {"body_part": ["feet"]}
    )
    assert filled["body_part"] == ["feet", "toes"]


def test_missing_follows_the_interview_order() -> None:
    assert missing({"body_part": ["feet"], "onset": "unknown"}) == [
        s for s in INTERVIEW_ORDER if s not in ("body_part", "onset")
    ]


def test_every_interview_slot_has_one_short_question() -> None:
    from benchmarks.conversations import question_texts

    questions = question_texts()
    assert set(questions) == set(INTERVIEW_ORDER)
    assert all("?" in text for text in questions.values())
    # The red-flag screen lists five warning signs; every other question is one short sentence.
    assert all(len(text) < 220 for slot, text in questions.items() if slot != "red_flag_screen")
    assert len(questions["red_flag_screen"]) < 360


def test_an_unsure_classification_answers_only_when_the_words_do() -> None:
    assert answers("hmm well", [], "nlu_fallback", "progression", {}) == {}
    assert answers("fine now", [], "nlu_fallback", "progression", {}) == {"progression": "improving"}
    assert answers("none that I know of", [], "nlu_fallback", "risk_factors", {}) == {"risk_factors": []}
    assert answers("it came on over the last few cycles", [], "nlu_fallback", "onset", {}) == {
        "onset": "gradual"
    }


def test_the_red_flag_screen_comes_first_when_something_sounds_urgent() -> None:
    from bot.interview import question_out_of_order

    assert question_out_of_order({"body_part": ["feet"]}, urgent=True) == "red_flag_screen"
    assert question_out_of_order({"red_flag_screen": "none"}, urgent=True) is None
    assert question_out_of_order({}, urgent=False) is None


def test_a_part_of_a_red_flag_does_not_answer_yes_to_the_screen() -> None:
    text = "no, the weakness has come on slowly over months"
    entities = [ent("symptom", "weakness", text), ent("onset", "gradual", text, "slowly")]
    assert answers(text, entities, "report_red_flag", "red_flag_screen", {})["red_flag_screen"] == "none"


def test_an_unsure_question_that_answers_in_words_counts_as_an_answer() -> None:
    text = "better, it went away once I stood up"
    filled = answers(
        text,
        [ent("progression", "improving", text, "better")],
        "ask_treatment",
        "progression",
        {},
        confidence=0.54,
    )
    assert filled == {"progression": "improving"}
    assert answers("how is it treated", [], "ask_treatment", "progression", {}, confidence=0.98) == {}


def test_a_confident_other_intent_answers_only_the_question_being_asked() -> None:
    text = "worse when it's cold, could it be my diabetes?"
    entities = [ent("progression", "worsening", text, "worse"), ent("risk_factor", "diabetes", text)]
    assert answers(text, entities, "out_of_scope", "progression", {}) == {"progression": "worsening"}
    assert answers("could it be my diabetes?", entities[1:], "ask_cause", "onset", {}) == {}


def test_a_correction_replaces_an_answer_even_when_read_as_a_remark() -> None:
    text = "sorry, I meant both feet"
    entities = [ent("laterality", "both_sides", text, "both feet")]
    known = {"laterality": "one_side"}
    filled = answers(text, entities, "out_of_scope", "onset", known)
    assert filled["laterality"] == "both_sides"
    assert corrections.changes(known, filled) == [("laterality", "one_side", "both_sides")]
    assert "which side: both sides (before: one side)" in corrections.describe(
        corrections.changes(known, filled)
    )


def test_a_denied_risk_factor_leaves_the_list() -> None:
    text = "actually I'm not diabetic"
    entities = [ent("risk_factor", "diabetes", text, "diabetic", negated=True)]
    filled = answers(text, entities, "inform", "progression", {"risk_factors": ["diabetes", "vegan_diet"]})
    assert filled["risk_factors"] == ["vegan_diet"]


def test_a_place_given_for_which_side_is_asked_about_not_taken_as_not_sure() -> None:
    text = "toes"
    entities = [ent("body_part", "toes", text)]
    filled = answers(text, entities, "inform", "laterality", {"body_part": ["feet"]})
    assert "laterality" not in filled and filled["body_part"] == ["feet", "toes"]
    assert part_without_side(text, entities) == "toes"
    assert part_without_side("toes on both sides", [*entities, ent("laterality", "both_sides", text)]) is None
