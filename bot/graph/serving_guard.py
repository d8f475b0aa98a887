"""Refuses to serve the model with plain `rasa run`, `rasa shell` or `rasa interactive`.

Those commands would serve it without the patches of bot/runtime/patches.py:
"forget me" would delete nothing, message text could reach the log, the HTTP
API would take any input, and a person would get no reply while the action
server is down. `make run` (bot/runtime/server.py) installs them first, and
the registry then calls `mark_patched()`; the flag lives here so that this
training input imports nothing of the runtime.
Training, `rasa test` and loading the model in a test serve nobody, and are
left alone; so is `rasa run actions`, the action server.
"""

from __future__ import annotations

import sys
from typing import Callable, Sequence

SERVING_COMMANDS = frozenset({"run", "shell", "interactive"})
REFUSAL = (
    "error: plain `rasa {command}` would serve this assistant without its safety patches "
    "(forget me, log redaction, input checks, the reply when the action server is down). "
    "Start it with `make run` (or `make shell`), or `python -m bot.runtime.server {command} ...`."
)


class UnpatchedServing(SystemExit):
    """The model was asked to serve people from a process without the project's patches."""


_patched = False


def mark_patched() -> None:
    global _patched
    _patched = True


def patched() -> bool:
    return _patched


def refuse_unpatched_serving(
    argv: Sequence[str] | None = None, installed: Callable[[], bool] = patched
) -> None:
    args = list(sys.argv if argv is None else argv)
    command = args[1] if len(args) > 1 else ""
    if command in SERVING_COMMANDS and args[2:3] != ["actions"] and not installed():
        raise UnpatchedServing(REFUSAL.format(command=command))
