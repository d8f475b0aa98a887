"""Typed loader of `lexicon.yml`, the phrases behind the clinical entity extractor.

Loading validates the whole file against the public vocabulary (and the extension
ids of `cause` and `topic`), so a typo fails at build time with the entry named
instead of silently extracting nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Tuple

import yaml
from spacy.schemas import validate_token_pattern

from bot.knowledge.models import TOPIC_IDS as KNOWLEDGE_TOPICS
from bot.vocabulary import FREE_TEXT_ENTITIES, Vocabulary, load_vocabulary

LEXICON_FILE = Path(__file__).with_name("lexicon.yml")

#: Topic ids of the extension entity `topic`: the knowledge base's topics.
TOPIC_IDS: Tuple[str, ...] = tuple(topic for group in KNOWLEDGE_TOPICS.values() for topic in group)

#: Entities this project adds for questions; they are not part of the public vocabulary.
EXTENSION_ENTITIES: Tuple[str, ...] = ("cause", "topic")

_TOP_LEVEL_KEYS = {"definitions", "entities", "blockers", "duration", "context", "nested_types", "ellipsis"}
_CONTEXT_RULE_KEYS = {
    "literal",
    "category",
    "direction",
    "pattern",
    "metadata",
    "allowed_types",
    "excluded_types",
    "max_targets",
    "max_scope",
}


class LexiconError(ValueError):
    """The lexicon file is malformed or disagrees with the vocabulary."""


@dataclass(frozen=True)
class Phrase:
    """A phrase matched token by token (`pattern` is None) or a spaCy token pattern."""

    literal: str
    pattern: Tuple[Dict[str, Any], ...] | None = None


@dataclass(frozen=True)
class Lexicon:
    source: Path
    entities: Mapping[str, Mapping[str, Tuple[Phrase, ...]]]  # entity -> canonical value -> phrases
    blockers: Mapping[str, Tuple[Phrase, ...]]  # entity -> phrases that are not that entity
    duration: Tuple[Phrase, ...]
    context_rules: Tuple[Dict[str, Any], ...]  # medspaCy ConTextRule dictionaries
    pseudo_trigger_words: FrozenSet[str]
    terminated_by: Mapping[str, Tuple[str, ...]]  # ConText category -> categories that end its scope
    other_ellipsis: Tuple[Phrase, ...]
    patient_ellipsis: Tuple[Phrase, ...]
    clause_end_words: FrozenSet[str]
    nested_types: FrozenSet[str]  # entity types whose different values may nest


def known_values(vocabulary: Vocabulary, entity: str) -> Tuple[str, ...]:
    """Canonical values of an entity, including the extension entities `cause` and `topic`."""
    if entity == "cause":
        return vocabulary.causes
    if entity == "topic":
        return TOPIC_IDS
    return vocabulary.values(entity)


def is_canonical(vocabulary: Vocabulary, entity: str, value: Any) -> bool:
    if entity in EXTENSION_ENTITIES:
        return value in known_values(vocabulary, entity)
    return isinstance(value, str) and vocabulary.is_canonical(entity, value)


def load_lexicon(path: Path = LEXICON_FILE, vocabulary: Vocabulary | None = None) -> Lexicon:
    vocabulary = vocabulary or load_vocabulary()
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    _require(isinstance(raw, dict), where, "expected a mapping at the top level")
    unknown = set(raw) - _TOP_LEVEL_KEYS
    _require(not unknown, where, f"unknown top-level keys {sorted(unknown)}")
    context = _mapping(raw.get("context"), f"{where}: context")
    ellipsis = _mapping(raw.get("ellipsis"), f"{where}: ellipsis")
    return Lexicon(
        source=path,
        entities=_entities(raw.get("entities"), vocabulary, f"{where}: entities"),
        blockers=_blockers(raw.get("blockers") or {}, vocabulary, f"{where}: blockers"),
        duration=_phrases(raw.get("duration"), f"{where}: duration"),
        context_rules=_context_rules(context.get("rules"), f"{where}: context.rules"),
        pseudo_trigger_words=_words(
            context.get("pseudo_trigger_words"), f"{where}: context.pseudo_trigger_words"
        ),
        terminated_by={
            str(category).upper(): tuple(s.upper() for s in _words(others, f"{where}: context.terminated_by"))
            for category, others in _mapping(
                context.get("terminated_by"), f"{where}: context.terminated_by"
            ).items()
        },
        other_ellipsis=_phrases(ellipsis.get("other"), f"{where}: ellipsis.other"),
        patient_ellipsis=_phrases(ellipsis.get("patient_denies"), f"{where}: ellipsis.patient_denies"),
        clause_end_words=_words(ellipsis.get("clause_end_words"), f"{where}: ellipsis.clause_end_words"),
        nested_types=_entity_types(raw.get("nested_types", []), vocabulary, f"{where}: nested_types"),
    )


def _entities(raw: Any, vocabulary: Vocabulary, where: str) -> Dict[str, Dict[str, Tuple[Phrase, ...]]]:
    raw = _mapping(raw, where)
    expected = [e for e in vocabulary.entities if e not in FREE_TEXT_ENTITIES] + list(EXTENSION_ENTITIES)
    missing = [e for e in expected if e not in raw]
    _require(not missing, where, f"missing entity types {missing}")
    entities: Dict[str, Dict[str, Tuple[Phrase, ...]]] = {}
    for entity, values in raw.items():
        _require(entity in expected, f"{where}.{entity}", f"unknown entity type (known: {expected})")
        allowed = known_values(vocabulary, entity)
        values = _mapping(values, f"{where}.{entity}")
        # A topic asked about in many words ("who should I see first?") has no term of its own:
        # bot.question_matching finds it; the lexicon names only the topics that have one.
        absent = [] if entity == "topic" else [v for v in allowed if v not in values]
        _require(not absent, f"{where}.{entity}", f"no phrases for the values {absent}")
        entities[entity] = {}
        seen: Dict[str, str] = {}
        for value, items in values.items():
            here = f"{where}.{entity}.{value}"
            _require(value in allowed, here, f"unknown value (known: {list(allowed)})")
            phrases = _phrases(items, here)
            for phrase in phrases:
                key = phrase.literal.lower()
                _require(key not in seen, here, f"{phrase.literal!r} is already listed under {seen.get(key)}")
                seen[key] = value
            literals = {p.literal.lower() for p in phrases}
            for synonym in vocabulary.entities.get(entity, {}).get(value, ()):
                _require(synonym.lower() in literals, here, f"lacks the vocabulary synonym {synonym!r}")
            entities[entity][value] = phrases
    return entities


def _blockers(raw: Any, vocabulary: Vocabulary, where: str) -> Dict[str, Tuple[Phrase, ...]]:
    types = set(vocabulary.entities) | set(EXTENSION_ENTITIES)
    blockers = {}
    for entity, items in _mapping(raw, where).items():
        _require(entity in types, f"{where}.{entity}", f"unknown entity type (known: {sorted(types)})")
        blockers[entity] = _phrases(items, f"{where}.{entity}")
    return blockers


def _entity_types(raw: Any, vocabulary: Vocabulary, where: str) -> FrozenSet[str]:
    types = _words(raw, where)
    unknown = types - set(vocabulary.entities) - set(EXTENSION_ENTITIES)
    _require(not unknown, where, f"unknown entity types {sorted(unknown)}")
    return types


def _phrases(raw: Any, where: str) -> Tuple[Phrase, ...]:
    _require(isinstance(raw, list) and bool(raw), where, "expected a non-empty list of phrases")
    return tuple(_phrase(item, f"{where}[{i}]") for i, item in enumerate(raw))


def _phrase(item: Any, where: str) -> Phrase:
    if isinstance(item, str):
        _require(bool(item.strip()), where, "empty phrase")
        return Phrase(item)
    _require(isinstance(item, dict), where, f"expected a string or {{literal, pattern}}, got {item!r}")
    _require(
        set(item) == {"literal", "pattern"}, where, f"expected keys literal and pattern, got {sorted(item)}"
    )
    literal, pattern = item["literal"], item["pattern"]
    _require(isinstance(literal, str) and bool(literal.strip()), where, "literal must be a non-empty string")
    errors = validate_token_pattern(pattern) if isinstance(pattern, list) and pattern else ["empty pattern"]
    _require(not errors, f"{where} ({literal})", f"invalid spaCy token pattern: {errors}")
    return Phrase(literal, tuple(pattern))


def _context_rules(raw: Any, where: str) -> Tuple[Dict[str, Any], ...]:
    _require(isinstance(raw, list) and bool(raw), where, "expected a non-empty list of ConText rules")
    rules = []
    for i, rule in enumerate(raw):
        here = f"{where}[{i}]"
        _require(isinstance(rule, dict), here, "expected a mapping")
        unknown = set(rule) - _CONTEXT_RULE_KEYS
        _require(not unknown, here, f"unknown keys {sorted(unknown)}")
        for key in ("literal", "category", "direction"):
            _require(isinstance(rule.get(key), str), here, f"{key} must be a string")
        if "pattern" in rule:
            errors = validate_token_pattern(rule["pattern"])
            _require(not errors, f"{here} ({rule['literal']})", f"invalid spaCy token pattern: {errors}")
        rules.append(dict(rule))
    return tuple(rules)


def _words(raw: Any, where: str) -> FrozenSet[str]:
    _require(
        isinstance(raw, list) and all(isinstance(w, str) for w in raw), where, "expected a list of strings"
    )
    return frozenset(w.lower() for w in raw)


def _mapping(raw: Any, where: str) -> Dict[str, Any]:
    _require(isinstance(raw, dict), where, "expected a mapping")
    mapping: Dict[str, Any] = raw
    return mapping


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise LexiconError(f"{where}: {message}")
