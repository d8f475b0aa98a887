"""`make soak`: the assistant under a steady load for a bounded time, then three checks.

Starts the action server and the Rasa server on free loopback ports (embedded
profile, a tracker database of its own in a temporary folder) and drives them
over REST at SOAK_RATE messages per second for SOAK_MINUTES (default and at
most 10; `--minutes` and `--rate` override). The people are those of the
vignette suite (tests/vignettes/*.yml): a symptom description, the answers to
the interview's questions, and once the triage arrives one question about it.
After a warm-up (a fifth of the run, at most a minute) the resident memory of
both servers is sampled. The run fails when:

- any request failed, was answered with a status other than 200, or got no
  reply, the technical-problem reply or the conversation-store outage reply;
- either server's resident memory at the end is more than 10 % above its
  sample at the end of the warm-up;
- any tracker, read back through the HTTP API, lacks one of the messages sent
  to it or one of the replies the person received.

Prints a report, writes reports/soak.json, exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence

from benchmarks import machine
from benchmarks.conversations import Vignette, load_vignettes
from benchmarks.load import Reply, RestClient, percentile
from benchmarks.systems import START_TIMEOUT_S, first_answer, memory_mb
from bot.channels.outages import OUTAGE_REPLY
from bot.knowledge import load_knowledge_base
from bot.settings import PROJECT_ROOT, SOAK_MAX_MINUTES, Settings, SoakSettings
from scripts.serve import Stack, free_port
from scripts.train import model_file, training_digest

REPORT = PROJECT_ROOT / "reports" / "soak.json"
LOG_DIR = PROJECT_ROOT / "reports" / "logs" / "soak"
WORKERS = 4  # concurrent conversations; the pacing, not their number, sets the load
SAMPLE_EVERY_S = 5.0
MAX_WARM_UP_S = 60.0
RSS_GROWTH_LIMIT = 0.10
#: Asked once the triage has arrived, in turn: what people ask next.
FOLLOW_UPS: Sequence[str] = (
    "tell me more about the first one",
    "what tests might a doctor do?",
    "how is it treated?",
    "what causes numb feet?",
)


class Asking:
    """A vignette's person who, once the triage has arrived, asks one question about it."""

    def __init__(self, person: Vignette, question: str) -> None:
        self.person = person
        self.question = question
        self.asked = False

    def first(self) -> str:
        return self.person.first()

    def next(self, reply: Reply) -> str | None:
        if self.asked:
            return None
        text = self.person.next(reply)
        if text is None:
            self.asked = True
            return self.question
        return text


def people(worker: int) -> Iterator[Asking]:
    """Endless vignette people with a follow-up question; each worker meets them in its own
    order, so that emergencies and assessments mix from the start."""
    entries = load_vignettes()
    random.Random(worker).shuffle(entries)
    for number, entry in enumerate(itertools.cycle(entries)):
        person = Vignette(str(entry["opening"]), dict(entry.get("answers") or {}))
        yield Asking(person, FOLLOW_UPS[(worker + number) % len(FOLLOW_UPS)])


class Pacer:
    """Hands out send times `1 / rate` apart until `end`; a late sender is not followed by a burst."""

    def __init__(self, rate: float, end: float) -> None:
        self.interval = 1.0 / rate
        self.end = end
        self.next_slot = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> bool:
        """Sleeps until this sender's slot; False when the run is over."""
        with self.lock:
            slot = max(self.next_slot, time.monotonic())
            self.next_slot = slot + self.interval
        if slot >= self.end:
            return False
        time.sleep(max(0.0, slot - time.monotonic()))
        return True


@dataclass
class Turn:
    text: str
    reply: Reply | None  # None: the request failed


@dataclass
class Played:
    sender: str
    person: Asking
    turns: List[Turn] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return self.person.person.outcome or "unfinished"


@dataclass
class Drive:
    """Everything the workers did."""

    conversations: List[Played] = field(default_factory=list)
    latencies_ms: List[float] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def reply_problem(reply: Reply) -> str | None:
    """What is wrong with a reply the person got, if anything."""
    said = "\n\n".join(message.get("text") or "" for message in reply)
    if not reply:
        return "no reply"
    if load_knowledge_base().technical_problem in said:
        return "the technical-problem reply"
    if OUTAGE_REPLY.split(".")[0] in said:
        return "the conversation-store outage reply"
    return None


