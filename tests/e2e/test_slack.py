"""Slack, end to end: signed Events API and interactivity requests in Slack's
own format go to the running Rasa server; the replies are read from what the
fake Slack Web API received (`chat.postMessage`)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List
from urllib.parse import urlencode

import pytest

from bot.channels.slack import escape

pytestmark = pytest.mark.e2e

WEBHOOK = "/webhooks/slack/webhook"
MAX_TURNS = 10


def new_user() -> str:
    return f"U{uuid.uuid4().hex[:10].upper()}"


def message_event(user: str, text: str) -> bytes:
    """A direct message to the app, as the Events API posts it."""
    ts = f"{time.time():.6f}"
    return json.dumps(
        {
            "token": "unused-verification-token",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": f"D{user}",
                "user": user,
                "text": text,
                "ts": ts,
                "event_ts": ts,
            },
        }
    ).encode()


def button_click(user: str, value: str) -> bytes:
    """A click on a block-kit button, as Slack's interactivity request posts it (form-encoded)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "channel": {"id": f"D{user}"},
        "message": {"ts": f"{time.time():.6f}"},
        "actions": [
            {
                "type": "button",
                "action_id": "a1",
                "block_id": "b1",
                "value": value,
                "text": {"type": "plain_text", "text": value},
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def posts(fake_slack, user: str) -> List[Dict[str, Any]]:
    return [
        c.params
        for c in fake_slack.matching(
            lambda c: c.method == "chat.postMessage" and c.params.get("channel") == f"D{user}"
        )
    ]


def send(
    channels, fake_slack, sign_slack, user: str, body: bytes, form: bool = False
) -> List[Dict[str, Any]]:
    """Posts one signed request and returns the replies it caused, once the assistant is done."""
    before = len(posts(fake_slack, user))
    turns = channels.user_turns(f"slack:{user}")
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    status, _, _ = channels.post(WEBHOOK, body, sign_slack(body, content_type=content_type))
    assert status == 200
    fake_slack.wait_for(lambda _: len(posts(fake_slack, user)) > before)
    wait_until_listening(channels, user, turns + 1)
    return posts(fake_slack, user)[before:]


def wait_until_listening(channels, user: str, turns: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tracker = channels.tracker(f"slack:{user}")
        if channels.user_turns(f"slack:{user}") >= turns and tracker["latest_action_name"] == "action_listen":
            return
        time.sleep(0.3)
    raise AssertionError(f"the assistant did not finish the turn of {user}")


def header(post: Dict[str, Any]) -> str:
    return next((b["text"]["text"] for b in post.get("blocks") or [] if b["type"] == "header"), "")


def button_values(post: Dict[str, Any]) -> List[str]:
    return [e["value"] for b in post.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def test_url_verification_is_answered(channels, sign_slack) -> None:
    body = json.dumps(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    ).encode()
    status, _, reply = channels.post(WEBHOOK, body, sign_slack(body))
    assert status == 200
    assert json.loads(reply) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


@pytest.mark.parametrize(
    "tamper", ["bad signature", "no signature", "older than five minutes", "other secret"]
)
def test_unsigned_or_replayed_requests_are_refused_and_never_reach_the_assistant(
    channels, fake_slack, sign_slack, tamper: str
) -> None:
    user = new_user()
    body = message_event(user, "my feet are numb")
    headers = {
        "bad signature": lambda: {**sign_slack(body), "X-Slack-Signature": "v0=" + "0" * 64},
        "no signature": lambda: {"Content-Type": "application/json"},
        "older than five minutes": lambda: sign_slack(body, timestamp=int(time.time()) - 6 * 60),
        "other secret": lambda: sign_slack(body, secret="not-the-signing-secret"),
    }[tamper]()
    status, _, _ = channels.post(WEBHOOK, body, headers)
    assert status == 401
    time.sleep(2)
    assert channels.user_turns(f"slack:{user}") == 0
    assert posts(fake_slack, user) == []


def test_a_message_gets_a_reply_and_a_retry_gets_none(channels, fake_slack, sign_slack) -> None:
    user = new_user()
    body = message_event(user, "hello")
    replies = send(channels, fake_slack, sign_slack, user, body)
    assert replies and all(r["text"].strip() for r in replies)
    count = len(posts(fake_slack, user))

    headers = {**sign_slack(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, response_headers, _ = channels.post(WEBHOOK, body, headers)
    assert status == 200
    assert response_headers.get("X-Slack-No-Retry") == "1"
    time.sleep(3)
    assert len(posts(fake_slack, user)) == count
    assert channels.user_turns(f"slack:{user}") == 1


def test_an_emergency_is_a_slack_message_with_an_emergency_header(channels, fake_slack, sign_slack) -> None:
    user = new_user()
    replies = send(
        channels, fake_slack, sign_slack, user, message_event(user, "I can't breathe and my feet are numb")
    )
    emergency = [r for r in replies if header(r).startswith("EMERGENCY")]
    assert emergency, replies
    assert "emergency" in emergency[0]["text"].lower()


def test_the_summary_pdf_is_uploaded_into_the_persons_conversation(channels, fake_slack, sign_slack) -> None:
    user = new_user()
    send(channels, fake_slack, sign_slack, user, message_event(user, "I can't breathe and my feet are numb"))
    done = fake_slack.wait_for(
        lambda calls: any(
            c.method == "files.completeUploadExternal" and c.params.get("channel_id") == f"D{user}"
            for c in calls
        )
    )
    asked = [c for c in done if c.method == "files.getUploadURLExternal"]
    uploaded = [c.params["content"] for c in done if c.method == "file"]
    assert any(c.params.get("filename") == "summary-for-your-clinician.pdf" for c in asked)
    assert uploaded and all(body.startswith(b"%PDF") for body in uploaded)


def test_the_interview_with_buttons_ends_in_an_assessment_in_blocks(
    channels, fake_slack, sign_slack, interview_answers
) -> None:
    user = new_user()
    replies = send(channels, fake_slack, sign_slack, user, message_event(user, interview_answers["opening"]))
    clicked = 0
    for _ in range(MAX_TURNS):
        assessment = [r for r in replies if header(r).startswith("Triage level:")]
        if assessment:
            break
        slot = channels.tracker(f"slack:{user}")["slots"]["requested_slot"]
        assert slot, f"neither a question nor an assessment: {replies}"
        answer = interview_answers[slot]
        if answer in button_values(replies[-1]):
            replies = send(channels, fake_slack, sign_slack, user, button_click(user, answer), form=True)
            clicked += 1
        else:
            replies = send(channels, fake_slack, sign_slack, user, message_event(user, answer))
    else:
        raise AssertionError("no assessment after the interview")
    assert clicked, "no question was answered with a button"
    blocks = assessment[0]["blocks"]
    level = channels.tracker(f"slack:{user}")["slots"]["triage_level"]
    assert level in ("see_clinician", "self_care")
    assert (
        header(assessment[0])
        == {
            "see_clinician": "Triage level: See a clinician",
            "self_care": "Triage level: Self-care: keep an eye on it",
        }[level]
    )
    sections = " ".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "clinician" in sections and "not a diagnosis" in sections
    assert all(b["text"]["type"] == "plain_text" for b in blocks if b["type"] == "section")


def test_message_text_is_escaped_for_slack() -> None:
    assert escape("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
