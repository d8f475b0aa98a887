"""The four channels take a message in alike (bot/channels/hardening.py): the same bad input gets the
same reply from REST, socket.io, Slack and Telegram, a store outage the same outage reply, and a failed
turn the channel's own log line without the message. Each channel's own handler is driven without a
server; Slack's and Telegram's APIs are replaced by a list of what they would deliver."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List

import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint
from sanic.compat import Header
from sanic.request import Request

from bot.channels.guard import EMPTY_REPLY, too_long_reply
from bot.channels.outages import OUTAGE_REPLY, StoreUnavailable
from bot.channels.rest import RestInput
from bot.channels.slack import SlackInput, SlackOutput
from bot.channels.socketio import FAILED, WebChatInput
from bot.channels.telegram import SECRET_HEADER, TelegramInput, TelegramOutput

LIMIT = 50
SLACK_SECRET = "slack-signing-secret"
TELEGRAM_SECRET = "telegram-secret-token"

Assistant = Callable[[UserMessage], Awaitable[Any]]
Send = Callable[[Assistant, str], List[str]]  # a person's text through a channel: the replies they get


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_MESSAGE_CHARS", str(LIMIT))
    monkeypatch.setenv("LOG_MESSAGES", "0")
    monkeypatch.setenv("SESSION_SECRET", "session-secret")  # else socket.io writes one under var/
    monkeypatch.delenv("REST_TOKEN", raising=False)
    monkeypatch.delenv("ASSISTANT_PROFILE", raising=False)


@pytest.fixture
def delivered(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """What Slack and Telegram would show the person, with their APIs out of the way."""
    sent: List[str] = []

    async def post(_: SlackOutput, recipient_id: str, **kwargs: Any) -> None:
        sent.append(kwargs["text"])

    async def send_message(_: TelegramOutput, chat_id: Any, text: str, **kwargs: Any) -> None:
        sent.append(text)

    async def no_webhook(_: TelegramInput) -> None:
        return None

    monkeypatch.setattr(SlackOutput, "_post", post)
    monkeypatch.setattr(TelegramOutput, "send_message", send_message)
    monkeypatch.setattr(TelegramInput, "register_webhook", no_webhook)
    return sent


def webhook(blueprint: Blueprint) -> Callable[[Request], Awaitable[Any]]:
    return next(route.handler for route in blueprint._future_routes if route.uri == "/webhook")


def post(body: Dict[str, Any], headers: Dict[str, str] | None = None) -> Request:
    request = Request(
        b"/webhook",
        Header({"Content-Type": "application/json", **(headers or {})}),
        "1.1",
        "POST",
        None,
        None,
    )
    request.body = json.dumps(body).encode()
    return request


def via_rest(assistant: Assistant, text: str) -> List[str]:
    receive = webhook(RestInput().blueprint(assistant))
    answer = asyncio.run(receive(post({"sender": "someone", "message": text})))
    body = json.loads(answer.body)
    return [m["text"] for m in body] if answer.status == 200 else [f"{answer.status} {body['message']}"]


def via_socketio(assistant: Assistant, text: str) -> List[str]:
    channel = WebChatInput()
    channel.blueprint(assistant)
    uttered: List[str] = []

    async def emit(event: str, data: Any = None, **kwargs: Any) -> None:
        if event == channel.bot_message_evt:
            uttered.append(data["text"])

    channel.sio.emit = emit
    channel.sio.enter_room = lambda *args, **kwargs: None
    handle_message = channel.sio.handlers["/"][channel.user_message_evt]
    asyncio.run(handle_message("a-socket", {"message": text}))
    return uttered


def via_slack(delivered: List[str]) -> Send:
    def send(assistant: Assistant, text: str) -> List[str]:
        channel = SlackInput("xoxb-token", slack_signing_secret=SLACK_SECRET)
        event = {
            "type": "message",
            "channel_type": "im",
            "user": "U0PERSON",
            "channel": "D0CHAT",
            "text": text,
        }
        request = post({"type": "event_callback", "event": event})
        timestamp = str(int(time.time()))
        signed = f"v0:{timestamp}:".encode() + request.body
        request.headers["X-Slack-Request-Timestamp"] = timestamp
        request.headers["X-Slack-Signature"] = (
            "v0=" + hmac.new(SLACK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
        )
        receive = webhook(channel.blueprint(assistant))

        async def answered_in_the_background() -> None:
            assert (await receive(request)).status == 200
            await asyncio.gather(*channel._background_tasks)

        asyncio.run(answered_in_the_background())
        return delivered

    return send


def via_telegram(delivered: List[str]) -> Send:
    def send(assistant: Assistant, text: str) -> List[str]:
        channel = TelegramInput(
            "123456789:telegram-token", "feet_bot", "https://example.org/webhook", TELEGRAM_SECRET
        )
        chat = {"id": 42, "type": "private"}
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": chat, "text": text}}
        answer = asyncio.run(
            webhook(channel.blueprint(assistant))(post(update, {SECRET_HEADER: TELEGRAM_SECRET}))
        )
        assert answer.status == 200
        return delivered

    return send


@pytest.fixture(params=["rest", "socketio", "slack", "telegram"])
def channel(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def send(channel: str, delivered: List[str]) -> Send:
    return {
        "rest": via_rest,
        "socketio": via_socketio,
        "slack": via_slack(delivered),
        "telegram": via_telegram(delivered),
    }[channel]


@pytest.mark.parametrize(
    ("text", "reply"),
    [("a" * (LIMIT + 1), too_long_reply(LIMIT + 1, LIMIT)), (" \x00\t\x07 ", EMPTY_REPLY)],
    ids=["too long", "empty once cleaned"],
)
def test_the_same_bad_message_gets_the_same_reply_on_every_channel(send: Send, text: str, reply: str) -> None:
    reached: List[UserMessage] = []

    async def assistant(message: UserMessage) -> None:
        reached.append(message)

    assert send(assistant, text) == [reply]
    assert reached == []


def test_a_store_outage_gets_the_outage_reply_alone_on_every_channel(send: Send) -> None:
    async def store_down(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Is it in both feet?")
        raise StoreUnavailable("OperationalError: connection refused")

    assert send(store_down, "my feet are numb") == [OUTAGE_REPLY]


def test_a_message_reaches_the_assistant_cleaned_and_unlogged(
    send: Send, channel: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reached: List[UserMessage] = []

    async def assistant(message: UserMessage) -> None:
        reached.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Since when?")

    assert send(assistant, "my\x00 feet are numb") == ["Since when?"]
    assert [(m.text, m.input_channel) for m in reached] == [("my feet are numb", channel)]
    assert "feet are numb" not in caplog.text


@pytest.mark.parametrize(
    ("channel", "what", "person_gets"),
    [
        ("rest", "a REST message", ["500 the assistant could not handle this message"]),
        ("socketio", "a chat page message", [FAILED]),
        ("slack", "a Slack message", []),
        ("telegram", "the Telegram message", []),
    ],
)
def test_a_failed_turn_is_logged_by_the_channel_without_the_message(
    send: Send, channel: str, what: str, person_gets: List[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    async def broken(message: UserMessage) -> None:
        raise ValueError(f"could not parse {message.text!r}")

    assert send(broken, "my feet are numb") == person_gets
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [(r.name, r.getMessage()) for r in failures] == [
        (f"bot.channels.{channel}", f"{what} could not be handled: ValueError")
    ]
    assert "feet are numb" not in caplog.text
