"""Several replicas share one state: PostgreSQL holds every conversation and
the Redis lock store keeps each one's messages in order."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Tuple

import pytest
from interview_script import ANSWERS, OPENING

from .client import Client, Reply, new_sender
from .conftest import LocalCluster

pytestmark = pytest.mark.cluster

#: Ten messages: the whole interview, then a question and thanks after the assessment.
SCRIPT = [OPENING, *ANSWERS.values(), "what causes numb feet?", "thank you"]


def interview(client_for_turn: Callable[[int], Client], sender: str) -> List[Reply]:
    """Answers whatever the assistant asks until the interview ends, turn i going to client_for_turn(i)."""
    replies = [client_for_turn(0).send(sender, OPENING)]
    for turn in range(1, len(ANSWERS) + 2):
        client = client_for_turn(turn)
        requested = client.tracker(sender)["slots"]["requested_slot"]
        if requested is None:
            break
        replies.append(client.send(sender, ANSWERS[requested]))
    return replies


def course(tracker: Dict[str, Any]) -> List[Tuple[Any, ...]]:
    """What happened, without timestamps: intents, actions, the responses used, slots and forms."""
    steps: List[Tuple[Any, ...]] = []
    for event in tracker["events"]:
        kind = event["event"]
        if kind == "user":
            steps.append((kind, event["text"], event["parse_data"]["intent"]["name"]))
        elif kind == "action":
            steps.append((kind, event["name"]))
        elif kind == "bot":
            custom = event["data"].get("custom")
            if isinstance(custom, dict) and custom.get("type") == "summary":
                custom = sorted(custom)  # its links name the conversation and the time: their keys only
            steps.append((kind, (event.get("metadata") or {}).get("utter_action"), custom))
        elif kind in ("slot", "active_loop"):
            steps.append((kind, event["name"], event.get("value")))
    return steps


def assessment(replies: List[Reply]) -> Dict[str, Any]:
    found = [
        m["custom"]
        for reply in replies
        for m in reply.messages
        if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "assessment"
    ]
    assert found, f"no assessment in {[r.messages for r in replies]}"
    return found[-1]


def test_a_conversation_alternating_between_replicas_goes_exactly_as_on_one(cluster: LocalCluster) -> None:
    one, alternating = new_sender("one"), new_sender("alternating")
    on_one = interview(lambda turn: cluster.replica(0), one)
    across = interview(lambda turn: cluster.replica(turn % 2), alternating)

    assert [r.status for r in across] == [200] * len(across)
    assert len(across) == len(on_one), "the same questions were asked"
    assert assessment(across) == assessment(on_one)
    assert assessment(across)["triage_level"] == "see_clinician"
    # Each replica reads the whole conversation the other one stored.
    first, second = cluster.replica(0).tracker(alternating), cluster.replica(1).tracker(alternating)
    assert first["slots"] == second["slots"] == cluster.replica(0).tracker(one)["slots"]
    assert course(first) == course(second) == course(cluster.replica(0).tracker(one))
    assert first["slots"]["requested_slot"] is None and first["active_loop"] == {}


def test_fifty_concurrent_conversations_through_nginx_keep_their_own_events_in_order(
    cluster: LocalCluster,
) -> None:
    senders = [new_sender(f"load{n:02d}") for n in range(50)]

    def converse(sender: str) -> List[Reply]:
        client = cluster.nginx
        return [
            client.send(sender, text, {"conversation": sender, "turn": turn})
            for turn, text in enumerate(SCRIPT)
        ]

    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        replies = dict(zip(senders, pool.map(converse, senders), strict=True))

    for sender, answers in replies.items():
        assert [r.status for r in answers] == [200] * len(SCRIPT), sender
        assert all(r.messages for r in answers), f"a message of {sender} got no reply"
        assert assessment(answers)["triage_level"] == "see_clinician"

    stored = cluster.stored_events()
    for sender in senders:
        events = stored[sender]
        said = [e for e in events if e["event"] == "user"]
        assert [e["text"] for e in said] == SCRIPT, f"{sender}: messages lost, added or out of order"
        tags = [(e["metadata"]["conversation"], e["metadata"]["turn"]) for e in said]
        assert tags == [(sender, turn) for turn in range(len(SCRIPT))], (
            f"{sender}: another's message crossed in"
        )
        assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
        # Each message's turn is whole: its reply follows it before the next message.
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        assert kinds[0] in ("user", "bot")
        turns = "".join("u" if k == "user" else "b" for k in kinds)
        assert "uu" not in turns, f"{sender}: a message was stored without its reply: {turns}"
        triage = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "triage_level"]
        assert triage and triage[-1] == "see_clinician"


def test_a_socketio_session_stays_on_the_replica_that_opened_it(cluster: LocalCluster) -> None:
    """Engine.io long-polling: a replica that did not open the session refuses its sid (400)."""
    base = f"{cluster.cluster.url}/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(base, timeout=30) as response:
        handshake = response.read().decode()
    sid = json.loads(handshake[handshake.index("{") :])["sid"]
    statuses = []
    for packet in ["40", *['42["session_request",{"session_id":"sticky-test"}]'] * 7]:
        request = urllib.request.Request(f"{base}&sid={sid}", data=packet.encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert statuses == [200] * 8
