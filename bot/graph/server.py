"""The Rasa command line with this project's speed-ups in its process: `python -m bot.graph.server run ...`.

It also installs the input checks of the HTTP API and the log redaction (bot/channels/http_api.py).

scripts/serve.py starts the Rasa server this way; the arguments are `rasa`'s own.
"""

from __future__ import annotations

import sys
import warnings

import sanic  # noqa: F401 - its import shows every library's DeprecationWarning ("once")

# Third-party deprecations would flood the log of `make run`; they are not the reader's to fix.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from bot.channels import http_api  # noqa: E402 - after the filter
from bot.graph import action_response  # noqa: E402
from bot.settings import Settings  # noqa: E402


def main() -> None:
    action_response.install()
    http_api.install(Settings.from_env())
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
