"""Clinical entities with their assertion status (negated, experiencer) from free text.

`ClinicalExtractor.extract` runs the lexicon and ConText over a message, adds the
assertion status of spans found by another extractor (DIET), merges the two
deterministically and resolves elliptical clauses about family members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from bot.nlp import red_flag_patterns
from bot.nlp.duration import to_weeks
from bot.nlp.lexicon import LEXICON_DIR, Lexicon, Phrase, is_canonical, load_lexicon
from bot.nlp.pipeline import (
    BLOCKER_SUFFIX,
    CONTEXT,
    FREE_TEXT_VALUE,
    SPAN_GROUP,
    build_pipeline,
    load_pipeline,
    phrase_pattern,
    save_pipeline,
    value_attribute,
)
from bot.nlp.red_flag_patterns import RED_FLAGS_FILE, Recognition, RedFlagMatcher, load_recognition
from bot.nlp.typos import TypoCorrector, english_words
from bot.vocabulary import Vocabulary, load_vocabulary

EXTRACTOR_NAME = "ClinicalEntityExtractor"
PATIENT = "patient"
OTHER = "other"

#: Only the start of a message is analysed. A person describing their feet does
#: so in far fewer characters; the cap keeps the cost of a pasted document (or an
#: abusive 1 MB message) bounded for the whole NLU pipeline.
MAX_TEXT_CHARS = 5000
#: DIET's entity confidence below which its tag alone is not trusted.
MIN_DIET_CONFIDENCE = 0.8

#: A duration says how long, not whether: "no pain, about two months now".
_NEVER_NEGATED = ("duration",)

#: A finding right after one of these is the named person's: "he couldn't speak". ConText's own
#: pronoun rule takes the verb with the pronoun, and a modifier never judges a finding it overlaps.
_THIRD_PERSON = frozenset({"he", "she", "hes", "shes"})
#: Words by which the writer speaks of themselves; "my" counts only before a body part (_MY_BEFORE),
#: as "my husband" speaks of someone else.
_WRITER = frozenset({"i", "i'm", "im", "i've", "ive", "i'd", "me", "myself", "mine"})
_MY_BEFORE = re.compile(r"\bmy\s+(?:(?:left|right|own|two|both)\s+)?$", re.IGNORECASE)
_THEIR_PART = re.compile(r"\b(?:his|her)\b(?!.*\bmy\b)", re.IGNORECASE)
_HE_OR_SHE = frozenset(
    {"he", "she", "his", "her", "him", "hers", "himself", "herself", "he's", "she's", "hes", "shes"}
)
_ADVERBS = frozenset({"also", "too", "still", "always", "just", "only", "really", "then", "suddenly", "now"})

_OTHER_ELLIPSIS = "other"
_PATIENT_ELLIPSIS = "patient_denies"


@dataclass
class _Candidate:
    entity: str
    value: Any
    start: int
    end: int
    negated: bool
    other: bool
    from_lexicon: bool
    extra: Dict[str, Any] = field(default_factory=dict)  # the other extractor's own keys
    hypothetical: bool = False
    historical: bool = False

    def as_dict(self) -> Dict[str, Any]:
        base = dict(self.extra) or {"extractor": EXTRACTOR_NAME}
        base.update(
            entity=self.entity,
            value=self.value,
            start=self.start,
            end=self.end,
            negated=self.negated,
            experiencer=OTHER if self.other else PATIENT,
        )
        # Only when set, so that most entities keep the public shape: a sign spoken of
        # as a possibility ("if I ever lose control") or in the past is no red flag now.
        if self.hypothetical:
            base["hypothetical"] = True
        if self.historical:
            base["historical"] = True
        return base


class ClinicalExtractor:
    def __init__(
        self,
        nlp: Language,
        lexicon: Lexicon,
        recognition: Recognition,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.nlp = nlp
        self.lexicon = lexicon
        self.recognition = recognition
        self._red_flags = RedFlagMatcher(nlp.vocab, recognition)
        self._vocabulary = vocabulary or load_vocabulary()
        self._ellipsis = Matcher(nlp.vocab)
        self._ellipsis.add(_OTHER_ELLIPSIS, [phrase_pattern(nlp, p) for p in lexicon.other_ellipsis])
        self._ellipsis.add(_PATIENT_ELLIPSIS, [phrase_pattern(nlp, p) for p in lexicon.patient_ellipsis])
        self._phrase_values = {
            (entity, self._norm_key(phrase.literal)): value
            for entity, values in lexicon.entities.items()
            for value, phrases in values.items()
            for phrase in phrases
            if phrase.pattern is None
        }
        self._phrases_by_entity: Dict[str, List[str]] = {}
        for entity, key in self._phrase_values:
            self._phrases_by_entity.setdefault(entity, []).append(key)
        self._typos = TypoCorrector([*_lexicon_words(nlp, lexicon), *recognition.lemmas], english_words())

    @classmethod
    def build(
        cls, lexicon_path: Path = LEXICON_DIR, red_flags_path: Path = RED_FLAGS_FILE
    ) -> ClinicalExtractor:
        lexicon, recognition = load_lexicon(lexicon_path), load_recognition(red_flags_path)
        return cls(build_pipeline(lexicon), lexicon, recognition)

    @classmethod
    def load(cls, directory: Path) -> ClinicalExtractor:
        return cls(*load_pipeline(directory))

    def save(self, directory: Path) -> None:
        save_pipeline(self.nlp, self.lexicon, self.recognition, directory)

    def extract(self, text: str, extra_spans: Sequence[Mapping[str, Any]] = ()) -> List[Dict[str, Any]]:
        """Entities of `text` plus `extra_spans` (dicts with entity, value, start, end), merged.

        Each returned dict has entity, value, start, end, extractor, negated and
        experiencer; an extra span keeps its own keys (extractor, confidence...).
        """
        doc = self.nlp.make_doc(text[:MAX_TEXT_CHARS])
        for token in doc:
            # The lexicon matches on NORM: a misspelt word matches as the word it stands for.
            corrected = self._typos.correct(token.lower_)
            if corrected:
                token.norm_ = corrected
        extras: List[Tuple[Mapping[str, Any], Span | None]] = []
        lexicon_count = 0
        signs: List[Span] = []
        for name, component in self.nlp.pipeline:
            if name == CONTEXT:
                # The red flags' and the extra spans join the lexicon's before ConText, so that
                # ConText judges them too.
                group = doc.spans[SPAN_GROUP]
                for rule, span in self._red_flags(doc):
                    sign = Span(doc, span.start, span.end, label=rule.entity)
                    sign._.set(value_attribute(rule.entity), rule.value)
                    group.append(sign)
                    signs.append(sign)
                lexicon_count = len(group)
                for extra in extra_spans:
                    extra_span = self._char_span(doc, extra)
                    extras.append((extra, extra_span))
                    if extra_span is not None:
                        group.append(extra_span)
            doc = component(doc)
        spans = list(doc.spans[SPAN_GROUP])
        candidates = self._lexicon_candidates(spans[:lexicon_count], signs)
        blockers = [span for span in spans[:lexicon_count] if span.label_.endswith(BLOCKER_SUFFIX)]
        for extra, extra_span in extras:
            candidate = self._extra_candidate(extra, extra_span, signs)
            if not _blocked(candidate, blockers):
                candidates.append(candidate)
        entities = [candidate.as_dict() for candidate in self._merge(candidates) if self._trusted(candidate)]
        entities += self._elliptical(doc, entities)
        _carry_someone_else(doc, entities)
        return sorted(entities, key=lambda e: (e["start"], e["end"], e["entity"], str(e["value"])))

    def is_canonical(self, entity: str, value: Any) -> bool:
        if entity == red_flag_patterns.ENTITY:
            return value in self.recognition.values()
        return is_canonical(self._vocabulary, entity, value)

    def _lexicon_candidates(self, spans: Iterable[Span], signs: Sequence[Span]) -> List[_Candidate]:
        by_type: Dict[str, List[Span]] = {}
        for span in spans:
            by_type.setdefault(span.label_.removesuffix(BLOCKER_SUFFIX), []).append(span)
        candidates = []
        for entity, group in by_type.items():
            for span in self._winners(entity, group):
                value = span._.get(value_attribute(entity))
                candidates.append(
                    _Candidate(
                        entity=entity,
                        value=span.text if value == FREE_TEXT_VALUE else value,
                        start=span.start_char,
                        end=span.end_char,
                        negated=_negated(span, signs) and entity not in _NEVER_NEGATED,
                        other=(bool(span._.is_family) or _after_third_person(span)) and not _said_as_i(span),
                        from_lexicon=True,
                        hypothetical=bool(span._.is_hypothetical),
                        historical=bool(span._.is_historical),
                    )
                )
        return candidates

    def _winners(self, entity: str, spans: List[Span]) -> List[Span]:
        """The longest of overlapping matches of one entity type, blockers dropped once they won.

        Blockers go first: filter_spans keeps the first of equally long spans. In a
        nested type only matches of the same value compete.
        """
        blockers = [span for span in spans if span.label_.endswith(BLOCKER_SUFFIX)]
        groups: Dict[Any, List[Span]] = {}
        for span in spans:
            if not span.label_.endswith(BLOCKER_SUFFIX):
                key = span._.get(value_attribute(entity)) if entity in self.lexicon.nested_types else entity
                groups.setdefault(key, []).append(span)
        return [
            span
            for group in groups.values()
            for span in filter_spans(blockers + group)
            if not span.label_.endswith(BLOCKER_SUFFIX)
        ]

    def _extra_candidate(
        self, extra: Mapping[str, Any], span: Span | None, signs: Sequence[Span]
    ) -> _Candidate:
        entity, value = str(extra["entity"]), extra.get("value")
        extra_dict = dict(extra)
        if not self.is_canonical(entity, value):
            # DIET found the span but its value is raw text: the lexicon may know the phrase.
            text = span.text if span is not None else str(value)
            known = self._phrase_values.get((entity, self._norm_key(str(value)))) or self._phrase_values.get(
                (entity, self._norm_key(text))
            )
            if known is None:
                # A typo ("numbnes", "tingeling"): the closest phrase of that entity type.
                phrases = self._phrases_by_entity.get(entity, [])
                close = get_close_matches(self._norm_key(text), phrases, 1, 0.8)
                known = self._phrase_values[(entity, close[0])] if close else None
            if known is not None:
                value = known
                extra_dict["processors"] = [*extra_dict.get("processors", []), EXTRACTOR_NAME]
        return _Candidate(
            entity=entity,
            value=value,
            start=int(extra["start"]),
            end=int(extra["end"]),
            negated=span is not None and _negated(span, signs) and entity not in _NEVER_NEGATED,
            other=bool(span is not None and span._.is_family),
            from_lexicon=False,
            extra=extra_dict,
        )

    def _trusted(self, candidate: _Candidate) -> bool:
        """DIET also tags stray words ("it came back" as lower back, "an" as onset). Its
        entities count only with a vocabulary value, a confident tag, and for a
        duration, a phrase that reads as a length of time."""
        if candidate.from_lexicon:
            return True
        if not self.is_canonical(candidate.entity, candidate.value):
            return False
        if candidate.entity == "duration":
            return to_weeks(str(candidate.value)) is not None
        return float(candidate.extra.get("confidence_entity") or 0.0) >= MIN_DIET_CONFIDENCE

    def _merge(self, candidates: List[_Candidate]) -> List[_Candidate]:
        """Keeps, among overlapping entities of one type, the canonical, then longer, then lexicon one.

        In nested types only entities of the same value compete.
        """

        def preference(c: _Candidate) -> Tuple[Any, ...]:
            return (
                c.entity,
                not self.is_canonical(c.entity, c.value),
                c.start - c.end,
                not c.from_lexicon,
                c.start,
            )

        def conflict(a: _Candidate, b: _Candidate) -> bool:
            nested = a.entity in self.lexicon.nested_types and a.value != b.value
            return a.entity == b.entity and a.start < b.end and b.start < a.end and not nested

        kept: List[_Candidate] = []
        for candidate in sorted(candidates, key=preference):
            if not any(conflict(k, candidate) for k in kept):
                kept.append(candidate)
        return kept

    def _elliptical(self, doc: Doc, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Findings repeated by a short clause: "I'm not diabetic but my dad is" -> dad: diabetes."""
        added: List[Dict[str, Any]] = []
        matches = [Span(doc, start, end, label=label) for label, start, end in self._ellipsis(doc)]
        for clause in filter_spans(matches):
            if clause.end < len(doc) and not self._ends_clause(doc[clause.end]):
                continue  # "my dad is diabetic" says it all itself
            to_other = clause.label_ == _OTHER_ELLIPSIS
            # "... but my dad is" repeats what the patient denied; "... but I don't" denies
            # what a family member has.
            wanted = (True, PATIENT) if to_other else (False, OTHER)
            sentence_start = clause.sent.start_char
            copied = set()
            for entity in entities:
                key = (entity["entity"], entity["value"])
                if (
                    (entity["negated"], entity["experiencer"]) == wanted
                    and entity["entity"] != "duration"
                    and sentence_start <= entity["start"]
                    and entity["end"] <= clause.start_char
                    and key not in copied
                ):
                    copied.add(key)
                    added.append(
                        {
                            "entity": entity["entity"],
                            "value": entity["value"],
                            "start": clause.start_char,
                            "end": clause.end_char,
                            "extractor": EXTRACTOR_NAME,
                            "negated": not to_other,
                            "experiencer": OTHER if to_other else PATIENT,
                        }
                    )
        return added

    def _ends_clause(self, token: Token) -> bool:
        return token.is_punct or token.is_space or token.lower_ in self.lexicon.clause_end_words

    def _norm_key(self, text: str) -> str:
        return " ".join(token.norm_ for token in self.nlp.tokenizer(text))

    @staticmethod
    def _char_span(doc: Doc, extra: Mapping[str, Any]) -> Span | None:
        start, end = int(extra["start"]), int(extra["end"])
        if not 0 <= start < end <= len(doc.text):
            return None
        return doc.char_span(start, end, label=str(extra["entity"]), alignment_mode="expand")


