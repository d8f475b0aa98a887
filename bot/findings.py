"""What the person has told us, as findings with their assertion status.

A finding is one entity value the person mentioned ("risk_factor: diabetes"),
with the words they used, whether they denied it, and whose it is. Only
findings that are present for the person themselves count as evidence; denied
ones count against a cause; someone else's never count at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Set, Tuple

from bot.interview_questions import interview_questions
from bot.names import QUESTION_INTENTS
from bot.nlp.duration import to_weeks

PATIENT = "patient"


@dataclass(frozen=True)
class Finding:
    entity: str
    value: str
    text: str  # the person's own words, quoted back as evidence
    negated: bool = False
    experiencer: str = PATIENT
    turn: int = 0  # which user message said it
    general: bool = False  # named in a general question ("can diabetes cause numb feet?")
    hypothetical: bool = False  # "if I ever lose control of my bladder"
    historical: bool = False  # "years ago I couldn't pee, long since resolved"

    @property
    def present(self) -> bool:
        return not self.negated and self.experiencer == PATIENT

    @property
    def current(self) -> bool:
        """Present, stated for now: what a red flag is made of."""
        return self.present and not (self.general or self.hypothetical or self.historical)

    @property
    def denied(self) -> bool:
        return self.negated and self.experiencer == PATIENT

    @property
    def key(self) -> str:
        return f"{self.entity}:{self.value}"


@dataclass(frozen=True)
class Turn:
    """One user message: its text, its parsed entities and the interview
    answers (slot -> value) the assistant took from it."""

    text: str
    entities: Tuple[Mapping[str, Any], ...] = ()
    answers: Tuple[Tuple[str, Any], ...] = ()
    intent: str | None = None


#: Interview slots whose value is itself an entity value (bot/interview_questions.yml).
SLOT_ENTITIES = {question.slot: question.entity for question in interview_questions() if question.entity}
UNKNOWN = "unknown"
#: Words by which a person speaks of themselves or of what is happening to them ("is this a stroke?").
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|me|my|mine|myself|this)\b", re.IGNORECASE)
#: A message worded as a question from its first word ("can numb feet cause incontinence?"); "can't
#: breathe, what now?" is not one.
_QUESTION = re.compile(
    r"^\W*(?:(?:with|for|in|as|after|regarding|about|re)\b[^,?.!]{1,30},\s*)?"  # "with MS, what's ..."
    r"(?:what|why|how|can|could|does|do|did|is|are|should|when|which|who|will|would|may|might)(?:'s)?(?![\w'])",
    re.IGNORECASE,
)
#: The asker asking ("can anyone tell me what counts as breathlessness?"), not speaking of themselves.
_ASKER = re.compile(r"\b(?:tell|explain to|help|show|remind|let) me\b", re.IGNORECASE)


def general_question(turn: Turn) -> bool:
    """A question that never speaks of the person ("what's the difference between numbness and
    tingling?", "can numb feet cause incontinence?"): what it names is not something they said they
    have. "My feet are numb, could diabetes cause it?" and "is this a stroke?" speak of them."""
    text = turn.text.replace("\u2019", "'")
    asks = turn.intent in QUESTION_INTENTS or ("?" in text and bool(_QUESTION.match(text)))
    return asks and not _FIRST_PERSON.search(_ASKER.sub("", text))


def finding_from_entity(text: str, entity: Mapping[str, Any], turn: int = 0) -> Finding | None:
    name, value = entity.get("entity"), entity.get("value")
    if not isinstance(name, str) or not isinstance(value, str) or not value:
        return None
    start, end = entity.get("start"), entity.get("end")
    words = text[start:end] if isinstance(start, int) and isinstance(end, int) else value
    return Finding(
        entity=name,
        value=value,
        text=words.strip() or value,
        negated=bool(entity.get("negated", False)),
        experiencer=str(entity.get("experiencer") or PATIENT),
        turn=turn,
        hypothetical=bool(entity.get("hypothetical", False)),
        historical=bool(entity.get("historical", False)),
    )


def findings_from_answers(text: str, answers: Iterable[Tuple[str, Any]], turn: int = 0) -> List[Finding]:
    """Interview answers the person gave in plain words ("both", "no") become
    findings too, quoted with the whole answer."""
    found: List[Finding] = []
    for slot, value in answers:
        entity = SLOT_ENTITIES.get(slot)
        if entity is None or value in (None, UNKNOWN):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item and item != UNKNOWN:
                found.append(Finding(entity, item, text.strip(), turn=turn))
    return found


class Findings:
    """All findings of a conversation, in the order they were said."""

    def __init__(self, findings: Sequence[Finding] = ()) -> None:
        self.all: Tuple[Finding, ...] = tuple(findings)

    @classmethod
    def from_turns(cls, turns: Sequence[Turn]) -> Findings:
        found: List[Finding] = []
        for index, turn in enumerate(turns):
            from_text = [f for f in (finding_from_entity(turn.text, e, index) for e in turn.entities) if f]
            if general_question(turn):
                from_text = [replace(f, general=True) for f in from_text]
            found.extend(from_text)
            said = {f.key for f in from_text}
            found.extend(
                f for f in findings_from_answers(turn.text, turn.answers, index) if f.key not in said
            )
        return cls(found)

    def __len__(self) -> int:
        return len(self.all)

    def statements(self) -> Findings:
        """The findings the person stated, without those only named in a general question: the
        causes and their reasons ("you said …") read these."""
        return Findings([f for f in self.all if not f.general])

    def current(self) -> Findings:
        """The findings present for the person now: not only named in a question, not hypothetical,
        not in the past. Red flags are made of these."""
        return Findings([f for f in self.all if f.current])

    def has(self, entity: str, value: str | None = None) -> bool:
        """Present for the person (not denied, not someone else's).

        A later denial does not cancel an earlier statement, and vice versa:
        both are kept, and safety reads the present one.
        """
        return any(f.present and f.entity == entity and (value is None or f.value == value) for f in self.all)

    def turns_with(self, entity: str, value: str) -> Set[int]:
        """The messages in which the person said this finding for themselves."""
        return {f.turn for f in self.all if f.present and f.entity == entity and f.value == value}

    def denies(self, entity: str, value: str) -> bool:
        return any(f.denied and f.entity == entity and f.value == value for f in self.all) and not self.has(
            entity, value
        )

    def words_for(self, entity: str, value: str, *, denied: bool = False) -> List[str]:
        """The person's own words for a finding, without repeats."""
        words: Dict[str, None] = {}
        for f in self.all:
            if f.entity == entity and f.value == value and (f.denied if denied else f.present):
                words.setdefault(f.text, None)
        return list(words)

    def duration_weeks(self) -> List[float]:
        weeks = (to_weeks(f.value) for f in self.all if f.present and f.entity == "duration")
        return [w for w in weeks if w is not None]
