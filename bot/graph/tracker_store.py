"""Rasa's SQL tracker store with two speed-ups: recent conversations kept in memory, and, for the
embedded SQLite file, pooled connections without a disk flush per turn.

`CachedSQLTrackerStore` (both profiles): Rasa reads a conversation's every event
from the database and rebuilds its tracker at each message, a tenth of a turn's
time in the profile in docs/benchmarks.md. Here the trackers of the last few
minutes stay in memory, and a read first asks the database for the newest event
id of that conversation: the remembered tracker is used only if it is still the
newest (no other replica, deletion or failed turn has changed it since), else it
is read afresh. At most RECENT_TRACKERS are kept, and each read first drops those
idle for IDLE_SECONDS, so memory holds no conversation long after it ends;
deleting a conversation drops it at once.

`SQLiteTrackerStore` (the embedded profile): Rasa's own SQL store opens a new
SQLite connection for every read and write and commits every turn in SQLite's
default rollback-journal mode, which waits for the disk twice per commit (a
quarter of a turn's time on a busy disk). Here a small pool keeps connections
open, and write-ahead logging with `synchronous=NORMAL` keeps the database
consistent after any crash and loses no committed turn when the process dies;
only a power cut or kernel crash can undo the last few turns. Readers also stop
blocking the writer. bot/endpoints.py names the stores in the profiles' endpoints.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker

RECENT_TRACKERS = 256
IDLE_SECONDS = 600.0
POOL_SIZE = 4
# secure_delete overwrites deleted rows, so that a deleted conversation's text leaves the file
# (bot/graph/conversation_deletion.py).
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA secure_delete=ON")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


@dataclass
class _Recent:
    tracker: DialogueStateTracker
    newest_event_id: int
    length: int  # the tracker's number of events when stored: more means a turn that was not saved
    used: float


class RecentTrackers:
    """The most recently used trackers by conversation, each with the newest event id it holds."""

    def __init__(
        self,
        size: int = RECENT_TRACKERS,
        idle_s: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size, self.idle_s, self.clock = size, idle_s, clock
        self._entries: OrderedDict[str, _Recent] = OrderedDict()

    def peek(self, sender_id: str) -> _Recent | None:
        return self._entries.get(sender_id)

    def get(self, sender_id: str, newest_event_id: int | None) -> DialogueStateTracker | None:
        self._drop_idle()
        entry = self._entries.pop(sender_id, None)
        if (
            entry is None
            or entry.newest_event_id != newest_event_id
            or len(entry.tracker.events) != entry.length
        ):
            return None
        entry.used = self.clock()
        self._entries[sender_id] = entry
        return entry.tracker

    def put(self, tracker: DialogueStateTracker, newest_event_id: int | None) -> None:
        self._entries.pop(tracker.sender_id, None)
        if newest_event_id is not None and _as_read_from_the_database(tracker):
            self._entries[tracker.sender_id] = _Recent(
                tracker, newest_event_id, len(tracker.events), self.clock()
            )
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _drop_idle(self) -> None:
        cutoff = self.clock() - self.idle_s
        while self._entries and next(iter(self._entries.values())).used < cutoff:
            self._entries.popitem(last=False)


def _as_read_from_the_database(tracker: DialogueStateTracker) -> bool:
    """Rasa reads a conversation back from its latest `SessionStarted` on, and knows which events
    to add at the next save by counting those rows: a tracker that holds events of an earlier
    session (a session that started in this turn) must be read back before it is used again."""
    return not any(isinstance(event, SessionStarted) for event in list(tracker.events)[1:])


class CachedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, with the recently used trackers kept in memory (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent = RecentTrackers()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        newest = self._newest_event_id(sender_id)
        tracker = self.recent.get(sender_id, newest)
        if tracker is None:
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self.recent.put(tracker, newest)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except BaseException:
            self.recent.drop(tracker.sender_id)  # a failed save leaves nothing to trust
            raise
        self.recent.put(tracker, self._newest_event_id(tracker.sender_id))

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events to store: Rasa counts the stored ones; a remembered tracker knows how many."""
        entry = self.recent.peek(tracker.sender_id)
        if (
            entry is not None
            and entry.tracker is tracker
            and entry.newest_event_id == self._newest_event_id(tracker.sender_id, session)
        ):
            return itertools.islice(tracker.events, entry.length, None)
        return super()._additional_events(session, tracker)

    def _newest_event_id(self, sender_id: str, session: Session | None = None) -> int | None:
        events = self.SQLEvent.__table__
        query = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sender_id)
        if session is not None:
            return session.execute(query).scalar()
        with self.session_scope() as own_session:
            return own_session.execute(query).scalar()


class SQLiteTrackerStore(CachedSQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        db: str = "rasa.db",
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dialect", None)
        kwargs.pop("host", None)  # Rasa passes the endpoint's `url`, which a file has none of
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        # SQLAlchemy's default for an SQLite file opens and closes a connection per session
        # (NullPool), and the last close of a WAL database checkpoints it: pool them instead.
        self.engine.dispose()
        self.engine = sa.create_engine(
            self.engine.url,
            poolclass=sa.pool.QueuePool,
            pool_size=POOL_SIZE,
            connect_args={"check_same_thread": False},  # the pool hands connections between threads
        )
        sa.event.listen(self.engine, "connect", _set_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)
