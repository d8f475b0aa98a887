"""Red flags recognised by meaning: spaCy token patterns generated from each red flag's record.

Each record of `bot/knowledge/data/red_flags.yml` defines lexical sets of lemmas and
rules that combine them ("unable move": a word of inability, up to three other
words, a word of moving the legs). This module turns every rule into spaCy Matcher
token patterns over NORM (so "can't", "cannot" and "couldn't" are one item), with
every inflected form of each lemma, so that "losing", "lost" and "loses" match
where the record says "lose". Each match joins the medspaCy target matcher's
spans before ConText, so ConText judges it like any other finding (denied,
someone else's, hypothetical). The grammar is described at the top of the data file.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Set, Tuple

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

RED_FLAGS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "data" / "red_flags.yml"
#: The extension entity a whole red flag is extracted as; its values are red flag ids.
ENTITY = "red_flag"
#: The value of a self-reported emergency ("this is an emergency", "I need an ambulance").
SELF_REPORTED = "self_reported_emergency"
#: The value of a start told as recent ("this morning", "an hour ago"): the timing two flags need.
RECENT_START = "recent_start"
#: The value of an earlier stroke ("since my stroke in 2008"): its signs, told without a new start, are old.
OLD_STROKE = "old_stroke"
#: The value of a recovery ("the feeling came back", "fine again"): a part said before it has passed.
RECOVERED = "recovered"
#: Top-level blocks of the data file recognised like a red flag, without a vocabulary id.
EXTRA_BLOCKS = (RECENT_START, SELF_REPORTED, OLD_STROKE, RECOVERED)
DEFAULT_GAP = 3
#: Words a gap never crosses: the end of a sentence, or a clause that turns the meaning
#: (a rule with `stops: sentence` crosses the latter: "I need to pee but nothing comes").
#: Nor words that open someone's direct speech ("my son woke up saying mummy I can't feel my legs"):
#: the "I" after them is the speaker's, not the writer's.
SPEECH_OPENERS = (
    "saying",
    "says",
    "said",
    "crying",
    "shouting",
    "screaming",
    "yelling",
    '"',
    "\u201c",
    "\u201d",
)
SENTENCE_STOPS = (".", "!", "?", ";", *SPEECH_OPENERS)
GAP_STOPS = (*SENTENCE_STOPS, "but", "although", "though", "however", "except")
#: Nor does a gap hold a negation: a negation inside a sign is one of its words ("I'm not making
#: sense"), and negates nothing; one between its words ("breathing easily, not wheezing") is ConText's.
GAP_NEGATIONS = ("not", "no", "never", "nor", "neither")

_IRREGULAR: Dict[str, Tuple[str, ...]] = {
    "be": ("am", "is", "are", "was", "were", "been", "being", "'m", "'re", "'s", "m", "re"),
    "have": ("has", "had", "having", "'ve", "'d", "ve"),
    "do": ("does", "did", "done", "doing"),
    "can": ("could", "ca"),
    "will": ("would", "wo"),
    "lose": ("lost",),
    "feel": ("felt",),
    "hold": ("held",),
    "go": ("went", "gone", "goes"),
    "give": ("gave", "given"),
    "fall": ("fell", "fallen"),
    "catch": ("caught",),
    "get": ("got", "gotten"),
    "stand": ("stood",),
    "wake": ("woke", "woken"),
    "see": ("saw", "seen"),
    "speak": ("spoke", "spoken"),
    "take": ("took", "taken"),
    "draw": ("drew", "drawn"),
    "fight": ("fought",),
    "find": ("found",),
    "say": ("said",),
    "come": ("came",),
    "make": ("made",),
    "keep": ("kept",),
    "put": ("put",),
    "foot": ("feet",),
    "wet": ("wet", "wetted", "wetting"),
    "lead": ("led",),
    "forget": ("forgot", "forgotten"),
    "begin": ("began", "begun"),
    "become": ("became",),
    "shake": ("shook", "shaken"),
    "sink": ("sank", "sunk"),
    "swell": ("swollen",),
    "hit": ("hit",),
    "let": ("let",),
    "break": ("broke", "broken"),
    "tell": ("told",),
}
_VOWELS = "aeiou"


def inflections(lemma: str) -> FrozenSet[str]:
    """Every form of a word: the lemma, its regular and irregular inflections (over-generating
    is harmless: a form that is no English word never occurs)."""
    word = lemma.lower()
    forms = {word, *_IRREGULAR.get(word, ())}
    if not word.isalpha() or len(word) < 2:
        return frozenset(forms)
    forms |= {word + "s", word + "ed", word + "ing"}
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms.add(word + "es")
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) >= 3 and word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # drop -> dropped, slur -> slurring
    return frozenset(forms)


class RedFlagDefinitionError(ValueError):
    """A red flag's recognition rules are malformed."""


