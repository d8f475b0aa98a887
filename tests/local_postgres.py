"""The machine's PostgreSQL for tests: an admin connection and a database of a test's own."""

from __future__ import annotations

import os
import uuid
from typing import Any, Iterator

import pytest

from bot.settings import DatabaseSettings

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")


def admin_connection(dbname: str = "postgres") -> Any:
    import psycopg2

    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=5)
    connection.autocommit = True
    return connection


def temporary_database(prefix: str) -> Iterator[DatabaseSettings]:
    """A new database named `<prefix>_<random>`, dropped afterwards; the test is skipped without PostgreSQL.
    A generator for a fixture to yield from."""
    import psycopg2

    try:
        connection = admin_connection()
    except psycopg2.OperationalError as error:
        pytest.skip(f"no PostgreSQL at {PG_HOST}:{PG_PORT}: {str(error).strip().splitlines()[0]}")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    yield DatabaseSettings(host=PG_HOST, port=PG_PORT, name=name, user=PG_USER, password=None)
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()
