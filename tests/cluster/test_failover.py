"""A Rasa server and an action server die mid-run: nginx routes around them,
the conversations go on, and the restarted server picks them up from PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest
from interview_script import ANSWERS, OPENING

from bot.knowledge import load_knowledge_base

from .client import Client, Reply, new_sender
from .conftest import LocalCluster

pytestmark = pytest.mark.cluster

SCRIPT = [OPENING, *ANSWERS.values(), "what causes numb feet?"]
KILL_AFTER_TURN = 3
GATEWAY_ERRORS = (502, 503, 504)
TECHNICAL_PROBLEM = load_knowledge_base().technical_problem
RETRY_SECONDS = 60


def send_like_a_client(client: Client, sender: str, text: str) -> Reply:
    """A chat client shows a gateway error and sends the message again once; a person told "I have a
    technical problem … please try again" sends it again until it is answered (an answer to the
    red-flag screen must be read to count: it is never taken as "no")."""
    reply = client.send(sender, text)
    if reply.status in GATEWAY_ERRORS:
        time.sleep(1)
        reply = client.send(sender, text)
    deadline = time.monotonic() + RETRY_SECONDS
    while TECHNICAL_PROBLEM in (reply.text or "") and time.monotonic() < deadline:
        time.sleep(1)
        reply = client.send(sender, text)
    return reply


def collapse_repeats(texts: List[str]) -> List[str]:
    return [text for i, text in enumerate(texts) if i == 0 or texts[i - 1] != text]


def test_killing_a_rasa_server_and_an_action_server_mid_run(cluster: LocalCluster) -> None:
    senders = [new_sender(f"failover{n}") for n in range(8)]
    reached_kill_point = threading.Barrier(len(senders) + 1, timeout=600)

    def converse(sender: str) -> List[Reply]:
        replies = []
        for turn, text in enumerate(SCRIPT):
            if turn == KILL_AFTER_TURN:
                reached_kill_point.wait()
            replies.append(send_like_a_client(cluster.nginx, sender, text))
        return replies

    doomed_rasa, doomed_actions = cluster.cluster.stacks[1], cluster.cluster.stacks[0]
    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        running = [pool.submit(converse, sender) for sender in senders]
        reached_kill_point.wait()
        time.sleep(0.3)  # the next messages are on their way
        doomed_rasa.processes["rasa"].kill()
        doomed_actions.processes["actions"].kill()
        # Restarted at once, as `make cluster` does: nginx skips them until they answer.
        doomed_rasa.processes["rasa"].wait()
        doomed_actions.processes["actions"].wait()
        doomed_rasa.start_rasa()
        doomed_actions.start_action_server()
        replies = dict(zip(senders, (future.result() for future in running), strict=True))

    for sender, answers in replies.items():
        assert [r.status for r in answers] == [200] * len(SCRIPT), sender
        assert all(r.messages for r in answers), f"a message of {sender} got no reply"
        tracker = cluster.nginx.tracker(sender)
        assert tracker["slots"]["triage_level"] == "see_clinician", sender
        said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert collapse_repeats(said) == SCRIPT, f"{sender}: messages lost or out of order"

    doomed_rasa.wait_ready()
    doomed_actions.wait_ready()
    restarted = Client(doomed_rasa.rasa_url)
    for sender in senders:
        before = cluster.replica(0).tracker(sender)
        assert restarted.tracker(sender)["slots"] == before["slots"]
        reply = restarted.send(sender, "thank you")
        assert reply.status == 200 and reply.messages
        said = [e["text"] for e in cluster.replica(0).tracker(sender)["events"] if e["event"] == "user"]
        assert said[-1] == "thank you" and collapse_repeats(said[:-1]) == SCRIPT
