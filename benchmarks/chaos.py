"""`make chaos`: conversations through nginx while a server is killed every 20 s.

Against `make cluster`'s production profile (two Rasa servers and two action
servers behind nginx, PostgreSQL, Redis), 32 clients hold the vignette suite's
conversations (tests/vignettes/), each message with an id of its own. Every
INTERVAL seconds the next of these is killed with SIGKILL and started again:
a Rasa server, an action server, Redis, PostgreSQL (an immediate restart of the
machine's own cluster: its processes stop as in a crash) and nginx. A Rasa
server is killed only while the other one answers, since with both down no
message can be answered.

A client does what the assistant asks a person to do: given the outage reply
("I could not take in your last message"), it sends the same message again,
with the same id; given the technical-problem reply (the message was taken in,
the action server could not answer), it sends the words again as a new message.
A connection nginx's death cuts is also sent again, with the same id.

At the end, every message must be in its conversation's tracker exactly once
and in order, every request answered without a 5xx or a wait over 30 s, and
every conversation in the triage its vignette expects. reports/chaos.json and
docs/chaos.md hold the counts. CHAOS_MINUTES (default 10) shortens the run;
tests/cluster/test_chaos.py runs two minutes of it in `make test`.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Dict, Iterator, List, Tuple

from benchmarks.conversations import Vignette, load_vignettes
from bot.channels.outages import OUTAGE_REPLY
from bot.knowledge import load_knowledge_base
from bot.settings import PROJECT_ROOT, ChaosSettings, ClusterSettings, Settings
from scripts import machine_services
from scripts.cluster import Cluster, ensure_database, local_environment, runtime_dir

CLIENTS = 32
INTERVAL = 20.0
REPLY_LIMIT = 30.0
RETRY_PAUSE = 1.0
#: A message still not answered after this many tries counts as lost.
MAX_TRIES = 90
#: How long the check at the end waits for the stores to answer after the last kill.
SETTLE_SECONDS = 60.0
KINDS = ("rasa", "actions", "redis", "postgresql", "nginx")
REPORT = PROJECT_ROOT / "reports" / "chaos.json"
DOC = PROJECT_ROOT / "docs" / "chaos.md"
TECHNICAL_PROBLEM = load_knowledge_base().technical_problem


@dataclass
class Conversation:
    sender: str
    vignette: str
    expected_triage: str
    message_ids: List[str] = field(default_factory=list)
    finished: bool = False


@dataclass
class Tally:
    requests: int = 0
    retries: int = 0
    server_errors: int = 0
    timeouts: int = 0
    connections_cut: int = 0
    unanswered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)

    def counts(self) -> Dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "lock"}


class Faults:
    """Kills one part of the cluster at a time, in turn, and starts it again."""

    def __init__(self, cluster: Cluster, kinds: Tuple[str, ...] = KINDS) -> None:
        self.cluster = cluster
        self.kinds = [k for k in kinds if self._available(k)]
        self.kills: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self._turn = itertools.cycle(self.kinds)
        # Each kind of server takes its replicas in turn.
        self._rasa = itertools.cycle(cluster.stacks)
        self._actions = itertools.cycle(cluster.stacks)

    @staticmethod
    def _available(kind: str) -> bool:
        if kind == "redis":
            return machine_services.redis_is_ours()
        if kind == "postgresql":
            return machine_services.postgresql_is_ours()
        return True

    def next(self) -> None:
        kind = next(self._turn)
        if getattr(self, f"_kill_{kind}")():
            self.kills[kind] += 1
        else:
            self.skipped[kind] += 1

    def _kill_rasa(self) -> bool:
        stacks = self.cluster.stacks
        doomed = next(self._rasa)
        if not all(_answers(stack.rasa_url) for stack in stacks):
            return False  # one is still starting after its last kill: the other must stay
        _kill_group(doomed.processes["rasa"])
        doomed.start_rasa()
        return True

    def _kill_actions(self) -> bool:
        stack = next(self._actions)
        _kill_group(stack.processes["actions"])
        stack.start_action_server()
        return True

    def _kill_redis(self) -> bool:
        machine_services.kill_redis()
        machine_services.start_redis()
        return True

    def _kill_postgresql(self) -> bool:
        machine_services.postgres_cluster("restart", mode="immediate")
        return True

    def _kill_nginx(self) -> bool:
        assert self.cluster.nginx is not None
        _kill_group(self.cluster.nginx)
        self.cluster.nginx = None
        self.cluster.start_nginx(self.cluster.actions_port)
        return True


def _kill_group(process: Any) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


class Person:
    """One client: vignette after vignette until told to stop, resending as the replies ask."""

    def __init__(
        self, base: str, token: str | None, number: int, run: str, tally: Tally, stop: threading.Event
    ) -> None:
        self.base, self.token, self.number, self.run, self.tally, self.stop = (
            base,
            token,
            number,
            run,
            tally,
            stop,
        )
        self.conversations: List[Conversation] = []

    def hold_conversations(self, people: Iterator[Dict[str, Any]]) -> None:
        for count in itertools.count():
            if self.stop.is_set():
                return
            entry = next(people)
            record = Conversation(
                f"chaos-{self.run}-{self.number}-{count}", str(entry["id"]), entry["expected"]["triage"]
            )
            self.conversations.append(record)
            person = Vignette(str(entry["opening"]), dict(entry.get("answers") or {}))
            text: str | None = person.first()
            while text is not None:
                reply = self.send(record, text)
                if reply is None:
                    break
                text = person.next(reply, functools.partial(self.asked_slot, record.sender))
            record.finished = person.outcome is not None

    def send(self, record: Conversation, text: str) -> List[Dict[str, Any]] | None:
        """The message's replies, once it is taken in; None when it never was."""
        message_id = uuid.uuid4().hex
        record.message_ids.append(message_id)
        for _ in range(MAX_TRIES):
            outcome, reply = self._post(record.sender, text, message_id)
            if outcome == "answered":
                said = "\n".join(m.get("text") or "" for m in reply)
                if OUTAGE_REPLY in said:
                    outcome = "outage"
                elif TECHNICAL_PROBLEM in said:  # taken in; the person says it again
                    message_id = uuid.uuid4().hex
                    record.message_ids.append(message_id)
                    outcome = "technical problem"
                else:
                    return reply
            if outcome == "rejected":
                break
            self.tally.add("retries")
            time.sleep(RETRY_PAUSE)
        self.tally.add("unanswered")
        return None

    def asked_slot(self, sender: str) -> str | None:
        """The interview question open in the conversation, as the vignette runner reads it (the reply's
        text does not always name it), asked again while the cluster is down."""
        query = urllib.parse.urlencode(
            {"include_events": "NONE", **({"token": self.token} if self.token else {})}
        )
        for _ in range(MAX_TRIES):
            try:
                with urllib.request.urlopen(
                    f"{self.base}/conversations/{sender}/tracker?{query}", timeout=REPLY_LIMIT
                ) as response:
                    return (json.loads(response.read()).get("slots") or {}).get("requested_slot")
            except (OSError, urllib.error.URLError, ValueError):
                time.sleep(RETRY_PAUSE)
        return None

    def _post(self, sender: str, text: str, message_id: str) -> Tuple[str, List[Dict[str, Any]]]:
        body = {"sender": sender, "message": text, "metadata": {"message_id": message_id}}
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        self.tally.add("requests")
        try:
            with urllib.request.urlopen(request, timeout=REPLY_LIMIT) as response:
                return "answered", json.loads(response.read() or b"[]")
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return "rejected", []
            self.tally.add("server_errors")
            return "error", []
        except TimeoutError:
            self.tally.add("timeouts")
            return "timeout", []
        except (urllib.error.URLError, ConnectionError):
            self.tally.add("connections_cut")  # nginx was killed: the browser would say so; sent again
            return "cut", []


