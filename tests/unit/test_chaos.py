"""How `make chaos` judges a conversation's stored messages (benchmarks/chaos.py)."""

from __future__ import annotations

from benchmarks.chaos import Conversation, Tally, check, check_messages, patiently


def test_every_message_once_and_in_order_is_clean() -> None:
    assert check_messages(["a", "b", "c"], ["a", "b", "c"]) == {"lost": 0, "duplicated": 0, "out_of_order": 0}


def test_a_message_never_stored_is_lost() -> None:
    assert check_messages(["a", "b", "c"], ["a", "c"])["lost"] == 1


def test_a_message_stored_twice_is_duplicated() -> None:
    found = check_messages(["a", "b"], ["a", "b", "b"])
    assert found["duplicated"] == 1 and found["out_of_order"] == 0


def test_messages_stored_in_another_order_are_out_of_order() -> None:
    assert check_messages(["a", "b", "c"], ["a", "c", "b"])["out_of_order"] == 1


def test_a_finished_conversation_in_the_wrong_triage_is_counted_and_named() -> None:
    record = Conversation("chaos-1", "sc-1", "see_clinician", ["a"], finished=True)
    tracker = {"events": [{"event": "user", "message_id": "a"}], "slots": {"triage_level": "self_care"}}

    found = check([record], lambda sender: tracker)

    assert found["wrong_triage"] == 1
    assert found["problems"] == [{"conversation": "chaos-1", "vignette": "sc-1", "triage": "self_care"}]


def test_a_conversation_that_never_reached_its_outcome_is_not_judged_on_triage() -> None:
    record = Conversation("chaos-2", "sc-1", "see_clinician", ["a"], finished=False)
    tracker = {"events": [{"event": "user", "message_id": "a"}], "slots": {"triage_level": None}}

    assert check([record], lambda sender: tracker)["wrong_triage"] == 0


def test_the_tally_counts_every_kind_of_request_outcome() -> None:
    tally = Tally()
    tally.add("requests")
    tally.add("requests")
    tally.add("retries")

    assert tally.counts() == {
        "requests": 2,
        "retries": 1,
        "server_errors": 0,
        "timeouts": 0,
        "connections_cut": 0,
        "unanswered": 0,
    }


def test_the_final_check_waits_for_a_store_still_coming_back(monkeypatch) -> None:
    monkeypatch.setattr("benchmarks.chaos.RETRY_PAUSE", 0.0)
    answers = iter(
        [OSError("connection refused"), AssertionError("GET tracker answered 503"), {"events": []}]
    )

    def tracker(_sender: str) -> dict:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert patiently(tracker)("person") == {"events": []}
