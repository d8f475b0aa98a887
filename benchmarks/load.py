"""Load over the REST channel: clients that hold conversations, and what they measured.

Each client is a thread with one keep-alive HTTP connection, as a chat front end
would hold; it plays conversations one after another, each under a new sender id,
until it has sent its share of messages. Only POST /webhooks/rest/webhook is timed.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Protocol
from urllib.parse import urlsplit

REST_PATH = "/webhooks/rest/webhook"
TIMEOUT_S = 120.0

Reply = List[Dict[str, Any]]


class Conversation(Protocol):
    """One person's side of a conversation: what they say next, given the last reply."""

    def first(self) -> str: ...

    def next(self, reply: Reply) -> str | None:
        """The next message, or None when the conversation is over."""


ConversationSource = Callable[[int], Iterator[Conversation]]  # client index -> its conversations


class RestClient:
    """One keep-alive connection to a Rasa server's REST channel."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.connection: http.client.HTTPConnection | None = None

    def send(self, sender: str, text: str) -> Reply:
        body = json.dumps({"sender": sender, "message": text})
        try:
            return self._post(body)
        except (http.client.HTTPException, ConnectionError):
            self.close()  # a keep-alive connection the server closed is reopened once
            return self._post(body)

    def _post(self, body: str) -> Reply:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        self.connection.request("POST", self.prefix + REST_PATH, body, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {payload[:200]!r}")
        return json.loads(payload)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Measured:
    """What one run of a load shape measured on one system."""

    latencies_ms: List[float] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    wall_s: float = 0.0
    conversations: int = 0

    def add(self, other: Measured) -> None:
        self.latencies_ms += other.latencies_ms
        self.errors += other.errors
        self.wall_s += other.wall_s
        self.conversations += other.conversations

    @property
    def messages(self) -> int:
        return len(self.latencies_ms) + len(self.errors)


def _client(
    base_url: str,
    conversations: Iterator[Conversation],
    quota: int,
    start: threading.Barrier,
    lock: threading.Lock,
    into: Measured,
    tag: str,
) -> None:
    client = RestClient(base_url)
    latencies: List[float] = []
    errors: List[str] = []
    played = 0
    start.wait()
    try:
        while len(latencies) + len(errors) < quota:
            conversation = next(conversations, None)
            if conversation is None:
                break
            played += 1
            sender = f"bench-{tag}-{uuid.uuid4().hex[:12]}"
            text: str | None = conversation.first()
            while text is not None and len(latencies) + len(errors) < quota:
                began = time.perf_counter()
                try:
                    reply = client.send(sender, text)
                except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                    errors.append(f"{type(error).__name__}: {error}")
                    break
                latencies.append((time.perf_counter() - began) * 1000)
                text = conversation.next(reply)
    finally:
        client.close()
        with lock:
            into.latencies_ms += latencies
            into.errors += errors
            into.conversations += played


def run(base_url: str, source: ConversationSource, clients: int, per_client: int, tag: str) -> Measured:
    """`clients` concurrent clients each send `per_client` messages; wall time from the common start."""
    measured = Measured()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(
            target=_client,
            args=(base_url, source(i), per_client, start, lock, measured, f"{tag}-{i}"),
            daemon=True,
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    measured.wall_s = time.perf_counter() - began
    return measured


def percentile(values: List[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))  # ceil(fraction * n)
    return ordered[min(rank, len(ordered)) - 1]


def summary(measured: Measured) -> Dict[str, Any]:
    lat = measured.latencies_ms
    return {
        "messages": measured.messages,
        "conversations": measured.conversations,
        "errors": len(measured.errors),
        "error_examples": sorted(set(measured.errors))[:3],
        "p50_ms": _round(percentile(lat, 0.50)),
        "p95_ms": _round(percentile(lat, 0.95)),
        "p99_ms": _round(percentile(lat, 0.99)),
        "mean_ms": _round(sum(lat) / len(lat) if lat else None),
        "max_ms": _round(max(lat) if lat else None),
        "messages_per_s": _round(len(lat) / measured.wall_s if measured.wall_s else None, 2),
        "wall_s": round(measured.wall_s, 2),
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
