"""Bad input on every public endpoint of the running Rasa server (the `channels`
stack: REST, socket.io, Slack, Telegram and the HTTP API on one server):
malformed JSON, wrong types, missing fields, empty and too long messages,
control characters, invalid UTF-8, emoji, markup and SQL-looking text get a
clear 4xx or a sensible reply, never a 5xx or a traceback; one channel cannot
reach another's conversations; and no message text reaches the logs."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List, Tuple

import pytest

from bot.channels.guard import EMPTY_REPLY, NOT_TEXT_REPLY
from bot.channels.socketio import NOT_A_MESSAGE, UNKNOWN_SESSION
from bot.settings import PROJECT_ROOT

from .chat_client import ChatClient

pytestmark = pytest.mark.e2e

REST = "/webhooks/rest/webhook"
SLACK = "/webhooks/slack/webhook"
TELEGRAM = "/webhooks/telegram/webhook"
JSON = {"Content-Type": "application/json"}
LOGS = PROJECT_ROOT / "reports" / "logs" / "channels"
TOO_LONG = "numb " * 500  # 2,500 characters
MEGABYTE = "x" * 1_000_000
ODD_TEXTS = {
    "control characters": "my feet\x00 are\x1b[2J numb\x07",
    "emoji only": "\U0001f9b6\U0001f9b6\U0001f62d",
    "html and script": "<script>alert('x')</script><b>my feet</b> are numb",
    "sql": "'; DROP TABLE events; -- my feet are numb",
    "lone surrogate": "my feet \ud800 are numb",
}


def sender() -> str:
    return f"bad-input-{uuid.uuid4().hex[:12]}"


def post(channels, path: str, body: Any, headers: Dict[str, str] | None = None) -> Tuple[int, Any]:
    """POSTs `body` (bytes as they are, anything else as JSON); the status and the decoded answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, _, answer = channels.post(path, data, {**JSON, **(headers or {})})
    assert b"Traceback" not in answer and b'File "' not in answer, answer[:500]
    try:
        return status, json.loads(answer or b"null")
    except ValueError:
        return status, answer.decode(errors="replace")


def user_texts(channels, sender_id: str) -> List[str]:
    return [e.get("text") for e in channels.tracker(sender_id)["events"] if e["event"] == "user"]


def assert_json_error(status: int, answer: Any, expected: int = 400) -> None:
    assert status == expected, (status, answer)
    assert isinstance(answer, dict) and answer["status"] == "failure" and answer["message"], answer


def still_serving(channels) -> None:
    status, answer = post(channels, REST, {"sender": sender(), "message": "hello"})
    assert status == 200 and answer and all(m.get("text") for m in answer), answer


# ---------------------------------------------------------------- REST webhook

MALFORMED_REST = {
    "empty body": b"",
    "not json": b"my feet are numb",
    "truncated json": b'{"sender": "x", "message": "my fe',
    "invalid utf-8": b'{"sender": "x", "message": "\xff\xfe numb"}',
    "a list": [{"sender": "x", "message": "hi"}],
    "null": None,
    "a string": "my feet are numb",
    "a number": 42,
    "missing sender": {"message": "my feet are numb"},
    "sender not a string": {"sender": 42, "message": "my feet are numb"},
    "sender empty": {"sender": "  ", "message": "my feet are numb"},
    "sender with control characters": {"sender": "me\x00you", "message": "hi"},
    "missing message": {"sender": "x"},
    "message not a string": {"sender": "x", "message": ["my", "feet"]},
    "message null": {"sender": "x", "message": None},
    "metadata not an object": {"sender": "x", "message": "hi", "metadata": "x"},
    "message id with spaces": {"sender": "x", "message": "hi", "metadata": {"message_id": "my id"}},
    "message id not a string": {"sender": "x", "message": "hi", "metadata": {"message_id": 7}},
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("case", MALFORMED_REST)
def test_malformed_rest_bodies_get_400_with_a_json_error(channels, case: str) -> None:
    before = user_texts(channels, "default")
    status, answer = post(channels, REST, MALFORMED_REST[case])
    assert_json_error(status, answer)
    assert user_texts(channels, "default") == before, "filed under the shared conversation 'default'"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n", "\x00\x01"])
def test_an_empty_rest_message_gets_a_reply_and_no_turn(channels, text: str) -> None:
    me = sender()
    status, answer = post(channels, REST, {"sender": me, "message": text})
    assert status == 200 and [m["text"] for m in answer] == [EMPTY_REPLY]
    assert user_texts(channels, me) == []


@pytest.mark.parametrize("text", [TOO_LONG, MEGABYTE], ids=["2500 characters", "one megabyte"])
def test_a_too_long_rest_message_is_refused_with_a_reply_saying_so(channels, text: str) -> None:
    me = sender()
    status, answer = post(channels, REST, {"sender": me, "message": text})
    assert status == 200 and len(answer) == 1
    assert "too long" in answer[0]["text"] and "2,000" in answer[0]["text"]
    assert user_texts(channels, me) == []
    still_serving(channels)


def test_a_body_over_the_size_limit_gets_413(channels) -> None:
    status, answer = post(channels, REST, {"sender": sender(), "message": "x" * 2_000_000})
    assert_json_error(status, answer, 413)
    still_serving(channels)


@pytest.mark.parametrize("case", ODD_TEXTS)
def test_odd_but_readable_text_gets_replies_and_is_stored_clean(channels, case: str) -> None:
    me = sender()
    status, answer = post(channels, REST, {"sender": me, "message": ODD_TEXTS[case]})
    assert status == 200 and answer and all(m.get("text") for m in answer), answer
    [stored] = user_texts(channels, me)
    assert "\x00" not in stored and "\x1b" not in stored and "\ud800" not in stored


@pytest.mark.parametrize("prefix", ["slack", "telegram", "socketio", "Slack"])
def test_rest_cannot_write_into_another_channels_conversation(channels, prefix: str) -> None:
    victim = f"{prefix}:U{uuid.uuid4().hex[:8].upper()}"
    status, answer = post(channels, REST, {"sender": victim, "message": "I can't breathe"})
    assert_json_error(status, answer)
    assert "belong to" in answer["message"]
    assert user_texts(channels, victim) == []


# ---------------------------------------------------------------- socket.io


@pytest.fixture()
def chat(channels):
    client = ChatClient(channels.rasa_url)
    yield client
    client.close()


def test_socketio_session_ids_are_issued_by_the_server_and_resumed_only_when_signed(channels, chat) -> None:
    for asked in (None, "my-own-id", 42, "socketio:" + "0" * 32 + "." + "0" * 64):
        issued = chat.session(asked)
        assert issued != asked and issued.startswith("socketio:") and len(issued) > 90
    issued = chat.session()
    assert chat.session(issued) == issued
    other = ChatClient(channels.rasa_url)
    try:
        assert other.session(issued) == issued  # a reload: the same browser, the same signed id
    finally:
        other.close()


def test_socketio_messages_naming_a_session_the_server_did_not_issue_are_refused(channels, chat) -> None:
    victim = chat.session()
    conversation = victim.rpartition(".")[0]
    intruder = ChatClient(channels.rasa_url)
    try:
        intruder.session()
        for forged in (conversation, conversation + "." + "0" * 64, "my-own-id", None):
            intruder.emit("user_uttered", {"message": "I can't breathe", "session_id": forged})
            assert intruder.next() == ("bot_uttered", {"text": UNKNOWN_SESSION})
        assert intruder.connected
    finally:
        intruder.close()
    assert user_texts(channels, conversation) == []


@pytest.mark.parametrize("data", ["my feet", ["my feet"], 42, None])
def test_socketio_events_that_are_not_objects_get_a_refusal(chat, data: Any) -> None:
    chat.session()
    chat.emit("user_uttered", data)
    assert chat.next() == ("bot_uttered", {"text": NOT_A_MESSAGE})
    assert chat.connected


def test_socketio_empty_long_and_odd_messages(channels, chat) -> None:
    session = chat.session()
    conversation = session.rpartition(".")[0]
    assert chat.say(session, "   ") == [("bot_uttered", {"text": EMPTY_REPLY})]
    assert chat.say(session, 12) == [("bot_uttered", {"text": NOT_TEXT_REPLY})]
    for text in (TOO_LONG, MEGABYTE):
        [(event, reply)] = chat.say(session, text)
        assert event == "bot_uttered" and "too long" in reply["text"]
    assert user_texts(channels, conversation) == []
    for text in ODD_TEXTS.values():
        replies = chat.say(session, text)
        assert replies and all(event == "bot_uttered" for event, _ in replies)
    assert chat.connected and len(user_texts(channels, conversation)) == len(ODD_TEXTS)


# ---------------------------------------------------------------- Slack


def slack_event(user: str, text: Any, **extra: Any) -> Dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user, "text": text}
    return {"type": "event_callback", "event": {**event, **extra}}


