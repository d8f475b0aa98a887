"""`make bench`: this assistant side by side with the stock Rasa starter, in one run.

Trains both (timed), starts both (cold start timed), then drives both over the
REST channel with the same load shapes, in rounds that alternate which system
goes first, so that whatever else the machine does hits both alike. This
assistant also plays the whole vignette suite. Then `make cluster` with two
replicas is measured against `make cluster` with one and against this
assistant's embedded server, the three interleaved. Writes reports/bench.json,
docs/benchmarks.md with its chart, and docs/bench.json.

Run: PYTHONPATH=. .venv/bin/python -m benchmarks.run [--reuse-models] [--cluster-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

from benchmarks import conversations, load, machine, report
from benchmarks.systems import BIN, Assistant, Cluster, Stock, cluster_command, file_mb
from bot.settings import PROJECT_ROOT, ClusterSettings
from scripts.serve import free_port

REPORTS = PROJECT_ROOT / "reports"
DOCS = PROJECT_ROOT / "docs"
ROUNDS = 3
WARM_UP_MESSAGES = 12
SUITE_CLIENTS = 4  # as tests/e2e/test_vignettes.py plays them


@dataclass(frozen=True)
class Shape:
    name: str
    clients: int
    messages: int  # in all, per system

    @property
    def per_client_per_round(self) -> int:
        return max(1, round(self.messages / self.clients / ROUNDS))


SHAPES = (
    Shape("1 client", 1, 300),
    Shape("8 clients", 8, 360),
    Shape("32 clients", 32, 768),
)
# Rounds of 25 messages per client: the shorter rounds above lasted 2 to 4 s on the cluster, too short
# for a throughput that three systems' rounds are compared by.
CLUSTER_SHAPES = (Shape("8 clients", 8, 8 * 25 * ROUNDS), Shape("32 clients", 32, 32 * 25 * ROUNDS))


@dataclass
class Target:
    url: str
    source: conversations.ConversationSource
    measured: Dict[str, load.Measured]
    round_rates: Dict[str, List[float | None]] = field(default_factory=dict)  # messages/s of each round


def interleaved(shape: Shape, systems: Dict[str, Target], log: Callable[[str], None]) -> None:
    """ROUNDS rounds of the shape on every system, the order reversed every other round."""
    names = list(systems)
    for round_no in range(ROUNDS):
        for name in names if round_no % 2 == 0 else reversed(names):
            target = systems[name]
            measured = load.run(
                target.url, target.source, shape.clients, shape.per_client_per_round, f"{name}-{round_no}"
            )
            target.measured.setdefault(shape.name, load.Measured()).add(measured)
            target.round_rates.setdefault(shape.name, []).append(load.summary(measured)["messages_per_s"])
            log(
                f"  {shape.name:>10} round {round_no + 1}/{ROUNDS} {name:>15}: "
                f"{measured.messages} messages in {measured.wall_s:.1f} s, {len(measured.errors)} errors"
            )


def play_suite(url: str) -> Dict[str, Any]:
    """Every vignette once, SUITE_CLIENTS at a time: per-message latency and how many were triaged."""
    people = [
        conversations.Vignette(str(e["opening"]), dict(e.get("answers") or {}))
        for e in conversations.load_vignettes()
    ]
    queue = iter(people)
    lock = threading.Lock()

    def source(_client: int) -> Iterator[load.Conversation]:
        while True:
            with lock:
                person = next(queue, None)
            if person is None:
                return
            yield person

    measured = load.run(url, source, SUITE_CLIENTS, 10**6, "suite")
    outcomes = [person.outcome for person in people]
    return {
        **load.summary(measured),
        "clients": SUITE_CLIENTS,
        "vignettes": len(people),
        "triaged": sum(outcome is not None for outcome in outcomes),
        "emergencies": outcomes.count("emergency"),
        "assessments": outcomes.count("assessment"),
    }


def warm_up(url: str, source: conversations.ConversationSource) -> None:
    load.run(url, source, 1, WARM_UP_MESSAGES, "warm-up")


def profile_command(pid: int, seconds: int, out: Path) -> List[str]:
    return [str(BIN / "py-spy"), "record", "--pid", str(pid), "--duration", str(seconds)] + [
        "--rate",
        "50",
        "--format",
        "speedscope",
        "--output",
        str(out),
        "--nonblocking",
    ]


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse-models", action="store_true", help="serve existing models, skip training")
    parser.add_argument("--cluster-url", help="measure a running cluster at this base URL")
    parser.add_argument(
        "--profile", action="store_true", help="py-spy this assistant's Rasa server under 8 clients"
    )
    parser.add_argument("--work-dir", type=Path, help="keep the stock project here (default: a temp folder)")
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, flush=True)

    began = time.monotonic()
    result: Dict[str, Any] = {"machine": machine.describe(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    log(f"==> bench: {machine.one_line(result['machine'])}")
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-"))
    logs = REPORTS / "logs" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    stock = Stock(work / "stock", logs)
    ours = Assistant(PROJECT_ROOT / "models", work, logs)
    training: Dict[str, float | None] = {"stock": None, "assistant": None}
    if args.reuse_models and (work / "stock" / "models").exists():
        log("==> bench: serving the existing models (--reuse-models): training not measured")
    else:
        log("==> bench: training the stock starter (rasa init --no-prompt)")
        training["stock"] = round(stock.train(), 1)
        if args.reuse_models:
            log("==> bench: this assistant's existing model (--reuse-models): its training not measured")
        else:
            log("==> bench: training this assistant (rasa train --force)")
            training["assistant"] = round(ours.train(), 1)
    log(f"    training: {training}")
    try:
        log("==> bench: starting the stock starter and this assistant")
        cold = {"stock": round(stock.start(), 1), "assistant": round(ours.start(), 1)}
        model_mb = {"stock": file_mb(stock.model), "assistant": file_mb(ours.model)}  # before the clean-up
        log(f"    cold start (process start to first answer): {cold}")
        systems = {
            "stock": Target(stock.url, conversations.stock_source, {}),
            "assistant": Target(ours.url, conversations.vignette_source, {}),
        }
        for target in systems.values():
            warm_up(target.url, target.source)
        profiler = None
        for shape in SHAPES:
            log(f"==> bench: {shape.name}, {shape.messages} messages per system")
            if args.profile and shape.clients == 8:
                out = REPORTS / "bench-profile.speedscope.json"
                pid = ours.stack.processes["rasa"].pid
                profiler = subprocess.Popen(profile_command(pid, 60, out), stdout=subprocess.DEVNULL)
            interleaved(shape, systems, log)
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)  # py-spy writes its profile on Ctrl-C, not on SIGTERM
                profiler.wait()
                profiler = None
                log(f"    profile of this assistant's Rasa server: {out} (open in https://speedscope.app)")
        log("==> bench: the vignette suite on this assistant")
        suite = play_suite(ours.url)
        memory = {"stock": stock.memory(), "assistant": ours.memory()}
        log(f"    resident memory after the load: {memory}")
        stock.stop()
        cluster = measure_cluster(
            args.cluster_url, Target(ours.url, conversations.vignette_source, {}), logs, log
        )
    finally:
        stock.stop()
        ours.stop()
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    result.update(
        shapes={
            shape.name: {
                "clients": shape.clients,
                **{name: load.summary(t.measured[shape.name]) for name, t in systems.items()},
            }
            for shape in SHAPES
        },
        vignette_suite=suite,
        training_s=training,
        cold_start_s=cold,
        memory_mb=memory,
        model_mb=model_mb,
        cluster=cluster,
        duration_s=round(time.monotonic() - began, 1),
    )
    result["targets"] = report.targets(result)
    report.write(result, REPORTS / "bench.json", DOCS)
    log(report.summary_text(result))
    log(f"==> bench: reports/bench.json, docs/benchmarks.md, docs/bench.json ({result['duration_s']:.0f} s)")
    return 0


def measure_cluster(
    url: str | None, embedded: Target, logs: Path, log: Callable[[str], None]
) -> Dict[str, Any]:
    """`make cluster` (two replicas) against one replica of it, the scaling the target is about, and
    against the embedded one-server profile; all three interleaved. Each system's messages/s of every
    round is kept, for the ratio per round. A cluster already running (`url`) is measured against the
    embedded server only."""
    command = None if url else cluster_command()
    if not url and not command:
        return {"measured": False, "reason": "not measured: make cluster not available"}
    cluster = Cluster(url or f"http://127.0.0.1:{ClusterSettings.from_env().port}", logs, command)
    clusters = [cluster]
    systems = {"embedded server": embedded}
    if command:
        port, web_port = free_port(), free_port()
        one = Cluster(
            f"http://127.0.0.1:{port}",
            logs,
            command,
            {"CLUSTER_REPLICAS": "1", "CLUSTER_PORT": str(port), "WEB_PORT": str(web_port)},
            "cluster-of-one.log",
        )
        clusters.insert(0, one)
        systems["one replica"] = Target(one.url, conversations.vignette_source, {})
    systems["cluster"] = Target(cluster.url, conversations.vignette_source, {})
    log(f"==> bench: the cluster at {cluster.url}" + (f" ({' '.join(command)})" if command else ""))
    try:
        started = {each.url: round(each.start(), 1) for each in clusters}
        for each in clusters:
            warm_up(each.url, conversations.vignette_source)
        for shape in CLUSTER_SHAPES:
            interleaved(shape, systems, log)
    except RuntimeError as error:
        return {"measured": False, "reason": f"not measured: {error}"}
    finally:
        for each in clusters:
            each.stop()
    return {
        "measured": True,
        "url": cluster.url,
        "started_here": bool(command),
        "start_s": started[cluster.url],
        "baseline": "one replica" if command else "embedded server",
        "shapes": {
            shape.name: {
                name: {
                    **load.summary(t.measured[shape.name]),
                    "round_messages_per_s": t.round_rates[shape.name],
                }
                for name, t in systems.items()
            }
            for shape in CLUSTER_SHAPES
        },
    }


if __name__ == "__main__":
    sys.exit(main())
