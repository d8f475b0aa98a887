"""Property-based: thousands of generated request bodies on every public endpoint of
the running Rasa server (the `channels` stack). Whatever arrives, the answer is
never a 5xx or a traceback (socket.io: a reply or a clean refusal, never a
dropped connection), and the server answers a normal message afterwards.

Most bodies are invalid (random bytes, random JSON, objects with a field of
the wrong kind), so they are refused cheaply; about one in a hundred is a valid
request that goes all the way through the assistant. Runs are derandomized
(the same bodies every run) and write no example database.
"""

from __future__ import annotations

import json
import string
from typing import Any, Callable, Dict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.guard import EMPTY_REPLY, NOT_TEXT_REPLY
from bot.channels.socketio import FAILED, NOT_A_MESSAGE, UNKNOWN_SESSION

from .chat_client import ChatClient
from .test_bad_input import REST, SLACK, TELEGRAM, post, still_serving

pytestmark = pytest.mark.e2e

EXAMPLES = 2000
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# About one valid request in a hundred: the rest are refused before the NLU.
KINDS = ["bytes"] * 20 + ["json"] * 29 + ["object"] * 50 + ["valid"]

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
not_a_string = json_values.filter(lambda v: not isinstance(v, str))
not_an_object = json_values.filter(lambda v: not isinstance(v, dict))
words = st.text(alphabet=string.ascii_lowercase + " ", min_size=1, max_size=40).filter(str.strip)
odd_text = st.text(max_size=60)  # any code points: controls, surrogates, emoji
too_long = st.integers(2001, 5000).map(lambda n: "numb " * (n // 5 + 1))
blank = st.sampled_from(["", " ", "\n\t", "\x00", "\u2028"])


def bodies(valid: st.SearchStrategy, invalid_objects: st.SearchStrategy) -> st.SearchStrategy[bytes]:
    """Random bytes, random JSON, objects that are wrong in one field, and now and then a valid body."""
    by_kind = {
        "bytes": st.binary(max_size=200),
        "json": json_values.map(_dump),
        "object": invalid_objects.map(_dump),
        "valid": valid.map(_dump),
    }
    return st.sampled_from(KINDS).flatmap(lambda kind: by_kind[kind])


def _dump(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8", "surrogatepass")


class Counter:
    def __init__(self) -> None:
        self.sent = 0


def fuzz(send: Callable[[bytes], None], strategy: st.SearchStrategy) -> int:
    """Runs `send` on EXAMPLES generated bodies; returns how many were sent."""
    counter = Counter()

    @FUZZ
    @given(strategy)
    def run(body: bytes) -> None:
        counter.sent += 1
        send(body)

    run()
    return counter.sent


def assert_answered(status: int, answer: Any, body: bytes) -> None:
    assert status < 500, (status, answer, body[:300])


# ---------------------------------------------------------------- REST webhook


def test_fuzz_rest_webhook(channels) -> None:
    sender = st.sampled_from(["fuzz-rest-1", "fuzz-rest-2"])
    invalid = st.one_of(
        st.fixed_dictionaries({"message": odd_text}),
        st.fixed_dictionaries({"sender": not_a_string, "message": odd_text}),
        st.fixed_dictionaries(
            {
                "sender": st.sampled_from(["slack:", "telegram:", "socketio:"]).flatmap(
                    lambda p: st.text(max_size=9).map(p.__add__)
                ),
                "message": words,
            }
        ),
        st.fixed_dictionaries({"sender": sender, "message": not_a_string}),
        st.fixed_dictionaries({"sender": sender, "message": blank | too_long}),
        st.fixed_dictionaries(
            {"sender": sender, "message": words, "metadata": not_an_object.filter(lambda v: v is not None)}
        ),
    )
    valid = st.fixed_dictionaries(
        {"sender": sender, "message": words | odd_text},
        optional={"metadata": st.dictionaries(st.text(max_size=5), scalars, max_size=3)},
    )

    def send(body: bytes) -> None:
        assert_answered(*post(channels, REST, body), body)

    assert fuzz(send, bodies(valid, invalid)) >= EXAMPLES
    still_serving(channels)


# ---------------------------------------------------------------- socket.io

REFUSALS = {NOT_A_MESSAGE, UNKNOWN_SESSION, EMPTY_REPLY, NOT_TEXT_REPLY, FAILED}


def test_fuzz_socketio_events(channels) -> None:
    chat, talker = ChatClient(channels.rasa_url), ChatClient(channels.rasa_url)
    session, own = talker.session(), chat.session()
    forged = st.sampled_from([session.rpartition(".")[0], "socketio:" + "0" * 32 + "." + "0" * 64, "mine"])
    message_data = st.one_of(
        not_an_object,
        st.fixed_dictionaries({"message": odd_text}),
        st.fixed_dictionaries({"message": odd_text, "session_id": forged | not_a_string}),
        st.fixed_dictionaries({"message": not_a_string | blank | too_long, "session_id": st.just(own)}),
    )
    events = st.sampled_from(KINDS).flatmap(
        lambda kind: (
            st.tuples(st.just("valid"), words)
            if kind == "valid"
            else st.tuples(st.sampled_from(["user_uttered", "session_request"]), message_data | json_values)
        )
    )
    sent = Counter()

    @FUZZ
    @given(events)
    def run(event: tuple) -> None:
        sent.sent += 1
        name, data = event
        if name == "valid":
            talker.quiet_for(0.01)  # drop what the last turn still had to say
            talker.emit("user_uttered", {"message": data, "session_id": session})
            assert talker.next()[0] == "bot_uttered" and talker.connected
            return
        chat.emit(name, data)
        answer, payload = chat.next(timeout=30)
        if name == "session_request":
            assert answer == "session_confirm" and str(payload).startswith("socketio:"), (data, payload)
        else:
            assert answer == "bot_uttered", (data, answer, payload)
            assert payload["text"] in REFUSALS or "too long" in payload["text"], (data, payload)
        assert chat.connected and talker.connected

    try:
        run()
        assert sent.sent >= EXAMPLES
        assert talker.say(session, "hello") and chat.connected
    finally:
        chat.close()
        talker.close()
    still_serving(channels)


# ---------------------------------------------------------------- Slack and Telegram


def slack_events() -> st.SearchStrategy[Dict[str, Any]]:
    user = st.sampled_from(["UFUZZ1", "UFUZZ2"])
    event = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["message", "app_mention", "reaction_added"]) | json_values,
            "user": user | json_values,
            "text": not_a_string | blank | too_long,
            "channel": st.just("DFUZZ") | json_values,
        },
        optional={
            "channel_type": st.just("im") | json_values,
            "bot_id": json_values,
            "thread_ts": json_values,
        },
    )
    return st.fixed_dictionaries(
        {"type": st.just("event_callback") | json_values, "event": event | json_values},
        optional={"authorizations": json_values, "challenge": json_values},
    )


