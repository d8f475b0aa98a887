"""The credentials file the Rasa server starts with, built from the environment.

`credentials.yml` holds the channels that need no secret (REST, socket.io).
Rasa refuses to start when a `${VAR}` in that file is unset, so Slack and
Telegram are added here, only when their settings are complete, and the
result is written to a private file under var/ at each start.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Dict

import yaml

from bot.private_files import write_private_yaml
from bot.settings import PROJECT_ROOT, Settings

BASE_FILE = PROJECT_ROOT / "credentials.yml"
SLACK = "bot.channels.slack.SlackInput"
TELEGRAM = "bot.channels.telegram.TelegramInput"


def runtime_credentials(settings: Settings, base_file: Path = BASE_FILE) -> Dict[str, Any]:
    credentials: Dict[str, Any] = yaml.safe_load(base_file.read_text()) or {}
    if settings.slack:
        slack = settings.slack
        credentials[SLACK] = {
            "slack_token": slack.token,
            "slack_signing_secret": slack.signing_secret,
            "slack_channel": slack.channel,
            "api_url": slack.api_url,
        }
    if settings.telegram:
        telegram = settings.telegram
        credentials[TELEGRAM] = {
            "access_token": telegram.token,
            "verify": telegram.bot_name,
            "webhook_url": telegram.webhook_url,
            # Without one configured, a fresh secret per start: the webhook is registered with it each time.
            "secret_token": telegram.secret_token or secrets.token_urlsafe(32),
            "api_url": telegram.api_url,
        }
    return credentials


def write_runtime_credentials(settings: Settings, path: Path) -> Path:
    """Writes the file readable by its owner only: it holds the channels' tokens."""
    return write_private_yaml(path, runtime_credentials(settings))