def signed_slack(
    channels, sign_slack, body: bytes, content_type: str = "application/json"
) -> Tuple[int, Any]:
    return post(channels, SLACK, body, sign_slack(body, content_type=content_type))


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b"[]", b"null", b'"challenge"'],
    ids=["empty", "not json", "invalid utf-8", "a list", "null", "a string"],
)
def test_signed_but_malformed_slack_json_gets_400(channels, sign_slack, body: bytes) -> None:
    assert_json_error(*signed_slack(channels, sign_slack, body))


@pytest.mark.parametrize(
    "form",
    [b"", b"payload=not-json", b"payload=%5B%5D", b"other=1", b"payload=%FF"],
    ids=["empty", "payload not json", "payload a list", "no payload", "invalid utf-8"],
)
def test_signed_but_malformed_slack_forms_get_400(channels, sign_slack, form: bytes) -> None:
    assert_json_error(*signed_slack(channels, sign_slack, form, "application/x-www-form-urlencoded"))


@pytest.mark.parametrize(
    "event",
    [
        {"type": "event_callback", "event": "a string"},
        {"type": "event_callback", "event": {"type": "message", "user": ["U1"], "text": "hi"}},
        {"type": "event_callback", "event": {"type": "message", "user": "U1", "text": {"a": 1}}},
        {"type": "event_callback", "event": {"type": "reaction_added", "user": "U1"}},
        {"type": "event_callback", "authorizations": "x", "event": None},
        {"type": "block_actions"},
    ],
)
def test_signed_slack_events_that_are_not_messages_get_200_and_no_turn(channels, sign_slack, event) -> None:
    status, _ = signed_slack(channels, sign_slack, json.dumps(event).encode())
    assert status == 200
    assert user_texts(channels, "slack:U1") == []


def test_signed_slack_interactions_of_unknown_shapes_get_200(channels, sign_slack) -> None:
    for payload in (
        {"actions": "x", "user": {"id": "U1"}},
        {"actions": [{"type": "static_select", "selected_option": "x"}], "user": {"id": "U1"}},
        {"actions": [{"type": "button"}], "user": "U1"},
    ):
        form = f"payload={json.dumps(payload)}".encode()
        status, _ = signed_slack(channels, sign_slack, form, "application/x-www-form-urlencoded")
        assert status == 200, payload
    assert user_texts(channels, "slack:U1") == []


def test_slack_empty_and_too_long_messages_get_a_reply_and_no_turn(channels, fake_slack, sign_slack) -> None:
    user = f"U{uuid.uuid4().hex[:10].upper()}"
    for text, expected in (("   ", EMPTY_REPLY), (TOO_LONG, "too long")):
        status, _ = signed_slack(channels, sign_slack, json.dumps(slack_event(user, text)).encode())
        assert status == 200
        posts = fake_slack.wait_for(
            lambda calls, expected=expected: any(
                c.method == "chat.postMessage" and expected in c.params.get("text", "") for c in calls
            )
        )
        assert any(c.params.get("channel") == f"D{user}" for c in posts)
    assert user_texts(channels, f"slack:{user}") == []


# ---------------------------------------------------------------- Telegram


