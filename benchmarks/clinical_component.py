"""Per-message cost of the clinical entity extractor (what ClinicalEntityExtractor adds to a parse).

Times `ClinicalExtractor.extract` on 200 realistic messages, each with DIET-like
spans to merge, after a warm-up, and prints p50/p95 with the machine it ran on.
Target: at most 5 ms per message on a 2-core machine.

Run: PYTHONPATH=. .venv/bin/python benchmarks/clinical_component.py
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

from bot.nlp.extract import ClinicalExtractor

TARGET_MS = 5.0
MESSAGES = 200
WARM_UP = 20

_OPENINGS = ["", "Hi, ", "Hello. ", "So basically ", "Thanks. "]
_STATEMENTS = [
    "Both feet have felt numb, like socks, for about 3 months. No weakness. I'm not diabetic but my dad is.",
    "my toes tingle and burn at night, it's been getting worse and worse since last Christmas",
    "no back pain but my left foot is numb",
    "I suddenly can't feel my legs at all",
    "my legs went weak within a few hours this morning",
    "I wet myself and my legs are numb",
    "pins & needles in the soles of both feet for a couple of years",
    "it comes and goes, mostly when I sit cross-legged for 20 minutes",
    "I had platinum chemo last year and now my hands and feet feel like cotton wool",
    "I'm vegan and my b12 was low, the numbness is slowly creeping up my legs",
    "I don't drink but my husband does",
    "no diabetes, my mum has it though",
    "just the left",
    "both",
    "about a year",
    "getting worse",
    "my soles",
    "no",
    "what is a nerve conduction study?",
    "could it be my back? I have a slipped disc",
    "what causes numb feet?",
    "how much gabapentin should I take",
    "will B12 help?",
    "why does it start in the feet first",
    "my feet are cold and the numbness is worse when I walk, I have bad circulation",
    "It started gradually in my toes, maybe 6 months ago. I'm type 2 diabetic, on metformin. No falls, "
    "no trouble breathing, no bladder problems.",
    "I drink a bottle of wine a day and my feet burn",
    "the ball of my right foot is numb and tingly, only on one side",
    "I feel unsteady and keep tripping, especially in the dark",
    "it's the same as before, not changing",
]


def messages() -> List[str]:
    return [f"{_OPENINGS[i % len(_OPENINGS)]}{_STATEMENTS[i % len(_STATEMENTS)]}" for i in range(MESSAGES)]


def diet_like_spans(extractor: ClinicalExtractor, text: str) -> List[Dict[str, Any]]:
    """What DIET would pass on: the entities, without assertion keys."""
    return [
        {
            "entity": e["entity"],
            "value": e["value"],
            "start": e["start"],
            "end": e["end"],
            "extractor": "DIETClassifier",
            "confidence_entity": 0.9,
        }
        for e in extractor.extract(text)
    ]


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> Tuple[str, str, int]:
    cpuinfo = Path("/proc/cpuinfo")
    model = "unknown CPU"
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return platform.machine(), model, os.cpu_count() or 0


def main() -> None:
    started = time.perf_counter()
    extractor = ClinicalExtractor.build()
    build_s = time.perf_counter() - started
    inputs = [(text, diet_like_spans(extractor, text)) for text in messages()]
    for text, spans in inputs[:WARM_UP]:
        extractor.extract(text, spans)
    timings_ms = []
    for text, spans in inputs:
        started = time.perf_counter()
        extractor.extract(text, spans)
        timings_ms.append((time.perf_counter() - started) * 1000)
    arch, cpu, cores = machine()
    p50, p95 = statistics.median(timings_ms), percentile(timings_ms, 0.95)
    print(f"machine: {arch}, {cpu}, {cores} cores")
    print(f"pipeline build: {build_s:.2f} s (once per process)")
    print(f"extract() on {len(timings_ms)} messages after {WARM_UP} warm-up:")
    print(f"  p50 {p50:.2f} ms  p95 {p95:.2f} ms  max {max(timings_ms):.2f} ms  (target <= {TARGET_MS} ms)")
    print("  PASS" if p95 <= TARGET_MS else "  OVER TARGET")


if __name__ == "__main__":
    main()
