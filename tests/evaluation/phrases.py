"""The red-flag phrase set: people's own ways of saying each warning sign, and near misses.

Every file in tests/evaluation/red_flag_phrases/ holds one red flag's expressions,
grouped by the public page they come from; each page belongs to one split, `dev`
(rules may be tuned on it) or `test` (measured only). A phrase is read as the
opening message of a conversation: a positive must bring the emergency reply, a
near miss (denied, someone else's, long past, hypothetical, a question about the
sign, mild or slow) must not.

    # what is missed or over-called on the development half, to tune on:
    PYTHONPATH=.:tests .venv/bin/python -m evaluation.phrases --split dev
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml

from bot import red_flags
from bot.findings import Findings, Turn
from bot.nlp.extract import ClinicalExtractor

PHRASE_DIR = Path(__file__).with_name("red_flag_phrases")
SPLITS = ("dev", "test")
NEAR_MISS_KINDS = ("denied", "someone_else", "past_resolved", "hypothetical", "question", "mild_or_slow")


@dataclass(frozen=True)
class Phrase:
    text: str
    flag: str  # the red flag the file is about
    positive: bool
    kind: str  # "positive" or a near-miss kind
    source: str
    split: str


def load_phrases(directory: Path = PHRASE_DIR) -> List[Phrase]:
    phrases: List[Phrase] = []
    for path in sorted(directory.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        flag = document["flag"]
        for source in document["sources"]:
            url, split = source["url"], source["split"]
            phrases += [Phrase(text, flag, True, "positive", url, split) for text in source["positives"]]
            phrases += [
                Phrase(item["text"], flag, False, item["kind"], url, split) for item in source["near_misses"]
            ]
    return phrases


def problems(phrases: Iterable[Phrase]) -> List[str]:
    """Structural problems: unknown splits or kinds, a page in both splits, repeated texts."""
    found: List[str] = []
    split_of: Dict[str, str] = {}
    seen: Dict[str, str] = {}
    for phrase in phrases:
        if phrase.split not in SPLITS:
            found.append(f"{phrase.source}: unknown split {phrase.split!r}")
        if not phrase.positive and phrase.kind not in NEAR_MISS_KINDS:
            found.append(f"{phrase.text!r}: unknown near-miss kind {phrase.kind!r}")
        if split_of.setdefault(phrase.source, phrase.split) != phrase.split:
            found.append(f"{phrase.source} is in both splits")
        key = " ".join(phrase.text.lower().split())
        if key in seen:
            found.append(f"{phrase.text!r} appears twice ({seen[key]} and {phrase.flag})")
        seen[key] = phrase.flag
    return found


def escalates(extractor: ClinicalExtractor, text: str) -> List[str] | None:
    """The red flags the assistant would report for this opening message, None if no emergency."""
    findings = Findings.from_turns([Turn(text, tuple(extractor.extract(text)))])
    return red_flags.emergency_flags(findings, findings, intent=None, requested_slot=None)


def evaluate(extractor: ClinicalExtractor, phrases: Iterable[Phrase]) -> Dict[str, Any]:
    """Recall and precision of escalation per split, per flag, with every error listed."""
    results: Dict[str, Dict[str, Any]] = {}
    by_split: Dict[str, List[Phrase]] = defaultdict(list)
    for phrase in phrases:
        by_split[phrase.split].append(phrase)
    for split, members in sorted(by_split.items()):
        counts = defaultdict(lambda: {"tp": 0, "fn": 0, "fp": 0, "tn": 0})
        missed, over_called = [], []
        for phrase in members:
            escalated = escalates(extractor, phrase.text) is not None
            cell = counts[phrase.flag]
            if phrase.positive:
                cell["tp" if escalated else "fn"] += 1
                if not escalated:
                    missed.append({"flag": phrase.flag, "text": phrase.text, "source": phrase.source})
            else:
                cell["fp" if escalated else "tn"] += 1
                if escalated:
                    over_called.append(
                        {
                            "flag": phrase.flag,
                            "kind": phrase.kind,
                            "text": phrase.text,
                            "source": phrase.source,
                        }
                    )
        total = {key: sum(cell[key] for cell in counts.values()) for key in ("tp", "fn", "fp", "tn")}
        results[split] = {
            "overall": _scores(total),
            "per_flag": {flag: _scores(cell) for flag, cell in sorted(counts.items())},
            "missed": missed,
            "over_called": over_called,
        }
    return results


def _scores(cell: Dict[str, int]) -> Dict[str, Any]:
    tp, fn, fp, tn = cell["tp"], cell["fn"], cell["fp"], cell["tn"]
    return {
        "positives": tp + fn,
        "near_misses": fp + tn,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        # Precision over the phrases the assistant escalated: the near misses it wrongly called.
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "near_miss_specificity": round(tn / (tn + fp), 4) if tn + fp else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    args = parser.parse_args()
    phrases = load_phrases()
    report = evaluate(ClinicalExtractor.build(), [p for p in phrases if p.split == args.split])[args.split]
    for item in report["missed"]:
        print(f"MISSED   {item['flag']}: {item['text']}")
    for item in report["over_called"]:
        print(f"OVER     {item['flag']} ({item['kind']}): {item['text']}")
    print(json.dumps({"overall": report["overall"], "per_flag": report["per_flag"]}, indent=1))


if __name__ == "__main__":
    main()
