"""Starting over on the action server: at once outside the interview, asked first inside it."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, FollowupAction, Restarted, SlotSet
from test_actions import run, tracker, user

from actions.restart import CARRY_ON, CONFIRM_QUESTION, START_OVER, ActionRestart, ActionResumeInterview

ANSWERING = {"requested_slot": "onset", "body_part": ["feet"], "laterality": "both_sides"}


def test_a_message_read_as_restart_mid_interview_is_asked_about_and_pauses_the_interview() -> None:
    t = tracker([user("it came on over the last few cycles", "restart")], ANSWERING, "symptom_form")
    messages, events = run(ActionRestart(), t)
    assert [m["text"] for m in messages] == [CONFIRM_QUESTION]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/restart", "/deny"]
    # Nothing is dropped, and a "yes" or "no" cannot answer the interview's question.
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]


def test_the_restart_command_starts_over_at_once_even_mid_interview() -> None:
    t = tracker([user("/restart", "restart")], ANSWERING, "symptom_form")
    messages, events = run(ActionRestart(), t)
    assert [m["text"] for m in messages] == [START_OVER] and events == [Restarted()]


def test_outside_the_interview_restart_starts_over_at_once() -> None:
    messages, events = run(ActionRestart(), tracker([user("start over", "restart")]))
    assert [m["text"] for m in messages] == [START_OVER] and events == [Restarted()]


def test_no_resumes_the_interview() -> None:
    events = [user("my feet are numb", "describe_symptoms"), {"event": "action", "name": "action_restart"}]
    messages, result = run(ActionResumeInterview(), tracker([*events, user("no", "deny")], ANSWERING))
    assert [m["text"] for m in messages] == [CARRY_ON] and result == [FollowupAction("symptom_form")]


PAUSED_BY_THE_QUESTION = [
    user("my feet are numb", "describe_symptoms"),
    user("start over", "restart"),
    {"event": "action", "name": "action_restart"},
    {"event": "active_loop", "name": None},
]


def test_after_a_question_in_between_it_asks_again_instead_of_starting_over() -> None:
    events = [*PAUSED_BY_THE_QUESTION, user("what causes it?", "ask_cause")]
    events.append({"event": "action", "name": "action_answer_question"})
    messages, result = run(ActionRestart(), tracker(events, ANSWERING))
    assert [m["text"] for m in messages] == [CONFIRM_QUESTION] and result == []


def test_yes_to_the_question_starts_over() -> None:
    events = [*PAUSED_BY_THE_QUESTION, user("yes", "affirm")]
    messages, result = run(ActionRestart(), tracker(events, ANSWERING))
    assert [m["text"] for m in messages] == [START_OVER] and result == [Restarted()]
