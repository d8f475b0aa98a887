"""The medspaCy pipeline: sentence splitter, TargetMatcher (the lexicon) and ConText.

The red flags' token patterns (bot/nlp/red_flag_patterns.py) are not target rules
here: bot.nlp.extract runs them just before ConText, only the rules a message can
match. The saved pipeline keeps a copy of their definitions.

medspaCy's TargetMatcher and ConText keep their rules in memory only:
`nlp.to_disk` saves their configuration but not their rules. A saved pipeline
is therefore a folder with the spaCy pipeline, a copy of the lexicon (the
target rules are rebuilt from it) and a snapshot of every ConText rule
(medspaCy's English defaults plus ours), so the folder alone reproduces the
pipeline: nothing is downloaded, and an upgrade of medspaCy's default rules does
not change a trained model.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

import medspacy
import spacy
from medspacy.context import ConText, ConTextRule
from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Span

from bot.nlp import red_flag_patterns
from bot.nlp.lexicon import Lexicon, Phrase, load_lexicon
from bot.nlp.red_flag_patterns import Recognition, load_recognition

SPAN_GROUP = "clinical"
TARGET_MATCHER = "clinical_targets"
CONTEXT = "clinical_context"
PSEUDO_CATEGORY = "PSEUDO_NEGATION"

#: Marks a duration span: its value is its own text.
FREE_TEXT_VALUE = "<text>"
#: Label suffix of blocker matches. Blockers are told apart by label, not by a
#: span extension: extensions are keyed by offsets and would be shared with the
#: finding the blocker covers exactly.
BLOCKER_SUFFIX = ":blocker"

_SPACY_DIR = "spacy"
_LEXICON_DIR = "lexicon"
_RED_FLAGS_FILE = "red_flags.yml"
_CONTEXT_RULES_FILE = "context_rules.json"
_MEDSPACY_CONTEXT_RULES = (
    Path(medspacy.__file__).resolve().parents[1] / "resources" / "en" / "context_rules.json"
)


def value_attribute(entity: str) -> str:
    """Span extension holding a match's canonical value, one per entity type.

    spaCy keys span extensions by character offsets only, so two entity types
    matching the same characters ("b12 deficiency" is a risk factor and a cause)
    need separate attributes.
    """
    return f"clinical_{entity}_value"


def build_pipeline(lexicon: Lexicon) -> Language:
    nlp = spacy.blank("en")
    # Chat messages often separate statements by line breaks instead of full stops.
    nlp.add_pipe(
        "sentencizer", config={"punct_chars": Sentencizer.default_punct_chars + ["\n", "\n\n", "\r\n"]}
    )
    nlp.add_pipe(
        "medspacy_target_matcher",
        name=TARGET_MATCHER,
        config={
            "result_type": "group",
            "span_group_name": SPAN_GROUP,
            # Overlaps are resolved per entity type by the extractor: "completely numb"
            # is both a severity and a symptom.
            "prune": False,
            # NORM makes "can't", "cant" and "cannot" the same tokens.
            "phrase_matcher_attr": "NORM",
        },
    )
    nlp.add_pipe(
        "medspacy_context",
        name=CONTEXT,
        config={
            "rules": None,
            "input_span_type": "group",
            "span_group_name": SPAN_GROUP,
            "phrase_matcher_attr": "NORM",
        },
    )
    default_rules = ConTextRule.from_json(str(_MEDSPACY_CONTEXT_RULES))
    _add_rules(nlp, lexicon, default_rules + _lexicon_context_rules(nlp, lexicon))
    return nlp


def save_pipeline(nlp: Language, lexicon: Lexicon, recognition: Recognition, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(directory / _SPACY_DIR)
    shutil.rmtree(directory / _LEXICON_DIR, ignore_errors=True)
    shutil.copytree(lexicon.source, directory / _LEXICON_DIR)
    shutil.copyfile(recognition.source, directory / _RED_FLAGS_FILE)
    context: ConText = nlp.get_pipe(CONTEXT)
    ConTextRule.to_json(context.rules, str(directory / _CONTEXT_RULES_FILE))


def load_pipeline(directory: Path) -> Tuple[Language, Lexicon, Recognition]:
    lexicon = load_lexicon(directory / _LEXICON_DIR)
    recognition = load_recognition(directory / _RED_FLAGS_FILE)
    nlp = spacy.load(directory / _SPACY_DIR)
    if nlp.pipe_names != ["sentencizer", TARGET_MATCHER, CONTEXT]:
        raise ValueError(f"{directory} does not hold a clinical pipeline (components: {nlp.pipe_names})")
    _add_rules(nlp, lexicon, ConTextRule.from_json(str(directory / _CONTEXT_RULES_FILE)))
    return nlp, lexicon, recognition


def phrase_pattern(nlp: Language, phrase: Phrase) -> List[Dict[str, Any]]:
    """The token pattern of a phrase; a plain phrase matches on each token's NORM."""
    if phrase.pattern is not None:
        return list(phrase.pattern)
    return [{"NORM": token.norm_} for token in nlp.tokenizer(phrase.literal)]


