"""Every setting the assistant reads from the environment, in one place.

Secrets (the HTTP API token) come only from the environment and are never
logged; defaults suit one person running it on their own machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    action_port: int
    auth_token: Optional[str]
    action_server_url: str
    tracker_db: Path
    model_dir: Path
    human_contact: str
    startup_timeout: float

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
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"error: {name} must be a whole number, got {raw!r}") from None
