"""Clinical vignettes played end to end against the real assistant.

Each vignette in tests/vignettes/*.yml is one person: an opening message and the
answers they give to each interview question. The runner talks to the assistant
over the REST channel until it sends an emergency or an assessment payload,
scores triage and causes, and writes reports/vignettes.json. The pure tests at
the bottom validate the vignette files against the vocabulary, so that a typo
fails fast without the servers.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml

from bot.vocabulary import Vocabulary, load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
VIGNETTE_DIR = ROOT / "tests" / "vignettes"
REPORT_FILE = ROOT / "reports" / "vignettes.json"

MAX_TURNS = 12  # messages after the opening
WORKERS = 4
UNKNOWN_ANSWER = "I don't know"
NUDGE = "so what do you think?"

#: Triage levels each vignette file may expect: the file name is its theme.
FILE_THEMES = {
    "emergency.yml": {"emergency"},
    "see_clinician.yml": {"see_clinician"},
    "self_care.yml": {"self_care", "see_clinician"},
}
MIN_PER_FILE = 16
MIN_RED_FLAG_CASES = 3  # "every red flag several times"
MIN_PARAPHRASE_GROUPS = 3

THRESHOLDS = {
    "emergency_recall": 1.0,
    "strict_safety": 0.98,
    "exact_triage": 0.90,
    "cause_top3": 0.90,
    "not_top_respected": 1.0,  # denied or someone else's findings never lead
}

VIGNETTE_KEYS = {"id", "case_group", "opening", "answers", "expected"}
EXPECTED_KEYS = {"triage", "causes", "red_flags", "not_top"}


@dataclass(frozen=True)
class Vignette:
    id: str
    case_group: str
    source: str  # vignette file name
    opening: str
    answers: dict[str, str]
    triage: str
    causes: tuple[str, ...]  # must all be in the top 3; the first is the expected top cause
    red_flags: tuple[str, ...]  # must all be reported (subset check)
    not_top: tuple[str, ...]  # must not be the top cause

    @classmethod
    def from_dict(cls, source: str, raw: dict[str, Any]) -> Vignette:
        expected = raw["expected"]
        return cls(
            id=raw["id"],
            case_group=raw["case_group"],
            source=source,
            opening=raw["opening"],
            answers=dict(raw.get("answers") or {}),
            triage=expected["triage"],
            causes=tuple(expected["causes"]),
            red_flags=tuple(expected["red_flags"]),
            not_top=tuple(expected.get("not_top", ())),
        )


@dataclass
class Outcome:
    triage: str | None = None  # None: no payload came
    causes: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)
    questions: int = 0  # interview questions the assistant asked
    transcript: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


class Assistant(Protocol):
    """What the `assistant` fixture in tests/conftest.py offers."""

    def send(self, sender_id: str, text: str) -> list[dict[str, Any]]: ...

    def tracker(self, sender_id: str) -> dict[str, Any]: ...


# --- loading and validation ---------------------------------------------------


def _raw_vignettes() -> list[tuple[str, Any]]:
    """(file name, raw entry) for every vignette in every file."""
    entries: list[tuple[str, Any]] = []
    for path in sorted(VIGNETTE_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries.extend((path.name, raw) for raw in document.get("vignettes") or [])
    return entries


def _id_list_problems(where: str, values: Any, allowed: tuple[str, ...]) -> list[str]:
    if not isinstance(values, list):
        return [f"{where}: expected a list, got {values!r}"]
    problems = [f"{where}: unknown id {value!r}" for value in values if value not in allowed]
    if len(set(values)) != len(values):
        problems.append(f"{where}: repeated ids {values}")
    return problems


def _entry_problems(source: str, raw: Any, vocabulary: Vocabulary) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{source}: entry is not a mapping: {raw!r}"]
    where = f"{source}:{raw.get('id', '?')}"
    problems = [f"{where}: unknown key {key!r}" for key in set(raw) - VIGNETTE_KEYS]
    problems += [f"{where}: missing key {key!r}" for key in VIGNETTE_KEYS - set(raw) - {"answers"}]
    for key in ("id", "case_group", "opening"):
        if key in raw and not (isinstance(raw[key], str) and raw[key].strip()):
            problems.append(f"{where}: {key} must be a non-empty string")
    answers = raw.get("answers") or {}
    if not isinstance(answers, dict):
        problems.append(f"{where}: answers must be a mapping")
        answers = {}
    for slot, answer in answers.items():
        if slot not in vocabulary.interview_slots:
            problems.append(f"{where}: answer for unknown interview slot {slot!r}")
        if not (isinstance(answer, str) and answer.strip()):
            problems.append(f"{where}: answer for {slot!r} must be a non-empty string")
    expected = raw.get("expected")
    if not isinstance(expected, dict):
        return problems + [f"{where}: expected must be a mapping"]
    problems += [f"{where}: unknown expected key {key!r}" for key in set(expected) - EXPECTED_KEYS]
    problems += [
        f"{where}: missing expected key {key!r}" for key in EXPECTED_KEYS - set(expected) - {"not_top"}
    ]
    triage = expected.get("triage")
    if triage not in vocabulary.triage_levels:
        problems.append(f"{where}: unknown triage level {triage!r}")
    elif triage not in FILE_THEMES.get(source, set(vocabulary.triage_levels)):
        problems.append(f"{where}: triage {triage!r} does not belong in {source}")
    causes = expected.get("causes", [])
    red_flags = expected.get("red_flags", [])
    not_top = expected.get("not_top", [])
    problems += _id_list_problems(f"{where} causes", causes, vocabulary.causes)
    problems += _id_list_problems(f"{where} red_flags", red_flags, vocabulary.red_flags)
    problems += _id_list_problems(f"{where} not_top", not_top, vocabulary.causes)
    if triage == "emergency" and (causes or not red_flags):
        problems.append(f"{where}: an emergency expects red flags and no causes (its payload has none)")
    if triage != "emergency" and red_flags:
        problems.append(f"{where}: red flags expected but triage is {triage!r}")
    if isinstance(causes, list) and isinstance(not_top, list) and causes[:1] and causes[0] in not_top:
        problems.append(f"{where}: {causes[0]!r} is both the expected and a forbidden top cause")
    return problems


def vignette_problems(vocabulary: Vocabulary) -> list[str]:
    """Every structural problem in the vignette files, empty when they are sound."""
    entries = _raw_vignettes()
    problems = [problem for source, raw in entries for problem in _entry_problems(source, raw, vocabulary)]
    ids = Counter(raw.get("id") for _, raw in entries if isinstance(raw, dict))
    problems += [f"duplicate vignette id {vid!r}" for vid, count in ids.items() if count > 1]
    if not entries:
        problems.append(f"no vignettes found in {VIGNETTE_DIR}")
    return problems


def load_vignettes() -> list[Vignette]:
    problems = vignette_problems(load_vocabulary())
    if problems:
        raise ValueError("invalid vignettes:\n" + "\n".join(problems))
    return [Vignette.from_dict(source, raw) for source, raw in _raw_vignettes()]


# --- playing a vignette ---------------------------------------------------------


def _take_payload(messages: list[dict[str, Any]], outcome: Outcome) -> bool:
    """Record an emergency or assessment payload; an emergency wins over an assessment."""
    payloads = [message.get("custom") or {} for message in messages]
    for custom in payloads:
        if custom.get("type") == "emergency":
            outcome.triage = "emergency"
            outcome.red_flags = list(custom.get("red_flags") or [])
            return True
    for custom in payloads:
        if custom.get("type") == "assessment":
            outcome.triage = custom.get("triage_level")
            outcome.causes = [cause["id"] for cause in custom.get("possible_causes") or []]
            return True
    return False


def play(assistant: Assistant, vignette: Vignette, max_turns: int = MAX_TURNS) -> Outcome:
    """Talk to the assistant as the vignette's person until it triages them."""
    sender = f"vignette-{vignette.id}-{uuid.uuid4().hex[:8]}"
    outcome = Outcome()
    text = vignette.opening
    try:
        for turn in range(max_turns + 1):
            messages = assistant.send(sender, text)
            entry: dict[str, Any] = {"user": text, "bot": [m["text"] for m in messages if m.get("text")]}
            outcome.transcript.append(entry)
            if _take_payload(messages, outcome) or turn == max_turns:
                break
            slot = (assistant.tracker(sender).get("slots") or {}).get("requested_slot")
            entry["requested_slot"] = slot
            if slot:
                outcome.questions += 1
                text = vignette.answers.get(slot, UNKNOWN_ANSWER)
            else:
                text = NUDGE
        if outcome.triage is None:
            outcome.error = f"no emergency or assessment payload after {max_turns} turns"
    except Exception as exc:  # one broken conversation must not hide the others' results
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome


