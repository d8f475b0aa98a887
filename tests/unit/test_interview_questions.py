"""The interview's question records (bot/interview_questions.yml) agree with what Rasa asks:
domain.yml's form asks the questions in the records' order, each `utter_ask_<slot>` offers the
record's quick replies, and the records' slots are the shared vocabulary's interview slots."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.interview_questions import (
    INTERVIEW_ORDER,
    InterviewQuestionError,
    interview_questions,
    question_for,
)
from bot.settings import PROJECT_ROOT
from bot.vocabulary import load_vocabulary

DOMAIN = yaml.safe_load((Path(PROJECT_ROOT) / "domain.yml").read_text(encoding="utf-8"))
#: Asked by an action of their own, not by an `utter_ask_<slot>` response.
ASKED_BY_ACTIONS = {"red_flag_screen"}


def test_the_form_asks_the_records_in_their_order() -> None:
    assert DOMAIN["forms"]["symptom_form"]["required_slots"] == list(INTERVIEW_ORDER)
    assert set(INTERVIEW_ORDER) == set(load_vocabulary().interview_slots)


@pytest.mark.parametrize("slot", [s for s in INTERVIEW_ORDER if s not in ASKED_BY_ACTIONS])
def test_each_question_offers_the_quick_replies_of_its_record(slot: str) -> None:
    (response,) = DOMAIN["responses"][f"utter_ask_{slot}"]
    assert (
        tuple(button["payload"] for button in response.get("buttons", ())) == question_for(slot).quick_replies
    )


def test_every_slot_and_entity_is_in_the_domain() -> None:
    for question in interview_questions():
        assert question.slot in DOMAIN["slots"]
        assert question.entity is None or question.entity in DOMAIN["entities"]


def test_a_broken_record_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "questions.yml"
    broken.write_text("- slot: progression\n  none_means_no: true\n")
    with pytest.raises(
        InterviewQuestionError, match=r"questions.yml\[0\] \(progression\): `none_means_no` needs"
    ):
        interview_questions(broken)
    broken.write_text("- slot: onset\n  keywords: [['(unclosed', sudden]]\n")
    with pytest.raises(InterviewQuestionError, match=r"\(onset\): each keyword"):
        interview_questions(broken)
