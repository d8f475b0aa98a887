"""Every setting the assistant reads from the environment, in one place.

Secrets (the HTTP API token, the Slack and Telegram tokens, the database,
Redis and RabbitMQ passwords) come only from the environment and are never
logged; defaults suit one person running it on their own machine. Slack and
Telegram are off unless their variables are set.

Two profiles, chosen by ASSISTANT_PROFILE: `embedded` (the default: an SQLite
tracker store, the in-memory lock store, no event broker; one server) and
`production` (PostgreSQL, the Redis lock store, optionally a RabbitMQ event
broker; any number of servers sharing them).

ACTION_TIMEOUT (seconds, default 10) is how long the Rasa server waits for
the action server before it answers the person itself with the technical-
problem reply and the safety advice (bot/graph/action_fallback.py).

`make soak` (benchmarks/soak.py) reads SOAK_MINUTES (how long it drives the
assistant, default and at most 10) and SOAK_RATE (messages per second, default 2).

Input limits and privacy (bot/channels/guard.py, bot/channels/session_ids.py):
- MAX_MESSAGE_CHARS (default 2000): a longer message is refused with a reply
  saying so, on every channel, before the NLU sees it.
- MAX_REQUEST_BYTES (default 1 MiB): a larger HTTP body gets 413 with a JSON error.
- LOG_MESSAGES (default off): message text and extracted health data are never
  written to the logs, at any level, unless this is `1`/`true`; it also lets
  Rasa's DEBUG records (full of message text) through.
- SESSION_SECRET: the key that signs the chat page's (socket.io) session ids.
  Unset in the embedded profile, one is generated into var/session-secret
  (owner-only) and kept, so a resumed chat survives a restart; the production
  profile (several replicas) needs it set, the same on every replica.
- REST_TOKEN (default unset): when set, the REST webhook needs
  `Authorization: Bearer <REST_TOKEN>`. The REST webhook is for a trusted back
  end: whoever may call it can speak as any REST sender id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SLACK_API_URL = "https://slack.com/api/"
TELEGRAM_API_URL = "https://api.telegram.org"
PROFILES = ("embedded", "production")


@dataclass(frozen=True)
class SlackSettings:
    token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    channel: str | None
    api_url: str


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(repr=False)
    bot_name: str
    webhook_url: str
    secret_token: str | None = field(repr=False)
    api_url: str


@dataclass(frozen=True)
class DatabaseSettings:
    """The PostgreSQL tracker store of the production profile."""

    host: str
    port: int
    name: str
    user: str | None
    password: str | None = field(repr=False)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}/{self.name}"


@dataclass(frozen=True)
class RedisSettings:
    """The Redis lock store: `key_prefix` keeps several deployments (or test runs) in one Redis apart."""

    host: str
    port: int
    db: int
    password: str | None = field(repr=False)
    key_prefix: str | None
    # How long a conversation stays locked by a server that died (bot/graph/lock_store.py).
    lock_lifetime: float = 15.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}/{self.db}"


@dataclass(frozen=True)
class RabbitSettings:
    """The optional event broker: every conversation event is published to `queue`."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    queue: str

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    action_port: int
    auth_token: str | None
    action_server_url: str
    tracker_db: Path
    model_dir: Path
    human_contact: str
    startup_timeout: float
    # TensorFlow's thread pools in the Rasa server: Rasa predicts one message at a time,
    # so on 2 cores more threads only hand tiny matrices between cores (docs/benchmarks.md).
    tf_intra_op_threads: int
    tf_inter_op_threads: int
    web_port: int
    web_socket_url: str | None
    slack: SlackSettings | None
    telegram: TelegramSettings | None
    profile: str = "embedded"
    database: DatabaseSettings | None = None
    redis: RedisSettings | None = None
    rabbitmq: RabbitSettings | None = None
    cluster_port: int = 8000
    cluster_replicas: int = 2
    # Conversations idle longer than this are deleted by `make forget-old`; 0 keeps them forever.
    retention_days: int = 30
    action_timeout: float = 10.0
    soak_minutes: float = 10.0
    soak_rate: float = 2.0
    max_message_chars: int = 2000
    max_request_bytes: int = 1024 * 1024
    log_messages: bool = False
    session_secret: str | None = field(default=None, repr=False)
    rest_token: str | None = field(default=None, repr=False)
    # Where the person's summary links point (bot/summary/links.py): the address they reach the
    # Rasa server at (nginx's in a cluster); by default this server's own.
    public_url: str | None = None
    summary_link_ttl: float = 24 * 3600.0

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS

    @property
    def summary_base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.rasa_port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        action_port = _int(env, "ACTION_PORT", 5055)
        return cls(
            host=env.get("HOST", "127.0.0.1"),
            rasa_port=_int(env, "RASA_PORT", 5005),
            action_port=action_port,
            auth_token=env.get("RASA_AUTH_TOKEN") or None,
            action_server_url=env.get("ACTION_SERVER_URL", f"http://127.0.0.1:{action_port}/webhook"),
            tracker_db=Path(env.get("TRACKER_DB", PROJECT_ROOT / "var" / "tracker.db")),
            model_dir=Path(env.get("MODEL_DIR", PROJECT_ROOT / "models")),
            human_contact=env.get(
                "HUMAN_CONTACT",
                "your family doctor (GP), a nurse, or a local clinic",
            ),
            startup_timeout=float(env.get("STARTUP_TIMEOUT", "180")),
            tf_intra_op_threads=_int(env, "TF_INTRA_OP_PARALLELISM_THREADS", 1),
            tf_inter_op_threads=_int(env, "TF_INTER_OP_PARALLELISM_THREADS", 1),
            web_port=_int(env, "WEB_PORT", 8080),
            web_socket_url=env.get("WEB_SOCKET_URL") or None,
            slack=_slack(env),
            telegram=_telegram(env),
            **_profile(env),
            cluster_port=_int(env, "CLUSTER_PORT", 8000),
            cluster_replicas=_int(env, "CLUSTER_REPLICAS", 2),
            retention_days=_retention_days(env),
            action_timeout=_positive(env, "ACTION_TIMEOUT", 10.0),
            soak_minutes=_soak_minutes(env),
            soak_rate=_positive(env, "SOAK_RATE", 2.0),
            max_message_chars=_positive_int(env, "MAX_MESSAGE_CHARS", 2000),
            max_request_bytes=_positive_int(env, "MAX_REQUEST_BYTES", 1024 * 1024),
            log_messages=_flag(env, "LOG_MESSAGES"),
            session_secret=env.get("SESSION_SECRET") or None,
            rest_token=env.get("REST_TOKEN") or None,
            public_url=env.get("PUBLIC_URL") or None,
            summary_link_ttl=_positive(env, "SUMMARY_LINK_TTL", 24 * 3600.0),
        )


