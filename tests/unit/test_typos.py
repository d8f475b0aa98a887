"""Misspelt words in a person's message still find their lexicon entry (bot/nlp/typos.py)."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from bot.nlp.extract import ClinicalExtractor
from bot.nlp.typos import ADDED, LEFT_OUT, MISTYPED, SWAPPED, TypoCorrector, edit_kind, english_words


def findings(extractor: ClinicalExtractor, text: str) -> List[Tuple[str, str, bool]]:
    return [(e["entity"], e["value"], e["negated"]) for e in extractor.extract(text)]


@pytest.mark.parametrize(
    ("typed", "word", "kind"),
    [
        ("numbnes", "numbness", LEFT_OUT),
        ("needels", "needles", SWAPPED),
        ("tinglinf", "tingling", MISTYPED),
        ("numbbness", "numbness", ADDED),
        ("numbess", "tingling", None),
        ("numbness", "numbness", None),
        ("nmbnes", "numbness", None),  # two letters left out
    ],
)
def test_edit_kind_names_the_one_slip_or_none(typed: str, word: str, kind: int | None) -> None:
    assert edit_kind(typed, word) == kind


def test_a_tie_goes_to_the_likeliest_slip() -> None:
    # "gradualy" is "gradually" with an l left out and "gradual" with a y added.
    assert TypoCorrector(["gradual", "gradually"], frozenset()).correct("gradualy") == "gradually"


def test_an_unresolved_tie_corrects_nothing() -> None:
    # "tingleg" is "tingles" and "tingled" mistyped alike.
    assert TypoCorrector(["tingles", "tingled"], frozenset()).correct("tingleg") is None


def test_english_words_short_words_and_non_words_stay_as_typed() -> None:
    corrector = TypoCorrector(["bladder", "numbness", "feet"], english_words())
    assert corrector.correct("ladder") is None  # a word of its own
    assert corrector.correct("fete") is None  # too short to tell
    assert corrector.correct("numb3ess") is None  # not a word at all
    assert corrector.correct("Bladdr") == "bladder"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("numbnes in my ankels", [("symptom", "numbness", False), ("body_part", "ankle", False)]),
        ("pins and needels in my toes", [("symptom", "tingling", False), ("body_part", "toes", False)]),
        ("burnig feet that came on gradualy", [("symptom", "burning", False), ("onset", "gradual", False)]),
        ("I'm diabetc", [("risk_factor", "diabetes", False)]),
        ("I lost controll of my bladdr", [("symptom", "bladder_control_loss", False)]),
    ],
)
def test_misspelt_findings_are_found(extractor: ClinicalExtractor, text: str, expected: list) -> None:
    found = findings(extractor, text)
    assert all(item in found for item in expected), found


def test_a_misspelt_finding_can_still_be_denied(extractor: ClinicalExtractor) -> None:
    assert ("symptom", "weakness", True) in findings(extractor, "no weaknes in my legs")


def test_a_real_word_near_a_lexicon_word_is_not_a_finding(extractor: ClinicalExtractor) -> None:
    found = findings(extractor, "we had ladder problems at work today")
    assert not [f for f in found if f[1] == "bladder_control_loss"], found
