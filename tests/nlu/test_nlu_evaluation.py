"""NLU evaluation on the held-out test set (tests/nlu/test_set.yml).

Entities are compared as (entity, canonical value) pairs per utterance with
multiset matching; a predicted duration matches an expected one when their
phrases share at least one word. Assertion accuracy is measured on the matched
pairs only, after pairing entities with identical status first, so that a
wrong negation or experiencer is never hidden by a lucky pairing.
The figures, per-type F1 and every miss are written to reports/nlu.json.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Set, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEST_SET = Path(__file__).with_name("test_set.yml")
TRAINING_DIR = ROOT / "data" / "nlu"
REPORT = ROOT / "reports" / "nlu.json"

MIN_INTENT_ACCURACY = 0.90
MIN_ENTITY_F1 = 0.90
MIN_ASSERTION_ACCURACY = 0.95

FREE_TEXT_ENTITIES = ("duration",)
# [text]{"entity": ...}, [text](entity) or [text](entity:value), [text][{...}, {...}]
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\)|\[[^\]]*\])")

Entity = Dict[str, Any]
Parse = Callable[[str], Dict[str, Any]]


def load_test_set(path: Path = TEST_SET) -> List[Dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]


def normalise_text(text: str) -> str:
    return " ".join(text.lower().split())


def training_texts(directory: Path = TRAINING_DIR) -> Set[str]:
    """Plain texts of every intent example in data/nlu/*.yml, annotation markup removed."""
    texts: Set[str] = set()
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in item:
                continue
            for line in item["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.add(normalise_text(ANNOTATION.sub(r"\1", line[2:])))
    return texts


def _status(entity: Entity) -> Tuple[bool, str]:
    return bool(entity.get("negated", False)), str(entity.get("experiencer", "patient"))


def _words(text: str) -> Set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _same_pair(expected: Entity, predicted: Entity) -> bool:
    if expected["entity"] != predicted.get("entity"):
        return False
    if expected["entity"] in FREE_TEXT_ENTITIES:
        return bool(_words(str(expected["value"])) & _words(str(predicted.get("value", ""))))
    return str(expected["value"]) == str(predicted.get("value"))


def match_entities(
    expected: List[Entity], predicted: List[Entity]
) -> Tuple[List[Tuple[Entity, Entity]], List[Entity], List[Entity]]:
    """Pairs (expected, predicted), unmatched expected, unmatched predicted."""
    free_expected = list(expected)
    free_predicted = list(predicted)
    pairs: List[Tuple[Entity, Entity]] = []
    for same_status_only in (True, False):
        for exp in list(free_expected):
            for pred in free_predicted:
                if _same_pair(exp, pred) and (not same_status_only or _status(exp) == _status(pred)):
                    pairs.append((exp, pred))
                    free_expected.remove(exp)
                    free_predicted.remove(pred)
                    break
    return pairs, free_expected, free_predicted


def _prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _brief(entity: Entity) -> Dict[str, Any]:
    keys = ("entity", "value", "negated", "experiencer", "start", "end", "extractor")
    return {key: entity[key] for key in keys if key in entity}


def evaluate(utterances: Iterable[Dict[str, Any]], parse: Parse) -> Dict[str, Any]:
    counts: Dict[str, Counter] = {}
    intent_hits = total = 0
    matched = same_status = 0
    misses: List[Dict[str, Any]] = []
    for utterance in utterances:
        total += 1
        result = parse(utterance["text"])
        intent: Dict[str, Any] = result.get("intent") or {}
        predicted_intent = intent.get("name")
        intent_ok = predicted_intent == utterance["intent"]
        intent_hits += intent_ok
        expected = utterance.get("entities") or []
        predicted = result.get("entities") or []
        pairs, missing, spurious = match_entities(expected, predicted)
        wrong_status = [(exp, pred) for exp, pred in pairs if _status(exp) != _status(pred)]
        matched += len(pairs)
        same_status += len(pairs) - len(wrong_status)
        for kind, entities in (("tp", [e for e, _ in pairs]), ("fn", missing), ("fp", spurious)):
            for entity in entities:
                counts.setdefault(str(entity.get("entity")), Counter())[kind] += 1
        if not intent_ok or missing or spurious or wrong_status:
            misses.append(
                {
                    "text": utterance["text"],
                    "intent": {
                        "expected": utterance["intent"],
                        "predicted": predicted_intent,
                        "confidence": intent.get("confidence"),
                    },
                    "missing_entities": [_brief(e) for e in missing],
                    "spurious_entities": [_brief(p) for p in spurious],
                    "wrong_status": [
                        {"expected": _brief(exp), "predicted": _brief(pred)} for exp, pred in wrong_status
                    ],
                }
            )
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    fn = sum(c["fn"] for c in counts.values())
    return {
        "utterances": total,
        "intent_accuracy": round(intent_hits / total, 4) if total else 0.0,
        "entities": {**_prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn},
        "per_entity_type": {
            name: {**_prf(c["tp"], c["fp"], c["fn"]), "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}
            for name, c in sorted(counts.items())
        },
        "assertion_accuracy": round(same_status / matched, 4) if matched else 0.0,
        "assertion_counts": {"matched_pairs": matched, "same_status": same_status},
        "misses": misses,
    }


@pytest.fixture(scope="module")
def report(parse_message: Parse) -> Dict[str, Any]:
    result = evaluate(load_test_set(), parse_message)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def test_test_set_is_not_in_training_data() -> None:
    training = training_texts()
    leaked = [u["text"] for u in load_test_set() if normalise_text(u["text"]) in training]
    assert not leaked, f"test utterances found in data/nlu: {leaked}"


def test_intent_accuracy(report: Dict[str, Any]) -> None:
    assert report["intent_accuracy"] >= MIN_INTENT_ACCURACY, report["intent_accuracy"]


def test_entity_f1(report: Dict[str, Any]) -> None:
    assert report["entities"]["f1"] >= MIN_ENTITY_F1, report["entities"]


def test_assertion_accuracy(report: Dict[str, Any]) -> None:
    assert report["assertion_accuracy"] >= MIN_ASSERTION_ACCURACY, report["assertion_counts"]
