"""What one replica of the production profile costs: resident memory of each
Rasa server and action server, and messages per second through nginx.

Starts `scripts/cluster.py`'s cluster with REPLICAS Rasa servers (default 1)
on a database of its own (created and dropped) and a Redis key prefix of its
own, warms it up, then runs CLIENTS concurrent conversations of the ten-message
script of tests/cluster for DURATION seconds, and prints the figures with the
machine they ran on. Numbers from a shared machine are noisy: compare runs made
side by side.

Run: PYTHONPATH=. .venv/bin/python benchmarks/replica_sizing.py [--replicas 2] [--clients 8] [--duration 60]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import threading
import time
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Dict, List

import psycopg2
import redis

from bot.settings import PROJECT_ROOT, DatabaseSettings, RedisSettings, Settings
from scripts.cluster import Cluster
from scripts.serve import free_port

SCRIPT = [
    "My feet have been numb and tingling for a while",
    "the soles of my feet",
    "both feet",
    "it came on gradually",
    "/deny",
    "about a year",
    "it is getting worse",
    "I have type 2 diabetes",
    "what causes numb feet?",
    "thank you",
]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def send(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return time.perf_counter() - started


def load(url: str, clients: int, duration: float) -> List[float]:
    latencies: List[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client() -> None:
        while time.monotonic() < stop_at:
            sender = f"bench-{uuid.uuid4().hex[:10]}"
            for text in SCRIPT:
                if time.monotonic() >= stop_at:
                    return
                seconds = send(url, sender, text)
                with lock:
                    latencies.append(seconds)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GiB, load average {os.getloadavg()[0]:.1f} before the run"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args()

    name = f"assistant_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    settings = replace(
        Settings.from_env({"STARTUP_TIMEOUT": "900"}),
        profile="production",
        database=DatabaseSettings("127.0.0.1", 5432, name, "postgres", None),
        redis=RedisSettings("127.0.0.1", 6379, 1, None, prefix),
    )
    print(f"machine: {machine()}")
    cluster = Cluster(
        settings,
        port=free_port(),
        replicas=args.replicas,
        log_dir=PROJECT_ROOT / "reports" / "logs" / "bench",
    )
    cluster.start()
    try:
        idle = {n: rss_mib(s.processes["rasa"].pid) for n, s in enumerate(cluster.stacks, 1)}
        load(cluster.url, 2, 10)  # warm-up: every code path once
        latencies = load(cluster.url, args.clients, args.duration)
        rasa: Dict[int, float] = {
            n: rss_mib(s.processes["rasa"].pid) for n, s in enumerate(cluster.stacks, 1)
        }
        actions = {n: rss_mib(s.processes["actions"].pid) for n, s in enumerate(cluster.stacks, 1)}
    finally:
        cluster.stop()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis(db=1)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    rate = len(latencies) / args.duration
    latencies.sort()
    print(f"replicas: {args.replicas}, clients: {args.clients}, duration: {args.duration:.0f} s")
    print(f"messages: {len(latencies)}, {rate:.1f} messages/s in all, {rate / args.replicas:.1f} per replica")
    print(
        f"latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms"
    )
    for number in rasa:
        print(
            f"replica {number}: Rasa RSS {idle[number]:.0f} MiB idle, {rasa[number]:.0f} MiB after the load; "
            f"action server RSS {actions[number]:.0f} MiB"
        )


if __name__ == "__main__":
    main()
