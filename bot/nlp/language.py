"""Is a message English? A dependency-free heuristic that says no only on positive evidence.

The assistant understands English only; a foreign message must not be read as
English (its words could match nothing, or worse, something). But short chat
answers ("both", "idk", "3 months", "👍", typos) give almost no evidence, so the
rule is: English unless the text is mostly in a non-Latin script, or at least
two of its words are clearly foreign and outnumber the English ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, Tuple

import yaml

from bot.nlp.lexicon import ENTITIES_DIR, LEXICON_DIR, read_lexicon

WORDS_FILE = Path(__file__).with_name("language_words.yml")

#: Letters that English words do not use (accented loanwords like "café" are rare).
_FOREIGN_LETTERS = frozenset("ñ¿¡ßäöüçãõâêîôûàèìòùáíóúéëïÿœæøåłśżźćńąęğşıő")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_MIN_FOREIGN_WORDS = 2
#: The start of a message tells its language; reading 1 MB would only cost time.
_MAX_CHARS = 5000


@dataclass(frozen=True)
class _Words:
    english: FrozenSet[str]
    foreign: Dict[str, Tuple[str, ...]]  # word -> languages it belongs to (never an English word)


def is_english(text: str) -> bool:
    text = text[:_MAX_CHARS]
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True  # emoji, numbers, punctuation
    non_latin = sum(1 for c in letters if not _is_latin(c))
    if non_latin >= 2 and non_latin * 2 > len(letters):
        return False
    words = _load_words()
    english_count = 0
    marked = 0
    per_language: Dict[str, int] = {}
    for word in (w.replace("’", "'") for w in _WORD.findall(text.lower())):
        if word in words.english:
            english_count += 1
        elif word in words.foreign:
            for language in words.foreign[word]:
                per_language[language] = per_language.get(language, 0) + 1
        elif _FOREIGN_LETTERS.intersection(word):
            marked += 1
    foreign_count = max(per_language.values(), default=0) + marked
    return not (foreign_count >= _MIN_FOREIGN_WORDS and foreign_count > english_count)


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


@lru_cache(maxsize=1)
def _load_words() -> _Words:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    lexicon = read_lexicon(LEXICON_DIR)
    entities = [content for name, content in lexicon.items() if name.startswith(f"{ENTITIES_DIR}/")]
    english = {w.lower() for w in raw["english"].split()}
    english.update(w for s in _strings(entities) for w in _WORD.findall(s.lower()))
    foreign: Dict[str, Tuple[str, ...]] = {}
    for language, language_words in raw["foreign"].items():
        for word in {str(w).lower() for w in language_words} - english:
            foreign[word] = (*foreign.get(word, ()), language)
    return _Words(english=frozenset(english), foreign=foreign)


def _strings(node: Any) -> Iterator[str]:
    """Every string value in a YAML tree (phrases and the words inside token patterns)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
