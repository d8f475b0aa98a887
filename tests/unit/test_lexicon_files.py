"""The lexicon is a folder of files, one per job (bot/nlp/lexicon/): all of them are read, none is missing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.nlp.lexicon import (
    DEFINITIONS_FILE,
    ENTITIES_DIR,
    EXTENSION_ENTITIES,
    LEXICON_DIR,
    SECTION_FILES,
    LexiconError,
    lexicon_files,
    load_lexicon,
    read_lexicon,
)
from bot.vocabulary import FREE_TEXT_ENTITIES, load_vocabulary

LEXICON = load_lexicon()
CONTENTS = read_lexicon()


def _phrase_items(node: Any) -> Iterator[Any]:
    """The phrases of an entity file: the items of each value's list."""
    for items in node.values():
        yield from items


def test_every_file_of_the_folder_is_read() -> None:
    on_disk = sorted(p for p in LEXICON_DIR.rglob("*") if p.is_file())
    assert sorted(lexicon_files()) == on_disk
    assert sorted(CONTENTS) == sorted(p.relative_to(LEXICON_DIR).as_posix() for p in on_disk)


def test_each_entity_type_has_its_file() -> None:
    vocabulary = load_vocabulary()
    types = [e for e in vocabulary.entities if e not in FREE_TEXT_ENTITIES] + list(EXTENSION_ENTITIES)
    files = sorted(p.stem for p in (LEXICON_DIR / ENTITIES_DIR).glob("*.yml"))
    assert files == sorted(types)
    assert list(LEXICON.entities) == types  # the order the single file had, which the matcher keeps


def test_every_file_says_what_it_holds() -> None:
    for path in lexicon_files():
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path} opens without a comment"


def test_the_loaded_lexicon_holds_every_phrase_and_rule_of_the_files() -> None:
    for entity, values in LEXICON.entities.items():
        raw = CONTENTS[f"{ENTITIES_DIR}/{entity}.yml"]
        assert list(values) == list(raw)
        assert sum(len(phrases) for phrases in values.values()) == len(list(_phrase_items(raw)))
    overlaps, duration = CONTENTS["overlaps.yml"], CONTENTS["duration.yml"]
    context, ellipsis = CONTENTS["context.yml"]["context"], CONTENTS["context.yml"]["ellipsis"]
    assert {e: len(p) for e, p in LEXICON.blockers.items()} == {
        e: len(p) for e, p in overlaps["blockers"].items()
    }
    assert LEXICON.nested_types == set(overlaps["nested_types"])
    assert len(LEXICON.duration) == len(duration["duration"])
    assert len(LEXICON.context_rules) == len(context["rules"])
    assert LEXICON.pseudo_trigger_words == {w.lower() for w in context["pseudo_trigger_words"]}
    assert set(LEXICON.terminated_by) == {c.upper() for c in context["terminated_by"]}
    assert len(LEXICON.other_ellipsis) == len(ellipsis["other"])
    assert len(LEXICON.patient_ellipsis) == len(ellipsis["patient_denies"])
    assert LEXICON.clause_end_words == {w.lower() for w in ellipsis["clause_end_words"]}


def test_the_other_files_use_the_word_lists_of_definitions() -> None:
    family = CONTENTS[DEFINITIONS_FILE]["definitions"]["family_words"]
    patterns = [rule.get("pattern", []) for rule in CONTENTS["context.yml"]["context"]["rules"]]
    assert any(token.get("LOWER") == {"NOT_IN": family} for pattern in patterns for token in pattern)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, copy)
    return copy


def test_a_stray_file_fails(folder: Path) -> None:
    (folder / ENTITIES_DIR / "notes.txt").write_text("to do\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"unexpected files \['entities/notes.txt'\]"):
        load_lexicon(folder)


def test_a_missing_file_fails(folder: Path) -> None:
    (folder / ENTITIES_DIR / "onset.yml").unlink()
    with pytest.raises(LexiconError, match=r"entities/: missing entity types \['onset'\]"):
        load_lexicon(folder)
    (folder / "context.yml").unlink()
    with pytest.raises(LexiconError, match=r"missing files \['context.yml'\]"):
        load_lexicon(folder)


def test_an_unknown_entity_type_or_section_fails(folder: Path) -> None:
    shutil.copy(folder / ENTITIES_DIR / "onset.yml", folder / ENTITIES_DIR / "onsets.yml")
    with pytest.raises(LexiconError, match=r"entities/onsets.yml: unknown entity type 'onsets'"):
        load_lexicon(folder)
    (folder / ENTITIES_DIR / "onsets.yml").unlink()
    duration = folder / "duration.yml"
    duration.write_text(
        duration.read_text(encoding="utf-8") + "\nnested_types: [symptom]\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"duration.yml: unknown top-level keys \['nested_types'\]"):
        load_lexicon(folder)


def test_an_alias_unknown_to_definitions_names_its_file(folder: Path) -> None:
    path = folder / "overlaps.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("*drink_units", "*drinks"), "utf-8")
    with pytest.raises(LexiconError, match=r"overlaps.yml: .*undefined alias 'drinks'"):
        load_lexicon(folder)


def test_every_section_file_is_known() -> None:
    assert set(SECTION_FILES) | {f"{ENTITIES_DIR}/{e}.yml" for e in LEXICON.entities} == set(CONTENTS)
