"""Red flags measured on words nobody here wrote: the phrase set of tests/evaluation/red_flag_phrases.

Rules are tuned on the development half only; the test half is measured here, and
both are reported in reports/red_flag_phrases.json. The gate holds the figures the
test half reached when the rules last changed, so that a change can only keep or
raise them; the issue's target (recall 1.0, precision 0.95) is printed beside them.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from evaluation.phrases import NEAR_MISS_KINDS, evaluate, load_phrases, problems

from bot.nlp.extract import ClinicalExtractor
from bot.vocabulary import load_vocabulary

pytestmark = pytest.mark.slow  # runs the whole phrase set through the extractor

ROOT = Path(__file__).resolve().parents[2]
REPORT_FILE = ROOT / "reports" / "red_flag_phrases.json"
TARGET = {"recall": 1.0, "precision": 0.95}
#: What the test half reached (reports/red_flag_phrases.json); never lower these to pass.
GATE = {"recall": 0.85, "precision": 0.90}
MIN_POSITIVES_PER_FLAG = 60
MIN_NEAR_MISSES = 300


@pytest.fixture(scope="module")
def report(extractor: ClinicalExtractor) -> dict:
    result = evaluate(extractor, load_phrases())
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps({"target": TARGET, "gate": GATE, **result}, indent=2) + "\n")
    return result


def test_the_phrase_set_is_sound_and_split_by_source() -> None:
    phrases = load_phrases()
    assert not problems(phrases)
    positives = Counter(p.flag for p in phrases if p.positive)
    assert set(positives) == set(load_vocabulary().red_flags)
    assert min(positives.values()) >= MIN_POSITIVES_PER_FLAG, positives
    assert sum(not p.positive for p in phrases) >= MIN_NEAR_MISSES
    assert {p.kind for p in phrases if not p.positive} == set(NEAR_MISS_KINDS)
    splits = {split: {p.source for p in phrases if p.split == split} for split in ("dev", "test")}
    assert splits["dev"] and splits["test"] and not splits["dev"] & splits["test"]


def test_red_flags_on_the_test_half_hold_the_gate(report: dict) -> None:
    overall = report["test"]["overall"]
    print(f"\ntest half: {overall} (target {TARGET}); development half: {report['dev']['overall']}")
    assert overall["recall"] >= GATE["recall"], report["test"]["missed"]
    assert overall["precision"] >= GATE["precision"], report["test"]["over_called"]
