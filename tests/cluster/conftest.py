"""The local cluster of `make cluster` (scripts/cluster.py) on free ports: two
Rasa servers and two action servers behind nginx, in the production profile,
on this machine's PostgreSQL and Redis. The tests get their own database
(created here and dropped at the end) and their own Redis key prefix.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from local_postgres import admin_connection, temporary_database

from bot.services import ServiceUnavailable, check_rabbitmq
from bot.settings import PROJECT_ROOT, DatabaseSettings, RabbitSettings, RedisSettings, Settings
from scripts.cluster import NGINX, Cluster
from scripts.serve import free_port

from .client import Client

REPORTS = PROJECT_ROOT / "reports"
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = 1
RABBIT_HOST = os.environ.get("TEST_RABBITMQ_HOST", "127.0.0.1")
RABBIT_PORT = int(os.environ.get("TEST_RABBITMQ_PORT", "5672"))


@pytest.fixture(scope="session")
def database() -> Iterator[DatabaseSettings]:
    yield from temporary_database("assistant_test")


@pytest.fixture(scope="session")
def lock_store() -> Iterator[RedisSettings]:
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_HOST}:{REDIS_PORT}: {error}")
    prefix = f"test{uuid.uuid4().hex[:10]}"
    yield RedisSettings(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, password=None, key_prefix=prefix)
    try:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    except redis.RedisError:
        pass  # a test restarted Redis and it keeps nothing


@pytest.fixture(scope="session")
def event_queue() -> Iterator[RabbitSettings | None]:
    """A queue of its own on RabbitMQ's event exchange; None without RabbitMQ (the broker is optional)."""
    rabbit = RabbitSettings(
        RABBIT_HOST, RABBIT_PORT, "guest", "guest", f"assistant_test_{uuid.uuid4().hex[:10]}"
    )
    try:
        check_rabbitmq(rabbit)
    except ServiceUnavailable:
        yield None
        return
    yield rabbit
    asyncio.run(delete_queue(rabbit))


async def rabbit_channel(rabbit: RabbitSettings):
    import aio_pika

    connection = await aio_pika.connect_robust(
        host=rabbit.host, port=rabbit.port, login=rabbit.user, password=rabbit.password
    )
    return connection, await connection.channel()


async def delete_queue(rabbit: RabbitSettings) -> None:
    connection, channel = await rabbit_channel(rabbit)
    async with connection:
        await channel.queue_delete(rabbit.queue)


async def published(rabbit: RabbitSettings) -> List[Dict[str, Any]]:
    """Every event waiting in the queue (taken off it)."""
    connection, channel = await rabbit_channel(rabbit)
    events = []
    async with connection:
        queue = await channel.declare_queue(rabbit.queue, durable=True)
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            events.append(json.loads(message.body))
    return events


@dataclass
class LocalCluster:
    cluster: Cluster
    database: DatabaseSettings
    lock_store: RedisSettings
    event_queue: RabbitSettings | None

    def published_events(self) -> List[Dict[str, Any]]:
        assert self.event_queue is not None
        return asyncio.run(published(self.event_queue))

    @property
    def nginx(self) -> Client:
        return Client(self.cluster.url)

    def replica(self, index: int) -> Client:
        return Client(self.cluster.stacks[index].rasa_url)

    def stored_events(self) -> Dict[str, List[Dict[str, Any]]]:
        """Every event in PostgreSQL by conversation, in the order they were stored."""
        connection = admin_connection(self.database.name)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT sender_id, data FROM events ORDER BY id")
                rows = cursor.fetchall()
        finally:
            connection.close()
        events: Dict[str, List[Dict[str, Any]]] = {}
        for sender, data in rows:
            events.setdefault(sender, []).append(json.loads(data))
        return events


@pytest.fixture(scope="session")
def cluster(
    model_path: Path,
    database: DatabaseSettings,
    lock_store: RedisSettings,
    event_queue: RabbitSettings | None,
) -> Iterator[LocalCluster]:
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} is not installed (make setup installs Debian's nginx)")
    settings = replace(
        # Two servers loading TensorFlow at once on a shared 2-core machine can take minutes.
        Settings.from_env({"STARTUP_TIMEOUT": "900"}),
        profile="production",
        database=database,
        redis=lock_store,
        rabbitmq=event_queue,
        model_dir=model_path,
    )
    cluster = Cluster(settings, port=free_port(), log_dir=REPORTS / "logs" / "cluster")
    cluster.start()
    try:
        yield LocalCluster(cluster, database, lock_store, event_queue)
    finally:
        cluster.stop()
