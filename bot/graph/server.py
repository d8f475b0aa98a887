"""The Rasa command line with this project's speed-ups in its process: `python -m bot.graph.server run ...`.

scripts/serve.py starts the Rasa server this way; the arguments are `rasa`'s own.
"""

from __future__ import annotations

import sys

from bot.graph import action_response


def main() -> None:
    action_response.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
