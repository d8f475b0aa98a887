"""The two profiles: settings read from the environment, the endpoints Rasa
starts with, and the one-line error for a service that does not answer."""

from __future__ import annotations

import socket
import subprocess
import sys
from dataclasses import replace

import pytest
import yaml

from bot.endpoints import runtime_endpoints, write_runtime_endpoints
from bot.services import ServiceUnavailable, check_services
from bot.settings import PROJECT_ROOT, Settings

PRODUCTION = {
    "ASSISTANT_PROFILE": "production",
    "DB_URL": "postgresql://rasa:s%40cret@db.internal:5433/assistant",
    "REDIS_URL": "redis://:lockpass@redis.internal:6380/2",
}


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_default_is_the_embedded_profile_with_sqlite_and_no_shared_services() -> None:
    settings = Settings.from_env({"TRACKER_DB": "/tmp/t.db", "ACTION_SERVER_URL": "http://a:1/webhook"})
    assert settings.profile == "embedded"
    assert (settings.database, settings.redis, settings.rabbitmq) == (None, None, None)
    assert runtime_endpoints(settings) == {
        "action_endpoint": {"url": "http://a:1/webhook"},
        "tracker_store": {"type": "bot.runtime.tracker_store.SQLiteTrackerStore", "db": "/tmp/t.db"},
    }


def test_production_shares_postgresql_and_the_redis_lock_store() -> None:
    endpoints = runtime_endpoints(Settings.from_env(PRODUCTION))
    assert endpoints["tracker_store"] == {
        "type": "bot.runtime.tracker_store.CachedSQLTrackerStore",
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5433,
        "db": "assistant",
        "username": "rasa",
        "password": "s@cret",
    }
    assert endpoints["lock_store"] == {
        "type": "bot.runtime.lock_store.AtomicRedisLockStore",
        "url": "redis.internal",
        "port": 6380,
        "db": 2,
        "password": "lockpass",
        "lock_lifetime": 15.0,
    }
    assert "event_broker" not in endpoints


def test_database_from_separate_variables_and_rabbitmq_when_configured() -> None:
    env = {
        "ASSISTANT_PROFILE": "production",
        "DB_HOST": "pg",
        "DB_NAME": "conversations",
        "DB_USER": "u",
        "DB_PASSWORD": "p",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "REDIS_KEY_PREFIX": "clinic1",
        "RABBITMQ_URL": "amqp://guest:guest@mq:5672",
        "ACTION_SERVER_URL": "http://actions:5055/webhook",
    }
    endpoints = runtime_endpoints(Settings.from_env(env))
    assert endpoints["action_endpoint"] == {"url": "http://actions:5055/webhook"}
    tracker_store = endpoints["tracker_store"]
    assert (tracker_store["url"], tracker_store["port"], tracker_store["db"]) == ("pg", 5432, "conversations")
    assert endpoints["lock_store"]["key_prefix"] == "clinic1"
    assert endpoints["event_broker"] == {
        "type": "pika",
        "url": "mq",
        "port": 5672,
        "username": "guest",
        "password": "guest",
        "queues": ["assistant_events"],
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ASSISTANT_PROFILE": "cloud"}, "ASSISTANT_PROFILE must be one of embedded, production"),
        ({"ASSISTANT_PROFILE": "production", "DB_URL": "postgresql://h/db"}, "needs REDIS_URL"),
        ({**PRODUCTION, "DB_URL": ""}, "needs DB_URL, or DB_HOST and DB_NAME"),
        ({**PRODUCTION, "DB_URL": "mysql://h/db"}, "DB_URL must look like postgresql://"),
        ({**PRODUCTION, "DB_URL": "postgresql://h:5432/"}, "DB_URL must name the database"),
        ({**PRODUCTION, "REDIS_URL": "redis://h:6379/locks"}, "REDIS_URL must end with a database number"),
        ({**PRODUCTION, "REDIS_KEY_PREFIX": "a-b"}, "REDIS_KEY_PREFIX must be letters and digits"),
        ({**PRODUCTION, "DB_URL": "postgresql://h:port/db"}, "DB_URL has a port that is not a number"),
    ],
)
def test_a_wrong_setting_is_one_clear_error(env, message) -> None:
    with pytest.raises(SystemExit) as raised:
        Settings.from_env(env)
    assert message in str(raised.value)


def test_passwords_never_show_in_the_settings_or_their_errors() -> None:
    settings = Settings.from_env(PRODUCTION)
    assert "s@cret" not in repr(settings) and "lockpass" not in repr(settings)
    with pytest.raises(SystemExit) as raised:
        Settings.from_env({**PRODUCTION, "DB_URL": "mysql://u:topsecret@h/db"})
    assert "topsecret" not in str(raised.value)


def test_the_endpoints_file_is_private(tmp_path) -> None:
    path = write_runtime_endpoints(Settings.from_env(PRODUCTION), tmp_path / "endpoints.yml")
    assert path.stat().st_mode & 0o777 == 0o600
    assert yaml.safe_load(path.read_text())["lock_store"]["password"] == "lockpass"


@pytest.mark.parametrize(
    ("which", "service"),
    [
        ("database", "PostgreSQL (tracker store)"),
        ("redis", "Redis (lock store)"),
        ("rabbitmq", "RabbitMQ (event broker)"),
    ],
)
def test_an_unreachable_service_is_named_in_one_line(which, service) -> None:
    port = closed_port()
    settings = Settings.from_env(
        {
            "ASSISTANT_PROFILE": "production",
            "DB_URL": f"postgresql://postgres@127.0.0.1:{port}/assistant",
            "REDIS_URL": f"redis://127.0.0.1:{port}/1",
            "RABBITMQ_URL": f"amqp://guest:guest@127.0.0.1:{port}",
        }
    )
    only = replace(settings, **{name: None for name in ("database", "redis", "rabbitmq") if name != which})
    with pytest.raises(ServiceUnavailable) as raised:
        check_services(only)
    message = str(raised.value)
    assert message.startswith(service) and f"127.0.0.1:{port}" in message and "\n" not in message


def test_starting_with_an_unreachable_database_prints_one_line_and_no_traceback() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "ASSISTANT_PROFILE": "production",
        "DB_URL": f"postgresql://postgres@127.0.0.1:{closed_port()}/assistant",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "RASA_PORT": str(closed_port()),
        "ACTION_PORT": str(closed_port()),
        "WEB_PORT": str(closed_port()),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "scripts.serve"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert errors[0].startswith("error: PostgreSQL (tracker store) at 127.0.0.1:")
