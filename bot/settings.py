"""Every setting the assistant reads from the environment, in one place.

Secrets (the HTTP API token, the Slack and Telegram tokens) come only from the
environment and are never logged; defaults suit one person running it on their
own machine. Slack and Telegram are off unless their variables are set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SLACK_API_URL = "https://slack.com/api/"
TELEGRAM_API_URL = "https://api.telegram.org"


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

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS

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