def telegram(channels, body: Any) -> Tuple[int, Any]:
    secret = channels.stack.settings.telegram.secret_token
    return post(channels, TELEGRAM, body, {"X-Telegram-Bot-Api-Secret-Token": secret})


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"update_id": 1, "message": {"text": "\xff"}}',
        [1, 2],
        None,
        "update",
        {"update_id": 1, "message": "a string"},
        {"update_id": 1, "message": {"message_id": 1, "chat": [], "text": "hi"}},
        {"update_id": "x", "callback_query": 5},
        {"update_id": 6, "message": {"message_id": 1, "text": "hi"}},
    ],
)
def test_malformed_telegram_updates_get_400(channels, body) -> None:
    assert_json_error(*telegram(channels, body))


def test_telegram_updates_without_a_chat_or_text_get_200_and_no_turn(channels) -> None:
    for body in ({}, {"update_id": 5}, {"update_id": 6, "edited_message": None}):
        status, _ = telegram(channels, body)
        assert status == 200, body


def test_telegram_empty_and_too_long_messages_get_a_reply_and_no_turn(channels, fake_telegram) -> None:
    chat = int(time.time() * 1000) % 10**9
    for text, expected in (("  \n ", EMPTY_REPLY), (TOO_LONG, "too long")):
        update = {
            "update_id": chat,
            "message": {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}, "text": text},
        }
        assert telegram(channels, update)[0] == 200
        sent = [
            c.params["text"]
            for c in fake_telegram.matching(
                lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat)
            )
        ]
        assert any(expected in s for s in sent), sent
    assert user_texts(channels, f"telegram:{chat}") == []


# ---------------------------------------------------------------- HTTP API


@pytest.fixture(scope="module")
def known_conversation(channels) -> str:
    me = sender()
    status, _ = post(channels, REST, {"sender": me, "message": "hello"})
    assert status == 200
    return me


HTTP_API_CASES = [
    ("/model/parse", b"not json", 400),
    ("/model/parse", [], 400),
    ("/model/parse", {}, 400),
    ("/model/parse", {"text": 5}, 400),
    ("/model/parse", {"text": "  "}, 400),
    ("/model/parse", {"text": TOO_LONG}, 400),
    ("/model/parse", {"text": "x", "message_id": []}, 400),
    ("/conversations/{c}/messages", {"text": "hi"}, 400),
    ("/conversations/{c}/messages", {"text": 5, "sender": "user"}, 400),
    ("/conversations/{c}/messages", {"text": "hi", "sender": "user", "parse_data": "x"}, 400),
    ("/conversations/{c}/messages", {"text": "hi", "sender": "user", "parse_data": {"intent": 1}}, 400),
    ("/conversations/{c}/tracker/events", {"event": "user"}, 400),
    ("/conversations/{c}/tracker/events", {"event": "action"}, 400),
    ("/conversations/{c}/tracker/events", {"event": "reminder"}, 400),
    ("/conversations/{c}/tracker/events", {"event": "nonsense"}, 400),
    ("/conversations/{c}/tracker/events", [], 400),
    ("/conversations/{c}/tracker/events", "x", 400),
    ("/conversations/{c}/tracker/events", {"event": "user", "text": "hi", "parse_data": "x"}, 400),
    ("/conversations/{c}/tracker/events", {"event": "active_loop", "name": []}, 400),
    ("/conversations/{c}/tracker/events", {"event": "restart", "timestamp": "yesterday"}, 400),
    ("/conversations/{c}/execute", {"name": "action_does_not_exist"}, 404),
    ("/conversations/{c}/execute", {"name": 5}, 400),
    ("/conversations/{c}/execute", [], 400),
    ("/conversations/{c}/execute", {"name": "action_listen", "confidence": "high"}, 400),
    ("/conversations/{c}/trigger_intent", {"name": 5}, 400),
    ("/conversations/{c}/trigger_intent", {"name": "greet", "entities": "x"}, 400),
    ("/conversations/{c}/trigger_intent", {"name": "no_such_intent"}, 404),
    ("/conversations/{c}/trigger_intent", None, 400),
    ("/model/predict", {}, 400),
    ("/model/predict", [{"event": "user"}], 400),
]


