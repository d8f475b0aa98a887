"""The Rasa command line with this project's speed-ups in its process: `python -m bot.graph.server run ...`.

scripts/serve.py starts the Rasa server this way; the arguments are `rasa`'s own.
"""

from __future__ import annotations

import sys
import warnings

import sanic  # noqa: F401 - its import shows every library's DeprecationWarning ("once")

# Third-party deprecations would flood the log of `make run`; they are not the reader's to fix.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from bot.graph import action_response, model_loading  # noqa: E402 - after the filter


def main() -> None:
    action_response.install()
    model_loading.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
