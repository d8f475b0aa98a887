"""Educational questions matched by meaning (bot/question_matching.py, bot/questions.py), and the
question set they are measured on (tests/evaluation/questions)."""

from __future__ import annotations

import pytest
from evaluation.questions import OUT_OF_SCOPE, load_questions, problems

from bot.knowledge import load_knowledge_base
from bot.question_matching import default_matcher
from bot.questions import (
    OFFER_INTERVIEW,
    TOPIC_MENU,
    answer,
    answer_text,
    only_asks,
    reread_as_question,
    unsure_question_intent,
)

KB = load_knowledge_base()


def best(question: str) -> str:
    match = default_matcher().best(question)
    return match.answer if match else OUT_OF_SCOPE


def test_the_question_set_is_sound_large_enough_and_split_by_site() -> None:
    questions = load_questions()
    assert len(questions) >= 150
    assert not problems(questions)
    halves = {split: {q.site for q in questions if q.split == split} for split in ("dev", "test")}
    assert halves["dev"] and halves["test"] and not halves["dev"] & halves["test"]
    assert any(OUT_OF_SCOPE in q.topics for q in questions if q.split == "test")


def test_every_answer_has_ways_of_asking_and_a_text() -> None:
    for answer_id, paraphrases in KB.questions.items():
        assert len(paraphrases) >= 3, answer_id
        assert answer_text(answer_id, KB)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # wordings none of the paraphrases use
        ("is there any point seeing a specialist, and which one?", "which_clinician"),
        ("are the nerves in my toes gone for good?", "reversibility"),
        ("why is it my feet and never my arms that go first?", "longest_fibres"),
        ("how does having too much sugar in the blood wreck the nerves?", "diabetes_nerve_damage"),
        ("after my last round of chemo, how long till the tingling fades?", "chemo_numbness_duration"),
        ("could lupus be behind it?", "other_conditions"),
        ("what can I do myself while I wait to be seen?", "meanwhile"),
    ],
)
def test_questions_find_their_answer_by_meaning(question: str, expected: str) -> None:
    assert best(question) == expected


@pytest.mark.parametrize(
    "question",
    ["how do I renew my passport?", "what time is it in Tokyo?", "how long do ear infections last?"],
)
def test_a_question_about_something_else_gets_no_answer_from_the_knowledge_base(question: str) -> None:
    assert best(question) == OUT_OF_SCOPE
    assert TOPIC_MENU in answer("out_of_scope", question, [], None, KB)


def test_an_answer_before_any_symptom_offers_the_interview_and_after_does_not() -> None:
    assert OFFER_INTERVIEW in answer("ask_concept", "is it serious?", [], None, KB, described=False)
    assert OFFER_INTERVIEW not in answer("ask_concept", "is it serious?", [], None, KB, described=True)


def test_the_safety_answers_start_with_the_emergency_signs() -> None:
    for topic in ("numbness_vs_stroke", "when_to_worry"):
        assert answer_text(topic, KB).startswith(
            "If you ever get any of these, call your local emergency number"
        )


def test_a_question_about_medicines_never_gives_a_dose() -> None:
    assert KB.no_doses in answer("ask_concept", "what tablets help nerve pain?", [], None, KB)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Is numbness all the time bad?", True),
        ("which doctor should I see?", True),
        ("hi, why does it start in the feet?", True),
        ("My feet have been numb for months. Is that bad?", False),
        ("both feet, for about a year", False),
        ("If someone has diabetes, why would their toes go numb?", True),
        ("If my feet go numb at night, I stamp them.", False),
    ],
)
def test_only_a_message_that_only_asks_is_reread_as_a_question(extractor, text: str, asks: bool) -> None:
    assert only_asks(text, extractor.extract(text)) is asks


def test_a_question_with_a_warning_sign_is_never_reread(extractor) -> None:
    text = "why can't I breathe properly and why are my feet numb?"
    assert not reread_as_question("report_red_flag", text, extractor.extract(text), KB)
    assert not reread_as_question("describe_symptoms", text, extractor.extract(text), KB)


def test_what_do_you_think_is_causing_it_stays_a_request_for_an_assessment(extractor) -> None:
    text = "what do you think is causing it?"
    assert not reread_as_question("ask_assessment", text, extractor.extract(text), KB)
    text = "which doctor should I see?"
    assert reread_as_question("ask_assessment", text, extractor.extract(text), KB)


def ranking(*names: str) -> list:
    return [{"name": name, "confidence": 0.4 - 0.1 * rank} for rank, name in enumerate(names)]


def test_an_unsure_question_keeps_diets_best_question_intent() -> None:
    asked = unsure_question_intent(
        "nlu_fallback", ranking("nlu_fallback", "ask_treatment"), "what helps with it?", []
    )
    assert asked == "ask_treatment"


def test_an_unsure_message_is_not_made_a_question_when_it_tells_or_guesses_otherwise() -> None:
    numb = [{"entity": "symptom", "value": "numbness", "start": 8, "end": 12}]
    told = unsure_question_intent(
        "nlu_fallback", ranking("ask_treatment"), "my feet numb since May. what now?", numb
    )
    assert told is None  # it says something about the person: the interview reads it
    assert (
        unsure_question_intent("nlu_fallback", ranking("describe_symptoms", "ask_treatment"), "what now?", [])
        is None
    )
    assert unsure_question_intent("ask_cause", ranking("ask_treatment"), "what helps with it?", []) is None
