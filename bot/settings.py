"""Every setting the assistant reads from the environment, in one place.

Secrets (the HTTP API token, the session secret, the REST token, the Slack and
Telegram tokens, the database, Redis and RabbitMQ passwords) come only from the
environment and are never logged; defaults suit one person running it on their
own machine.

`Settings` holds what the servers read. `Settings.to_env()` gives them back as
variables: scripts/serve.py starts the Rasa server and the action server with
exactly those, so both rebuild the same settings. The tools (`make cluster`,
`make soak`, `make chaos`, the fault tests) read theirs apart (`ClusterSettings`,
`SoakSettings`, `ChaosSettings`, `machine_redis_port`): the servers never read or
check them, so a bad value stops only its own tool.

The servers and where they are:
- HOST (default 127.0.0.1): the interface the Rasa server and the chat page bind
  to; a non-local one needs RASA_AUTH_TOKEN.
- RASA_PORT (5005), ACTION_PORT (5055), WEB_PORT (8080, the chat page);
  ACTION_SERVER_URL (default http://127.0.0.1:ACTION_PORT/webhook).
- WEB_SOCKET_URL (default the Rasa server): the socket.io address of the chat page.
- RASA_AUTH_TOKEN (default unset): when set, the HTTP API needs `?token=...`.
- TRACKER_DB (var/tracker.db, the embedded profile's SQLite file), MODEL_DIR (models).
- HUMAN_CONTACT: who the assistant tells a person to contact.
- STARTUP_TIMEOUT (seconds, default 180): how long `make run` waits for both servers.
- TF_INTRA_OP_PARALLELISM_THREADS, TF_INTER_OP_PARALLELISM_THREADS (default 1):
  TensorFlow's thread pools in the Rasa server, which Rasa itself reads.
- ASSISTANT_REVISION (default unset: the git commit of the checkout): the code
  revision a summary names (bot/summary/service.py); set when an image is built.

Slack is on when SLACK_TOKEN and SLACK_SIGNING_SECRET are set (SLACK_CHANNEL,
SLACK_API_URL optional); Telegram when TELEGRAM_TOKEN, TELEGRAM_BOT_NAME and
TELEGRAM_WEBHOOK_URL are set (TELEGRAM_SECRET_TOKEN, TELEGRAM_API_URL optional).

Two profiles, chosen by ASSISTANT_PROFILE: `embedded` (the default: an SQLite
tracker store, the in-memory lock store, no event broker; one server) and
`production` (PostgreSQL, the Redis lock store, optionally a RabbitMQ event
broker; any number of servers sharing them). The production profile reads:
- DB_URL (postgresql://user:password@host:5432/name), or DB_HOST, DB_PORT,
  DB_NAME, DB_USER and DB_PASSWORD;
- REDIS_URL (redis://[:password@]host:6379/1), REDIS_KEY_PREFIX (letters and
  digits) and LOCK_LIFETIME_SECONDS (default 15: how long a conversation stays
  locked by a server that died, bot/runtime/lock_store.py);
- RABBITMQ_URL (amqp://user:password@host:5672; optional) and RABBITMQ_QUEUE
  (default assistant_events).

RETENTION_DAYS (default 30): `make forget-old` deletes conversations idle for
longer; 0 keeps them forever.

ACTION_TIMEOUT (seconds, default 10) is how long the Rasa server waits for
the action server before it answers the person itself with the technical-
problem reply and the safety advice (bot/runtime/action_fallback.py).

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

Summary links (bot/summary/links.py): PUBLIC_URL (default the Rasa server's own
address; nginx's in a cluster) is where they point, SUMMARY_LINK_TTL (seconds,
default 86400) how long they work.

The tools' settings:
- CLUSTER_PORT (8000) and CLUSTER_REPLICAS (2): `make cluster`'s nginx port and
  its number of replicas; `make chaos` puts its cluster on CLUSTER_PORT + 1.
- SOAK_MINUTES (default and at most 10) and SOAK_RATE (messages per second,
  default 2): how long and how hard `make soak` (benchmarks/soak.py) drives it.
- CHAOS_MINUTES (default 10): how long `make chaos` (benchmarks/chaos.py) goes on.
- TEST_REDIS_PORT (6379): the port of this machine's own Redis, which the fault
  tests and `make chaos` stop and start (scripts/machine_services.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple
from urllib.parse import SplitResult, quote, unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SLACK_API_URL = "https://slack.com/api/"
TELEGRAM_API_URL = "https://api.telegram.org"
PROFILES = ("embedded", "production")
#: Every variable `Settings.from_env` may read. A server started by scripts/serve.py gets these from
#: `Settings.to_env()` only, never from the shell that started it.
RUNTIME_VARIABLES: Tuple[str, ...] = (
    "HOST",
    "RASA_PORT",
    "ACTION_PORT",
    "RASA_AUTH_TOKEN",
    "ACTION_SERVER_URL",
    "TRACKER_DB",
    "MODEL_DIR",
    "HUMAN_CONTACT",
    "STARTUP_TIMEOUT",
    "TF_INTRA_OP_PARALLELISM_THREADS",
    "TF_INTER_OP_PARALLELISM_THREADS",
    "WEB_PORT",
    "WEB_SOCKET_URL",
    "SLACK_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CHANNEL",
    "SLACK_API_URL",
    "TELEGRAM_TOKEN",
    "TELEGRAM_BOT_NAME",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_SECRET_TOKEN",
    "TELEGRAM_API_URL",
    "ASSISTANT_PROFILE",
    "DB_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "REDIS_URL",
    "REDIS_KEY_PREFIX",
    "LOCK_LIFETIME_SECONDS",
    "RABBITMQ_URL",
    "RABBITMQ_QUEUE",
    "RETENTION_DAYS",
    "ACTION_TIMEOUT",
    "MAX_MESSAGE_CHARS",
    "MAX_REQUEST_BYTES",
    "LOG_MESSAGES",
    "SESSION_SECRET",
    "REST_TOKEN",
    "PUBLIC_URL",
    "SUMMARY_LINK_TTL",
    "ASSISTANT_REVISION",
)


@dataclass(frozen=True)
class SlackSettings:
    token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    channel: str | None
    api_url: str

    def to_env(self) -> Dict[str, str]:
        return _present(
            SLACK_TOKEN=self.token,
            SLACK_SIGNING_SECRET=self.signing_secret,
            SLACK_CHANNEL=self.channel,
            SLACK_API_URL=self.api_url,
        )


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(repr=False)
    bot_name: str
    webhook_url: str
    secret_token: str | None = field(repr=False)
    api_url: str

    def to_env(self) -> Dict[str, str]:
        return _present(
            TELEGRAM_TOKEN=self.token,
            TELEGRAM_BOT_NAME=self.bot_name,
            TELEGRAM_WEBHOOK_URL=self.webhook_url,
            TELEGRAM_SECRET_TOKEN=self.secret_token,
            TELEGRAM_API_URL=self.api_url,
        )


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

    def to_env(self) -> Dict[str, str]:
        """The DB_HOST form: the parts as they are, none of them to quote in a URL."""
        return _present(
            DB_HOST=self.host,
            DB_PORT=str(self.port),
            DB_NAME=self.name,
            DB_USER=self.user,
            DB_PASSWORD=self.password,
        )


@dataclass(frozen=True)
class RedisSettings:
    """The Redis lock store: `key_prefix` keeps several deployments (or test runs) in one Redis apart."""

    host: str
    port: int
    db: int
    password: str | None = field(repr=False)
    key_prefix: str | None
    # How long a conversation stays locked by a server that died (bot/runtime/lock_store.py).
    lock_lifetime: float = 15.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}/{self.db}"

    def to_env(self) -> Dict[str, str]:
        return _present(
            REDIS_URL=_url_of("redis", self.host, self.port, None, self.password, f"/{self.db}"),
            REDIS_KEY_PREFIX=self.key_prefix,
            LOCK_LIFETIME_SECONDS=str(self.lock_lifetime),
        )


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

    def to_env(self) -> Dict[str, str]:
        return {
            "RABBITMQ_URL": _url_of("amqp", self.host, self.port, self.user, self.password),
            "RABBITMQ_QUEUE": self.queue,
        }


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
    # Conversations idle longer than this are deleted by `make forget-old`; 0 keeps them forever.
    retention_days: int = 30
    action_timeout: float = 10.0
    max_message_chars: int = 2000
    max_request_bytes: int = 1024 * 1024
    log_messages: bool = False
    session_secret: str | None = field(default=None, repr=False)
    rest_token: str | None = field(default=None, repr=False)
    # Where the person's summary links point (bot/summary/links.py): the address they reach the
    # Rasa server at (nginx's in a cluster); by default this server's own.
    public_url: str | None = None
    summary_link_ttl: float = 24 * 3600.0
    # The code revision a summary names (bot/summary/service.py); None: the checkout's git commit.
    revision: str | None = None

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
            retention_days=_retention_days(env),
            action_timeout=_positive(env, "ACTION_TIMEOUT", 10.0),
            max_message_chars=_positive_int(env, "MAX_MESSAGE_CHARS", 2000),
            max_request_bytes=_positive_int(env, "MAX_REQUEST_BYTES", 1024 * 1024),
            log_messages=_flag(env, "LOG_MESSAGES"),
            session_secret=env.get("SESSION_SECRET") or None,
            rest_token=env.get("REST_TOKEN") or None,
            public_url=env.get("PUBLIC_URL") or None,
            summary_link_ttl=_positive(env, "SUMMARY_LINK_TTL", 24 * 3600.0),
            revision=env.get("ASSISTANT_REVISION") or None,
        )

    def to_env(self) -> Dict[str, str]:
        """Every setting as the variables `from_env` reads back into equal settings, secrets included:
        for a child process's environment, never a command line or a log."""
        env = _present(
            HOST=self.host,
            RASA_PORT=str(self.rasa_port),
            ACTION_PORT=str(self.action_port),
            RASA_AUTH_TOKEN=self.auth_token,
            ACTION_SERVER_URL=self.action_server_url,
            TRACKER_DB=str(self.tracker_db),
            MODEL_DIR=str(self.model_dir),
            HUMAN_CONTACT=self.human_contact,
            STARTUP_TIMEOUT=str(self.startup_timeout),
            TF_INTRA_OP_PARALLELISM_THREADS=str(self.tf_intra_op_threads),
            TF_INTER_OP_PARALLELISM_THREADS=str(self.tf_inter_op_threads),
            WEB_PORT=str(self.web_port),
            WEB_SOCKET_URL=self.web_socket_url,
            ASSISTANT_PROFILE=self.profile,
            RETENTION_DAYS=str(self.retention_days),
            ACTION_TIMEOUT=str(self.action_timeout),
            MAX_MESSAGE_CHARS=str(self.max_message_chars),
            MAX_REQUEST_BYTES=str(self.max_request_bytes),
            LOG_MESSAGES="1" if self.log_messages else "0",
            SESSION_SECRET=self.session_secret,
            REST_TOKEN=self.rest_token,
            PUBLIC_URL=self.public_url,
            SUMMARY_LINK_TTL=str(self.summary_link_ttl),
            ASSISTANT_REVISION=self.revision,
        )
        for part in (self.slack, self.telegram, self.database, self.redis, self.rabbitmq):
            if part is not None:
                env.update(part.to_env())
        return env


