"""A reply to the person when the conversation store is down, instead of silence.

With several servers, conversations live in PostgreSQL and are locked in
Redis. When either is unreachable, Rasa on its own either drops the message
(a lock-store error ends the request with no reply) or, worse, wraps the
tracker store so that a failed read starts a brand-new conversation whose
events are kept in memory and lost. Here a failed read or write of a tracker
raises instead, and every channel's handler answers a store failure with one
message saying the turn was not taken in and to send it again (with the
emergency advice, since the red-flag screen could not run). The servers need
no restart: the next message after the outage reaches the store again.

A turn's replies are made before the turn is saved, and a store that reads but
cannot write fails only at the save. So the turn's replies are held until the
turn is saved: the person gets either the turn's replies or the outage reply,
never a question followed by "I could not take in your last message".
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import redis.exceptions
import sqlalchemy.exc
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore
from sanic import Blueprint, Sanic

from bot import warning_signs
from bot.texts import say

logger = logging.getLogger(__name__)

OUTAGE_REPLY = say("channels.outage", note=warning_signs.outage_note())

Handler = Callable[[UserMessage], Awaitable[Any]]


class StoreUnavailable(RuntimeError):
    """A conversation could not be read from or written to the tracker store."""


STORE_ERRORS = (StoreUnavailable, LockError, redis.exceptions.RedisError, sqlalchemy.exc.SQLAlchemyError)


def answering_outages(on_new_message: Handler) -> Handler:
    """`on_new_message`, answering a tracker-store or lock-store failure with OUTAGE_REPLY alone."""

    async def handle(message: UserMessage) -> None:
        channel = message.output_channel
        collected = getattr(channel, "messages", None)
        before = len(collected) if isinstance(collected, list) else 0
        held = None if isinstance(collected, list) else HeldReplies(channel)
        if held is not None:
            message.output_channel = held
        try:
            await on_new_message(message)
        except STORE_ERRORS as error:
            # The type and the driver's first line only: an SQL error's text can carry the events.
            logger.error("conversation store unavailable, the message was not taken in: %s", describe(error))
            if isinstance(collected, list):
                del collected[before:]  # a channel that answers at the end (REST) collects them
            held = None  # the turn was not taken in, so neither are its replies
            await channel.send_text_message(message.sender_id, OUTAGE_REPLY)
        finally:
            message.output_channel = channel
            if held is not None:
                await held.release()  # after another error too: the replies made still reach the person

    return handle


class HeldReplies:
    """A channel that sends each reply as it is made (socket.io, Slack, Telegram), holding a
    turn's replies until `release()`: any `send_*` call is recorded, anything else is the channel's."""

    def __init__(self, channel: Any) -> None:
        self._channel = channel
        self._held: List[Tuple[str, Tuple[Any, ...], Dict[str, Any]]] = []

    def __getattr__(self, attribute: str) -> Any:
        if not attribute.startswith("send_"):
            return getattr(self._channel, attribute)

        async def hold(*args: Any, **kwargs: Any) -> None:
            self._held.append((attribute, args, kwargs))

        return hold

    async def release(self) -> None:
        """Sends the held replies, in the order they were made."""
        held, self._held = self._held, []
        for attribute, args, kwargs in held:
            await getattr(self._channel, attribute)(*args, **kwargs)


def fail_loudly(blueprint: Blueprint) -> Blueprint:
    """Makes the server's tracker store raise on errors instead of falling back to memory."""

    @blueprint.listener("after_server_start")
    async def raise_tracker_store_errors(app: Sanic, _loop: object) -> None:
        make_strict(getattr(app.ctx, "agent", None))

    return blueprint


def make_strict(agent: Any) -> None:
    """Rasa wraps every tracker store in a FailSafeTrackerStore that calls this hook inside its
    `except` before falling back; raising there passes the failure on."""
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = _raise_unavailable


def _raise_unavailable(error: Exception) -> None:
    raise StoreUnavailable(describe(error)) from error


def describe(error: BaseException) -> str:
    """The innermost cause (the driver's error), first line only."""
    cause = error
    while (inner := getattr(cause, "orig", None) or cause.__cause__ or cause.__context__) is not None:
        cause = inner
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0]}" if text else type(cause).__name__
