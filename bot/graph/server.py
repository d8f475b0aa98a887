"""The Rasa command line with this project's speed-ups in its process: `python -m bot.graph.server run ...`.

scripts/serve.py starts the Rasa server this way; the arguments are `rasa`'s own.
Besides the speed-ups, the process answers the person itself when the action
server is down or slow (bot/graph/action_fallback.py).
"""

from __future__ import annotations

import sys
import warnings

import sanic  # noqa: F401 - its import shows every library's DeprecationWarning ("once")

# Third-party deprecations would flood the log of `make run`; they are not the reader's to fix.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from bot.graph import action_fallback, action_response  # noqa: E402 - after the filter
from bot.settings import Settings  # noqa: E402


def main() -> None:
    action_response.install()
    action_fallback.install(Settings.from_env().action_timeout)
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
