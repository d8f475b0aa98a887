"""The Rasa command line with this project's patches in its process: `python -m bot.runtime.server run ...`.

scripts/serve.py (and scripts/replica.py in a container) starts the Rasa server
this way; the arguments are `rasa`'s own. bot/runtime/patches.py lists what is
installed first and why. Plain `rasa run` or `rasa shell` would serve without
them, so the model refuses to be served that way (bot/graph/serving_guard.py).
"""

from __future__ import annotations

import sys
import warnings

import sanic  # noqa: F401 - its import shows every library's DeprecationWarning ("once")

# Third-party deprecations would flood the log of `make run`; they are not the reader's to fix.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from bot.runtime import patches  # noqa: E402 - after the filter
from bot.settings import Settings  # noqa: E402


def main() -> None:
    patches.install(Settings.from_env())
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
