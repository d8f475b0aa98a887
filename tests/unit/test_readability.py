"""Every text in the catalogue reads at about school grade 8 or below (Flesch-Kincaid, textstat),
the level Ada asks of its users; the exceptions are listed with their reason."""

from __future__ import annotations

import re
from typing import Iterator, Tuple

import pytest
import textstat

from bot.texts import catalogue

MAX_GRADE = 8.0
#: Below this many words the formula measures word length alone ("Emergency: get help now" scores
#: grade 12): labels, buttons and headings are read, not graded.
MIN_WORDS = 10
#: Texts allowed above MAX_GRADE, and why.
EXCEPTIONS: dict[str, str] = {
    "fhir.questionnaire_description": "metadata of the FHIR questionnaire, read by clinical systems",
    "summary.reason_self_care": "the triage reason in the summary, written for the clinician",
    "summary.reason_see_clinician": "the triage reason in the summary, written for the clinician",
    "summary_page.causes_note": "the note over the possible causes in the summary, written for the clinician",
}


def _texts() -> Iterator[Tuple[str, str]]:
    for key, entry in catalogue().entries.items():
        items = [entry] if isinstance(entry, str) else list(entry)
        for index, text in enumerate(items):
            yield (key if isinstance(entry, str) else f"{key}[{index}]"), re.sub(r"\{[^}]*\}", "it", text)


def _grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


@pytest.mark.parametrize(("key", "text"), [t for t in _texts() if len(t[1].split()) >= MIN_WORDS])
def test_the_text_reads_at_grade_8_or_below(key: str, text: str) -> None:
    if key in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[key])
    assert _grade(text) <= MAX_GRADE, f"{key} reads at grade {_grade(text):.1f}: {text}"


def test_every_exception_is_still_needed() -> None:
    texts = dict(_texts())
    for key in EXCEPTIONS:
        assert key in texts and _grade(texts[key]) > MAX_GRADE, f"{key} no longer needs its exception"
