"""The Rasa command line with this project's additions in its process: `python -m bot.graph.server run ...`.

scripts/serve.py starts the Rasa server this way; the arguments are `rasa`'s own. Installed first:
- speed-ups: the action-response check (action_response.py), the model load (model_loading.py) and
  TED's remembered predictions (ted_cache.py);
- "forget me" deletes a conversation once its turn is saved (forget_me.py);
- a message sent again is taken in once (resent_messages.py);
- the server answers the person itself when the action server is down or slow (action_fallback.py);
- the input checks of the HTTP API and the log redaction (bot/channels/http_api.py);
- the HTTP API token from the environment, not the command line.
"""

from __future__ import annotations

import functools
import sys
import warnings
from typing import Any

import sanic  # noqa: F401 - its import shows every library's DeprecationWarning ("once")

# Third-party deprecations would flood the log of `make run`; they are not the reader's to fix.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from bot.channels import http_api  # noqa: E402 - after the filter
from bot.graph import (  # noqa: E402
    action_fallback,
    action_response,
    forget_me,
    model_loading,
    resent_messages,
    ted_cache,
)
from bot.settings import Settings  # noqa: E402


def main() -> None:
    settings = Settings.from_env()
    action_response.install()
    model_loading.install()
    ted_cache.install()
    forget_me.install()
    resent_messages.install()
    action_fallback.install(settings.action_timeout)
    http_api.install(settings)
    _auth_token_from_environment(settings.auth_token)
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


def _auth_token_from_environment(token: str | None) -> None:
    """The HTTP API token from RASA_AUTH_TOKEN (bot/settings.py) instead of `--auth-token`: a command line
    is visible to every user of the machine (`ps`), an environment only to the process's owner."""
    import rasa.core.run

    serve_application = rasa.core.run.serve_application

    @functools.wraps(serve_application)  # Rasa passes only the keywords the signature names
    def serve_with_token(*args: Any, **kwargs: Any) -> None:
        if token and not kwargs.get("auth_token"):
            kwargs["auth_token"] = token
        serve_application(*args, **kwargs)

    rasa.core.run.serve_application = serve_with_token


if __name__ == "__main__":
    main()