def _slack(env: Mapping[str, str]) -> SlackSettings | None:
    """Slack is on when both its token and its signing secret are set."""
    if not _all_or_none(env, "SLACK_TOKEN", "SLACK_SIGNING_SECRET"):
        return None
    token, secret = env["SLACK_TOKEN"], env["SLACK_SIGNING_SECRET"]
    return SlackSettings(
        token=token,
        signing_secret=secret,
        channel=env.get("SLACK_CHANNEL") or None,
        api_url=env.get("SLACK_API_URL") or SLACK_API_URL,
    )


def _telegram(env: Mapping[str, str]) -> TelegramSettings | None:
    """Telegram is on when its token, bot name and webhook URL are all set."""
    if not _all_or_none(env, "TELEGRAM_TOKEN", "TELEGRAM_BOT_NAME", "TELEGRAM_WEBHOOK_URL"):
        return None
    token, name, url = env["TELEGRAM_TOKEN"], env["TELEGRAM_BOT_NAME"], env["TELEGRAM_WEBHOOK_URL"]
    return TelegramSettings(
        token=token,
        bot_name=name,
        webhook_url=url,
        secret_token=env.get("TELEGRAM_SECRET_TOKEN") or None,
        api_url=env.get("TELEGRAM_API_URL") or TELEGRAM_API_URL,
    )


def _profile(env: Mapping[str, str]) -> dict:
    """The shared stores of the production profile; the embedded profile has none."""
    profile = env.get("ASSISTANT_PROFILE") or "embedded"
    if profile not in PROFILES:
        raise SystemExit(f"error: ASSISTANT_PROFILE must be one of {', '.join(PROFILES)}, got {profile!r}")
    if profile == "embedded":
        return {"profile": profile}
    if not env.get("REDIS_URL"):
        raise SystemExit("error: the production profile needs REDIS_URL (the Redis lock store)")
    return {
        "profile": profile,
        "database": _database(env),
        "redis": _redis(env),
        "rabbitmq": _rabbitmq(env) if env.get("RABBITMQ_URL") else None,
    }