def test_fuzz_slack_events_with_valid_signatures(channels, sign_slack) -> None:
    valid = st.fixed_dictionaries(
        {
            "type": st.just("event_callback"),
            "event": st.fixed_dictionaries(
                {
                    "type": st.just("message"),
                    "channel_type": st.just("im"),
                    "channel": st.just("DFUZZ3"),
                    "user": st.just("UFUZZ3"),
                    "text": words,
                }
            ),
        }
    )
    forms = st.one_of(
        st.binary(max_size=100),
        json_values.map(lambda v: b"payload=" + _dump(v)),
        st.fixed_dictionaries(
            {
                "actions": json_values
                | st.lists(
                    st.dictionaries(
                        st.sampled_from(["type", "value", "selected_option", "selected_options"]), json_values
                    ),
                    max_size=2,
                ),
                "user": json_values | st.fixed_dictionaries({"id": st.just("UFUZZ4")}),
            }
        ).map(lambda p: b"payload=" + _dump(p)),
    )

    def send(body: bytes) -> None:
        form = body.startswith(b"form:")
        body = body[5:] if form else body
        content_type = "application/x-www-form-urlencoded" if form else "application/json"
        assert_answered(*post(channels, SLACK, body, sign_slack(body, content_type=content_type)), body)

    strategy = st.one_of(bodies(valid, slack_events()), forms.map(lambda f: b"form:" + f))
    assert fuzz(send, strategy) >= EXAMPLES
    still_serving(channels)