@pytest.mark.parametrize(("path", "body", "expected"), HTTP_API_CASES)
def test_bad_http_api_bodies_get_a_json_4xx(channels, known_conversation, path, body, expected) -> None:
    assert_json_error(*post(channels, path.format(c=known_conversation), body), expected)


def test_bad_http_api_queries_and_routes_get_a_json_4xx(channels, known_conversation) -> None:
    import urllib.error
    import urllib.request

    cases = [
        ("GET", f"/conversations/{known_conversation}/tracker?include_events=bogus", 400),
        ("GET", "/conversations/no-such-conversation/story", 404),
        ("POST", "/conversations/no-such-conversation/predict", 404),
        ("GET", "/no/such/route", 404),
        ("DELETE", "/webhooks/rest/webhook", 405),
        ("PUT", "/model", 400),
    ]
    for method, path, expected in cases:
        request = urllib.request.Request(
            f"{channels.rasa_url}{path}", data=b"[]" if method == "PUT" else None
        )
        request.method = method
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        assert status == expected, (method, path, status, body)
        assert json.loads(body)["status"] == "failure" and b"Traceback" not in body
    status, _, body = channels.post(f"/conversations/{known_conversation}/tracker?until=abc", b"", {})
    assert status == 405
    with urllib.request.urlopen(
        f"{channels.rasa_url}/conversations/{known_conversation}/tracker?until=abc"
    ) as r:
        assert r.status == 200


def test_good_http_api_bodies_still_work(channels, known_conversation) -> None:
    status, parsed = post(channels, "/model/parse", {"text": "my feet\x00 are numb"})
    assert status == 200 and parsed["text"] == "my feet are numb" and parsed["intent"]["name"]
    status, state = post(
        channels,
        f"/conversations/{known_conversation}/tracker/events",
        {"event": "slot", "name": "onset", "value": None},
    )
    assert status == 200 and state["sender_id"] == known_conversation


# ---------------------------------------------------------------- logs


def test_no_message_text_reaches_the_logs(channels, sign_slack, known_conversation) -> None:
    marker = f"zebraquartz{uuid.uuid4().hex[:8]}"
    logs = {name: LOGS / f"{name}.log" for name in ("rasa", "actions")}
    sizes = {name: path.stat().st_size for name, path in logs.items()}
    text = f"my feet are numb and I have diabetes {marker}"
    assert post(channels, REST, {"sender": sender(), "message": text})[0] == 200
    assert post(channels, REST, {"sender": sender(), "message": text * 100})[0] == 200  # refused: too long
    assert post(channels, "/model/parse", {"text": text})[0] == 200
    errors = [
        ("/model/parse", {"text": text, "message_id": [marker]}),
        (f"/conversations/{known_conversation}/messages", {"text": text, "sender": marker}),
        (
            f"/conversations/{known_conversation}/tracker/events",
            {"event": "user", "text": text, "parse_data": marker},
        ),
        (f"/conversations/{known_conversation}/execute", {"name": marker}),
        (f"/conversations/{known_conversation}/trigger_intent", {"name": marker, "entities": {"x": text}}),
        ("/model/predict", [{"event": "user", "text": text, "parse_data": marker}]),
    ]
    for path, body in errors:
        assert 400 <= post(channels, path, body)[0] < 500, path
    assert signed_slack(channels, sign_slack, json.dumps(slack_event("ULOGCHECK", text)).encode())[0] == 200
    chat = ChatClient(channels.rasa_url)
    try:
        assert chat.say(chat.session(), text)
    finally:
        chat.close()
    time.sleep(3)  # the Slack turn runs in the background
    for name, path in logs.items():
        with path.open("rb") as log:
            log.seek(sizes[name])
            written = log.read().decode(errors="replace")
        assert marker not in written, f"message text in the {name} log"
        assert "diabetes" not in written, f"health data in the {name} log"
        assert "Traceback" not in written, f"a traceback in the {name} log:\n{written[-3000:]}"