def _lexicon_words(nlp: Language, lexicon: Lexicon) -> Iterable[str]:
    """Every word a lexicon phrase matches: the tokens of plain phrases, the strings of patterns."""
    phrases: List[Phrase] = [
        phrase for values in lexicon.entities.values() for group in values.values() for phrase in group
    ]
    phrases += [phrase for group in lexicon.blockers.values() for phrase in group] + list(lexicon.duration)
    for phrase in phrases:
        if phrase.pattern is None:
            yield from (token.norm_ for token in nlp.tokenizer(phrase.literal))
            continue
        for token_pattern in phrase.pattern:
            for key in ("NORM", "LOWER"):
                value = token_pattern.get(key)
                if isinstance(value, str):
                    yield value
                elif isinstance(value, dict):
                    yield from (v for v in value.get("IN", ()) if isinstance(v, str))


def _negated(span: Span, signs: Sequence[Span]) -> bool:
    """ConText's negation, but for a negation inside a warning sign's words ("can't" in "I can't
    walk and my feet are numb", "not" in "I'm not making sense"), which says how the sign is, not
    that something is absent: it negates neither that sign nor anything else."""
    if not span._.is_negated:
        return False
    negations = [m for m in span._.modifiers if m.category == "NEGATED_EXISTENCE"]
    inside = [(sign.start, sign.end) for sign in signs]
    return not negations or any(
        not any(start <= m.modifier_span[0] and m.modifier_span[1] <= end for start, end in inside)
        for m in negations
    )


