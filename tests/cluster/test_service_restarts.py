"""PostgreSQL or Redis restarts during a run: the servers recover on their
own, and a message sent while the service is down gets an error reply, not
silence. These tests stop and start this machine's own services with the
commands it starts them with (/work/.library/env/machines/python-svc.md)."""

from __future__ import annotations

import time
from typing import Callable, List

import pytest
from interview_script import ANSWERS, OPENING

from bot.channels.outages import OUTAGE_REPLY
from scripts.machine_services import (
    postgres_cluster,
    postgresql_is_ours,
    redis_is_ours,
    start_redis,
    stop_redis,
)

from .client import Client, Reply, new_sender
from .conftest import LocalCluster

pytestmark = pytest.mark.cluster

RECOVERY_SECONDS = 60


def answer_until_normal(client: Client, sender: str, text: str) -> Reply:
    """Sends `text` until it is taken in again; every answer meanwhile must be the outage reply."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        reply = client.send(sender, text)
        assert reply.status == 200 and reply.messages, "an answer, never silence"
        if reply.text != OUTAGE_REPLY:
            return reply
        assert time.monotonic() < deadline, f"still the outage reply {RECOVERY_SECONDS} s after the restart"
        time.sleep(1)


def outage_run(cluster: LocalCluster, stop: Callable[[], None], start: Callable[[], None]) -> None:
    sender = new_sender("outage")
    answers = list(ANSWERS.values())
    before = [OPENING, *answers[:2]]
    for text in before:
        assert cluster.nginx.send(sender, text).text != OUTAGE_REPLY
    stop()
    try:
        during: List[Reply] = [
            client.send(sender, answers[2]) for client in (cluster.replica(0), cluster.replica(1))
        ]
        during.append(cluster.nginx.send(sender, answers[2]))
        reading = cluster.replica(0).request("GET", f"/conversations/{sender}/tracker")[0]
    finally:
        start()
    for reply in during:
        assert reply.status == 200 and [m.get("text") for m in reply.messages] == [OUTAGE_REPLY]
    assert reading in (200, 503), "the HTTP API says the records are unreachable, never a 500"
    # Both servers recover without a restart of their own.
    answer_until_normal(cluster.replica(0), sender, answers[2])
    answer_until_normal(cluster.replica(1), sender, answers[3])
    for text in answers[4:]:
        assert cluster.nginx.send(sender, text).text != OUTAGE_REPLY
    tracker = cluster.nginx.tracker(sender)
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said == [OPENING, *answers], "nothing said before the outage is lost, nothing during it taken in"
    assert tracker["slots"]["triage_level"] == "see_clinician"


def test_postgresql_restarting_mid_run(cluster: LocalCluster) -> None:
    if not postgresql_is_ours():
        pytest.skip("PostgreSQL is not this machine's own Debian cluster: the test cannot restart it")
    outage_run(cluster, lambda: postgres_cluster("stop"), lambda: postgres_cluster("start"))


def test_redis_restarting_mid_run(cluster: LocalCluster) -> None:
    if not redis_is_ours():
        pytest.skip("Redis is not this machine's own: the test cannot restart it")
    outage_run(cluster, stop_redis, start_redis)
