"""The Rasa command line with this project's speed-ups in its process: `python -m bot.graph.server run ...`.

scripts/serve.py starts the Rasa server this way; the arguments are `rasa`'s own.
Besides the speed-ups, the process answers the person itself when the action
server is down or slow (bot/graph/action_fallback.py).
"""

from __future__ import annotations

import functools
import sys
import warnings
from typing import Any

import sanic  # noqa: F401 - its import shows every library's DeprecationWarning ("once")

# Third-party deprecations would flood the log of `make run`; they are not the reader's to fix.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from bot.graph import action_fallback, action_response, forget_me, model_loading  # noqa: E402 - after the filter
from bot.settings import Settings  # noqa: E402


def main() -> None:
    action_response.install()
    model_loading.install()
    forget_me.install()
    _auth_token_from_environment()
    action_fallback.install(Settings.from_env().action_timeout)
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


def _auth_token_from_environment() -> None:
    """The HTTP API token from RASA_AUTH_TOKEN (bot/settings.py) instead of `--auth-token`: a command line
    is visible to every user of the machine (`ps`), an environment only to the process's owner."""
    import rasa.core.run

    serve_application = rasa.core.run.serve_application
    token = Settings.from_env().auth_token

    @functools.wraps(serve_application)  # Rasa passes only the keywords the signature names
    def serve_with_token(*args: Any, **kwargs: Any) -> None:
        if token and not kwargs.get("auth_token"):
            kwargs["auth_token"] = token
        serve_application(*args, **kwargs)

    rasa.core.run.serve_application = serve_with_token


if __name__ == "__main__":
    main()