@dataclass(frozen=True)
class Except:
    """A token that is any word but these ("my bottom !of": not "the bottom of my foot")."""

    words: FrozenSet[str]


Token = FrozenSet[str] | Except


@dataclass(frozen=True)
class Rule:
    """One rule of a record: its words and what a match gives (entity and value)."""

    flag: str
    words: str
    gap: int
    entity: str
    value: str
    elements: Tuple[Tuple[Tuple[Token, ...], ...], ...]  # element -> alternatives -> tokens
    adjacent: Tuple[bool, ...]  # whether element i+1 must follow element i directly
    optional: Tuple[bool, ...]  # elements written with "?": the rule holds with or without them
    stops: Tuple[str, ...] = GAP_STOPS

    def patterns(self) -> List[List[Dict[str, Any]]]:
        """The spaCy token patterns of this rule: one per choice of optional elements and of
        multi-word alternatives."""
        gap_token = {"NORM": {"NOT_IN": [*self.stops, *GAP_NEGATIONS]}, "IS_SENT_START": False, "OP": "?"}
        patterns = []
        for kept in itertools.product(*[(True, False) if opt else (True,) for opt in self.optional]):
            indexes = [i for i, keep in enumerate(kept) if keep]
            for choice in itertools.product(*(self.elements[i] for i in indexes)):
                pattern: List[Dict[str, Any]] = []
                for n, (index, alternative) in enumerate(zip(indexes, choice, strict=True)):
                    if n and not all(self.adjacent[indexes[n - 1] : index]):
                        pattern += [dict(gap_token) for _ in range(self.gap)]
                    pattern += [_token_pattern(token) for token in alternative]
                patterns.append(pattern)
        return patterns

    def required_words(self) -> List[FrozenSet[str]]:
        """For each element that must be there, the words it can start with (a message without one of
        them cannot match, so the rule is not tried)."""
        required = []
        for alternatives, optional in zip(self.elements, self.optional, strict=True):
            firsts = [alternative[0] for alternative in alternatives]
            words = [token for token in firsts if not isinstance(token, Except)]
            if not optional and len(words) == len(firsts):
                required.append(frozenset[str]().union(*words))
        return required


class RedFlagMatcher:
    """The rules of a Recognition as spaCy Matchers, one per rule, each tried only on a message that
    holds a word of every element it needs: a message is matched against a handful of rules, not
    against thousands of patterns.

    spaCy checks each pattern against its schema as it is added, which took about 7 of the 12 seconds
    of building the extractor, at every training and every server start. The patterns are generated
    here, from a fixed grammar; a unit test builds them with the check on (`validate=True`)."""

    def __init__(self, vocab: Vocab, recognition: Recognition, validate: bool = False) -> None:
        self._rules: List[Tuple[Rule, Matcher, List[FrozenSet[str]]]] = []
        for index, rule in enumerate(recognition.rules):
            matcher = Matcher(vocab, validate=validate)
            matcher.add(f"{rule.flag}:{index}", rule.patterns())
            self._rules.append((rule, matcher, rule.required_words()))

    def __call__(self, doc: Doc) -> List[Tuple[Rule, Span]]:
        norms = {token.norm_ for token in doc}
        return [
            (rule, doc[start:end])
            for rule, matcher, required in self._rules
            if all(norms & words for words in required)
            for _, start, end in matcher(doc)
        ]


def _token_pattern(token: Token) -> Dict[str, Any]:
    if isinstance(token, Except):
        return {"NORM": {"NOT_IN": sorted(token.words)}}
    return {"NORM": {"IN": sorted(token)}}


@dataclass(frozen=True)
class Recognition:
    source: Path
    rules: Tuple[Rule, ...]
    lemmas: FrozenSet[str]  # the words as the file writes them (the typo corrector's vocabulary)

    def values(self) -> Tuple[str, ...]:
        """Every value of the `red_flag` entity these rules can give."""
        return tuple(dict.fromkeys(rule.value for rule in self.rules if rule.entity == ENTITY))


