"""Answers to educational questions, from the knowledge base only."""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Sequence

from bot.knowledge import KnowledgeBase
from bot.names import QUESTION_INTENTS, REREADABLE_INTENTS, UNSURE_INTENT
from bot.question_matching import default_matcher
from bot.replies import cause_details, cause_treatment, topic_answer
from bot.texts import say

ORDINALS = {
    "first": 0,
    "1st": 0,
    "one": 0,
    "1": 0,
    "top": 0,
    "second": 1,
    "2nd": 1,
    "two": 1,
    "2": 1,
    "third": 2,
    "3rd": 2,
    "three": 2,
    "3": 2,
    "last": -1,
}
ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b", re.I)
#: What the assistant offers when it cannot tell which question was meant.
TOPIC_MENU = say("questions.topic_menu")
#: Added to an answer given before the person has said anything about their own feet.
OFFER_INTERVIEW = say("questions.offer_interview")
_QUESTION_START = re.compile(
    r"^\W*(?:(?:hi|hello|hey|ok|okay|so|and|but|also|sorry|please|doctor|doc)\W+)*"
    r"(?:what|what's|whats|why|how|can|could|does|do|did|is|are|should|when|which|who|will|would|may|"
    r"might|must|has|have|any|isn't|aren't|explain|define|tell\s+me\s+(?:more\s+)?about)(?![\w'])",
    re.IGNORECASE,
)
#: A condition put before the question: "If I have pain from chemo, what can be done?"
_CONDITION = re.compile(r"^\W*(?:if|when|once|after|while)\b[^,?]{1,120},\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _first(entities: Sequence[Mapping[str, Any]], entity: str) -> str | None:
    return next((str(e["value"]) for e in entities if e.get("entity") == entity and e.get("value")), None)


#: Topics named in nearly every question ("neuropathy", "tingling"): naming them says nothing about
#: which answer is meant.
_THE_SUBJECT = frozenset({"peripheral_neuropathy", "paresthesia"})


def mentioned_answers(entities: Sequence[Mapping[str, Any]], kb: KnowledgeBase) -> List[str]:
    """Causes and topics the lexicon found in a question, as answer ids."""
    return [
        str(e["value"])
        for e in entities
        if e.get("entity") in ("cause", "topic")
        and (e.get("value") in kb.causes or e.get("value") in kb.topics)
        and e.get("value") not in _THE_SUBJECT
    ]


def only_asks(text: str, entities: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a message is questions only: at least one sentence worded as a question, and nothing
    the person says about themselves outside one ("my feet have been numb for months. Is that bad?"
    describes symptoms; "is numbness all the time bad?" only asks), and no warning sign."""
    text = text.replace("\u2019", "'")
    if any(e.get("entity") == "red_flag" for e in entities):
        return False
    sentences = [(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    asking = [(start, end) for start, end, sentence in sentences if _asks(sentence)]
    if not asking:
        return False
    for entity in entities:
        start = entity.get("start")
        if (
            not isinstance(start, int)
            or entity.get("negated")
            or entity.get("experiencer", "patient") != "patient"
        ):
            continue
        if not any(begin <= start < end for begin, end in asking):
            return False
    return True


def _asks(sentence: str) -> bool:
    """Worded as a question from its first word, or after a condition that ends with a comma."""
    if _QUESTION_START.match(sentence):
        return True
    condition = _CONDITION.match(sentence)
    return bool(
        condition and sentence.rstrip().endswith("?") and _QUESTION_START.match(sentence[condition.end() :])
    )


def reread_as_question(
    intent: str, text: str, entities: Sequence[Mapping[str, Any]], kb: KnowledgeBase
) -> bool:
    """A message DIET read as a description, an answer or nothing that is in fact a question the
    knowledge base answers ("Is numbness all the time bad?", "which doctor should I see?"). A
    question about the person's own case ("what do you think is causing it?") stays theirs."""
    if intent not in REREADABLE_INTENTS or not only_asks(text, entities):
        return False
    match = default_matcher().best(text, mentioned_answers(entities, kb))
    return match is not None and not (intent == "ask_assessment" and match.answer == "causes_overview")


def unsure_question_intent(
    intent: str, ranking: Sequence[Mapping[str, Any]], text: str, entities: Sequence[Mapping[str, Any]]
) -> str | None:
    """The question intent of a message DIET was unsure about (`nlu_fallback`) when it only asks and
    DIET's best guess was a question intent: a question read with little confidence is still a
    question, and its kind still gives the general answer ("what can I do about this?")."""
    if intent != UNSURE_INTENT or not only_asks(text, entities):
        return None
    guess = next((str(r.get("name")) for r in ranking if r.get("name") != UNSURE_INTENT), None)
    return guess if guess in QUESTION_INTENTS else None


def referred_cause(text: str, possible_causes: Sequence[str] | None) -> str | None:
    """The cause meant by "the first one", "the second", "that" in the last assessment."""
    if not possible_causes:
        return None
    match = ORDINAL.search(text)
    index = ORDINALS[match.group(1).lower()] if match else 0
    if not -len(possible_causes) <= index < len(possible_causes):
        return None
    return possible_causes[index]


def answer_text(answer_id: str, kb: KnowledgeBase) -> str:
    """The reply for one answer id of bot.question_matching."""
    if answer_id in kb.causes:
        return cause_details(answer_id, kb)
    if answer_id == "causes_overview":
        return kb.overview_causes
    if answer_id == "tests_overview":
        return kb.overview_tests
    if answer_id == "treatment_overview":
        return f"{kb.overview_treatment}\n\n{kb.no_doses}"
    text = topic_answer(answer_id, kb)
    if answer_id == "symptom_medicines":
        return f"{kb.no_doses}\n\n{text}"
    return text


def answer(
    intent: str,
    text: str,
    entities: Sequence[Mapping[str, Any]],
    possible_causes: Sequence[str] | None,
    kb: KnowledgeBase,
    described: bool = True,
) -> str:
    """The reply to an educational question; `described`: the person has already told us about
    their own symptoms (else the reply offers to go through them)."""
    cause = _first(entities, "cause")
    if cause and cause not in kb.causes:
        cause = None
    match = default_matcher().best(text, mentioned_answers(entities, kb))
    if intent == "ask_more":
        cause = cause or referred_cause(text, possible_causes)
        if cause:
            return cause_details(cause, kb)
        if not match:
            return say("questions.no_causes_yet")
    if intent == "ask_medication":
        # A request for a medicine or a dose: the refusal first, then what the article says.
        other = match is not None and match.answer != "symptom_medicines"
        reply = (
            f"{kb.no_doses}\n\n{answer_text(match.answer, kb)}"
            if other and match is not None
            else answer_text("symptom_medicines", kb)
        )
    elif match:
        reply = answer_text(match.answer, kb)
    elif intent == "ask_treatment" and cause:
        reply = cause_treatment(cause, kb)
    else:
        reply = f"{say('questions.not_sure_which')} {TOPIC_MENU}"
    return reply if described else f"{reply}\n\n{OFFER_INTERVIEW}"
