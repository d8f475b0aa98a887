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
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

import redis.exceptions
import sqlalchemy.exc
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore
from sanic import Blueprint, Sanic

logger = logging.getLogger(__name__)

OUTAGE_REPLY = (
    "Sorry, I can't reach my records right now, so I could not take in your last message. "
    "Please send it again in a minute. If this is an emergency (numbness that came on suddenly, "
    "new weakness, trouble breathing, or losing control of your bladder or bowels), "
    "contact emergency services now."
)

Handler = Callable[[UserMessage], Awaitable[Any]]


class StoreUnavailable(RuntimeError):
    """A conversation could not be read from or written to the tracker store."""


STORE_ERRORS = (StoreUnavailable, LockError, redis.exceptions.RedisError, sqlalchemy.exc.SQLAlchemyError)


def answering_outages(on_new_message: Handler) -> Handler:
    """`on_new_message`, answering a tracker-store or lock-store failure with OUTAGE_REPLY."""

    async def handle(message: UserMessage) -> None:
        collected = getattr(message.output_channel, "messages", None)
        before = len(collected) if isinstance(collected, list) else 0
        try:
            await on_new_message(message)
        except STORE_ERRORS as error:
            # The type and the driver's first line only: an SQL error's text can carry the events.
            logger.error("conversation store unavailable, the message was not taken in: %s", describe(error))
            if isinstance(collected, list):
                # A store that reads but cannot write (an SQLite file another process holds the
                # write lock of) fails only when the turn is saved, after its replies were made:
                # a channel that answers at the end (REST) sends the outage reply alone.
                del collected[before:]
            await message.output_channel.send_text_message(message.sender_id, OUTAGE_REPLY)

    return handle


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
