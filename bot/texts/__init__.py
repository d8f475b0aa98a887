"""Everything the assistant says, per language, in one catalogue loaded by this module.

The texts live in `bot/texts/<language>/<topic>.yml`; a text's key is
`<topic>.<name>` (e.g. `channels.too_long`), its value a string or a list of
strings, with `str.format` fields for what changes (`{limit}`). The knowledge
base (`bot/knowledge/data/`) holds what the assistant explains from the article,
each entry with its source; this catalogue holds everything else it says: its
prompts and replies, its buttons and labels, and the chat page's own text.

A second language is a copy of `bot/texts/en/` under its code, every value
translated with its keys and fields kept (tests/unit/test_texts.py checks both);
`catalogue("xx")` then reads it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple

import yaml

TEXTS_DIR = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"

Entry = str | Tuple[str, ...]


class TextError(Exception):
    """A text that is missing, malformed, or filled in with the wrong fields."""


@dataclass(frozen=True)
class Catalogue:
    language: str
    entries: Mapping[str, Entry]

    def text(self, key: str, **fields: Any) -> str:
        """The text under `key`, its fields filled in; every field it names must be given."""
        entry = self._entry(key)
        if not isinstance(entry, str):
            raise TextError(f"{self.language}:{key} is a list of texts; use texts()")
        return _fill(entry, key, fields) if fields or placeholders(entry) else entry

    def texts(self, key: str) -> Tuple[str, ...]:
        entry = self._entry(key)
        if isinstance(entry, str):
            raise TextError(f"{self.language}:{key} is one text; use text()")
        return entry

    def topic(self, topic: str) -> Dict[str, Entry]:
        """Every text of one topic file, by its name within the topic (e.g. for the chat page)."""
        prefix = f"{topic}."
        return {key[len(prefix) :]: entry for key, entry in self.entries.items() if key.startswith(prefix)}

    def _entry(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise TextError(f"no text {key!r} in the {self.language!r} catalogue (bot/texts/)") from None


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _fill(text: str, key: str, fields: Mapping[str, Any]) -> str:
    names = placeholders(text)
    if names != set(fields):
        raise TextError(f"{key} takes the fields {sorted(names)}, was given {sorted(fields)}")
    return text.format(**fields)


@cache
def catalogue(language: str = DEFAULT_LANGUAGE, texts_dir: Path | None = None) -> Catalogue:
    """The texts of `language`, read from `<texts_dir>/<language>/*.yml` (by default bot/texts/)."""
    directory = (texts_dir or TEXTS_DIR) / language
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise TextError(f"no texts for the language {language!r} in {directory}")
    entries: Dict[str, Entry] = {}
    for path in files:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise TextError(f"{path}: expected a mapping of names to texts")
        for name, value in raw.items():
            entries[f"{path.stem}.{name}"] = _entry(value, f"{path.name}: {name}")
    return Catalogue(language, entries)


def _entry(value: Any, where: str) -> Entry:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise TextError(f"{where}: expected a non-empty text or a list of non-empty texts")


def say(key: str, **fields: Any) -> str:
    """The text under `key` in the default language, its fields filled in."""
    return catalogue().text(key, **fields)