def patiently(tracker: Callable[[str], Dict[str, Any]]) -> Callable[[str], Dict[str, Any]]:
    """`tracker`, asked again for up to SETTLE_SECONDS while a store killed last is still coming back."""

    def read(sender: str) -> Dict[str, Any]:
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            try:
                return tracker(sender)
            except (AssertionError, OSError, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(RETRY_PAUSE)

    return read


def check(conversations: List[Conversation], tracker: Callable[[str], Dict[str, Any]]) -> Dict[str, Any]:
    """Each conversation's stored messages against the ones sent, and its triage against its vignette's."""
    counts = {"lost": 0, "duplicated": 0, "out_of_order": 0, "wrong_triage": 0}
    problems: List[Dict[str, str]] = []
    for record in conversations:
        stored_tracker = tracker(record.sender)
        stored = [e.get("message_id") for e in stored_tracker.get("events", []) if e.get("event") == "user"]
        found = check_messages(record.message_ids, stored)
        for name, number in found.items():
            counts[name] += number
        triage = (stored_tracker.get("slots") or {}).get("triage_level")
        if record.finished and triage != record.expected_triage:
            counts["wrong_triage"] += 1
            problems.append(
                {"conversation": record.sender, "vignette": record.vignette, "triage": str(triage)}
            )
        if any(found.values()):
            problems.append({"conversation": record.sender, "vignette": record.vignette, **found})
    return {**counts, "problems": problems}


def check_messages(sent: List[str], stored: List[str | None]) -> Dict[str, int]:
    """Lost: sent, never stored. Duplicated: stored more than once. Out of order: the stored ones, each
    once, not in the order they were sent."""
    stored_once = list(dict.fromkeys(stored))
    kept = [message for message in sent if message in stored_once]
    return {
        "lost": len(sent) - len(kept),
        "duplicated": len(stored) - len(stored_once),
        "out_of_order": int(stored_once != kept),
    }


def run(cluster: Cluster, minutes: float, tracker: Callable[[str], Dict[str, Any]]) -> Dict[str, Any]:
    """Holds CLIENTS conversations through `cluster`'s nginx for `minutes` with a kill every INTERVAL s."""
    tally, stop, run_id = Tally(), threading.Event(), uuid.uuid4().hex[:8]
    entries = load_vignettes()
    people = [
        Person(cluster.url, cluster.settings.auth_token, n, run_id, tally, stop) for n in range(CLIENTS)
    ]
    threads = [
        threading.Thread(
            target=person.hold_conversations,
            args=(itertools.islice(itertools.cycle(entries), (n * 7) % len(entries), None),),
            daemon=True,
        )
        for n, person in enumerate(people)
    ]
    faults = Faults(cluster)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - started < minutes * 60:
        time.sleep(min(INTERVAL, max(0.0, minutes * 60 - (time.monotonic() - started))))
        if time.monotonic() - started < minutes * 60:
            faults.next()
    stop.set()  # no new conversations; the ones under way are finished
    for thread in threads:
        thread.join()
    for stack in cluster.stacks:
        stack.wait_ready()
    conversations = [record for person in people for record in person.conversations]
    found = check(conversations, patiently(tracker))
    tally_counts = tally.counts()
    return {
        "minutes": minutes,
        "clients": CLIENTS,
        "interval_s": INTERVAL,
        "kills": dict(faults.kills),
        "skipped_kills": dict(faults.skipped),
        "conversations": len(conversations),
        "messages": sum(len(record.message_ids) for record in conversations),
        **tally_counts,
        **found,
        "passed": passed(tally_counts, found),
    }


def passed(tally: Dict[str, int], found: Dict[str, Any]) -> bool:
    failures = ("server_errors", "timeouts", "unanswered")
    return not any(tally[name] for name in failures) and not any(
        found[name] for name in ("lost", "duplicated", "out_of_order", "wrong_triage")
    )


def markdown(result: Dict[str, Any], machine: str) -> str:
    kills = ", ".join(f"{kind} {result['kills'].get(kind, 0)}" for kind in KINDS)
    rows = [
        ("kills", kills),
        ("kills skipped (the other Rasa server was still starting)", sum(result["skipped_kills"].values())),
        ("conversations", result["conversations"]),
        ("messages", result["messages"]),
        ("requests", result["requests"]),
        ("retries (outage or technical-problem reply, cut connection)", result["retries"]),
        ("connections cut by nginx's death", result["connections_cut"]),
        ("5xx answers", result["server_errors"]),
        (f"waits over {REPLY_LIMIT:g} s", result["timeouts"]),
        (f"messages unanswered after {MAX_TRIES} tries", result["unanswered"]),
        ("lost", result["lost"]),
        ("duplicated", result["duplicated"]),
        ("out of order", result["out_of_order"]),
        ("wrong triage", result["wrong_triage"]),
    ]
    return "\n".join(
        [
            "# Chaos run",
            "",
            f"`make chaos`: {result['clients']} clients for {result['minutes']:g} minutes, a kill every "
            f"{result['interval_s']:g} s (benchmarks/chaos.py). {machine}",
            "",
            "| | |",
            "|---|---|",
            *[f"| {name} | {value} |" for name, value in rows],
            "",
            f"Result: {'passed' if result['passed'] else 'FAILED'}.",
            "",
        ]
    )


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=ChaosSettings.from_env().minutes)
    args = parser.parse_args(argv)
    from benchmarks.machine import describe, one_line

    settings = Settings.from_env(local_environment(os.environ))
    assert settings.database is not None and settings.redis is not None
    settings = replace(
        settings,
        host="127.0.0.1",
        database=replace(settings.database, name="assistant_chaos"),
        redis=replace(settings.redis, key_prefix="chaos"),
    )
    ensure_database(settings.database)
    port = ClusterSettings.from_env().port + 1
    cluster = Cluster(settings, port=port, log_dir=runtime_dir(port))
    print(f"==> chaos: starting the cluster on :{port} (logs in {cluster.log_dir})", flush=True)
    cluster.start()
    try:
        print(f"==> chaos: {CLIENTS} clients for {args.minutes:g} minutes, a kill every {INTERVAL:g} s")
        result = run(cluster, args.minutes, lambda sender: _tracker(cluster, sender))
    finally:
        cluster.stop()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2) + "\n")
    DOC.write_text(markdown(result, f"Machine: {one_line(describe())}."))
    print(markdown(result, ""))
    return 0 if result["passed"] else 1


def _tracker(cluster: Cluster, sender: str) -> Dict[str, Any]:
    token = cluster.settings.auth_token
    query = f"?token={token}" if token else ""
    url = f"{cluster.stacks[0].rasa_url}/conversations/{sender}/tracker{query}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


if __name__ == "__main__":
    sys.exit(main())
