"""Answers to educational questions, from the knowledge base only."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from bot.knowledge import KnowledgeBase
from bot.replies import cause_details, cause_treatment, topic_answer

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
TOPIC_MENU = (
    "You can ask me, for example: why the feet go numb first, what the stocking-glove pattern "
    "is, what myelin is, what a nerve conduction study is, or how numb feet are treated."
)


def _first(entities: Sequence[Mapping[str, Any]], entity: str) -> str | None:
    return next((str(e["value"]) for e in entities if e.get("entity") == entity and e.get("value")), None)


def referred_cause(text: str, possible_causes: Sequence[str] | None) -> str | None:
    """The cause meant by "the first one", "the second", "that" in the last assessment."""
    if not possible_causes:
        return None
    match = ORDINAL.search(text)
    index = ORDINALS[match.group(1).lower()] if match else 0
    if not -len(possible_causes) <= index < len(possible_causes):
        return None
    return possible_causes[index]


def answer(
    intent: str,
    text: str,
    entities: Sequence[Mapping[str, Any]],
    possible_causes: Sequence[str] | None,
    kb: KnowledgeBase,
) -> str:
    cause = _first(entities, "cause")
    topic = _first(entities, "topic")
    if topic and topic not in kb.topics:
        topic = None
    if cause and cause not in kb.causes:
        cause = None
    if intent == "ask_medication":
        return kb.no_doses
    if intent == "ask_more":
        cause = cause or referred_cause(text, possible_causes)
        if cause:
            return cause_details(cause, kb)
        return (
            "I haven't suggested any possible causes yet. Tell me about your symptoms first, or ask me "
            "about a cause by name."
        )
    if intent == "ask_treatment":
        if cause:
            return cause_treatment(cause, kb)
        if topic and kb.topic(topic).kind == "treatment":
            return topic_answer(topic, kb)
        return f"{kb.overview_treatment}\n\n{kb.no_doses}"
    if topic:
        return topic_answer(topic, kb)
    if cause:
        return cause_details(cause, kb)
    if intent == "ask_test":
        return kb.overview_tests
    if intent == "ask_concept":
        return f"{kb.topic('peripheral_neuropathy').text}\n\n{TOPIC_MENU}"
    return kb.overview_causes