def _add_rules(nlp: Language, lexicon: Lexicon, context_rules: Iterable[ConTextRule]) -> None:
    for entity in [*lexicon.entities, "duration", red_flag_patterns.ENTITY]:
        Span.set_extension(value_attribute(entity), default=None, force=True)
    targets: TargetMatcher = nlp.get_pipe(TARGET_MATCHER)
    targets.add(_target_rules(lexicon))
    context: ConText = nlp.get_pipe(CONTEXT)
    # Set here, not in the pipe's config: spaCy's config check turns medspaCy's
    # `Iterable[str]` into a one-pass iterator, and only the first rule of a
    # category would then be cut short by the categories that terminate it.
    context.terminating_types = {
        category.upper(): [other.upper() for other in others]
        for category, others in lexicon.terminated_by.items()
    }
    context.add(list(context_rules))


def _target_rules(lexicon: Lexicon) -> List[TargetRule]:
    def rule(phrase: Phrase, entity: str, value: str | None) -> TargetRule:
        pattern = list(phrase.pattern) if phrase.pattern is not None else None
        if value is None:
            return TargetRule(phrase.literal, entity + BLOCKER_SUFFIX, pattern=pattern)
        attributes = {value_attribute(entity): value}
        return TargetRule(phrase.literal, entity, pattern=pattern, attributes=attributes)

    rules = [
        rule(phrase, entity, value)
        for entity, values in lexicon.entities.items()
        for value, phrases in values.items()
        for phrase in phrases
    ]
    rules += [rule(phrase, "duration", FREE_TEXT_VALUE) for phrase in lexicon.duration]
    # A blocker has no value: when it wins over a shorter match, nothing is extracted.
    rules += [
        rule(phrase, entity, None) for entity, phrases in lexicon.blockers.items() for phrase in phrases
    ]
    return rules


def _lexicon_context_rules(nlp: Language, lexicon: Lexicon) -> List[ConTextRule]:
    rules = [ConTextRule.from_dict(dict(rule)) for rule in lexicon.context_rules]
    # An entity phrase with a negation inside ("can't feel", "no feeling") must not
    # negate the rest of the sentence: the longer PSEUDO rule wins over "n't"/"no".
    pseudo = sorted(
        {
            phrase.literal.lower()
            for values in lexicon.entities.values()
            for phrases in values.values()
            for phrase in phrases
            if phrase.pattern is None
            and any(
                token.lower_ in lexicon.pseudo_trigger_words or token.norm_ in lexicon.pseudo_trigger_words
                for token in nlp.tokenizer(phrase.literal)
            )
        }
    )
    return rules + [ConTextRule(literal, PSEUDO_CATEGORY, direction="PSEUDO") for literal in pseudo]
