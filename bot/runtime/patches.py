"""Every change this project makes to Rasa's own code at run time, installed in one place.

Rasa 3.6 has no extension point for these, so each replaces a Rasa function or
method. They were written against one Rasa release and read its internals, so
`install()` refuses to start on any other: a silent mismatch could lose a
person's "forget me" or print message text to the log. Raising the pin
(requirements/requirements.in) means re-reading each patched function and then
RASA_VERSION; tests/unit/test_patches.py checks that both agree.

Each patch, what it replaces, and what a person would lose without it:
- action_response: `RemoteAction._validate_action_result`; nothing (speed: the schema is built once).
- model_loading: `RasaModel.load`; nothing (speed: a quicker start).
- forget_me: `MessageProcessor.handle_message` and `.save_tracker`; "forget me" would delete nothing.
- resent_messages: `MessageProcessor.handle_message`; a resent message would be taken in twice.
- action_fallback: `RemoteAction.run`, `MessageProcessor._run_action`; no reply while the action
  server is down.
- http_api and log_privacy: `rasa.server.create_app`, `ErrorResponse.__init__`,
  `validate_events_in_request_body`, `log_utils._anonymizer`; the HTTP API's input checks, and
  message text kept out of the log.
- the API token: `rasa.core.run.serve_application`; the token would have to go on the command line.

"Forget me" stays a patch rather than part of the tracker store: it must tell
the person once the deletion is done, and a tracker store has no channel to
reply on. TED's remembered predictions need no patch: they are a TED subclass
named in config.yml (bot/graph/ted_cache.py).
"""

from __future__ import annotations

import functools
from typing import Any

import rasa
import rasa.core.run

from bot.channels import http_api
from bot.graph import serving_guard
from bot.runtime import action_fallback, action_response, forget_me, model_loading, resent_messages
from bot.settings import Settings

#: The Rasa release every patch was written against (requirements/requirements.in pins it).
RASA_VERSION = "3.6.21"


class UnsupportedRasa(SystemExit):
    """Raised at start-up on a Rasa release the patches were not written for."""


def check_version(version: str = rasa.__version__) -> None:
    if version != RASA_VERSION:
        raise UnsupportedRasa(
            f"error: this assistant's changes to Rasa were written for Rasa {RASA_VERSION}, "
            f"and Rasa {version} is installed. Run `make run` (it installs the pinned packages), "
            "or re-check each patch in bot/runtime/patches.py before raising the pin."
        )


def install(settings: Settings) -> None:
    """Installs every patch, once, before Rasa builds its server."""
    if serving_guard.patched():
        return
    check_version()
    action_response.install()
    model_loading.install()
    forget_me.install()
    resent_messages.install()
    action_fallback.install(settings.action_timeout)
    http_api.install(settings)
    _auth_token_from_environment(settings.auth_token)
    serving_guard.mark_patched()


def _auth_token_from_environment(token: str | None) -> None:
    """The HTTP API token from RASA_AUTH_TOKEN (bot/settings.py) instead of `--auth-token`: a command line
    is visible to every user of the machine (`ps`), an environment only to the process's owner."""
    serve_application = rasa.core.run.serve_application

    @functools.wraps(serve_application)  # Rasa passes only the keywords the signature names
    def serve_with_token(*args: Any, **kwargs: Any) -> None:
        if token and not kwargs.get("auth_token"):
            kwargs["auth_token"] = token
        serve_application(*args, **kwargs)

    rasa.core.run.serve_application = serve_with_token
