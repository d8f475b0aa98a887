"""Conversations for the summary tests: real sentences through the real clinical NLP, as Rasa's
events, and the summaries made from them (bot/summary/content.py)."""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Sequence

from bot.knowledge import load_knowledge_base
from bot.nlp.extract import ClinicalExtractor
from bot.summary.content import Provenance, Summary, build_summary

PROVENANCE = Provenance(datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc), "20261203-093000-model", "2c11ab7")

#: A diabetic person's long-standing numb feet, with a denial and a cleared warning-sign screen.
DIABETIC = (
    "both my feet feel like I'm wearing socks, it's been months and it's slowly getting worse",
    "I'm diabetic but I don't drink alcohol",
)
DIABETIC_SLOTS = {"red_flag_screen": "none", "laterality": "both_sides", "duration": "months"}
#: An emergency: loss of bladder control told beside numbness.
EMERGENCY = ("my feet went numb yesterday and since this morning I can't control my bladder",)


@functools.lru_cache(maxsize=1)
def extractor() -> ClinicalExtractor:
    return ClinicalExtractor.build()


def events_of(messages: Sequence[str]) -> List[Dict[str, Any]]:
    """The user events Rasa stores for `messages`, with the entities the assistant's NLP finds."""
    return [
        {
            "event": "user",
            "text": text,
            "parse_data": {"intent": {"name": "describe_symptoms"}, "entities": extractor().extract(text)},
        }
        for text in messages
    ]


def summary_of(messages: Sequence[str], slots: Mapping[str, Any] | None = None) -> Summary:
    return build_summary(events_of(messages), dict(slots or {}), load_knowledge_base(), PROVENANCE)
