"""Typed loader of the lexicon `bot/nlp/lexicon/`, the phrases behind the clinical entity extractor.

The lexicon is a folder of YAML files, one per job (each file's opening comment says more):

- `definitions.yml`: word lists shared by the other files as YAML aliases (`*family`);
- `entities/<type>.yml`: the phrases of each value of one entity type, one file per type;
- `overlaps.yml`: blockers and nested types, how overlapping matches of one type are resolved;
- `duration.yml`: phrases whose text is a duration;
- `context.yml`: ConText rules (negation, experiencer) and elliptical clauses.

Loading validates every file against the public vocabulary (and the extension
ids of `cause` and `topic`), so a typo fails at build time with the file and
entry named instead of silently extracting nothing. A file of the folder that is
not one of these, or a missing one, fails the same way: nothing is left unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Tuple

import yaml
from spacy.schemas import validate_token_pattern

from bot.knowledge.models import TOPIC_IDS as KNOWLEDGE_TOPICS
from bot.vocabulary import FREE_TEXT_ENTITIES, Vocabulary, load_vocabulary

LEXICON_DIR = Path(__file__).with_name("lexicon")
#: The file whose YAML anchors every other file may name as aliases.
DEFINITIONS_FILE = "definitions.yml"
#: The folder of the entity types' files, `<entity type>.yml` each.
ENTITIES_DIR = "entities"
#: The lexicon's other files and the sections (top-level keys) each one holds.
SECTION_FILES: Mapping[str, Tuple[str, ...]] = {
    DEFINITIONS_FILE: ("definitions",),
    "overlaps.yml": ("blockers", "nested_types"),
    "duration.yml": ("duration",),
    "context.yml": ("context", "ellipsis"),
}

#: Topic ids of the extension entity `topic`: the knowledge base's topics.
TOPIC_IDS: Tuple[str, ...] = tuple(topic for group in KNOWLEDGE_TOPICS.values() for topic in group)

#: Entities this project adds for questions; they are not part of the public vocabulary.
EXTENSION_ENTITIES: Tuple[str, ...] = ("cause", "topic")

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
    """A lexicon file is malformed or disagrees with the vocabulary."""


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


def load_lexicon(path: Path = LEXICON_DIR, vocabulary: Vocabulary | None = None) -> Lexicon:
    """The lexicon of the folder `path`, every file read and checked."""
    vocabulary = vocabulary or load_vocabulary()
    contents = read_lexicon(path)
    raw: Dict[str, Any] = {}
    where: Dict[str, str] = {}  # section -> "<file>: <section>", the start of its error messages
    for name, sections in SECTION_FILES.items():
        content = _mapping(contents[name], name)
        unknown = set(content) - set(sections)
        _require(
            not unknown, name, f"unknown top-level keys {sorted(unknown)} (this file holds {list(sections)})"
        )
        for section in sections:
            raw[section], where[section] = content.get(section), f"{name}: {section}"
    entity_files = {
        Path(name).stem: (name, content)
        for name, content in contents.items()
        if name.startswith(f"{ENTITIES_DIR}/")
    }
    context = _mapping(raw["context"], where["context"])
    ellipsis = _mapping(raw["ellipsis"], where["ellipsis"])
    return Lexicon(
        source=path,
        entities=_entities(entity_files, vocabulary),
        blockers=_blockers(raw["blockers"] or {}, vocabulary, where["blockers"]),
        duration=_phrases(raw["duration"], where["duration"]),
        context_rules=_context_rules(context.get("rules"), f"{where['context']}.rules"),
        pseudo_trigger_words=_words(
            context.get("pseudo_trigger_words"), f"{where['context']}.pseudo_trigger_words"
        ),
        terminated_by={
            str(category).upper(): tuple(
                s.upper() for s in _words(others, f"{where['context']}.terminated_by")
            )
            for category, others in _mapping(
                context.get("terminated_by"), f"{where['context']}.terminated_by"
            ).items()
        },
        other_ellipsis=_phrases(ellipsis.get("other"), f"{where['ellipsis']}.other"),
        patient_ellipsis=_phrases(ellipsis.get("patient_denies"), f"{where['ellipsis']}.patient_denies"),
        clause_end_words=_words(ellipsis.get("clause_end_words"), f"{where['ellipsis']}.clause_end_words"),
        nested_types=_entity_types(raw["nested_types"] or [], vocabulary, where["nested_types"]),
    )


def lexicon_files(path: Path = LEXICON_DIR) -> List[Path]:
    """The files of the lexicon folder, definitions first; it must hold them and nothing else."""
    _require(path.is_dir(), str(path), "expected the lexicon folder")
    found = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    entity_files = [
        name for name in found if Path(name).parent.as_posix() == ENTITIES_DIR and name.endswith(".yml")
    ]
    unexpected = [name for name in found if name not in SECTION_FILES and name not in entity_files]
    _require(
        not unexpected,
        f"{path.name}/",
        f"unexpected files {unexpected} (expected {list(SECTION_FILES)} and {ENTITIES_DIR}/<type>.yml)",
    )
    missing = [name for name in SECTION_FILES if name not in found]
    _require(not missing, f"{path.name}/", f"missing files {missing}")
    return [path / name for name in SECTION_FILES] + [path / name for name in entity_files]


def read_lexicon(path: Path = LEXICON_DIR) -> Dict[str, Any]:
    """Each file of the lexicon folder parsed, by name relative to it ("entities/symptom.yml").

    The aliases of every file resolve to the anchors of definitions.yml, read first.
    """
    anchors: Dict[str, yaml.Node] = {}
    contents: Dict[str, Any] = {}
    for file in lexicon_files(path):
        name = file.relative_to(path).as_posix()
        contents[name], defined = _read_yaml(file, name, anchors)
        if name == DEFINITIONS_FILE:
            anchors = defined
    return contents


class _Loader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML carries no types: mypy sees Any
    """A safe YAML loader whose aliases may also name anchors given to it (definitions.yml's)."""

    def __init__(self, stream: Any, anchors: Mapping[str, yaml.Node]) -> None:
        super().__init__(stream)
        self.anchors = dict(anchors)

    def compose_document(self) -> yaml.Node | None:
        # PyYAML's own forgets the document's anchors at its end; they must outlive it here.
        self.get_event()  # document start
        node = self.compose_node(None, None)
        self.get_event()  # document end
        return node


def _read_yaml(path: Path, where: str, anchors: Mapping[str, yaml.Node]) -> Tuple[Any, Dict[str, yaml.Node]]:
    """The file's content and the anchors known at its end (those given plus its own)."""
    with path.open(encoding="utf-8") as stream:
        loader = _Loader(stream, anchors)
        try:
            return loader.get_single_data(), loader.anchors
        except yaml.YAMLError as error:
            raise LexiconError(f"{where}: {error}") from error
        finally:
            loader.dispose()


def _entities(
    files: Mapping[str, Tuple[str, Any]], vocabulary: Vocabulary
) -> Dict[str, Dict[str, Tuple[Phrase, ...]]]:
    """The entity types' phrases from `files`: entity type -> (file name, its content)."""
    expected = [e for e in vocabulary.entities if e not in FREE_TEXT_ENTITIES] + list(EXTENSION_ENTITIES)
    for entity, (name, _) in files.items():
        _require(entity in expected, name, f"unknown entity type {entity!r} (known: {expected})")
    missing = [e for e in expected if e not in files]
    _require(
        not missing, f"{ENTITIES_DIR}/", f"missing entity types {missing} (one file <entity type>.yml each)"
    )
    entities: Dict[str, Dict[str, Tuple[Phrase, ...]]] = {}
    for entity in expected:
        name, values = files[entity]
        allowed = known_values(vocabulary, entity)
        values = _mapping(values, name)
        # A topic asked about in many words ("who should I see first?") has no term of its own:
        # bot.question_matching finds it; the lexicon names only the topics that have one.
        absent = [] if entity == "topic" else [v for v in allowed if v not in values]
        _require(not absent, name, f"no phrases for the values {absent}")
        entities[entity] = {}
        seen: Dict[str, str] = {}
        for value, items in values.items():
            here = f"{name}: {value}"
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