def work(worker: int, url: str, pacer: Pacer, drive: Drive) -> None:
    client = RestClient(url)
    try:
        for conversation in people(worker):
            played = Played(f"soak-{worker}-{uuid.uuid4().hex[:12]}", conversation)
            with drive.lock:
                drive.conversations.append(played)
            text: str | None = conversation.first()
            while text is not None:
                if not pacer.wait():
                    return
                began = time.perf_counter()
                try:
                    reply: Reply | None = client.send(played.sender, text)
                except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                    reply = None
                    problem: str | None = f"{type(error).__name__}: {error}"
                else:
                    problem = reply_problem(reply)
                elapsed_ms = (time.perf_counter() - began) * 1000
                played.turns.append(Turn(text, reply))
                with drive.lock:
                    drive.latencies_ms.append(elapsed_ms)
                    if problem:
                        drive.errors.append(problem)
                if reply is None:
                    break
                text = conversation.next(reply)
    finally:
        client.close()


class MemorySampler:
    """Samples the resident memory of the stack's processes every SAMPLE_EVERY_S seconds."""

    def __init__(self, stack: Stack, began: float) -> None:
        self.stack = stack
        self.began = began
        self.samples: List[Dict[str, float]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        row = {"t_s": round(time.monotonic() - self.began, 1)}
        for name, process in self.stack.processes.items():
            row[name] = memory_mb(process.pid)["rss_mb"]
        self.samples.append(row)

    def _run(self) -> None:
        while not self.stopped.wait(SAMPLE_EVERY_S):
            self.sample()

    def start(self) -> None:
        self.sample()
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sample()

    def growth(self, warm_up_s: float) -> Dict[str, Dict[str, float]]:
        after = [row for row in self.samples if row["t_s"] >= warm_up_s]
        baseline, end = after[0], after[-1]
        names = [name for name in baseline if name != "t_s"]
        return {
            name: {
                "after_warm_up_mb": baseline[name],
                "end_mb": end[name],
                "max_mb": max(row[name] for row in after),
                "growth_pct": round(100 * (end[name] / baseline[name] - 1), 2),
            }
            for name in names
        }


def tracker(url: str, sender: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{url}/conversations/{sender}/tracker", timeout=120) as response:
        return json.loads(response.read())


def lost_events(events: List[Dict[str, Any]], played: Played) -> List[str]:
    """What a conversation's tracker events lack of what was sent and received."""
    user_events = [index for index, event in enumerate(events) if event["event"] == "user"]
    stored = [events[index].get("text") for index in user_events]
    sent = [turn.text for turn in played.turns]
    if stored != sent:
        return [f"{played.sender}: {len(sent)} messages sent, the tracker holds {len(stored)} user events"]
    problems = []
    for number, (turn, start) in enumerate(zip(played.turns, user_events, strict=True)):
        if turn.reply is None:
            continue
        end = user_events[number + 1] if number + 1 < len(user_events) else len(events)
        bots = [event for event in events[start:end] if event["event"] == "bot"]
        stored_text = "\n\n".join((event.get("text") or "").strip() for event in bots if event.get("text"))
        received_text = "\n\n".join(message["text"] for message in turn.reply if message.get("text"))
        stored_custom = [(event.get("data") or {}).get("custom") for event in bots]
        received_custom = [message["custom"] for message in turn.reply if "custom" in message]
        if stored_text != received_text or [c for c in stored_custom if c] != received_custom:
            problems.append(f"{played.sender}: the reply to message {number + 1} is not stored as sent")
    return problems


def soak(settings: Settings, minutes: float, rate: float, log: Any = print) -> Dict[str, Any]:
    duration_s = minutes * 60
    warm_up_s = min(MAX_WARM_UP_S, duration_s / 5)
    with tempfile.TemporaryDirectory(prefix="soak-") as work_dir:
        action_port = free_port()
        stack = Stack(
            replace(
                settings,
                host="127.0.0.1",
                rasa_port=free_port(),
                action_port=action_port,
                action_server_url=f"http://127.0.0.1:{action_port}/webhook",
                tracker_db=Path(work_dir) / "tracker.db",
                profile="embedded",
                database=None,
                redis=None,
                rabbitmq=None,
                slack=None,
                telegram=None,
                startup_timeout=START_TIMEOUT_S,
            ),
            log_dir=LOG_DIR,
        )
        log(f"==> soak: starting the assistant on free ports (logs in {LOG_DIR.relative_to(PROJECT_ROOT)})")
        stack.start()
        try:
            first_answer(stack.rasa_url, time.monotonic() + START_TIMEOUT_S, stack.processes["rasa"])
            log(f"==> soak: {rate:g} messages/s for {minutes:g} min ({warm_up_s:.0f} s of warm-up)")
            drive = Drive()
            began = time.monotonic()
            sampler = MemorySampler(stack, began)
            sampler.start()
            pacer = Pacer(rate, began + duration_s)
            workers = [
                threading.Thread(target=work, args=(i, stack.rasa_url, pacer, drive), daemon=True)
                for i in range(WORKERS)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            wall_s = time.monotonic() - began
            sampler.stop()
            exited = stack.first_exited()
            url = stack.rasa_url
            log(f"==> soak: reading back {len(drive.conversations)} trackers")
            lost = [
                problem
                for played in drive.conversations
                for problem in lost_events(tracker(url, played.sender)["events"], played)
            ]
        finally:
            stack.stop()
    return report(settings, minutes, rate, warm_up_s, wall_s, drive, sampler, lost, exited)


def report(
    settings: Settings,
    minutes: float,
    rate: float,
    warm_up_s: float,
    wall_s: float,
    drive: Drive,
    sampler: MemorySampler,
    lost: List[str],
    exited: str | None,
) -> Dict[str, Any]:
    memory = sampler.growth(warm_up_s)
    messages = len(drive.latencies_ms)
    checks = {
        "no_request_error": not drive.errors and exited is None,
        "rss_growth_within_10_pct": set(memory) == {"actions", "rasa"}
        and all(m["growth_pct"] <= 100 * RSS_GROWTH_LIMIT for m in memory.values()),
        "no_lost_tracker_events": not lost,
    }
    return {
        "passed": all(checks.values()),
        "checks": checks,
        "machine": machine.describe(),
        "settings": {
            "minutes": minutes,
            "rate_per_s": rate,
            "warm_up_s": warm_up_s,
            "workers": WORKERS,
            "action_timeout_s": settings.action_timeout,
            "profile": "embedded",
        },
        "messages": messages,
        "conversations": len(drive.conversations),
        "outcomes": dict(Counter(played.outcome for played in drive.conversations)),
        "achieved_rate_per_s": round(messages / wall_s, 2) if wall_s else None,
        "latency_ms": {
            "p50": _round(percentile(drive.latencies_ms, 0.50)),
            "p95": _round(percentile(drive.latencies_ms, 0.95)),
            "p99": _round(percentile(drive.latencies_ms, 0.99)),
            "max": _round(max(drive.latencies_ms) if drive.latencies_ms else None),
        },
        "errors": len(drive.errors),
        "error_examples": sorted(set(drive.errors))[:5],
        "server_exited": exited,
        "memory": memory,
        "memory_samples": sampler.samples,
        "tracker_check": {
            "conversations": len(drive.conversations),
            "user_messages": sum(len(p.turns) for p in drive.conversations),
            "problems": len(lost),
            "problem_examples": lost[:5],
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def print_report(result: Dict[str, Any]) -> None:
    lat = result["latency_ms"]
    lines = [
        "",
        f"soak: {result['settings']['minutes']:g} min at {result['settings']['rate_per_s']:g} messages/s "
        f"({machine.one_line(result['machine'])})",
        f"  {result['messages']} messages in {result['conversations']} conversations, "
        f"{result['achieved_rate_per_s']} messages/s achieved; outcomes {result['outcomes']}",
        f"  latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms",
        f"  errors: {result['errors']} {result['error_examples'] or ''}".rstrip(),
    ]
    for name, m in result["memory"].items():
        lines.append(
            f"  {name} RSS: {m['after_warm_up_mb']} MB after the warm-up, {m['end_mb']} MB at the end "
            f"({m['growth_pct']:+.2f} %), at most {m['max_mb']} MB"
        )
    check = result["tracker_check"]
    lines.append(
        f"  trackers: {check['conversations']} conversations, {check['user_messages']} messages, "
        f"{check['problems']} with lost events {check['problem_examples'] or ''}".rstrip()
    )
    for name, passed in result["checks"].items():
        lines.append(f"  {'PASS' if passed else 'FAIL'}  {name.replace('_', ' ')}")
    lines.append(f"  written to {REPORT.relative_to(PROJECT_ROOT)}")
    print("\n".join(lines), flush=True)


def main(argv: List[str] | None = None) -> int:
    defaults = SoakSettings.from_env()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=defaults.minutes, help="SOAK_MINUTES, at most 10")
    parser.add_argument("--rate", type=float, default=defaults.rate, help="messages per second (SOAK_RATE)")
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= SOAK_MAX_MINUTES:
        parser.error(f"--minutes must be more than 0 and at most {SOAK_MAX_MINUTES:g}")
    if args.rate <= 0:
        parser.error("--rate must be more than 0")
    settings = Settings.from_env()
    model = model_file(settings.model_dir, training_digest())
    if not model.exists():
        print(f"error: {model} is missing: run `make train`", file=sys.stderr)
        return 1
    result = soak(replace(settings, model_dir=model), args.minutes, args.rate)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_report(result)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
