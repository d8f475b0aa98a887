"""The knowledge base: coverage of the vocabulary, validation of broken files, safety of the texts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Set, Tuple

import pytest
import yaml
from shared_files import ARTICLE

from bot.knowledge import TOPIC_IDS, KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from bot.knowledge.loader import DATA_DIR
from bot.knowledge.models import OVERVIEW_ANSWERS, SECTIONS
from bot.reasoning import load_rules
from bot.settings import PROJECT_ROOT
from bot.vocabulary import load_vocabulary

DOSE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|μg|ug|units?|iu)\b", re.IGNORECASE)
RUN = 8  # words in a row that may not be copied from the article


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def _words(text: str) -> List[str]:
    """Lower-case words with punctuation (straight or curly) dropped."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def _runs(words: List[str]) -> Set[Tuple[str, ...]]:
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _all_texts() -> List[str]:
    return [
        text for path in sorted(DATA_DIR.glob("*.yml")) for text in _strings(yaml.safe_load(path.read_text()))
    ]


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


# -- coverage -------------------------------------------------------------------------------------------


def test_every_vocabulary_cause_has_an_entry(kb: KnowledgeBase) -> None:
    assert list(kb.causes) == list(load_vocabulary().causes)
    for cause_id, cause in kb.causes.items():
        assert kb.cause(cause_id) is cause
        assert cause.section in SECTIONS


def test_every_vocabulary_red_flag_has_an_entry(kb: KnowledgeBase) -> None:
    assert list(kb.red_flags) == list(load_vocabulary().red_flags)
    assert all(flag.section in SECTIONS for flag in kb.red_flags.values())


def test_every_topic_has_an_entry_of_its_kind(kb: KnowledgeBase) -> None:
    for kind, ids in TOPIC_IDS.items():
        for topic_id in ids:
            assert kb.topic(topic_id).kind == kind


def test_cause_links_use_vocabulary_and_diagnosis_ids(kb: KnowledgeBase) -> None:
    risk_factors = set(load_vocabulary().values("risk_factor"))
    for cause in kb.causes.values():
        assert set(cause.risk_factors) <= risk_factors
        assert set(cause.tests) <= set(TOPIC_IDS["diagnosis"])
    assert kb.cause("temporary_compression").mechanism_kind == "temporary_pressure"
    assert kb.cause("temporary_compression").section == "Introduction"


def test_unknown_ids_raise_key_error(kb: KnowledgeBase) -> None:
    with pytest.raises(KeyError, match="flu"):
        kb.cause("flu")
    with pytest.raises(KeyError, match="astrology"):
        kb.topic("astrology")


def test_default_load_is_cached() -> None:
    assert load_knowledge_base() is load_knowledge_base()


def test_messages_are_present_and_the_disclaimer_is_one_line(kb: KnowledgeBase) -> None:
    for text in (kb.emergency_advice, kb.seek_care_advice, kb.self_care_advice, kb.not_a_doctor, kb.no_doses):
        assert text.strip()
    assert "\n" not in kb.disclaimer
    assert "emergency" in kb.disclaimer and "diagnosis" in kb.disclaimer


# -- the texts ------------------------------------------------------------------------------------------


def test_no_text_states_a_dose() -> None:
    doses = [text for text in _all_texts() if DOSE.search(text)]
    assert not doses


def test_dose_pattern_catches_doses() -> None:
    for text in ("take 300 mg", "1000mcg daily", "50 µg", "10 units", "2.5 mg"):
        assert DOSE.search(text), text


@pytest.mark.skipif(not ARTICLE.exists(), reason="the shared article is not beside this clone")
def test_no_text_copies_eight_words_of_the_article() -> None:
    article = _runs(_words(ARTICLE.read_text(encoding="utf-8")))
    copied = {text: sorted(_runs(_words(text)) & article) for text in _all_texts()}
    assert not {text: runs for text, runs in copied.items() if runs}


def test_texts_are_short(kb: KnowledgeBase) -> None:
    for cause in kb.causes.values():
        assert 1 <= _sentences(cause.summary) <= 2, cause.id
        assert len(cause.summary.split()) <= 40, cause.id
    for topic in kb.topics.values():
        assert 2 <= _sentences(topic.text) <= 4, topic.id


