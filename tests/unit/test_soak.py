"""What `make soak` counts as a lost tracker event or a failed reply (benchmarks/soak.py)."""

from __future__ import annotations

import time
from typing import Any, Dict, List

from benchmarks.conversations import Vignette
from benchmarks.soak import Asking, Pacer, Played, Turn, lost_events, reply_problem
from bot.channels.outages import OUTAGE_REPLY
from bot.knowledge import load_knowledge_base
from bot.replies import technical_problem_reply

QUESTION = "Where exactly do you feel it?"
EMERGENCY = {"type": "emergency", "triage_level": "emergency", "red_flags": [], "advice": "Call now."}


def played(*turns: Turn) -> Played:
    return Played("soak-0-abc", Asking(Vignette("my feet are numb", {}), "how is it treated?"), list(turns))


def user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


def bot(text: str, custom: Any = None) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "data": {"custom": custom, "buttons": None}}


def test_a_conversation_stored_as_it_happened_has_nothing_lost() -> None:
    # The REST channel sends each paragraph as a message, and the payload as one more.
    reply: List[Dict[str, Any]] = [
        {"text": "You mentioned it."},
        {"text": "Call now."},
        {"custom": EMERGENCY},
    ]
    conversation = played(Turn("my feet are numb", [{"text": QUESTION}]), Turn("I can't breathe", reply))
    events = [
        {"event": "action", "name": "action_session_start"},
        user("my feet are numb"),
        bot(QUESTION),
        {"event": "action", "name": "action_listen"},
        user("I can't breathe"),
        bot("You mentioned it.\n\nCall now.", EMERGENCY),
        {"event": "slot", "name": "triage_level", "value": "emergency"},
    ]
    assert lost_events(events, conversation) == []


def test_a_message_missing_from_the_tracker_is_lost() -> None:
    conversation = played(Turn("my feet are numb", [{"text": QUESTION}]), Turn("both", [{"text": QUESTION}]))
    assert lost_events([user("my feet are numb"), bot(QUESTION)], conversation) == [
        "soak-0-abc: 2 messages sent, the tracker holds 1 user events"
    ]


def test_a_reply_or_payload_missing_from_the_tracker_is_lost() -> None:
    no_reply = played(Turn("my feet are numb", [{"text": QUESTION}]))
    assert lost_events([user("my feet are numb")], no_reply)
    no_payload = played(Turn("I can't breathe", [{"text": "Call now."}, {"custom": EMERGENCY}]))
    assert lost_events([user("I can't breathe"), bot("Call now.")], no_payload)


def test_silence_and_the_fault_replies_are_failures() -> None:
    kb = load_knowledge_base()
    assert reply_problem([]) == "no reply"
    paragraphs = technical_problem_reply(False, kb).split("\n\n")
    assert reply_problem([{"text": p} for p in paragraphs]) == "the technical-problem reply"
    assert reply_problem([{"text": OUTAGE_REPLY}]) == "the conversation-store outage reply"
    assert reply_problem([{"text": QUESTION}]) is None


def test_the_pacer_never_sends_faster_than_the_rate_and_stops_at_the_end() -> None:
    began = time.monotonic()
    pacer = Pacer(rate=20, end=began + 0.5)
    sent: List[float] = []
    while pacer.wait():
        sent.append(time.monotonic())
    # 0.5 s at 20 a second: a slot every 50 ms, the first one at once; a late sender gets fewer.
    assert 1 <= len(sent) <= 10
    assert all(at >= began + number * 0.05 for number, at in enumerate(sent))
    assert not pacer.wait()