def test_fuzz_telegram_webhook_with_the_secret_token(channels) -> None:
    secret = {"X-Telegram-Bot-Api-Secret-Token": channels.stack.settings.telegram.secret_token}
    chat = st.fixed_dictionaries(
        {"id": st.just(777000111) | json_values, "type": st.just("private") | json_values}
    )
    message = st.fixed_dictionaries(
        {
            "message_id": st.integers() | json_values,
            "chat": chat | json_values,
            "text": odd_text | json_values,
        },
        optional={"date": json_values, "from": json_values, "sticker": json_values},
    )
    invalid = st.fixed_dictionaries(
        {"update_id": st.integers() | json_values},
        optional={"message": message | json_values, "edited_message": message, "callback_query": json_values},
    )
    valid = st.fixed_dictionaries(
        {
            "update_id": st.integers(1, 10**6),
            "message": st.fixed_dictionaries(
                {
                    "message_id": st.integers(1, 10**6),
                    "date": st.just(0),
                    "chat": st.just({"id": 777000222, "type": "private"}),
                    "text": words,
                }
            ),
        }
    )

    def send(body: bytes) -> None:
        assert_answered(*post(channels, TELEGRAM, body, secret), body)

    assert fuzz(send, bodies(valid, invalid)) >= EXAMPLES
    still_serving(channels)


# ---------------------------------------------------------------- HTTP API

EVENT_NAMES = [
    "user",
    "bot",
    "action",
    "slot",
    "restart",
    "rewind",
    "reminder",
    "active_loop",
    "followup",
    "pause",
    "session_started",
    "nonsense",
]


def event_objects() -> st.SearchStrategy[Dict[str, Any]]:
    return st.fixed_dictionaries(
        {"event": st.sampled_from(EVENT_NAMES) | json_values},
        optional={
            "text": odd_text | json_values,
            "name": st.sampled_from(["onset", "body_part", "action_listen", "utter_greet"]) | json_values,
            "value": json_values,
            "parse_data": json_values,
            "timestamp": json_values,
            "date_time": json_values,
            "policy": json_values,
            "confidence": json_values,
        },
    )


@pytest.fixture(scope="module")
def fuzz_conversation(channels) -> str:
    status, _ = post(channels, REST, {"sender": "fuzz-api", "message": "hello"})
    assert status == 200
    return "fuzz-api"


def api_fuzz(channels, path: str, valid: st.SearchStrategy, invalid: st.SearchStrategy) -> None:
    """`{n}` in `path` becomes the body's number modulo 50: fifty conversations share the run, so
    that none grows long."""
    sent = Counter()

    def send(body: bytes) -> None:
        sent.sent += 1
        assert_answered(*post(channels, path.format(n=sent.sent % 50), body), body)

    assert fuzz(send, bodies(valid, invalid)) >= EXAMPLES
    still_serving(channels)


def test_fuzz_http_api_parse(channels) -> None:
    invalid = st.fixed_dictionaries(
        {}, optional={"text": not_a_string | blank | too_long, "message_id": json_values}
    )
    api_fuzz(channels, "/model/parse", st.fixed_dictionaries({"text": words | odd_text}), invalid)


def test_fuzz_http_api_events(channels) -> None:
    events = event_objects()
    # Many generated events are valid, and each valid one is a tracker store write: most bodies here
    # are lists with a member that is not an event, or events of no known type.
    invalid = st.one_of(
        events,
        st.lists(events | json_values, max_size=3),
        st.lists(not_an_object, min_size=1, max_size=3),
        events.map(lambda event: {**event, "event": "no_such_event"}),
    )
    valid = st.just({"event": "slot", "name": "onset", "value": None})
    api_fuzz(channels, "/conversations/fuzz-api-events-{n}/tracker/events", valid, invalid)


def test_fuzz_http_api_execute(channels, fuzz_conversation) -> None:
    invalid = st.fixed_dictionaries(
        {"name": st.sampled_from(["action_nope", "", "utter_nope"]) | json_values},
        optional={"policy": json_values, "confidence": json_values},
    )
    valid = st.fixed_dictionaries(
        {"name": st.sampled_from(["action_listen", "utter_greet", "action_restart"])}
    )
    api_fuzz(channels, f"/conversations/{fuzz_conversation}/execute", valid, invalid)


def test_fuzz_http_api_messages(channels, fuzz_conversation) -> None:
    invalid = st.fixed_dictionaries(
        {"text": odd_text | json_values, "sender": st.just("user") | json_values},
        optional={
            "parse_data": json_values
            | st.fixed_dictionaries(
                {
                    "intent": json_values | st.just({"name": "greet"}),
                    "entities": json_values | st.lists(json_values, max_size=2),
                }
            )
        },
    )
    valid = st.fixed_dictionaries({"text": words, "sender": st.just("user")})
    api_fuzz(channels, f"/conversations/{fuzz_conversation}/messages", valid, invalid)