# -- validation of broken files --------------------------------------------------------------------------


def _edit_yaml(file_name: str, change: Callable[[Dict[str, Any]], None]) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / file_name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    return edit


def _entry(data: Dict[str, Any], key: str, entry_id: str) -> Dict[str, Any]:
    return next(entry for entry in data[key] if entry["id"] == entry_id)


def _break_yaml(directory: Path) -> None:
    (directory / "topics.yml").write_text("topics:\n  - id: myelin\n    text: [unclosed\n", encoding="utf-8")


BROKEN: Dict[str, Tuple[Callable[[Path], None], str]] = {
    "missing field": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp").pop("mechanism")),
        "causes.yml: entry 'cidp': field 'mechanism' is missing",
    ),
    "missing nested field": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "sciatica")["pattern"].pop("where")),
        "causes.yml: entry 'sciatica': field 'pattern.where' is missing",
    ),
    "unknown cause id": (
        _edit_yaml("causes.yml", lambda d: d["causes"].append({**d["causes"][0], "id": "flu"})),
        "causes.yml: entry 'flu': field 'id' is not a known id",
    ),
    "missing cause": (
        _edit_yaml("causes.yml", lambda d: d["causes"].remove(_entry(d, "causes", "cidp"))),
        "causes.yml: entry 'cidp' is missing",
    ),
    "repeated cause": (
        _edit_yaml("causes.yml", lambda d: d["causes"].append(d["causes"][0])),
        "causes.yml: entry 'diabetic_neuropathy': field 'id' is repeated",
    ),
    "bad risk factor": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "sciatica")["risk_factors"].append("smoking")),
        "causes.yml: entry 'sciatica': field 'risk_factors' has 'smoking', which is not a vocabulary",
    ),
    "test that is not a diagnosis topic": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp")["tests"].append("myelin")),
        "causes.yml: entry 'cidp': field 'tests' has 'myelin', which is not a diagnosis topic id",
    ),
    "bad mechanism kind": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp").update(mechanism_kind="magic")),
        "causes.yml: entry 'cidp': field 'mechanism_kind' has 'magic'",
    ),
    "unknown section": (
        _edit_yaml(
            "red_flags.yml", lambda d: _entry(d, "red_flags", "rapid_weakness").update(section="Intro")
        ),
        "red_flags.yml: entry 'rapid_weakness': field 'section' has 'Intro'",
    ),
    "misspelt field": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp").update(mechansim="x")),
        "causes.yml: entry 'cidp': field 'mechansim' is not a known field",
    ),
    "empty text": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "b12_deficiency").update(summary="  ")),
        "causes.yml: entry 'b12_deficiency': field 'summary' is empty",
    ),
    "empty next steps": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp").update(clinician_next_steps=[])),
        "causes.yml: entry 'cidp': field 'clinician_next_steps' is empty",
    ),
    "cause without evidence": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp").pop("evidence")),
        "causes.yml: entry 'cidp': field 'evidence' is missing",
    ),
    "cause without a key finding": (
        _edit_yaml(
            "causes.yml",
            lambda d: [w.pop("key", None) for w in _entry(d, "causes", "sciatica")["evidence"]["for"]],
        ),
        "causes.yml: entry 'sciatica': field 'evidence.for' has no key finding",
    ),
    "unknown finding": (
        _edit_yaml(
            "causes.yml",
            lambda d: _entry(d, "causes", "cidp")["evidence"]["against"][0].update(finding="course:forever"),
        ),
        "causes.yml: entry 'cidp': field 'evidence.against[1].finding' has 'course:forever', which is",
    ),
    "weight that is not a number": (
        _edit_yaml(
            "causes.yml", lambda d: _entry(d, "causes", "cidp")["evidence"]["for"][0].update(weight="high")
        ),
        "causes.yml: entry 'cidp': field 'evidence.for[1].weight' must be a positive number",
    ),
    "cause without ways of asking": (
        _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp").pop("asked_as")),
        "causes.yml: entry 'cidp': field 'asked_as' is missing",
    ),
    "topic without ways of asking": (
        _edit_yaml("topics.yml", lambda d: _entry(d, "topics", "myelin").pop("asked_as")),
        "topics.yml: entry 'myelin': field 'asked_as' is missing",
    ),
    "topic with no ways of asking": (
        _edit_yaml("topics.yml", lambda d: _entry(d, "topics", "myelin").update(asked_as=[])),
        "topics.yml: entry 'myelin': field 'asked_as' is empty",
    ),
    "a cause's ways of asking left in questions.yml": (
        _edit_yaml("questions.yml", lambda d: d["answers"].update(cidp=["what is CIDP"])),
        "questions.yml: field 'answers.cidp' is not a known field",
    ),
    "missing overview's ways of asking": (
        _edit_yaml("questions.yml", lambda d: d["answers"].pop("tests_overview")),
        "questions.yml: field 'answers.tests_overview' is missing",
    ),
    "missing red flag": (
        _edit_yaml(
            "red_flags.yml", lambda d: d["red_flags"].remove(_entry(d, "red_flags", "breathing_difficulty"))
        ),
        "red_flags.yml: entry 'breathing_difficulty' is missing",
    ),
    "missing advice": (
        _edit_yaml("red_flags.yml", lambda d: d.pop("emergency_advice")),
        "red_flags.yml: field 'emergency_advice' is missing",
    ),
    "missing topic": (
        _edit_yaml("topics.yml", lambda d: d["topics"].remove(_entry(d, "topics", "myelin"))),
        "topics.yml: entry 'myelin' is missing",
    ),
    "topic of the wrong kind": (
        _edit_yaml("topics.yml", lambda d: _entry(d, "topics", "myelin").update(kind="treatment")),
        "topics.yml: entry 'myelin': field 'kind' has 'treatment'",
    ),
    "empty message": (
        _edit_yaml("messages.yml", lambda d: d.update(no_doses="")),
        "messages.yml: field 'no_doses' is empty",
    ),
    "bad YAML": (_break_yaml, "topics.yml: invalid YAML"),
    "missing file": (lambda directory: (directory / "messages.yml").unlink(), "messages.yml: file not found"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_loader_rejects_broken_files(case: str, tmp_path: Path) -> None:
    break_it, message = BROKEN[case]
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    break_it(directory)
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(directory)
    assert str(error.value).startswith(message)


def test_an_unchanged_copy_loads(tmp_path: Path, kb: KnowledgeBase) -> None:
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    assert load_knowledge_base(directory) == kb


def test_every_answer_is_asked_for_in_one_place(kb: KnowledgeBase) -> None:
    """The ways of asking: the overviews' in questions.yml, every topic's and cause's in its record."""
    assert list(kb.questions) == [*OVERVIEW_ANSWERS, *kb.topics, *kb.causes]
    for record in (*kb.topics.values(), *kb.causes.values()):
        assert kb.questions[record.id] == record.asked_as


def test_the_reasoning_reads_its_weights_through_the_loader(tmp_path: Path) -> None:
    """bot/reasoning.py's weights are the causes' `evidence`, refused by the same checks."""
    rules = {rule.cause: rule for rule in load_rules()}
    for cause in load_knowledge_base().causes.values():
        assert (rules[cause.id].supporting, rules[cause.id].against) == (
            cause.evidence.supporting,
            cause.evidence.against,
        )
    shutil.copy(DATA_DIR / "causes.yml", tmp_path / "causes.yml")
    _edit_yaml("causes.yml", lambda d: _entry(d, "causes", "cidp")["evidence"]["for"].clear())(tmp_path)
    with pytest.raises(
        KnowledgeBaseError, match=r"causes.yml: entry 'cidp': field 'evidence.for' has no key"
    ):
        load_rules(tmp_path / "causes.yml")


@pytest.mark.slow
def test_the_article_test_skips_when_the_shared_folder_is_absent(tmp_path: Path) -> None:
    """A clone without ../shared (a fork, a laptop) runs the suite: the tests that need the shared
    files skip, as the vocabulary test does, instead of failing."""
    env = {**os.environ, "SHARED_DIR": str(tmp_path / "nowhere")}
    tests = [
        f"{__file__}::test_no_text_copies_eight_words_of_the_article",
        f"{Path(__file__).with_name('test_vocabulary.py')}::test_copy_is_identical_to_the_shared_spec",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "2 skipped" in result.stdout, result.stdout[-2000:]
