"""The endpoints file the Rasa server starts with, built from the settings.

The embedded profile keeps conversations in an SQLite file and locks them in
memory (one server). The production profile shares PostgreSQL and the Redis
lock store between any number of servers, and publishes every event to
RabbitMQ when RABBITMQ_URL is set. The file is written to var/ at each start,
readable by its owner only: it holds the services' passwords.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from bot.private_files import write_private_yaml
from bot.settings import Settings

#: Rasa's SQL store on an SQLite file in write-ahead-log mode (one server).
SQLITE_TRACKER_STORE = "bot.runtime.tracker_store.SQLiteTrackerStore"
#: Rasa's SQL store on PostgreSQL, recent conversations kept in memory (any number of servers).
SQL_TRACKER_STORE = "bot.runtime.tracker_store.CachedSQLTrackerStore"
#: Rasa's Redis ticket lock, each step one atomic script: one conversation's messages in order across servers.
REDIS_LOCK_STORE = "bot.runtime.lock_store.AtomicRedisLockStore"


def runtime_endpoints(settings: Settings) -> Dict[str, Any]:
    endpoints: Dict[str, Any] = {"action_endpoint": {"url": settings.action_server_url}}
    if settings.profile == "embedded":
        endpoints["tracker_store"] = {"type": SQLITE_TRACKER_STORE, "db": str(settings.tracker_db)}
        return endpoints
    database, redis = settings.database, settings.redis
    assert database is not None and redis is not None, "the production profile has both"
    endpoints["tracker_store"] = _without_none(
        {
            "type": SQL_TRACKER_STORE,
            "dialect": "postgresql",
            "url": database.host,
            "port": database.port,
            "db": database.name,
            "username": database.user,
            "password": database.password,
        }
    )
    endpoints["lock_store"] = _without_none(
        {
            "type": REDIS_LOCK_STORE,
            "url": redis.host,
            "port": redis.port,
            "db": redis.db,
            "password": redis.password,
            "key_prefix": redis.key_prefix,
            "lock_lifetime": redis.lock_lifetime,
        }
    )
    if settings.rabbitmq is not None:
        rabbit = settings.rabbitmq
        endpoints["event_broker"] = {
            "type": "pika",
            "url": rabbit.host,
            "port": rabbit.port,
            "username": rabbit.user,
            "password": rabbit.password,
            "queues": [rabbit.queue],
        }
    return endpoints


def write_runtime_endpoints(settings: Settings, path: Path) -> Path:
    return write_private_yaml(path, runtime_endpoints(settings))


def _without_none(values: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
