"""The NLU lookup tables data/nlu/lookups/ are what scripts/lookups.py makes of the lexicon."""

from __future__ import annotations

from bot.nlp.lexicon import load_lexicon
from scripts.lookups import COMMAND, EXTRAS, HEADER, LOOKUPS_DIR, lookup_files, lookup_tables

LEXICON = load_lexicon()


def test_the_lookup_files_are_generated_from_the_lexicon() -> None:
    expected = lookup_files(LEXICON)
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in LOOKUPS_DIR.glob("*.yml")}
    stale = sorted(
        name for name in expected.keys() | on_disk.keys() if expected.get(name) != on_disk.get(name)
    )
    assert not stale, f"data/nlu/lookups/ is out of date with bot/nlp/lexicon/ ({stale}): run `{COMMAND}`"


def test_every_lookup_file_says_it_is_generated() -> None:
    for path in LOOKUPS_DIR.glob("*.yml"):
        assert path.read_text(encoding="utf-8").startswith(HEADER), path


def test_a_table_per_entity_type_and_duration() -> None:
    assert list(lookup_tables(LEXICON)) == [*LEXICON.entities, "duration"]


def test_the_extras_are_only_what_the_lexicon_lacks() -> None:
    """An extra that became a plain phrase of the lexicon is listed twice: it must leave EXTRAS."""
    tables = {
        name: {p.literal for ps in values.values() for p in ps if p.pattern is None}
        for name, values in LEXICON.entities.items()
    }
    tables["duration"] = {p.literal for p in LEXICON.duration if p.pattern is None}
    assert set(EXTRAS) <= set(tables)
    redundant = {name: [e for e in extras if e in tables[name]] for name, extras in EXTRAS.items()}
    redundant = {name: found for name, found in redundant.items() if found}
    assert not redundant, (
        f"now phrases of the lexicon, remove them from EXTRAS in scripts/lookups.py: {redundant}"
    )
    repeated = {name: len(extras) - len(set(extras)) for name, extras in EXTRAS.items()}
    assert not any(repeated.values()), repeated
