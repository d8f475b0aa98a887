"""`SQLiteTrackerStore`: Rasa's SQL tracker store on an embedded SQLite file, without a disk flush per turn.

Rasa's own SQL store opens a new SQLite connection for every read and write and
commits every turn in SQLite's default rollback-journal mode, which waits for the
disk twice per commit (the profile in docs/benchmarks.md: a quarter of a turn's
time on a busy disk). Here a small pool keeps connections open, and write-ahead
logging with `synchronous=NORMAL` keeps the database consistent after any crash
and loses no committed turn when the process dies; only a power cut or kernel
crash can undo the last few turns. Readers also stop blocking the writer.
bot/endpoints.py names it in the embedded profile's endpoints.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.orm import sessionmaker

POOL_SIZE = 4
# secure_delete overwrites deleted rows, so that a deleted conversation's text leaves the file
# (bot/graph/conversation_deletion.py).
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA secure_delete=ON")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
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