def _database(env: Mapping[str, str]) -> DatabaseSettings:
    """DB_URL (postgresql://user:password@host:port/name), or DB_HOST, DB_PORT, DB_NAME, DB_USER and
    DB_PASSWORD."""
    if env.get("DB_URL"):
        url = _url(env, "DB_URL", ("postgresql", "postgres"))
        name = url.path.lstrip("/")
        if not name:
            raise SystemExit("error: DB_URL must name the database, as in postgresql://host:5432/assistant")
        return DatabaseSettings(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            name=unquote(name),
            user=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
        )
    if not env.get("DB_HOST") or not env.get("DB_NAME"):
        raise SystemExit("error: the production profile needs DB_URL, or DB_HOST and DB_NAME (PostgreSQL)")
    return DatabaseSettings(
        host=env["DB_HOST"],
        port=_int(env, "DB_PORT", 5432),
        name=env["DB_NAME"],
        user=env.get("DB_USER") or None,
        password=env.get("DB_PASSWORD") or None,
    )


def _redis(env: Mapping[str, str]) -> RedisSettings:
    """REDIS_URL (redis://[:password@]host:port/db); REDIS_KEY_PREFIX, letters and digits only;
    LOCK_LIFETIME_SECONDS."""
    url = _url(env, "REDIS_URL", ("redis",))
    db = url.path.lstrip("/") or "0"
    if not db.isdigit():
        raise SystemExit(f"error: REDIS_URL must end with a database number (redis://host:6379/1), got /{db}")
    prefix = env.get("REDIS_KEY_PREFIX") or None
    if prefix is not None and not prefix.isalnum():
        raise SystemExit(f"error: REDIS_KEY_PREFIX must be letters and digits only, got {prefix!r}")
    return RedisSettings(
        host=url.hostname or "127.0.0.1",
        port=url.port or 6379,
        db=int(db),
        password=unquote(url.password) if url.password else None,
        key_prefix=prefix,
        lock_lifetime=_positive(env, "LOCK_LIFETIME_SECONDS", RedisSettings.lock_lifetime),
    )


def _rabbitmq(env: Mapping[str, str]) -> RabbitSettings:
    """RABBITMQ_URL (amqp://user:password@host:port); RABBITMQ_QUEUE names the queue of events."""
    url = _url(env, "RABBITMQ_URL", ("amqp", "amqps"))
    return RabbitSettings(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5672,
        user=unquote(url.username) if url.username else "guest",
        password=unquote(url.password) if url.password else "guest",
        queue=env.get("RABBITMQ_QUEUE") or "assistant_events",
    )


def _url(env: Mapping[str, str], name: str, schemes: tuple):
    url = urlsplit(env[name])
    try:
        url.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise SystemExit(f"error: {name} has a port that is not a number") from None
    if url.scheme not in schemes or not url.hostname:
        raise SystemExit(f"error: {name} must look like {schemes[0]}://host:port/..., not {url.scheme!r}://")
    return url


def _retention_days(env: Mapping[str, str]) -> int:
    days = _int(env, "RETENTION_DAYS", 30)
    if days < 0:
        raise SystemExit(f"error: RETENTION_DAYS must be 0 (keep forever) or more, got {days}")
    return days


def _all_or_none(env: Mapping[str, str], *names: str) -> bool:
    """True when every variable is set, False when none is; half a channel is a mistake."""
    missing = [name for name in names if not env.get(name)]
    if missing and len(missing) < len(names):
        present = [name for name in names if name not in missing]
        raise SystemExit(f"error: {', '.join(present)} is set, so {', '.join(missing)} must be set too")
    return not missing


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"error: {name} must be a whole number, got {raw!r}") from None


#: The longest `make soak` drives the assistant: it is a check to run, not a service to keep up.
SOAK_MAX_MINUTES = 10.0


def _soak_minutes(env: Mapping[str, str]) -> float:
    minutes = _positive(env, "SOAK_MINUTES", SOAK_MAX_MINUTES)
    if minutes > SOAK_MAX_MINUTES:
        raise SystemExit(f"error: SOAK_MINUTES is at most {SOAK_MAX_MINUTES:g}, got {minutes:g}")
    return minutes


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number (seconds, minutes, a rate)."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"error: {name} must be a number, got {raw!r}") from None
    if not value > 0:
        raise SystemExit(f"error: {name} must be more than 0, got {raw!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise SystemExit(f"error: {name} must be at least 1, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SystemExit(f"error: {name} must be 1 or 0 (true or false), got {raw!r}")
