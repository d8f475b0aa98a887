"""One Rasa server in the foreground: the command of a container (deploy/).

Checks the profile's services (one line naming a missing one, exit 1), writes
the endpoints and credentials built from the environment into var/, and
becomes `rasa run` with the same arguments `make run` uses, so that the
orchestrator's signals reach Rasa itself. The action servers need no wrapper:
`python -m rasa_sdk --actions actions`.
"""

from __future__ import annotations

import os
import sys

from bot.channels.credentials import write_runtime_credentials
from bot.endpoints import write_runtime_endpoints
from bot.services import ServiceUnavailable, check_services
from bot.settings import Settings
from scripts.serve import RUNTIME_DIR, Stack, _check_exposure


def main() -> int:
    settings = Settings.from_env()
    _check_exposure(settings)
    try:
        check_services(settings)
    except ServiceUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    stack = Stack(settings)
    stack.credentials_file = write_runtime_credentials(settings, RUNTIME_DIR / "credentials.yml")
    stack.endpoints_file = write_runtime_endpoints(settings, RUNTIME_DIR / "endpoints.yml")
    command = stack.rasa_command("run")
    os.execve(command[0], command, stack.environment())


if __name__ == "__main__":
    sys.exit(main())
