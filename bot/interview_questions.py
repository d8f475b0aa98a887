"""The interview's questions as data: one record per question (bot/interview_questions.yml).

Everything the code knows about a question is in its record: the slot it fills,
the entity that fills it, its quick replies, the short answers it understands,
what "yes" and "no" mean to it and whether it comes first when something
sounds urgent. bot/interview.py reads the records; the domain's form and
`utter_ask_<slot>` responses are checked against them by a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, Pattern, Tuple

import yaml

QUESTIONS_FILE = Path(__file__).resolve().parent / "interview_questions.yml"
_FIELDS = {
    "slot",
    "entity",
    "many",
    "keeps_words",
    "quick_replies",
    "keywords",
    "parse",
    "affirm",
    "deny",
    "none_means_no",
    "denial_means_no",
    "urgent_first",
}
PARSERS = ("duration",)


class InterviewQuestionError(ValueError):
    """A record of bot/interview_questions.yml that cannot be used, named with its field."""


@dataclass(frozen=True)
class InterviewQuestion:
    slot: str
    entity: str | None
    many: bool
    keeps_words: bool
    quick_replies: Tuple[str, ...]
    keywords: Tuple[Tuple[Pattern[str], str], ...]
    parse: str | None
    #: intent ("affirm", "deny") -> the slot value it means here
    meanings: Dict[str, Any]
    none_means_no: bool
    denial_means_no: bool
    urgent_first: bool

    def unanswered(self) -> Any:
        """The value of this question when the person could not answer it."""
        return [] if self.many else "unknown"


@cache
def interview_questions(path: Path = QUESTIONS_FILE) -> Tuple[InterviewQuestion, ...]:
    """The records, in the order the questions are asked."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list) or not raw:
        raise InterviewQuestionError(f"{path.name}: expected a list of question records")
    return tuple(_record(item, f"{path.name}[{index}]") for index, item in enumerate(raw))


def _record(item: Any, where: str) -> InterviewQuestion:
    if not isinstance(item, dict) or not isinstance(item.get("slot"), str):
        raise InterviewQuestionError(f"{where}: expected a mapping with a `slot`")
    where = f"{where} ({item['slot']})"
    unknown = set(item) - _FIELDS
    if unknown:
        raise InterviewQuestionError(f"{where}: unknown fields {sorted(unknown)}")
    if item.get("parse") not in (None, *PARSERS):
        raise InterviewQuestionError(f"{where}: `parse` must be one of {list(PARSERS)}")
    for needs_deny in ("none_means_no", "denial_means_no"):
        if item.get(needs_deny) and "deny" not in item:
            raise InterviewQuestionError(f"{where}: `{needs_deny}` needs `deny`")
    try:
        keywords = tuple((re.compile(pattern), str(value)) for pattern, value in item.get("keywords") or ())
    except (TypeError, ValueError, re.error) as error:
        raise InterviewQuestionError(f"{where}: each keyword is [pattern, value]: {error}") from None
    return InterviewQuestion(
        slot=item["slot"],
        entity=item.get("entity"),
        many=bool(item.get("many")),
        keeps_words=bool(item.get("keeps_words")),
        quick_replies=tuple(str(reply) for reply in item.get("quick_replies") or ()),
        keywords=keywords,
        parse=item.get("parse"),
        meanings={intent: item[intent] for intent in ("affirm", "deny") if intent in item},
        none_means_no=bool(item.get("none_means_no")),
        denial_means_no=bool(item.get("denial_means_no")),
        urgent_first=bool(item.get("urgent_first")),
    )


def question_for(slot: str) -> InterviewQuestion:
    return next(question for question in interview_questions() if question.slot == slot)


#: The slots in the order they are asked.
INTERVIEW_ORDER: Tuple[str, ...] = tuple(question.slot for question in interview_questions())
#: Entity type -> the slot its findings fill.
SLOT_FOR_ENTITY: Dict[str, str] = {q.entity: q.slot for q in interview_questions() if q.entity}
