"""Rasa's SQL tracker store with two speed-ups: recent conversations kept in memory, and, for the
embedded SQLite file, pooled connections without a disk flush per turn.

`CachedSQLTrackerStore` (both profiles): Rasa reads a conversation's every event
from the database and rebuilds its tracker at each message, and counts the
stored rows at each save. Here the trackers of the last few minutes stay in
memory with the id of the newest event they hold. A read asks the database for
that event and any newer ones: when that event is still stored, the newer events
(another replica's turn) are applied to the remembered tracker, which is then
exactly what a full read would give; when it is gone (a deletion) or a new
session began, the conversation is read afresh. A save stores the events added
since the tracker was read with one insert that reports their ids, so the hot path
is one query per read and one statement per save. At most RECENT_TRACKERS are kept,
and each read first drops those idle for IDLE_SECONDS, so memory holds no
conversation long after it ends; deleting a conversation drops it at once.

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
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import Session, sessionmaker

RECENT_TRACKERS = 256
#: Rows per INSERT: a turn adds a handful; the HTTP API can replace a conversation with thousands, more
#: than one statement may carry parameters for (32766 in SQLite's default build).
INSERT_BATCH = 500
IDLE_SECONDS = 600.0
POOL_SIZE = 4
# secure_delete overwrites deleted rows, so that a deleted conversation's text leaves the file
# (bot/runtime/conversation_deletion.py).
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

    def get(self, sender_id: str) -> _Recent | None:
        """The remembered tracker as it was stored, or None (never stored, idle, or changed since)."""
        self._drop_idle()
        entry = self._entries.pop(sender_id, None)
        if entry is None or len(entry.tracker.events) != entry.length:
            return None
        entry.used = self.clock()
        self._entries[sender_id] = entry
        return entry

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
    """Rasa reads a conversation back from its latest `SessionStarted` on: a tracker that holds events
    of an earlier session (a session that started in this turn) must be read back before it is used
    again."""
    return not any(isinstance(event, SessionStarted) for event in list(tracker.events)[1:])


class CachedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, with the recently used trackers kept in memory (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent = RecentTrackers()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        entry = self.recent.get(sender_id)
        if entry is not None and self._catch_up(entry):
            return entry.tracker
        self.recent.drop(sender_id)
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self.recent.put(tracker, self._newest_event_id(sender_id))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the events added since the tracker was read; Rasa's count of the stored rows only
        for a tracker this store does not remember."""
        await self.stream_events(tracker)
        entry = self.recent.peek(tracker.sender_id)
        try:
            with self.session_scope() as session:
                if entry is not None and entry.tracker is tracker:
                    new_events: Iterable[Event] = itertools.islice(tracker.events, entry.length, None)
                    newest = entry.newest_event_id
                else:
                    new_events, newest = super()._additional_events(session, tracker), None
                rows = [self._row(tracker.sender_id, event) for event in new_events]
                if rows:
                    newest = self._insert(session, rows)
                    session.commit()
        except BaseException:
            self.recent.drop(tracker.sender_id)  # a failed save leaves nothing to trust
            raise
        self.recent.put(tracker, newest)

    def _catch_up(self, entry: _Recent) -> bool:
        """Applies the events stored after the remembered ones; False when the tracker must be read
        afresh: its newest event is no longer stored (a deletion), or a new session began."""
        events = self.SQLEvent.__table__
        query = (
            sa.select(events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == entry.tracker.sender_id, events.c.id >= entry.newest_event_id)
            .order_by(events.c.id)
        )
        with self.session_scope() as session:
            rows = session.execute(query).all()
        remembered = rows[0] if rows else None
        # SQLite hands out the ids of deleted rows again: the row must also hold the same event.
        if (
            remembered is None
            or remembered.id != entry.newest_event_id
            or not entry.tracker.events
            or remembered.timestamp != entry.tracker.events[-1].timestamp
        ):
            return False
        newer = rows[1:]
        if any(row.type_name == SessionStarted.type_name for row in newer):
            return False
        for event in deserialise_events([json.loads(row.data) for row in newer]):
            entry.tracker.update(event)
        entry.newest_event_id, entry.length = rows[-1].id, len(entry.tracker.events)
        return True

    def _row(self, sender_id: str, event: Event) -> Dict[str, Any]:
        """The row Rasa's SQL store writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _insert(self, session: Session, rows: List[Dict[str, Any]]) -> int | None:
        """Inserts the rows in order, INSERT_BATCH to a statement (Rasa's ORM sends one per row, each
        a round trip to PostgreSQL); returns the newest id."""
        events = self.SQLEvent.__table__
        dialect = session.get_bind().dialect
        for start in range(0, len(rows), INSERT_BATCH):
            statement = events.insert().values(rows[start : start + INSERT_BATCH])
            if dialect.implicit_returning:  # PostgreSQL
                newest = max(session.execute(statement.returning(events.c.id)).scalars())
            else:
                newest = session.execute(statement).lastrowid  # SQLite: the last row's
        if dialect.implicit_returning or dialect.name == "sqlite":
            return newest
        return self._newest_event_id(rows[0]["sender_id"], session)

    def _newest_event_id(self, sender_id: str, session: Session | None = None) -> int | None:
        events = self.SQLEvent.__table__
        query = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sender_id)
        if session is not None:
            return session.execute(query).scalar()
        with self.session_scope() as own_session:
            return own_session.execute(query).scalar()


class SQLiteTrackerStore(CachedSQLTrackerStore):
    engine: sa.engine.Engine  # set by Rasa's SQLTrackerStore, replaced below

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
