"""The question set: questions people ask about numb feet, from public FAQ pages and readers' letters.

Every file in tests/evaluation/questions/ lists questions quoted from public
pages, each with its address, its split (`dev`: matching may be tuned on it;
`test`: measured only; one site is never in both) and the answers that would
serve it (`topics`: answer ids of the knowledge base, a topic, a cause or an
overview of bot/knowledge/data/questions.yml, best first, or `out_of_scope`).
Here each question is matched as bot.questions answers it, without a server;
tests/e2e/test_questions.py plays them through the assistant.

    # what the matching gets wrong on the development half, to tune on:
    PYTHONPATH=.:tests .venv/bin/python -m evaluation.questions --split dev
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple
from urllib.parse import urlparse

import yaml

from bot.knowledge import load_knowledge_base
from bot.nlp.extract import ClinicalExtractor
from bot.question_matching import default_matcher
from bot.questions import mentioned_answers

QUESTION_DIR = Path(__file__).with_name("questions")
SPLITS = ("dev", "test")
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Question:
    text: str
    source: str
    split: str
    topics: Tuple[str, ...]  # acceptable answers, best first; ("out_of_scope",) for none

    @property
    def site(self) -> str:
        return urlparse(self.source).netloc.removeprefix("www.")


def load_questions(directory: Path = QUESTION_DIR) -> List[Question]:
    questions: List[Question] = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            questions.append(Question(item["text"], item["source"], item["split"], tuple(item["topics"])))
    return questions


def problems(questions: Iterable[Question]) -> List[str]:
    """Unknown splits or answers, a site in both splits, a question listed twice."""
    kb = load_knowledge_base()
    known = {*kb.questions, OUT_OF_SCOPE}
    found: List[str] = []
    split_of: Dict[str, str] = {}
    seen: set = set()
    for question in questions:
        if question.split not in SPLITS:
            found.append(f"{question.source}: unknown split {question.split!r}")
        if not question.source.startswith("http"):
            found.append(f"{question.text!r}: no source address")
        found += [
            f"{question.text!r}: unknown answer {topic!r}" for topic in question.topics if topic not in known
        ]
        if split_of.setdefault(question.site, question.split) != question.split:
            found.append(f"{question.site} is in both splits")
        key = " ".join(question.text.lower().split())
        if key in seen:
            found.append(f"{question.text!r} is listed twice")
        seen.add(key)
    return found


def matched(extractor: ClinicalExtractor, text: str) -> str:
    """The answer id the assistant gives to this question, or out_of_scope for none."""
    kb = load_knowledge_base()
    match = default_matcher().best(text, mentioned_answers(extractor.extract(text), kb))
    return match.answer if match else OUT_OF_SCOPE


def evaluate(extractor: ClinicalExtractor, questions: Iterable[Question]) -> Dict[str, Any]:
    """Topic accuracy per split, with every miss listed."""
    report: Dict[str, Any] = {}
    for split in SPLITS:
        members = [q for q in questions if q.split == split]
        misses = []
        for question in members:
            answer = matched(extractor, question.text)
            if answer not in question.topics:
                misses.append({"text": question.text, "expected": list(question.topics), "got": answer})
        report[split] = {
            "questions": len(members),
            "accuracy": round(1 - len(misses) / len(members), 4) if members else None,
            "misses": misses,
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    args = parser.parse_args()
    report = evaluate(ClinicalExtractor.build(), load_questions())[args.split]
    for miss in report["misses"]:
        print(f"{miss['got']:>26} <- {miss['text']}   (expected {', '.join(miss['expected'])})")
    print(f"{args.split}: accuracy {report['accuracy']} on {report['questions']} questions")


if __name__ == "__main__":
    main()