def _after_third_person(span: Span) -> bool:
    index = span.start - 1
    while index >= span.sent.start and span.doc[index].lower_ in _ADVERBS:
        index -= 1
    return index >= span.sent.start and span.doc[index].lower_ in _THIRD_PERSON


def _carry_someone_else(doc: Doc, entities: List[Dict[str, Any]]) -> None:
    """Another person named in a message stays the subject of what goes on about them with "he",
    "she", "his", "her", or with no one named ("My husband has been diabetic for 20 years. He can't
    feel the soles of his feet. It started a year ago."), until the writer speaks of themselves
    ("I", "me", "my foot"). ConText's scope ends with its sentence, and it judges the sentence that
    names the other person itself; this carries the person on, and gives "his feet" to him."""
    if not any(entity.get("experiencer") == OTHER for entity in entities):
        return
    text = doc.text
    for entity in entities:
        if entity["entity"] == "body_part" and _THEIR_PART.search(
            text[max(0, entity["start"] - 12) : entity["end"]]
        ):
            entity["experiencer"] = OTHER
    owner: str | None = None
    for sentence in doc.sents:
        words = {token.lower_.replace("\u2019", "'") for token in sentence}
        inside = [e for e in entities if sentence.start_char <= e["start"] < sentence.end_char]
        own_part = any(e["entity"] == "body_part" and _MY_BEFORE.search(text[: e["start"]]) for e in inside)
        writer = bool(words & _WRITER) or own_part
        if any(e.get("experiencer") == OTHER for e in inside):
            # The sentence that names them: what ConText left to the writer is theirs too, but for
            # a denial with no one named ("no diabetes, my mum has it though"), which is the writer's.
            owner = None if writer else OTHER
            inside = [e for e in inside if not e.get("negated")]
        elif writer:
            owner = None
        elif words & _HE_OR_SHE:
            owner = OTHER
        if owner == OTHER:
            for entity in inside:
                entity["experiencer"] = OTHER


def _said_as_i(span: Span) -> bool:
    """A finding whose own words have the person as subject ("today I can't move") is theirs, even
    in a sentence that named someone else before ("walking with my son"): ConText's "I" inside the
    finding cannot end the other person's scope, as a modifier never judges a finding it overlaps.
    So is one whose words name the person's own part ("my husband saw a droop in my face"), unless
    "my" is the other person's ("my dad's legs gave way")."""
    if any(token.lower_ in ("i", "i'm", "im", "i've", "ive", "me", "myself") for token in span):
        return True
    others = {
        index
        for modifier in span._.modifiers
        if modifier.category == "FAMILY"
        for index in range(*modifier.modifier_span)
    }
    return any(
        token.lower_ == "my" and token.i + 1 < span.end and token.i + 1 not in others for token in span
    )


def _blocked(candidate: _Candidate, blockers: Sequence[Span]) -> bool:
    """A DIET entity inside a blocker of its type ("came back", "back to normal") is not that finding."""
    return any(
        blocker.label_.removesuffix(BLOCKER_SUFFIX) == candidate.entity
        and blocker.start_char <= candidate.start
        and candidate.end <= blocker.end_char
        for blocker in blockers
    )
