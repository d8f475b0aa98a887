"""Load and validate the knowledge base YAML files.

Every problem raises `KnowledgeBaseError` with a message that names the file,
the entry id and the field, e.g. ``causes.yml: entry 'cidp': field 'mechanism'
is missing``, so a broken edit is found at start-up, not in a conversation.

Each cause and each topic is one record: besides its texts, it holds its ways of
asking (`asked_as`) and a cause its weights for the reasoning (`evidence`), so
`KnowledgeBase.questions` gathers the overviews' ways of asking (questions.yml)
with those of every topic and cause, and `load_causes` is what bot/reasoning.py
reads its weights through.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Dict, Iterator, List, NoReturn, Tuple

import yaml

from bot.knowledge.models import (
    DERIVED_FINDINGS,
    LATERALITIES,
    MECHANISM_KINDS,
    OVERVIEW_ANSWERS,
    SECTIONS,
    TOPIC_IDS,
    Cause,
    CauseEvidence,
    CausePattern,
    KnowledgeBase,
    RedFlag,
    Topic,
    Weight,
)
from bot.vocabulary import Vocabulary, load_vocabulary

DATA_DIR = Path(__file__).with_name("data")
CAUSES_FILE = DATA_DIR / "causes.yml"

_CAUSE_FIELDS = (
    "id",
    "name",
    "section",
    "summary",
    "mechanism_kind",
    "mechanism",
    "pattern",
    "risk_factors",
    "clinician_next_steps",
    "tests",
    "treatment",
    "asked_as",
    "evidence",
)
_PATTERN_FIELDS = ("laterality", "where", "onset", "course")
_EVIDENCE_FIELDS = ("for", "against")
#: A finding `for` a cause may be a key one; `against` it, only a weight.
_SUPPORTING_FIELDS = ("finding", "weight", "key")
_AGAINST_FIELDS = ("finding", "weight")
_RED_FLAG_FIELDS = (
    "id",
    "name",
    "sign",
    "question",
    "follow_up",
    "reply",
    "description",
    "section",
    "source",
    "recognise",
)
#: Read by bot/nlp/red_flag_patterns.py, not here.
_RECOGNITION_FIELDS = ("sets", "recent_start", "self_reported_emergency", "old_stroke", "recovered")
_TOPIC_FIELDS = ("id", "kind", "title", "section", "text", "source", "asked_as")
_ADVICE_FIELDS = ("emergency_advice", "seek_care_advice", "self_care_advice")
_OVERVIEW_FIELDS = ("overview_causes", "overview_tests", "overview_treatment")
_MESSAGE_FIELDS = (
    "disclaimer",
    "not_a_doctor",
    "no_doses",
    "technical_problem",
    "under_16",
    "pregnancy",
    "pregnancy_urgent",
    "clinician_questions",
    "summary_nothing_yet",
)


class KnowledgeBaseError(ValueError):
    """A knowledge base file is missing, malformed or inconsistent with the vocabulary."""


class _Fields:
    """The fields of one YAML mapping; `where` prefixes every error message."""

    def __init__(self, raw: Any, where: str, allowed: Collection[str] | None, prefix: str = "") -> None:
        if not isinstance(raw, dict):
            raise KnowledgeBaseError(f"{where}: expected a mapping, found {type(raw).__name__}")
        self._raw: Dict[str, Any] = raw
        self._where = where
        self._prefix = prefix
        for name in raw:
            if allowed is not None and name not in allowed:
                self._fail(str(name), "is not a known field")

    def _fail(self, name: str, problem: str) -> NoReturn:
        raise KnowledgeBaseError(f"{self._where}: field '{self._prefix}{name}' {problem}")

    def fail(self, name: str, problem: str) -> NoReturn:
        """Refuse the field `name` for a reason the caller checked."""
        self._fail(name, problem)

    def _get(self, name: str) -> Any:
        if self._raw.get(name) is None:
            self._fail(name, "is missing")
        return self._raw[name]

    def present(self, name: str) -> bool:
        return self._raw.get(name) is not None

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            self._fail(name, f"must be text, found {type(value).__name__}")
        if not value.strip():
            self._fail(name, "is empty")
        return " ".join(value.split())

    def number(self, name: str) -> float:
        """A positive number, as written (an int stays an int)."""
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self._fail(name, f"must be a positive number, found {value!r}")
        return value

    def flag(self, name: str) -> bool:
        """`true` or `false`; absent is false."""
        value = self._raw.get(name, False)
        if not isinstance(value, bool):
            self._fail(name, f"must be true or false, found {value!r}")
        return value

    def choice(self, name: str, allowed: Collection[str]) -> str:
        value = self.text(name)
        if value not in allowed:
            self._fail(name, f"has {value!r}, expected one of: {', '.join(allowed)}")
        return value

    def texts(self, name: str, allowed: Collection[str] | None = None, what: str = "") -> Tuple[str, ...]:
        """A list of non-empty texts; with `allowed`, each must be one of them (an empty list is fine)."""
        values = self._get(name)
        if not isinstance(values, list):
            self._fail(name, f"must be a list, found {type(values).__name__}")
        if allowed is None and not values:
            self._fail(name, "is empty")
        result: List[str] = []
        for value in values:
            if not isinstance(value, str) or not value.strip():
                self._fail(name, f"has an empty or non-text item {value!r}")
            if allowed is not None and value not in allowed:
                self._fail(name, f"has {value!r}, which is not a {what}")
            result.append(" ".join(value.split()))
        if len(set(result)) != len(result):
            self._fail(name, "repeats an item")
        return tuple(result)

    def names(self) -> Tuple[str, ...]:
        return tuple(str(name) for name in self._raw)

    def mapping(self, name: str, allowed: Collection[str] | None) -> _Fields:
        """A nested mapping; `allowed` None takes any field names."""
        return _Fields(self._get(name), self._where, allowed, prefix=f"{self._prefix}{name}.")

    def mappings(self, name: str, allowed: Collection[str]) -> Tuple[_Fields, ...]:
        """The list field `name` of mappings (an empty list is fine); the fields of its n-th item
        (from 1) are named `name[n].field`."""
        items = self._get(name)
        if not isinstance(items, list):
            self._fail(name, f"must be a list, found {type(items).__name__}")
        result: List[_Fields] = []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                self._fail(f"{name}[{number}]", f"must be a mapping, found {type(item).__name__}")
            result.append(_Fields(item, self._where, allowed, prefix=f"{self._prefix}{name}[{number}]."))
        return tuple(result)

    def entries(self, name: str, allowed: Collection[str], expected: Collection[str]) -> Iterator[_Fields]:
        """The entries of the list field `name`, each keyed by an `id` from `expected`, all present once."""
        items = self._get(name)
        if not isinstance(items, list):
            self._fail(name, f"must be a list, found {type(items).__name__}")
        file = self._where
        seen: List[str] = []
        for number, item in enumerate(items, start=1):
            entry_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(entry_id, str) or not entry_id.strip():
                raise KnowledgeBaseError(f"{file}: entry #{number}: field 'id' is missing")
            if entry_id not in expected:
                raise KnowledgeBaseError(
                    f"{file}: entry '{entry_id}': field 'id' is not a known id; expected one of: "
                    + ", ".join(expected)
                )
            if entry_id in seen:
                raise KnowledgeBaseError(f"{file}: entry '{entry_id}': field 'id' is repeated")
            seen.append(entry_id)
            yield _Fields(item, f"{file}: entry '{entry_id}'", allowed)
        missing = [entry_id for entry_id in expected if entry_id not in seen]
        if missing:
            raise KnowledgeBaseError(f"{file}: entry '{missing[0]}' is missing (no entry has this id)")


def _read(directory: Path, file_name: str, allowed: Collection[str]) -> _Fields:
    path = directory / file_name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{file_name}: file not found in {directory}") from None
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{file_name}: invalid YAML: {error}") from None
    return _Fields(raw, file_name, allowed)


def _cause(entry: _Fields, vocabulary: Vocabulary) -> Cause:
    pattern = entry.mapping("pattern", _PATTERN_FIELDS)
    return Cause(
        id=entry.text("id"),
        name=entry.text("name"),
        section=entry.choice("section", SECTIONS),
        summary=entry.text("summary"),
        mechanism_kind=entry.choice("mechanism_kind", MECHANISM_KINDS),
        mechanism=entry.text("mechanism"),
        pattern=CausePattern(
            laterality=pattern.choice("laterality", LATERALITIES),
            where=pattern.text("where"),
            onset=pattern.text("onset"),
            course=pattern.text("course"),
        ),
        risk_factors=entry.texts("risk_factors", vocabulary.values("risk_factor"), "vocabulary risk_factor"),
        clinician_next_steps=entry.texts("clinician_next_steps"),
        tests=entry.texts("tests", TOPIC_IDS["diagnosis"], "diagnosis topic id"),
        treatment=entry.text("treatment"),
        asked_as=entry.texts("asked_as"),
        evidence=_evidence(entry.mapping("evidence", _EVIDENCE_FIELDS), vocabulary),
    )


def _weight(item: _Fields, vocabulary: Vocabulary, key: bool) -> Weight:
    finding = item.text("finding")
    entity, _, value = finding.partition(":")
    if finding not in DERIVED_FINDINGS and not vocabulary.is_canonical(entity, value):
        item.fail(
            "finding",
            f"has {finding!r}, which is neither an entity:value of the vocabulary nor one of: "
            + ", ".join(DERIVED_FINDINGS),
        )
    return Weight(finding=finding, weight=item.number("weight"), key=item.flag("key") if key else False)


def _evidence(evidence: _Fields, vocabulary: Vocabulary) -> CauseEvidence:
    """A cause's weights: `for` it, with at least one key finding; `against` it, if any."""
    supporting = tuple(
        _weight(item, vocabulary, key=True) for item in evidence.mappings("for", _SUPPORTING_FIELDS)
    )
    if not any(weight.key for weight in supporting):
        evidence.fail("for", "has no key finding (`key: true`), so the cause could never be offered")
    against = (
        tuple(_weight(item, vocabulary, key=False) for item in evidence.mappings("against", _AGAINST_FIELDS))
        if evidence.present("against")
        else ()
    )
    return CauseEvidence(supporting=supporting, against=against)


