"""Deleting conversations from the tracker store: one person's, or every one left idle too long.

Both profiles keep a conversation as rows of Rasa's `events` table (SQLite in
the embedded profile, PostgreSQL in production), one row per event with the
conversation's `sender_id` and the event's `timestamp`; a conversation is all
the rows of one sender, across restarts and sessions. Deleting those rows in
one transaction deletes it whole or not at all. On SQLite the freed pages are
overwritten (`secure_delete`, set by bot/runtime/tracker_store.py) and the
write-ahead log is emptied afterwards, so the text is gone from the files too.
"""

from __future__ import annotations

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore

from bot.endpoints import SQLITE_TRACKER_STORE, runtime_endpoints
from bot.runtime.tracker_store import CachedSQLTrackerStore, SQLiteTrackerStore
from bot.settings import Settings


class UnsupportedStore(TypeError):
    """The tracker store is not an SQL store."""


def open_tracker_store(settings: Settings) -> SQLTrackerStore:
    """The profile's tracker store, opened as the Rasa server opens it from its endpoints."""
    config = dict(runtime_endpoints(settings)["tracker_store"])
    store_class = SQLiteTrackerStore if config.pop("type") == SQLITE_TRACKER_STORE else CachedSQLTrackerStore
    return store_class(host=config.pop("url", None), **config)


def sql_tracker_store(store: TrackerStore) -> SQLTrackerStore:
    """The SQL store behind Rasa's fail-safe wrapper; deleting needs one (both profiles have one)."""
    if isinstance(store, FailSafeTrackerStore):
        store = store._tracker_store
    if not isinstance(store, SQLTrackerStore):
        raise UnsupportedStore(f"deleting needs an SQL tracker store, got {type(store).__name__}")
    return store


def delete_conversation(store: SQLTrackerStore, sender_id: str) -> int:
    """Deletes every event of `sender_id`; returns how many there were."""
    events = store.SQLEvent.__table__
    with store.session_scope() as session:
        deleted = session.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount
        session.commit()
    if isinstance(store, CachedSQLTrackerStore):
        store.recent.drop(sender_id)
    _empty_write_ahead_log(store)
    return deleted


def delete_conversations_idle_since(store: SQLTrackerStore, cutoff: float) -> int:
    """Deletes every conversation whose latest event is older than `cutoff` (a Unix time);
    returns how many conversations."""
    events = store.SQLEvent.__table__
    idle = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    with store.session_scope() as session:
        count = session.execute(sa.select(sa.func.count()).select_from(idle.subquery())).scalar_one()
        if count:
            session.execute(sa.delete(events).where(events.c.sender_id.in_(idle)))
        session.commit()
    if count:
        _empty_write_ahead_log(store)
    return count


def _empty_write_ahead_log(store: SQLTrackerStore) -> None:
    """SQLite in WAL mode writes every change to the -wal file first, the deleted text's old pages
    included; a truncating checkpoint moves the current pages into the database and empties it."""
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