@dataclass(frozen=True)
class ClusterSettings:
    """`make cluster` (scripts/cluster.py), also started by `make chaos` and `make bench`."""

    port: int = 8000
    replicas: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ClusterSettings:
        return cls(
            port=_int(env, "CLUSTER_PORT", cls.port),
            replicas=_positive_int(env, "CLUSTER_REPLICAS", cls.replicas),
        )


#: The longest `make soak` drives the assistant: it is a check to run, not a service to keep up.
SOAK_MAX_MINUTES = 10.0


@dataclass(frozen=True)
class SoakSettings:
    """`make soak` (benchmarks/soak.py): how long, and how many messages per second."""

    minutes: float = SOAK_MAX_MINUTES
    rate: float = 2.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SoakSettings:
        minutes = _positive(env, "SOAK_MINUTES", cls.minutes)
        if minutes > SOAK_MAX_MINUTES:
            raise SystemExit(f"error: SOAK_MINUTES is at most {SOAK_MAX_MINUTES:g}, got {minutes:g}")
        return cls(minutes=minutes, rate=_positive(env, "SOAK_RATE", cls.rate))


@dataclass(frozen=True)
class ChaosSettings:
    """`make chaos` (benchmarks/chaos.py): how long the faults go on."""

    minutes: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ChaosSettings:
        return cls(minutes=_positive(env, "CHAOS_MINUTES", cls.minutes))


def machine_redis_port(env: Mapping[str, str] = os.environ) -> int:
    """TEST_REDIS_PORT: this machine's own Redis, which the fault tests and `make chaos` stop and start."""
    return _int(env, "TEST_REDIS_PORT", 6379)


def _present(**variables: str | None) -> Dict[str, str]:
    """The variables of the settings that are not None: those are left unset."""
    return {name: value for name, value in variables.items() if value is not None}


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


def _profile(env: Mapping[str, str]) -> Dict[str, Any]:
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


def _url_of(scheme: str, host: str, port: int, user: str | None, password: str | None, path: str = "") -> str:
    """The URL `_url` reads back into these parts: user and password quoted, an IPv6 host bracketed."""
    credentials = quote(user or "", safe="") + (f":{quote(password, safe='')}" if password else "")
    netloc = f"[{host}]" if ":" in host else host
    return f"{scheme}://{credentials + '@' if credentials else ''}{netloc}:{port}{path}"


def _url(env: Mapping[str, str], name: str, schemes: Tuple[str, ...]) -> SplitResult:
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