def _red_flag(entry: _Fields) -> RedFlag:
    follow_up = entry.mapping("follow_up", ("part", "start")) if entry.present("follow_up") else None
    return RedFlag(
        id=entry.text("id"),
        name=entry.text("name"),
        sign=entry.text("sign"),
        question=entry.text("question"),
        reply=entry.text("reply"),
        description=entry.text("description"),
        section=entry.choice("section", SECTIONS),
        source=entry.text("source") if entry.present("source") else None,
        follow_up_part=follow_up.text("part") if follow_up and follow_up.present("part") else None,
        follow_up_start=follow_up.text("start") if follow_up and follow_up.present("start") else None,
    )


def _topic(entry: _Fields, kind_of: Dict[str, str]) -> Topic:
    topic_id = entry.text("id")
    return Topic(
        id=topic_id,
        kind=entry.choice("kind", (kind_of[topic_id],)),
        title=entry.text("title"),
        section=entry.choice("section", SECTIONS),
        text=entry.text("text"),
        source=entry.text("source") if entry.present("source") else None,
        asked_as=entry.texts("asked_as"),
    )


def load_causes(path: Path = CAUSES_FILE, vocabulary: Vocabulary | None = None) -> Dict[str, Cause]:
    """The causes of the causes file `path`, in its order, validated against `vocabulary` (default:
    bot/vocabulary.yml): one entry for each of its cause ids."""
    vocabulary = load_vocabulary() if vocabulary is None else vocabulary
    causes_file = _read(path.parent, path.name, ("causes",))
    return {
        cause.id: cause
        for cause in (
            _cause(entry, vocabulary)
            for entry in causes_file.entries("causes", _CAUSE_FIELDS, vocabulary.causes)
        )
    }


