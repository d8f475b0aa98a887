"""The import contract of the domain core (pyproject.toml, checked by `make lint`) names every module
of the core: a new module of `bot/` is either one of the Rasa-facing packages or held to the contract."""

from __future__ import annotations

from pathlib import Path

import tomli

from bot.settings import PROJECT_ROOT

RASA_FACING = {"bot.graph", "bot.runtime", "bot.channels"}


def _contracts() -> list:
    config = tomli.loads((Path(PROJECT_ROOT) / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def test_the_core_contract_names_every_module_of_the_core() -> None:
    bot = Path(PROJECT_ROOT) / "bot"
    modules = {f"bot.{p.stem}" for p in bot.glob("*.py") if p.stem != "__init__"}
    packages = {f"bot.{p.parent.name}" for p in bot.glob("*/__init__.py")}
    core = _contracts()[0]
    assert "rasa" in core["forbidden_modules"] and "rasa_sdk" in core["forbidden_modules"]
    assert set(core["source_modules"]) == (modules | packages) - RASA_FACING


def test_the_rasa_facing_packages_are_held_apart() -> None:
    forbidden = {
        contract["source_modules"][0]: set(contract["forbidden_modules"]) for contract in _contracts()[1:]
    }
    assert {"actions", "bot.runtime"} <= forbidden["bot.graph"]
    assert RASA_FACING | {"rasa"} <= forbidden["actions"]