# --- scoring --------------------------------------------------------------------


def _rank(vocabulary: Vocabulary, level: str | None) -> int:
    """Triage rank; a missing or unknown level ranks below every real one."""
    return vocabulary.triage_rank(level) if level in vocabulary.triage_levels else -1


def checks(vocabulary: Vocabulary, vignette: Vignette, outcome: Outcome) -> dict[str, bool | None]:
    """Per-vignette checks; None where a check does not apply."""
    expected_rank, got_rank = _rank(vocabulary, vignette.triage), _rank(vocabulary, outcome.triage)
    top = outcome.causes[:1]
    return {
        "exact_triage": outcome.triage == vignette.triage,
        "safe": got_rank >= expected_rank,
        "over_triage": got_rank > expected_rank,
        "cause_top1": top == list(vignette.causes[:1]) if vignette.causes else None,
        "cause_top3": set(vignette.causes) <= set(outcome.causes[:3]) if vignette.causes else None,
        "red_flags": set(vignette.red_flags) <= set(outcome.red_flags) if vignette.red_flags else None,
        "not_top_respected": not (set(top) & set(vignette.not_top)) if vignette.not_top else None,
    }


def _share(values: list[bool | None]) -> float | None:
    applicable = [value for value in values if value is not None]
    return round(sum(applicable) / len(applicable), 4) if applicable else None


