"""Settings in one place (bot/settings.py): the servers get every setting from `Settings.to_env()`, the
tools' settings stay out of them, and nothing else reads a variable."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Dict, Mapping, Set

import pytest

import bot.settings
from benchmarks import soak
from bot.settings import (
    PROJECT_ROOT,
    RUNTIME_VARIABLES,
    ChaosSettings,
    ClusterSettings,
    Settings,
    SoakSettings,
    machine_redis_port,
)
from bot.summary.service import code_revision
from scripts.cluster import runtime_dir
from scripts.serve import Stack

EVERYTHING = {
    "HOST": "0.0.0.0",
    "RASA_PORT": "5105",
    "ACTION_PORT": "5155",
    "RASA_AUTH_TOKEN": "api-token",
    "ACTION_SERVER_URL": "http://actions.internal:5155/webhook",
    "TRACKER_DB": "/srv/tracker.db",
    "MODEL_DIR": "/srv/models",
    "HUMAN_CONTACT": "the practice nurse",
    "STARTUP_TIMEOUT": "42.5",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "TF_INTER_OP_PARALLELISM_THREADS": "3",
    "WEB_PORT": "8181",
    "WEB_SOCKET_URL": "https://chat.example",
    "SLACK_TOKEN": "xoxb-slack",
    "SLACK_SIGNING_SECRET": "slack-signing",
    "SLACK_CHANNEL": "C123",
    "SLACK_API_URL": "http://fake-slack/api/",
    "TELEGRAM_TOKEN": "123:telegram",
    "TELEGRAM_BOT_NAME": "feet_bot",
    "TELEGRAM_WEBHOOK_URL": "https://assistant.example/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "telegram-secret",
    "TELEGRAM_API_URL": "http://fake-telegram",
    "ASSISTANT_PROFILE": "production",
    "DB_URL": "postgresql://rasa:s%40c%3Aret@db.internal:5433/assistant",
    "REDIS_URL": "redis://:lock%2Fpass@[::1]:6380/2",
    "REDIS_KEY_PREFIX": "blue",
    "LOCK_LIFETIME_SECONDS": "7.5",
    "RABBITMQ_URL": "amqps://bus%40user:bus%3Apass@rabbit.internal:5671",
    "RABBITMQ_QUEUE": "events",
    "RETENTION_DAYS": "0",
    "ACTION_TIMEOUT": "2.5",
    "MAX_MESSAGE_CHARS": "500",
    "MAX_REQUEST_BYTES": "4096",
    "LOG_MESSAGES": "true",
    "SESSION_SECRET": "session-secret",
    "REST_TOKEN": "rest-token",
    "PUBLIC_URL": "https://assistant.example",
    "SUMMARY_LINK_TTL": "600",
    "ASSISTANT_REVISION": "img-1234",
}
#: The production profile's database named part by part instead of by DB_URL.
DB_PARTS = {
    **{name: value for name, value in EVERYTHING.items() if name != "DB_URL"},
    "DB_HOST": "db.internal",
    "DB_PORT": "5433",
    "DB_NAME": "assistant",
    "DB_USER": "rasa@clinic",
    "DB_PASSWORD": "p@ss:word/1",
}
TOOL_VARIABLES = (
    "CLUSTER_PORT",
    "CLUSTER_REPLICAS",
    "SOAK_MINUTES",
    "SOAK_RATE",
    "CHAOS_MINUTES",
    "TEST_REDIS_PORT",
)


class Recording(Dict[str, str]):
    """An environment that notes every variable asked for."""

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__(env)
        self.read: Set[str] = set()

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(name)
        return super().get(name, default)

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return super().__getitem__(name)


@pytest.mark.parametrize("env", [{}, EVERYTHING, DB_PARTS], ids=["defaults", "everything", "db-parts"])
def test_the_settings_come_back_equal_from_their_variables(env: Dict[str, str]) -> None:
    settings = Settings.from_env(env)
    assert Settings.from_env(settings.to_env()) == settings


def test_every_part_and_secret_goes_through_the_variables() -> None:
    settings = Settings.from_env(EVERYTHING)
    assert None not in (
        settings.slack,
        settings.telegram,
        settings.database,
        settings.redis,
        settings.rabbitmq,
    )
    assert settings.database and settings.database.password == "s@c:ret"
    assert settings.redis and (settings.redis.host, settings.redis.password) == ("::1", "lock/pass")
    assert settings.rabbitmq and (settings.rabbitmq.user, settings.rabbitmq.password) == (
        "bus@user",
        "bus:pass",
    )
    env = settings.to_env()
    for secret in (
        "api-token",
        "xoxb-slack",
        "slack-signing",
        "telegram-secret",
        "session-secret",
        "rest-token",
    ):
        assert secret in env.values()
    assert Settings.from_env(DB_PARTS).to_env()["DB_PASSWORD"] == "p@ss:word/1"


def test_the_list_of_variables_is_what_the_settings_read_and_the_docstring_names_them() -> None:
    read: Set[str] = set()
    for env in ({}, EVERYTHING, DB_PARTS):
        recording = Recording(env)
        Settings.from_env(recording)
        read |= recording.read
        assert set(Settings.from_env(env).to_env()) <= set(RUNTIME_VARIABLES)
    assert read == set(RUNTIME_VARIABLES)
    doc = bot.settings.__doc__ or ""
    undocumented = [
        name for name in (*RUNTIME_VARIABLES, *TOOL_VARIABLES) if not re.search(rf"\b{name}\b", doc)
    ]
    assert undocumented == []


def test_the_tools_variables_are_not_runtime_settings() -> None:
    tools = {
        "SOAK_MINUTES": "20",
        "SOAK_RATE": "fast",
        "CHAOS_MINUTES": "soon",
        "CLUSTER_PORT": "nginx",
        "CLUSTER_REPLICAS": "0",
        "TEST_REDIS_PORT": "redis",
    }
    assert Settings.from_env(tools) == Settings.from_env({})
    assert not set(TOOL_VARIABLES) & set(RUNTIME_VARIABLES)


def test_the_soak_still_refuses_more_than_ten_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit, match="SOAK_MINUTES is at most 10, got 20"):
        SoakSettings.from_env({"SOAK_MINUTES": "20"})
    monkeypatch.setenv("SOAK_MINUTES", "20")
    with pytest.raises(SystemExit, match="SOAK_MINUTES is at most 10, got 20"):
        soak.main([])


def test_each_tool_reads_its_own_settings() -> None:
    assert SoakSettings.from_env({}) == SoakSettings(minutes=10.0, rate=2.0)
    assert SoakSettings.from_env({"SOAK_MINUTES": "1", "SOAK_RATE": "3"}) == SoakSettings(1.0, 3.0)
    assert ClusterSettings.from_env({}) == ClusterSettings(port=8000, replicas=2)
    assert ClusterSettings.from_env({"CLUSTER_PORT": "8100", "CLUSTER_REPLICAS": "1"}) == ClusterSettings(
        8100, 1
    )
    with pytest.raises(SystemExit, match="CLUSTER_REPLICAS must be at least 1"):
        ClusterSettings.from_env({"CLUSTER_REPLICAS": "0"})
    assert ChaosSettings.from_env({"CHAOS_MINUTES": "2"}).minutes == 2.0
    with pytest.raises(SystemExit, match="CHAOS_MINUTES must be a number"):
        ChaosSettings.from_env({"CHAOS_MINUTES": "soon"})
    assert machine_redis_port({}) == 6379
    assert machine_redis_port({"TEST_REDIS_PORT": "6390"}) == 6390
    assert runtime_dir(8000).name == "cluster"
    assert runtime_dir(8001).name == "cluster-8001"


def test_the_servers_get_the_stacks_settings_and_nothing_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, stale in {
        "DB_URL": "postgresql://stale@elsewhere:5432/old",
        "RASA_AUTH_TOKEN": "left-over-from-the-shell",
        "SLACK_TOKEN": "xoxb-stale",
        "RASA_PORT": "1",
        "SOAK_MINUTES": "20",
        "UNRELATED_VARIABLE": "kept",
    }.items():
        monkeypatch.setenv(name, stale)
    settings = Settings.from_env(EVERYTHING)
    assert settings.database is not None
    settings = replace(
        settings, rasa_port=6005, slack=None, database=replace(settings.database, name="chaos")
    )
    env = Stack(settings).environment()
    assert Settings.from_env(env) == settings
    assert "SLACK_TOKEN" not in env and "DB_URL" not in env
    assert env["RASA_AUTH_TOKEN"] == "api-token"
    assert (env["SOAK_MINUTES"], env["UNRELATED_VARIABLE"]) == ("20", "kept")
    assert (env["PYTHONPATH"], env["RASA_TELEMETRY_ENABLED"]) == (str(PROJECT_ROOT), "false")
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "2"  # read by Rasa itself


def test_the_summary_names_the_revision_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env({"ASSISTANT_REVISION": "img-1234"}).revision == "img-1234"
    assert Settings.from_env({}).revision is None
    monkeypatch.setenv("ASSISTANT_REVISION", "img-5678")
    code_revision.cache_clear()
    try:
        assert code_revision() == "img-5678"
    finally:
        code_revision.cache_clear()


def test_only_bot_settings_reads_a_variable() -> None:
    reads = re.compile(r"environ\.get\(|environ\[|getenv\(")
    readers = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("bot", "actions", "scripts", "benchmarks")
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
        if path != PROJECT_ROOT / "bot" / "settings.py" and reads.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []
