"""What a change costs in speed: this tree against main before it, in one run.

An issue that adds work to every message (the red flags' token patterns, question
matching) allows at most 10 % off the one-client p95 latency or the 8-client
throughput. Both trees are trained (the base in a git worktree under var/bench/),
served on free ports with their own tracker databases, and driven over REST with
the vignette conversations in rounds that alternate which goes first, so that
whatever else the machine does hits both alike. Writes reports/<name>_cost.json
and docs/<name>_cost.md with the machine it ran on.

Run: PYTHONPATH=. .venv/bin/python -m benchmarks.change_cost --base REV --name NAME --title TITLE
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from benchmarks import conversations, load, machine
from benchmarks.systems import QUIET_ENV, START_TIMEOUT_S, first_answer, stop_process
from bot.settings import PROJECT_ROOT
from scripts.serve import free_port

WORK = PROJECT_ROOT / "var" / "bench" / "change-cost"
ROUNDS = 3
SHAPES = {"1 client": (1, 300), "8 clients": (8, 360)}  # clients, messages in all per tree
MAX_COST = 0.10


def _env(tree: Path, **extra: str) -> Dict[str, str]:
    return {**os.environ, **QUIET_ENV, "PYTHONPATH": str(tree), **extra}


def checkout(revision: str) -> Path:
    tree = WORK / "base"
    if tree.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=PROJECT_ROOT, check=False)
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=PROJECT_ROOT, check=True)
    # The chat page's packages, which scripts.serve checks for: this tree's, when the base pins the same.
    modules = PROJECT_ROOT / "web" / "node_modules"
    if (tree / "web" / "package-lock.json").read_bytes() == (
        PROJECT_ROOT / "web" / "package-lock.json"
    ).read_bytes():
        (tree / "web" / "node_modules").symlink_to(modules, target_is_directory=True)
    return tree


def train(tree: Path, log: Path) -> None:
    with log.open("wb") as out:
        subprocess.run(
            [sys.executable, "-m", "scripts.train"],
            cwd=tree,
            env=_env(tree),
            stdout=out,
            stderr=out,
            check=True,
        )


def serve(tree: Path, name: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = _env(
        tree,
        RASA_PORT=str(port),
        ACTION_PORT=str(free_port()),
        WEB_PORT=str(free_port()),
        TRACKER_DB=str(WORK / f"{name}-tracker.db"),
        STARTUP_TIMEOUT=str(START_TIMEOUT_S),
    )
    log = (WORK / f"{name}-serve.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.serve"],
        cwd=tree,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    first_answer(url, time.monotonic() + START_TIMEOUT_S, process)
    return process, url


def summary(measured: load.Measured) -> Dict[str, float]:
    latencies = sorted(measured.latencies_ms)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0
    return {
        "messages": measured.messages,
        "errors": len(measured.errors),
        "p95_ms": round(p95, 1),
        "messages_per_s": round(measured.messages / measured.wall_s, 2) if measured.wall_s else 0.0,
    }


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="main before the change (a revision)")
    parser.add_argument("--name", required=True, help="names the report: reports/<name>_cost.json")
    parser.add_argument("--title", required=True, help="what the change does, for the heading")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    revision = args.base
    trees = {"before": checkout(revision), "after": PROJECT_ROOT}
    for name, tree in trees.items():
        print(f"==> training {name} ({tree})", flush=True)
        train(tree, WORK / f"{name}-train.log")
    servers = {name: serve(tree, name) for name, tree in trees.items()}
    measured: Dict[str, Dict[str, load.Measured]] = {name: {} for name in trees}
    try:
        for name, (_, url) in servers.items():
            load.run(url, conversations.vignette_source, 2, 6, f"warm-{name}")
        for shape, (clients, messages) in SHAPES.items():
            per_client = max(1, round(messages / clients / ROUNDS))
            for round_no in range(ROUNDS):
                order = list(servers) if round_no % 2 == 0 else list(reversed(servers))
                for name in order:
                    run = load.run(servers[name][1], conversations.vignette_source, clients, per_client, name)
                    measured[name].setdefault(shape, load.Measured()).add(run)
                    print(f"  {shape} round {round_no + 1} {name}: {summary(run)}", flush=True)
    finally:
        for process, _ in servers.values():
            stop_process(process)
    results = {name: {shape: summary(m) for shape, m in shapes.items()} for name, shapes in measured.items()}
    before, after = results["before"], results["after"]
    p95_cost = after["1 client"]["p95_ms"] / before["1 client"]["p95_ms"] - 1
    throughput_cost = 1 - after["8 clients"]["messages_per_s"] / before["8 clients"]["messages_per_s"]
    report = {
        "machine": machine.describe(),
        "base": revision,
        "name": args.name,
        "title": args.title,
        "results": results,
        "one_client_p95_cost": round(p95_cost, 4),
        "eight_client_throughput_cost": round(throughput_cost, 4),
        "max_cost": MAX_COST,
        "met": p95_cost <= MAX_COST and throughput_cost <= MAX_COST,
    }
    (PROJECT_ROOT / "reports").mkdir(parents=True, exist_ok=True)
    (PROJECT_ROOT / "reports" / f"{args.name}_cost.json").write_text(json.dumps(report, indent=2) + "\n")
    (PROJECT_ROOT / "docs" / f"{args.name}_cost.md").write_text(_markdown(report))
    print(json.dumps({k: v for k, v in report.items() if k != "machine"}, indent=2))
    return 0 if report["met"] else 1


def _markdown(report: Dict) -> str:
    rows = [
        f"| {name} | {r['1 client']['p95_ms']} | {r['1 client']['messages_per_s']} | "
        f"{r['8 clients']['p95_ms']} | {r['8 clients']['messages_per_s']} |"
        for name, r in report["results"].items()
    ]
    return "\n".join(
        [
            f"# What {report['title']} costs",
            "",
            f"Made by `PYTHONPATH=. .venv/bin/python -m benchmarks.change_cost --base {report['base']} "
            f'--name {report["name"]} --title "{report["title"]}"`',
            f"(`benchmarks/change_cost.py`): this tree against `{report['base']}` (main before the",
            f"change), both trained and served on this machine, {ROUNDS} alternating rounds of the",
            "vignette conversations over REST.",
            "",
            f"Machine: {machine.one_line(report['machine'])}",
            "",
            "| tree | 1 client p95 ms | 1 client msg/s | 8 clients p95 ms | 8 clients msg/s |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"One-client p95 cost: {report['one_client_p95_cost']:+.1%}; 8-client throughput cost: "
            f"{report['eight_client_throughput_cost']:+.1%} (allowed: {report['max_cost']:.0%} each; "
            f"{'met' if report['met'] else 'NOT met'}).",
            "",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
