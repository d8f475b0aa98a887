"""Educational questions matched to answers by meaning, not by intent.

Every answer the knowledge base can give (a topic, a cause, an overview) comes
with a few ways of asking for it (`KnowledgeBase.questions`: a topic's or a
cause's `asked_as` in its record, an overview's in
`bot/knowledge/data/questions.yml`). A question is compared with all of them
by TF-IDF cosine similarity over three views: stemmed words and word pairs
("diagnosed" meets "diagnose"); concepts, where a small thesaurus in
questions.yml maps the many words for one idea to
one token ("cured", "reversible", "grow back" and "go away" all say `reverse`;
"podiatrist" and "GP" say `clinician`); and character n-grams ("nueropathy"
meets "neuropathy"). An answer scores its best paraphrase. A cause or topic the
clinical lexicon found in the question adds a little, so "is it B12?" finds
the B12 answer from one word. Below `THRESHOLD`, or for a question that is not
about numb feet at all, the assistant says which questions it can answer
instead of guessing. The weights and the threshold were chosen on the
development half of tests/evaluation/questions
(PYTHONPATH=.:tests .venv/bin/python -m evaluation.questions --split dev).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Tuple

import numpy as np
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge import KnowledgeBase, load_knowledge_base

#: A question whose best answer scores less than this is not answered by a guess.
THRESHOLD = 0.3
#: Shares of the word, concept and character similarities in the score.
WEIGHTS = (0.3, 0.4, 0.3)
#: Added to an answer the lexicon named in the question (a cause or topic entity).
MENTION_BONUS = 0.2

_WORD = re.compile(r"[a-z0-9]+")
_STEMMER = PorterStemmer()
#: Words so common in questions that they say nothing about which answer is meant.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "my",
        "me",
        "you",
        "your",
        "it",
        "its",
        "is",
        "are",
        "am",
        "be",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "with",
        "this",
        "that",
    ]
)
#: Words that make a sentence a question, whatever it asks about.
_QUESTION_WORDS = frozenset(
    _STEMMER.stem(word)
    for word in (
        *("what", "why", "how", "when", "where", "which", "who", "whose"),
        *("can", "could", "do", "does", "did", "should", "would", "will", "shall", "may", "might", "must"),
        *("there", "any", "anything", "some", "something", "about"),
    )
)
#: The share of a question's other words that ways of asking must use for it to be about numb feet.
KNOWN_SHARE = 0.75
#: Names of the subject itself, which say nothing about which answer is meant: "is peripheral
#: neuropathy reversible?" asks what "can neuropathy be reversed?" asks.
_SUBJECT_NAMES = re.compile(r"\b(?:peripheral|poly|sensory)[ -]?(?=neuropath)")


def _plain(text: str) -> str:
    text = _SUBJECT_NAMES.sub("", text.lower().replace("\u2019", "'").replace("'", ""))
    return " ".join(_WORD.findall(text))


def _stems(text: str) -> List[str]:
    return [_STEMMER.stem(word) for word in _plain(text).split()]


def _words(text: str) -> List[str]:
    return [_STEMMER.stem(word) for word in _plain(text).split() if word not in _FILLER]


@dataclass(frozen=True)
class Match:
    answer: str  # a topic id, a cause id or an overview id (bot.knowledge.OVERVIEW_ANSWERS)
    score: float


class _Concepts:
    """The thesaurus: each term, as a sequence of stems, says its concept."""

    def __init__(self, concepts: Dict[str, Tuple[str, ...]]) -> None:
        self._terms = [
            (tuple(_stems(term)), concept) for concept, terms in concepts.items() for term in terms
        ]

    def __call__(self, text: str) -> List[str]:
        stems = _stems(text)
        found: List[str] = []
        for term, concept in self._terms:
            size = len(term)
            if any(tuple(stems[i : i + size]) == term for i in range(len(stems) - size + 1)):
                found.append(concept)
        return found


class QuestionMatcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        answers: List[str] = []
        documents: List[str] = []
        for answer, paraphrases in kb.questions.items():
            title = kb.topics[answer].title if answer in kb.topics else None
            title = kb.causes[answer].name if answer in kb.causes else title
            for text in (*paraphrases, *([title] if title else [])):
                answers.append(answer)
                documents.append(text)
        self._answers: Tuple[str, ...] = tuple(dict.fromkeys(answers))
        self._owner = np.array([self._answers.index(answer) for answer in answers])
        self._concepts = _Concepts(kb.question_concepts)
        self._views = (
            TfidfVectorizer(analyzer=_words_and_pairs, sublinear_tf=True),
            TfidfVectorizer(analyzer=self._concepts, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=_plain),
        )
        self._matrices = [view.fit_transform(documents) for view in self._views]
        self._subject = frozenset(word for words in kb.subject_words for word in _words(words))
        self._known = frozenset(word for document in documents for word in _words(document))

    def rank(self, question: str, mentioned: Iterable[str] = ()) -> List[Match]:
        """Every answer, best first; `mentioned` are answer ids the lexicon found in the question."""
        similarity = sum(
            weight * (matrix @ view.transform([question]).T).toarray().ravel()
            for weight, view, matrix in zip(WEIGHTS, self._views, self._matrices, strict=True)
        )
        best = np.zeros(len(self._answers))
        np.maximum.at(best, self._owner, similarity)
        # A concept named after an answer ("other_conditions": lupus, MS...) names that answer.
        for answer in {*mentioned, *self._concepts(question)}:
            if answer in self._answers:
                best[self._answers.index(answer)] += MENTION_BONUS
        order = np.argsort(-best, kind="stable")
        return [Match(self._answers[i], round(float(best[i]), 4)) for i in order]

    def about_the_subject(self, question: str, mentioned: Iterable[str] = ()) -> bool:
        """Whether a question is about numb feet at all: it names a cause or topic the lexicon
        knows, uses one of the subject's words (questions.yml `subject_words`: numb, nerve,
        feet...), or mostly words that ways of asking use, question words aside ("is it serious?").
        "How long do ear infections last?" shares a wording with ours, not a subject."""
        words = set(_words(question))
        content = words - _QUESTION_WORDS
        known = len(content & self._known) >= KNOWN_SHARE * len(content)
        return bool(tuple(mentioned)) or bool(words & self._subject) or known

    def best(self, question: str, mentioned: Iterable[str] = ()) -> Match | None:
        """The best answer, or None when the question is not about the subject or no answer is
        close enough to give without guessing."""
        mentioned = tuple(mentioned)
        if not self.about_the_subject(question, mentioned):
            return None
        top = self.rank(question, mentioned)[0]
        return top if top.score >= THRESHOLD else None


def _words_and_pairs(text: str) -> List[str]:
    words = _words(text)
    return words + [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]


@lru_cache(maxsize=1)
def default_matcher() -> QuestionMatcher:
    return QuestionMatcher(load_knowledge_base())
