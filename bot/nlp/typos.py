"""Misspelt lexicon words: "numbnes", "tingeling", "pins and needels".

A word is read as a lexicon word when it is one slip (a letter left out, added or
mistyped, or two neighbours swapped) away from it, the likeliest slip picks one
lexicon word, and the word is not a word of English itself: "ladder" stays a
ladder, not a bladder. Short words are left alone, where one slip turns a word
into another ("foot", "feet", "feel").
The English words are pyspellchecker's dictionary, without its frequencies.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from typing import AbstractSet, Dict, FrozenSet, Iterable, Iterator, Set

#: Words shorter than this are never corrected, nor corrected to.
MIN_LENGTH = 5


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """The words of pyspellchecker's English dictionary a look-up can meet (MIN_LENGTH letters
    or more, letters only), loaded once per process."""
    data = resources.files("spellchecker").joinpath("resources").joinpath("en.json.gz").read_bytes()
    return frozenset(
        word for word in json.loads(gzip.decompress(data)) if len(word) >= MIN_LENGTH and word.isalpha()
    )


def _deletions(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


#: Kinds of typing slip, most frequent first: a left-out letter, then two swapped, one
#: mistyped, one doubled or added. Ties between lexicon words are settled by this order.
LEFT_OUT, SWAPPED, MISTYPED, ADDED = range(4)


def edit_kind(typed: str, word: str) -> int | None:
    """Which single slip turns `word` into `typed`, or None when it takes more than one."""
    if len(typed) + 1 == len(word):
        return LEFT_OUT if typed in _deletions(word) else None
    if len(typed) == len(word) + 1:
        return ADDED if word in _deletions(typed) else None
    if len(typed) != len(word) or typed == word:
        return None
    differ = [i for i, (x, y) in enumerate(zip(typed, word, strict=True)) if x != y]
    if len(differ) == 1:
        return MISTYPED
    i, j = differ[0], differ[-1]
    swapped = len(differ) == 2 and j == i + 1 and typed[i] == word[j] and typed[j] == word[i]
    return SWAPPED if swapped else None


class TypoCorrector:
    """Finds the lexicon word a misspelt word stands for.

    Candidates come from a symmetric-deletion index (each target and its one-letter
    deletions), so a look-up touches a handful of entries, not every target."""

    def __init__(self, targets: Iterable[str], dictionary: AbstractSet[str]) -> None:
        self.targets = frozenset(t for t in targets if len(t) >= MIN_LENGTH and t.isalpha())
        self.dictionary = dictionary
        self._index: Dict[str, Set[str]] = {}
        for target in self.targets:
            for key in (target, *_deletions(target)):
                self._index.setdefault(key, set()).add(target)

    def correct(self, word: str) -> str | None:
        """The one lexicon word `word` misspells, or None."""
        word = word.lower()
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self.targets or word in self.dictionary:
            return None
        by_kind: Dict[int, Set[str]] = {}
        for key in (word, *_deletions(word)):
            for target in self._index.get(key, ()):
                kind = edit_kind(word, target)
                if kind is not None:
                    by_kind.setdefault(kind, set()).add(target)
        likeliest = by_kind[min(by_kind)] if by_kind else set()
        return next(iter(likeliest)) if len(likeliest) == 1 else None