def _load(directory: Path, vocabulary: Vocabulary) -> KnowledgeBase:
    causes = load_causes(directory / "causes.yml", vocabulary)

    red_flags_file = _read(directory, "red_flags.yml", ("red_flags", *_ADVICE_FIELDS, *_RECOGNITION_FIELDS))
    red_flags = {
        flag.id: flag
        for flag in (
            _red_flag(entry)
            for entry in red_flags_file.entries("red_flags", _RED_FLAG_FIELDS, vocabulary.red_flags)
        )
    }

    kind_of = {topic_id: kind for kind, ids in TOPIC_IDS.items() for topic_id in ids}
    topics_file = _read(directory, "topics.yml", ("topics", *_OVERVIEW_FIELDS))
    topics = {
        topic.id: topic
        for topic in (
            _topic(entry, kind_of) for entry in topics_file.entries("topics", _TOPIC_FIELDS, tuple(kind_of))
        )
    }

    questions_file = _read(directory, "questions.yml", ("subject_words", "concepts", "answers"))
    concepts_field = questions_file.mapping("concepts", None)
    concepts = {name: concepts_field.texts(name) for name in concepts_field.names()}
    # questions.yml asks only for the overviews; a topic or cause is asked for in its own record.
    answers = questions_file.mapping("answers", OVERVIEW_ANSWERS)
    questions = {answer_id: answers.texts(answer_id) for answer_id in OVERVIEW_ANSWERS}
    questions.update({topic.id: topic.asked_as for topic in topics.values()})
    questions.update({cause.id: cause.asked_as for cause in causes.values()})

    messages_file = _read(directory, "messages.yml", _MESSAGE_FIELDS)
    return KnowledgeBase(
        causes=causes,
        red_flags=red_flags,
        topics=topics,
        overview_causes=topics_file.text("overview_causes"),
        overview_tests=topics_file.text("overview_tests"),
        overview_treatment=topics_file.text("overview_treatment"),
        disclaimer=messages_file.text("disclaimer"),
        emergency_advice=red_flags_file.text("emergency_advice"),
        seek_care_advice=red_flags_file.text("seek_care_advice"),
        self_care_advice=red_flags_file.text("self_care_advice"),
        not_a_doctor=messages_file.text("not_a_doctor"),
        no_doses=messages_file.text("no_doses"),
        technical_problem=messages_file.text("technical_problem"),
        under_16=messages_file.text("under_16"),
        pregnancy=messages_file.text("pregnancy"),
        pregnancy_urgent=messages_file.text("pregnancy_urgent"),
        clinician_questions=messages_file.texts("clinician_questions"),
        summary_nothing_yet=messages_file.text("summary_nothing_yet"),
        questions=questions,
        subject_words=questions_file.texts("subject_words"),
        question_concepts=concepts,
    )


@lru_cache(maxsize=1)
def _load_default() -> KnowledgeBase:
    return _load(DATA_DIR, load_vocabulary())


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Load the knowledge base from `directory` (default: the bundled data, loaded once and cached)."""
    if directory is None:
        return _load_default()
    return _load(Path(directory), load_vocabulary())