def summarise(vocabulary: Vocabulary, results: list[tuple[Vignette, Outcome]]) -> dict[str, Any]:
    scored = [checks(vocabulary, vignette, outcome) for vignette, outcome in results]
    emergencies = [
        c["exact_triage"] for (v, _), c in zip(results, scored, strict=True) if v.triage == "emergency"
    ]
    questions = [outcome.questions for _, outcome in results]
    metrics = {
        "vignettes": len(results),
        "emergency_recall": _share(emergencies),
        "strict_safety": _share([c["safe"] for c in scored]),
        "exact_triage": _share([c["exact_triage"] for c in scored]),
        "over_triage": _share([c["over_triage"] for c in scored]),
        "cause_top1": _share([c["cause_top1"] for c in scored]),
        "cause_top3": _share([c["cause_top3"] for c in scored]),
        "red_flag_match": _share([c["red_flags"] for c in scored]),
        "not_top_respected": _share([c["not_top_respected"] for c in scored]),
        "questions_mean": round(sum(questions) / len(questions), 2) if questions else None,
        "questions_max": max(questions, default=None),
        "errors": sum(outcome.error is not None for _, outcome in results),
    }
    per_vignette = [
        {
            "id": vignette.id,
            "file": vignette.source,
            "case_group": vignette.case_group,
            "expected": {
                "triage": vignette.triage,
                "causes": list(vignette.causes),
                "red_flags": list(vignette.red_flags),
                "not_top": list(vignette.not_top),
            },
            "outcome": asdict(outcome),
            "checks": check,
        }
        for (vignette, outcome), check in zip(results, scored, strict=True)
    ]
    return {"metrics": metrics, "thresholds": THRESHOLDS, "results": per_vignette}


def _failures(report: dict[str, Any]) -> list[str]:
    """One line per vignette that failed a check, saying what happened."""
    lines = []
    for result in report["results"]:
        failed = [name for name, ok in result["checks"].items() if ok is False and name != "over_triage"]
        if not failed:
            continue
        expected, got = result["expected"], result["outcome"]
        lines.append(
            f"{result['id']} ({result['file']}) failed {', '.join(failed)}: expected {expected['triage']} "
            f"causes={expected['causes']} red_flags={expected['red_flags']}; got {got['triage']} "
            f"causes={got['causes']} red_flags={got['red_flags']} after {got['questions']} questions"
            + (f"; error: {got['error']}" if got["error"] else "")
        )
    return lines


def _below_thresholds(metrics: dict[str, Any]) -> list[str]:
    return [
        f"{name} {metrics[name]} < {minimum}"
        for name, minimum in THRESHOLDS.items()
        if metrics[name] is not None and metrics[name] < minimum
    ]


# --- tests ------------------------------------------------------------------------


@pytest.mark.e2e
def test_vignettes_end_to_end(assistant: Assistant) -> None:
    vocabulary = load_vocabulary()
    vignettes = load_vignettes()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda vignette: play(assistant, vignette), vignettes))
    report = summarise(vocabulary, list(zip(vignettes, outcomes, strict=True)))
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    below = _below_thresholds(report["metrics"])
    assert not below, f"{'; '.join(below)} (report: {REPORT_FILE})\n" + "\n".join(_failures(report))


def test_vignette_files_are_valid() -> None:
    problems = vignette_problems(load_vocabulary())
    assert not problems, "\n".join(problems)


