"""A conversation-store outage gets a reply, never silence (bot/channels/outages.py)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, List

import pytest
import redis.exceptions
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from bot.channels.outages import OUTAGE_REPLY, StoreUnavailable, answering_outages, describe, make_strict


def handle(error: Exception) -> CollectingOutputChannel:
    async def failing(message: UserMessage) -> None:
        raise error

    output = CollectingOutputChannel()
    asyncio.run(answering_outages(failing)(UserMessage("my feet are numb", output, "someone")))
    return output


@pytest.mark.parametrize(
    "error",
    [
        LockError("Error while acquiring lock"),
        redis.exceptions.ConnectionError("Connection refused"),
        sqlalchemy.exc.OperationalError("SELECT", {}, Exception("server closed the connection")),
        StoreUnavailable("OperationalError: connection refused"),
    ],
)
def test_a_store_failure_is_answered_with_the_outage_reply(error) -> None:
    messages = handle(error).messages
    assert [m["text"] for m in messages] == [OUTAGE_REPLY]
    assert messages[0]["recipient_id"] == "someone"
    assert "call your local emergency number now" in OUTAGE_REPLY and "send it again" in OUTAGE_REPLY


def test_other_errors_are_not_mistaken_for_an_outage() -> None:
    with pytest.raises(ValueError):
        handle(ValueError("a bug"))


def test_the_outage_is_logged_without_the_message_or_the_sql(caplog) -> None:
    error = sqlalchemy.exc.OperationalError(
        "INSERT INTO events (data) VALUES (%(data)s)",
        {"data": "my feet are numb"},
        Exception("could not connect"),
    )
    handle(error)
    assert "could not connect" in caplog.text
    assert "my feet are numb" not in caplog.text and "INSERT" not in caplog.text


class BrokenStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise sqlalchemy.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    async def save(self, tracker):
        raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("connection refused"))


def test_a_strict_tracker_store_raises_instead_of_starting_over_in_memory() -> None:
    domain = Domain.empty()
    lenient = FailSafeTrackerStore(BrokenStore(domain))
    # Rasa's own behaviour: the failed read looks like a new conversation.
    assert asyncio.run(lenient.retrieve("someone")) is None
    strict = FailSafeTrackerStore(BrokenStore(domain))
    make_strict(SimpleNamespace(tracker_store=strict))
    with pytest.raises(StoreUnavailable, match="connection refused"):
        asyncio.run(strict.retrieve("someone"))
    with pytest.raises(StoreUnavailable):
        asyncio.run(strict.save(strict.init_tracker("someone")))


def test_the_log_names_the_driver_error_behind_a_lock_error() -> None:
    try:
        try:
            raise redis.exceptions.ConnectionError(
                "Error 111 connecting to 127.0.0.1:6379. Connection refused."
            )
        except redis.exceptions.ConnectionError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}")  # noqa: B904 - as Rasa does
    except LockError as lock_error:
        assert (
            describe(lock_error)
            == "ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused."
        )


def test_a_turn_whose_save_fails_is_answered_with_the_outage_reply_alone() -> None:
    """An SQLite file locked by another writer: the turn ran, its replies were collected, the save failed."""

    async def replied_then_failed_to_save(message: UserMessage) -> None:
        question = "Is it in both feet, or only one side?"
        await message.output_channel.send_text_message(message.sender_id, question)
        raise StoreUnavailable("OperationalError: database is locked")

    output = CollectingOutputChannel()
    output.messages.append({"recipient_id": "someone", "text": "an earlier reply on the same collector"})
    asyncio.run(answering_outages(replied_then_failed_to_save)(UserMessage("both feet", output, "someone")))
    assert [m["text"] for m in output.messages] == ["an earlier reply on the same collector", OUTAGE_REPLY]


class StreamingChannel(OutputChannel):
    """Sends each reply as it is made, as socket.io, Slack and Telegram do."""

    def __init__(self) -> None:
        self.sent: List[str] = []

    @classmethod
    def name(cls) -> str:
        return "socketio"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sent.append(text)


QUESTION = "Is it in both feet, or only one side?"


def test_a_streaming_channel_sends_the_outage_reply_alone_when_the_save_fails() -> None:
    channel = StreamingChannel()

    async def replied_then_failed_to_save(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": QUESTION})
        raise StoreUnavailable("OperationalError: database is locked")

    asyncio.run(answering_outages(replied_then_failed_to_save)(UserMessage("both feet", channel, "someone")))
    assert channel.sent == [OUTAGE_REPLY]


def test_a_streaming_channel_gets_the_turns_replies_in_order_once_the_turn_is_saved() -> None:
    channel = StreamingChannel()
    sent_before_the_save: List[str] = []

    async def replied_and_saved(message: UserMessage) -> None:
        assert message.output_channel.name() == "socketio"  # channel-specific responses still apply
        await message.output_channel.send_response(message.sender_id, {"text": "Thank you."})
        await message.output_channel.send_text_message(message.sender_id, QUESTION)
        sent_before_the_save.extend(channel.sent)

    message = UserMessage("both feet", channel, "someone")
    asyncio.run(answering_outages(replied_and_saved)(message))
    assert sent_before_the_save == []
    assert channel.sent == ["Thank you.", QUESTION]
    assert message.output_channel is channel


def test_replies_made_before_another_error_still_reach_the_person() -> None:
    channel = StreamingChannel()

    emergency = "Please call emergency services now."

    async def emergency_then_a_bug(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, emergency)
        raise ValueError("a bug")

    message = UserMessage("I can't move my leg", channel, "someone")
    with pytest.raises(ValueError):
        asyncio.run(answering_outages(emergency_then_a_bug)(message))
    assert channel.sent == [emergency]
