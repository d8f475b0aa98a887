"""The server's signing secret: what signs the chat page's session ids and the summary's links.

It comes from SESSION_SECRET. When that is unset in the embedded profile, one is
generated once into var/session-secret (readable by its owner only) and reused,
so resumed chats and summary links survive a restart. The production profile
needs the variable: every replica must sign with the same key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

SECRET_FILE = PROJECT_ROOT / "var" / "session-secret"


def session_secret(settings: Settings, secret_file: Path = SECRET_FILE) -> str:
    if settings.session_secret:
        return settings.session_secret
    if settings.profile != "embedded":
        raise SystemExit(
            "error: the production profile needs SESSION_SECRET (the same on every replica) "
            "to sign the chat page's session ids"
        )
    return stored_secret(secret_file)


def stored_secret(path: Path = SECRET_FILE) -> str:
    """The secret in `path`, created owner-only and atomically on first use (servers may race)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(32))
    try:
        os.link(temporary, path)  # fails when another server was first: use its secret
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