def test_vignette_suite_covers_the_brief() -> None:
    vocabulary = load_vocabulary()
    vignettes = load_vignettes()
    per_file = Counter(vignette.source for vignette in vignettes)
    assert set(per_file) == set(FILE_THEMES), per_file
    assert all(count >= MIN_PER_FILE for count in per_file.values()), per_file
    red_flag_cases = Counter(flag for vignette in vignettes for flag in vignette.red_flags)
    thin = [flag for flag in vocabulary.red_flags if red_flag_cases[flag] < MIN_RED_FLAG_CASES]
    assert not thin, f"red flags with fewer than {MIN_RED_FLAG_CASES} cases: {thin}"
    expected_causes = {cause for vignette in vignettes for cause in vignette.causes}
    assert expected_causes == set(vocabulary.causes), set(vocabulary.causes) - expected_causes
    assert any(len(vignette.causes) > 1 for vignette in vignettes), "no case with two plausible causes"
    assert any(vignette.not_top for vignette in vignettes), "no case with denied or someone else's findings"
    assert any(vignette.triage == "self_care" for vignette in vignettes)
    groups: dict[str, list[Vignette]] = defaultdict(list)
    for vignette in vignettes:
        groups[vignette.case_group].append(vignette)
    paraphrased = [members for members in groups.values() if len(members) > 1]
    assert len(paraphrased) >= MIN_PARAPHRASE_GROUPS, f"only {len(paraphrased)} paraphrase groups"
    for members in paraphrased:
        expectations = {(v.triage, v.causes, v.red_flags, v.not_top) for v in members}
        assert len(expectations) == 1, f"paraphrases disagree: {[v.id for v in members]}"


class _ScriptedAssistant:
    """Replies from a script of (custom payload or None, requested slot or None), one per message."""

    def __init__(self, script: list[tuple[dict[str, Any] | None, str | None]]) -> None:
        self.script = list(script)
        self.received: list[str] = []
        self.requested_slot: str | None = None

    def send(self, sender_id: str, text: str) -> list[dict[str, Any]]:
        self.received.append(text)
        custom, self.requested_slot = self.script.pop(0)
        return [{"recipient_id": sender_id, "text": "..."}] + ([{"custom": custom}] if custom else [])

    def tracker(self, sender_id: str) -> dict[str, Any]:
        return {"sender_id": sender_id, "slots": {"requested_slot": self.requested_slot}}


def _vignette(
    triage: str,
    causes: tuple[str, ...] = (),
    red_flags: tuple[str, ...] = (),
    not_top: tuple[str, ...] = (),
) -> Vignette:
    return Vignette(
        id=f"fake-{triage}",
        case_group="fake",
        source="fake.yml",
        opening="my feet are numb",
        answers={"laterality": "both"},
        triage=triage,
        causes=causes,
        red_flags=red_flags,
        not_top=not_top,
    )


def test_play_answers_questions_and_reads_payloads() -> None:
    assessment = {
        "type": "assessment",
        "triage_level": "see_clinician",
        "possible_causes": [{"id": "diabetic_neuropathy", "name": "Diabetic neuropathy", "evidence": []}],
    }
    fake = _ScriptedAssistant([(None, "laterality"), (None, "onset"), (None, None), (assessment, None)])
    outcome = play(fake, _vignette("see_clinician", causes=("diabetic_neuropathy",)))
    assert fake.received == ["my feet are numb", "both", UNKNOWN_ANSWER, NUDGE]
    assert (outcome.triage, outcome.causes, outcome.questions, outcome.error) == (
        "see_clinician",
        ["diabetic_neuropathy"],
        2,
        None,
    )

    emergency = {"type": "emergency", "triage_level": "emergency", "red_flags": ["rapid_weakness"]}
    outcome = play(_ScriptedAssistant([(emergency, None)]), _vignette("emergency"))
    assert (outcome.triage, outcome.red_flags, outcome.questions) == ("emergency", ["rapid_weakness"], 0)

    endless = _ScriptedAssistant([(None, "onset")] * (MAX_TURNS + 1))
    outcome = play(endless, _vignette("self_care"))
    assert outcome.triage is None and outcome.questions == MAX_TURNS and outcome.error
    assert len(endless.received) == MAX_TURNS + 1


def test_summarise_scores_triage_and_causes() -> None:
    vocabulary = load_vocabulary()
    results = [
        (_vignette("emergency", red_flags=("rapid_weakness",)), Outcome(triage="see_clinician")),
        (
            _vignette("see_clinician", causes=("cidp", "sciatica"), not_top=("alcohol_neuropathy",)),
            Outcome(triage="emergency", causes=["sciatica", "cidp", "b12_deficiency"]),
        ),
        (
            _vignette("self_care", causes=("temporary_compression",)),
            Outcome(causes=["temporary_compression"]),
        ),
    ]
    metrics = summarise(vocabulary, results)["metrics"]
    assert metrics["emergency_recall"] == 0.0
    assert metrics["strict_safety"] == round(1 / 3, 4)
    assert metrics["exact_triage"] == 0.0
    assert metrics["over_triage"] == round(1 / 3, 4)
    assert (metrics["cause_top1"], metrics["cause_top3"]) == (0.5, 1.0)
    assert metrics["not_top_respected"] == 1.0
