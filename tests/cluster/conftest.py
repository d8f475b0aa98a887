"""The local cluster of `make cluster` (scripts/cluster.py) on free ports: two
Rasa servers and two action servers behind nginx, in the production profile,
on this machine's PostgreSQL and Redis. The tests get their own database
(created here and dropped at the end) and their own Redis key prefix.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from bot.settings import PROJECT_ROOT, DatabaseSettings, RedisSettings, Settings
from scripts.cluster import NGINX, Cluster
from scripts.serve import free_port

from .client import Client

REPORTS = PROJECT_ROOT / "reports"
PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = 1


def admin_connection(dbname: str = "postgres"):
    import psycopg2

    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=5)
    connection.autocommit = True
    return connection


@pytest.fixture(scope="session")
def database() -> Iterator[DatabaseSettings]:
    import psycopg2

    try:
        connection = admin_connection()
    except psycopg2.OperationalError as error:
        pytest.skip(f"no PostgreSQL at {PG_HOST}:{PG_PORT}: {str(error).strip().splitlines()[0]}")
    name = f"assistant_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    yield DatabaseSettings(host=PG_HOST, port=PG_PORT, name=name, user=PG_USER, password=None)
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


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


@dataclass
class LocalCluster:
    cluster: Cluster
    database: DatabaseSettings
    lock_store: RedisSettings

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
    model_path: Path, database: DatabaseSettings, lock_store: RedisSettings
) -> Iterator[LocalCluster]:
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} is not installed (make setup installs Debian's nginx)")
    settings = replace(
        # Two servers loading TensorFlow at once on a shared 2-core machine can take minutes.
        Settings.from_env({"STARTUP_TIMEOUT": "900"}),
        profile="production",
        database=database,
        redis=lock_store,
        model_dir=model_path,
    )
    cluster = Cluster(settings, port=free_port(), log_dir=REPORTS / "logs" / "cluster")
    cluster.start()
    try:
        yield LocalCluster(cluster, database, lock_store)
    finally:
        cluster.stop()
