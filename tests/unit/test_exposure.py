"""What the servers expose: the HTTP API needs a token beyond this machine, and the token
never appears on a command line (every local user can read those with `ps`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.settings import Settings
from scripts.serve import Stack, _check_exposure

TOKEN = "s3cret-api-token"


def test_a_non_local_host_without_a_token_is_refused() -> None:
    with pytest.raises(SystemExit, match="set RASA_AUTH_TOKEN"):
        _check_exposure(Settings.from_env({"HOST": "0.0.0.0"}))
    _check_exposure(Settings.from_env({"HOST": "0.0.0.0", "RASA_AUTH_TOKEN": TOKEN}))
    _check_exposure(Settings.from_env({}))


def test_the_token_reaches_the_rasa_server_through_its_environment_only(monkeypatch) -> None:
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    stack = Stack(Settings.from_env({"RASA_AUTH_TOKEN": TOKEN}))
    assert not any(TOKEN in part for part in stack.rasa_command("run"))
    assert "--auth-token" not in stack.rasa_command("run")
    assert stack.environment()["RASA_AUTH_TOKEN"] == TOKEN


def test_without_a_token_setting_none_is_inherited(monkeypatch) -> None:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "left-over-from-the-shell")
    stack = Stack(replace(Settings.from_env({}), auth_token=None))
    assert "RASA_AUTH_TOKEN" not in stack.environment()
