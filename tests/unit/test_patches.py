"""The patches to Rasa install only on the Rasa release they were written for, and the model
refuses to be served by plain `rasa run` or `rasa shell`, which would serve it without them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rasa

from bot.graph.serving_guard import UnpatchedServing, refuse_unpatched_serving
from bot.runtime import patches
from bot.settings import PROJECT_ROOT


def test_the_patches_are_written_for_the_pinned_rasa() -> None:
    pins = (Path(PROJECT_ROOT) / "requirements" / "requirements.in").read_text()
    pinned = re.search(r"^rasa(?:\[[^\]]*\])?==(\S+)", pins, re.MULTILINE)
    assert pinned is not None
    assert patches.RASA_VERSION == pinned.group(1) == rasa.__version__


def test_another_rasa_release_is_refused_with_a_clear_message() -> None:
    with pytest.raises(SystemExit) as refused:
        patches.check_version("3.7.0")
    message = str(refused.value)
    assert "3.7.0" in message and patches.RASA_VERSION in message and "make run" in message


@pytest.mark.parametrize("command", ["run", "shell", "interactive"])
def test_plain_rasa_serving_commands_are_refused(command: str) -> None:
    with pytest.raises(UnpatchedServing, match="make run"):
        refuse_unpatched_serving(["rasa", command, "--model", "models"], installed=lambda: False)


@pytest.mark.parametrize(
    "argv",
    [
        ["rasa", "run", "--model", "models"],  # the launcher, with the patches installed
        ["rasa", "shell"],
    ],
)
def test_the_launcher_serves(argv: list) -> None:
    refuse_unpatched_serving(argv, installed=lambda: True)


@pytest.mark.parametrize(
    "argv",
    [
        ["rasa", "train"],
        ["rasa", "test", "core"],
        ["rasa", "run", "actions"],  # the action server loads no model
        ["pytest", "tests/nlu"],
    ],
)
def test_commands_that_serve_nobody_load_the_model(argv: list) -> None:
    refuse_unpatched_serving(argv, installed=lambda: False)
