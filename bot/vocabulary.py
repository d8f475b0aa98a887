"""The public vocabulary (entity values, causes, triage levels, red flags).

`bot/vocabulary.yml` is a verbatim copy of the shared spec; a test keeps the
two identical. Clients depend on these names, so code refers to them through
this module instead of repeating string literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yml")

#: Entity types whose values are free text rather than canonical ids.
FREE_TEXT_ENTITIES = ("duration",)


@dataclass(frozen=True)
class Vocabulary:
    entities: Dict[str, Dict[str, Tuple[str, ...]]]  # entity -> value -> synonyms
    causes: Tuple[str, ...]
    triage_levels: Tuple[str, ...]  # lowest to highest
    red_flags: Tuple[str, ...]
    interview_slots: Tuple[str, ...]

    def values(self, entity: str) -> Tuple[str, ...]:
        return tuple(self.entities.get(entity, {}))

    def is_canonical(self, entity: str, value: str) -> bool:
        if entity in FREE_TEXT_ENTITIES:
            return bool(value and value.strip())
        return value in self.entities.get(entity, {})

    def triage_rank(self, level: str) -> int:
        return self.triage_levels.index(level)


@cache
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entities: Dict[str, Dict[str, Tuple[str, ...]]] = {}
    for entity, values in raw["entities"].items():
        if isinstance(values, dict):
            entities[entity] = {value: tuple(str(s) for s in synonyms) for value, synonyms in values.items()}
        else:
            entities[entity] = {}
    interview: List[str] = raw["slots"]["interview"]
    return Vocabulary(
        entities=entities,
        causes=tuple(raw["causes"]),
        triage_levels=tuple(raw["triage_levels"]),
        red_flags=tuple(raw["red_flags"]),
        interview_slots=tuple(interview),
    )
