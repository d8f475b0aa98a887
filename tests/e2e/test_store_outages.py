"""The embedded profile's SQLite tracker store, write-locked by another process: the person gets
the outage reply alone, and the next message after the lock is gone is taken in without
a restart (bot/channels/outages.py; the PostgreSQL and Redis outages: tests/cluster).

Another writer (a second server on the same file, an operator's `sqlite3` session, a
backup) holding the write lock longer than SQLite's busy timeout is the way an embedded
store becomes unwritable while the server runs: reads still work (write-ahead log), so the
turn runs and only its save fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import socketio

from bot.channels.outages import OUTAGE_REPLY

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def write_locked(database: Path) -> Iterator[None]:
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def user_messages(assistant, sender: str) -> List[str]:
    return [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]


def test_rest_answers_a_locked_store_with_the_outage_reply_alone_and_recovers(assistant) -> None:
    me = f"outage-{uuid.uuid4().hex[:12]}"
    assistant.send(me, "my feet are numb")
    with write_locked(assistant.stack.settings.tracker_db):
        assert [m.get("text") for m in assistant.send(me, "both feet")] == [OUTAGE_REPLY]
    after = assistant.send(me, "both feet")
    assert after and OUTAGE_REPLY not in [m.get("text") for m in after]
    assert user_messages(assistant, me) == ["my feet are numb", "both feet"]


class WebChat:
    """The chat page's side of the socket.io channel."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = ""  # issued by the server (bot/channels/session_ids.py)
        self.client = socketio.AsyncClient()
        self.received: asyncio.Queue[Dict] = asyncio.Queue()
        self.client.on("bot_uttered", self.received.put)

    async def __aenter__(self) -> WebChat:
        confirmed = asyncio.Event()

        def confirm(session: str) -> None:
            self.session = session
            confirmed.set()

        self.client.on("session_confirm", confirm)
        # Long polling: the websocket transport of this python-engineio wants a newer aiohttp.
        await self.client.connect(self.url, transports=["polling"])
        await self.client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(confirmed.wait(), 30)
        return self

    @property
    def conversation(self) -> str:
        """The conversation id: the session id without its signature."""
        return self.session.rpartition(".")[0]

    async def __aexit__(self, *_: object) -> None:
        await self.client.disconnect()

    async def say(self, text: str, until: str | None = None) -> List[str]:
        """The texts received for `text`: until one equals `until`, or until a quiet second."""
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session})
        texts = [(await asyncio.wait_for(self.received.get(), 120)).get("text")]
        while texts[-1] != until:
            try:
                texts.append((await asyncio.wait_for(self.received.get(), 60 if until else 1)).get("text"))
            except asyncio.TimeoutError:
                break
        return texts


def test_socketio_answers_a_locked_store_with_the_outage_reply_and_recovers(assistant) -> None:
    async def conversation() -> tuple[str, List[str], List[str]]:
        async with WebChat(assistant.stack.rasa_url) as chat:
            await chat.say("my feet are numb")
            with write_locked(assistant.stack.settings.tracker_db):
                during = await chat.say("both feet", until=OUTAGE_REPLY)
            after = await chat.say("both feet")
            return chat.conversation, during, after

    conversation_id, during, after = asyncio.run(conversation())
    # The turn's question was made before its save failed, and held back: the outage reply comes alone.
    assert during == [OUTAGE_REPLY]
    assert after and OUTAGE_REPLY not in after
    assert user_messages(assistant, conversation_id) == ["my feet are numb", "both feet"]