def load_recognition(path: Path = RED_FLAGS_FILE) -> Recognition:
    """The recognition rules of every record in `path` (the knowledge base's red flag file)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("red_flags"), list):
        raise RedFlagDefinitionError(f"{path.name}: expected a mapping with a list 'red_flags'")
    shared = _sets(raw.get("sets") or {}, f"{path.name}: sets")
    records = [(str(r.get("id")), r) for r in raw["red_flags"] if isinstance(r, dict)]
    records += [(block, raw[block]) for block in EXTRA_BLOCKS if isinstance(raw.get(block), dict)]
    rules: List[Rule] = []
    for flag, record in records:
        where = f"{path.name}: {flag}.recognise"
        recognise = record.get("recognise")
        if not isinstance(recognise, dict) or not recognise.get("rules"):
            raise RedFlagDefinitionError(f"{where}: missing, or without rules")
        sets = {**shared, **_sets(recognise.get("sets") or {}, f"{where}.sets")}
        part = recognise.get("part") or {}
        for index, item in enumerate(recognise["rules"]):
            rules.append(_rule(flag, item, sets, part, f"{where}.rules[{index}]"))
    written = [raw.get("sets") or {}, *(record.get("recognise") for _, record in records)]
    lemmas = frozenset(re.findall(r"[a-z]+", yaml.safe_dump(written).lower())) - {"words", "gap", "gives"}
    return Recognition(path, tuple(rules), lemmas)


def _sets(raw: Any, where: str) -> Dict[str, Tuple[Tuple[Token, ...], ...]]:
    if not isinstance(raw, dict):
        raise RedFlagDefinitionError(f"{where}: expected a mapping of set names to word lists")
    sets = {}
    for name, items in raw.items():
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(i, str) and i.strip() for i in items)
        ):
            raise RedFlagDefinitionError(f"{where}.{name}: expected a non-empty list of words")
        sets[str(name)] = _alternatives(items)
    return sets


def _alternatives(items: Iterable[str]) -> Tuple[Tuple[Token, ...], ...]:
    """Items as token sequences; the one-word items of a set merge into one token."""
    single: Set[str] = set()
    multi: List[Tuple[Token, ...]] = []
    for item in items:
        words = [w for w in re.split(r"[\s+]+", item.strip().lower()) if w]
        if len(words) == 1 and not words[0].startswith(("!", "=")):
            single |= inflections(words[0])
        else:
            multi.append(tuple(_word_token(w) for w in words))
    return (((frozenset(single),),) if single else ()) + tuple(multi)


def _word_token(word: str) -> Token:
    if word.startswith("!"):
        return Except(frozenset(word[1:].split("|")))
    return frozenset(word[1:].split("|")) if word.startswith("=") else inflections(word)


def _rule(flag: str, item: Any, sets: Mapping[str, Any], part: Mapping[str, Any], where: str) -> Rule:
    if isinstance(item, str):
        item = {"words": item}
    if not isinstance(item, dict) or not isinstance(item.get("words"), str):
        raise RedFlagDefinitionError(f"{where}: expected {{words: ..., gap: ..., gives: ...}}")
    unknown = set(item) - {"words", "gap", "gives", "stops"}
    if unknown:
        raise RedFlagDefinitionError(f"{where}: unknown keys {sorted(unknown)}")
    gives = item.get("gives", "flag")
    if gives == "part":
        if not (isinstance(part.get("entity"), str) and isinstance(part.get("value"), str)):
            raise RedFlagDefinitionError(f"{where}: gives a part, but the record names no part")
        entity, value = part["entity"], part["value"]
    elif gives == "flag":
        entity, value = ENTITY, flag
    else:
        raise RedFlagDefinitionError(f"{where}: 'gives' must be 'flag' or 'part', not {gives!r}")
    if item.get("stops", "clause") not in ("clause", "sentence"):
        raise RedFlagDefinitionError(f"{where}: 'stops' must be 'clause' or 'sentence'")
    stops = SENTENCE_STOPS if item.get("stops") == "sentence" else GAP_STOPS
    gap = item.get("gap", DEFAULT_GAP)
    if not isinstance(gap, int) or not 0 <= gap <= 8:
        raise RedFlagDefinitionError(f"{where}: gap must be a whole number from 0 to 8")
    tokens = item["words"].replace("+", " + ").split()
    elements: List[Tuple[Tuple[Token, ...], ...]] = []
    adjacent: List[bool] = []
    optional: List[bool] = []
    for token in tokens:
        if token == "+":
            if not elements or len(adjacent) == len(elements):
                raise RedFlagDefinitionError(f"{where}: '+' must stand between two words")
            adjacent.append(True)
            continue
        if len(adjacent) < len(elements):
            adjacent.append(False)
        words = token.strip("'\"")
        optional.append(words.endswith("?") and len(words) > 1)
        words = words.removesuffix("?") if optional[-1] else words
        literal = (words,) if words.startswith(("!", "=")) else words.split("|")
        elements.append(sets[words] if words in sets else _alternatives(literal))
    if len(adjacent) != max(len(elements) - 1, 0):
        raise RedFlagDefinitionError(f"{where}: '+' must stand between two words")
    if optional and all(optional):
        raise RedFlagDefinitionError(f"{where}: a rule needs at least one element that is not optional")
    return Rule(
        flag, item["words"], gap, entity, value, tuple(elements), tuple(adjacent), tuple(optional), stops
    )
