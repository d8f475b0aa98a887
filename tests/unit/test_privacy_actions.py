"""'Forget me' on the action server: ask first, pause the interview, resume it on "no"."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from test_actions import run, tracker, user

from actions.privacy import (
    CONFIRM_QUESTION,
    KEPT,
    ActionConfirmForget,
    ActionForgetConversation,
    ActionKeepConversation,
)

ASKED = {"event": "action", "name": "action_confirm_forget"}
QUESTION = {"event": "bot", "text": CONFIRM_QUESTION}
PAUSED = {"event": "active_loop", "name": None}


def test_the_question_in_the_interview_pauses_it_so_that_yes_is_not_a_red_flag_answer() -> None:
    t = tracker([user("delete my data", "forget_me")], {"requested_slot": "red_flag_screen"}, "symptom_form")
    messages, events = run(ActionConfirmForget(), t)
    assert [m["text"] for m in messages] == [CONFIRM_QUESTION]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]


def test_the_question_outside_the_interview_changes_nothing() -> None:
    messages, events = run(ActionConfirmForget(), tracker([user("delete my data", "forget_me")]))
    assert [m["text"] for m in messages] == [CONFIRM_QUESTION] and events == []


def test_no_resumes_a_paused_interview() -> None:
    events = [user("my feet are numb", "describe_symptoms"), user("forget me", "forget_me")]
    events += [ASKED, QUESTION, PAUSED]
    messages, result = run(ActionKeepConversation(), tracker([*events, user("no", "deny")]))
    assert messages[0]["text"].startswith(KEPT)
    assert result == [FollowupAction("symptom_form")]


def test_no_after_a_question_and_the_deletion_asked_again_still_resumes_the_interview() -> None:
    events = [user("my feet are numb", "describe_symptoms"), user("forget me", "forget_me")]
    events += [ASKED, QUESTION, PAUSED, user("what causes it?", "ask_cause")]
    events += [{"event": "action", "name": "action_answer_question"}, ASKED, QUESTION]
    messages, result = run(ActionKeepConversation(), tracker([*events, user("no", "deny")]))
    assert messages[0]["text"].startswith(KEPT) and result == [FollowupAction("symptom_form")]


def test_no_outside_the_interview_only_keeps_it() -> None:
    listen = {"event": "action", "name": "action_listen"}
    events = [user("forget me", "forget_me"), ASKED, QUESTION, listen, PAUSED]
    messages, result = run(ActionKeepConversation(), tracker([*events, user("no", "deny")]))
    assert messages[0]["text"].startswith(KEPT) and result == []


def test_the_forget_action_only_marks_the_turn() -> None:
    messages, result = run(ActionForgetConversation(), tracker([user("yes", "affirm")]))
    assert messages == [] and result == []
