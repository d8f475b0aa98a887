"""Starts the action server, the Rasa server and the chat page, waits until
they answer, and stops them cleanly on Ctrl-C, SIGINT or SIGTERM.

`python -m scripts.serve` is what `make run` calls; `--shell` talks to the
assistant in the terminal instead (scripts/console.py), with its own servers on
free ports. The test suite uses `Stack` to start the same processes on free
ports. Both servers get the stack's settings, every one, through their
environment (`Settings.to_env()`). The Rasa server starts with credentials built
from the settings (bot/channels/credentials.py): Slack and Telegram only when
configured; and with endpoints built from the settings' profile
(bot/endpoints.py), after checking that the services of the production profile
answer.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List

from bot.channels.credentials import write_runtime_credentials
from bot.endpoints import write_runtime_endpoints
from bot.services import check_services
from bot.settings import PROJECT_ROOT, RUNTIME_VARIABLES, Settings
from scripts import console
from web.server import PageServer

BIN = Path(sys.executable).parent
RUNTIME_DIR = PROJECT_ROOT / "var"


@dataclass
class Stack:
    """The action server and the Rasa server as two child process groups, and
    the chat page (when `serve_page`) in a thread of this process."""

    settings: Settings
    log_dir: Path | None = None
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    serve_page: bool = False
    page: PageServer | None = None
    credentials_file: Path | None = None
    endpoints_file: Path | None = None
    # False: the Rasa server alone, for tests of an action server that is down, slow or elsewhere.
    action_server: bool = True

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.action_port}"

    @property
    def page_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}/"

    def environment(self) -> Dict[str, str]:
        """This process's environment with its settings replaced by `settings.to_env()`, so that both
        servers rebuild these settings and a stale variable of the shell cannot reach them."""
        env = {name: value for name, value in os.environ.items() if name not in RUNTIME_VARIABLES}
        env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            RASA_TELEMETRY_ENABLED="false",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            SANIC_HOST="127.0.0.1",
        )
        # Secrets included: the HTTP API token reaches the Rasa server through its environment
        # (bot/runtime/server.py), never its command line, which every local user can read. The
        # TF_*_PARALLELISM_THREADS among them are read by Rasa itself (rasa/utils/tensorflow/environment.py).
        env.update(self.settings.to_env())
        return env

    def _spawn(self, name: str, command: List[str]) -> None:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        self.processes[name] = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=self.environment(),
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )

    def start_action_server(self) -> None:
        self._spawn(
            "actions",
            [
                str(BIN / "python"),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.settings.action_port),
                "--quiet",
            ],
        )

    def rasa_command(self, subcommand: str) -> List[str]:
        command = [
            str(BIN / "python"),
            "-m",
            "bot.runtime.server",  # `rasa` with the project's speed-ups
            subcommand,
            "--model",
            str(self.settings.model_dir),
            "--endpoints",
            str(self.endpoints_file),
            "--port",
            str(self.settings.rasa_port),
        ]
        if subcommand == "run":
            command += [
                "--credentials",
                str(self.credentials_file or PROJECT_ROOT / "credentials.yml"),
                "--enable-api",
                "--cors",
                "*",
                "--interface",
                self.settings.host,
            ]
        return command

    def start(self) -> None:
        try:
            self.launch()
            self.wait_ready()
        except BaseException:  # an error or Ctrl-C while starting: leave no server behind
            self.stop()
            raise

    def launch(self) -> None:
        """Starts the processes without waiting for them to answer."""
        check_services(self.settings)
        self.settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        if self.serve_page:
            self.start_page()
        self.credentials_file = write_runtime_credentials(
            self.settings, RUNTIME_DIR / f"credentials-{self.settings.rasa_port}.yml"
        )
        self.endpoints_file = write_runtime_endpoints(
            self.settings, RUNTIME_DIR / f"endpoints-{self.settings.rasa_port}.yml"
        )
        if self.action_server:
            self.start_action_server()
        self.start_rasa()

    def start_rasa(self) -> None:
        self._spawn("rasa", self.rasa_command("run"))

    def start_page(self) -> None:
        s = self.settings
        try:
            self.page = PageServer(s.host, s.web_port, s.rasa_port, s.web_socket_url)
        except OSError as error:
            raise RuntimeError(
                f"the chat page cannot use port {s.web_port} ({error.strerror}); set WEB_PORT to a free port"
            ) from error
        self.page.start()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout
        checks = {"actions": f"{self.action_url}/health", "rasa": f"{self.rasa_url}/"}
        pending = {name: url for name, url in checks.items() if name in self.processes}
        while pending:
            for name, url in list(pending.items()):
                code = self.processes[name].poll()
                if code is not None:
                    self.stop()
                    raise RuntimeError(f"the {name} server exited with code {code} during start-up")
                if _answers(url):
                    del pending[name]
            if pending and time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"{', '.join(pending)} did not answer within {self.settings.startup_timeout:.0f} s"
                )
            time.sleep(0.5)

    def stop(self) -> None:
        if self.page is not None:
            self.page.stop()
            self.page = None
        for runtime_file in (self.credentials_file, self.endpoints_file):
            if runtime_file is not None:
                runtime_file.unlink(missing_ok=True)
        self.credentials_file = self.endpoints_file = None
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def first_exited(self) -> str | None:
        return next((name for name, p in self.processes.items() if p.poll() is not None), None)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _check_exposure(settings: Settings) -> None:
    if not settings.is_local and not settings.auth_token:
        raise SystemExit(
            f"error: HOST={settings.host} exposes the HTTP API beyond this machine; "
            "set RASA_AUTH_TOKEN to protect it, or leave HOST unset to bind 127.0.0.1."
        )


def _print_where(stack: Stack) -> None:
    s = stack.settings
    shown_host = "127.0.0.1" if s.is_local else s.host
    base = f"http://{shown_host}:{s.rasa_port}"
    lines = [
        "",
        "The assistant is running. Talk to it:",
        f"  chat page: http://{shown_host}:{s.web_port}/",
        f"  REST:      curl -s -X POST {base}/webhooks/rest/webhook -H 'Content-Type: application/json' "
        '-d \'{"sender": "me", "message": "my feet are numb"}\'',
        f"  HTTP API:  {base}/status" + (" (needs ?token=$RASA_AUTH_TOKEN)" if s.auth_token else ""),
        "  terminal:  make shell",
    ]
    if s.slack:
        lines.append(f"  Slack:     events and interactivity URL {base}/webhooks/slack/webhook")
    if s.telegram:
        webhook = f"{base}/webhooks/telegram/webhook"
        lines.append(
            f"  Telegram:  {s.telegram.webhook_url} registered as the webhook; serve it from {webhook}"
        )
    lines += ["Press Ctrl-C to stop.", ""]
    print("\n".join(lines), flush=True)


def _serve(stack: Stack) -> int:
    stop_requested = False

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    # While starting (up to STARTUP_TIMEOUT), Ctrl-C or SIGTERM interrupts: Stack.start stops what it started.
    signal.signal(signal.SIGTERM, interrupt)
    print("==> run: starting the action server, the Rasa server and the chat page", flush=True)
    try:
        stack.start()
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("==> run: stopped while starting", file=sys.stderr)
        return 130
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    _print_where(stack)
    exited = None
    while not stop_requested and exited is None:
        time.sleep(0.5)
        exited = stack.first_exited()
    print("==> run: stopping the servers", flush=True)
    stack.stop()
    if exited is not None:
        print(f"error: the {exited} server stopped unexpectedly", file=sys.stderr)
        return 1
    return 0


def _shell(settings: Settings) -> int:
    """Own servers on free ports, so that it also works beside `make run`; their logs go to var/logs."""
    action_port = free_port()
    settings = replace(
        settings,
        rasa_port=free_port(),
        action_port=action_port,
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        host="127.0.0.1",
        slack=None,
        telegram=None,
    )
    stack = Stack(settings, log_dir=RUNTIME_DIR / "logs")
    print("==> shell: starting the assistant (about half a minute)", flush=True)
    try:
        stack.start()
        return console.run(stack.rasa_url)
    except RuntimeError as error:
        print(f"error: {error} (see {stack.log_dir})", file=sys.stderr)
        return 1
    finally:
        stack.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="talk in the terminal instead of serving")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.shell:
        return _shell(settings)
    _check_exposure(settings)
    return _serve(Stack(settings, serve_page=True))


if __name__ == "__main__":
    sys.exit(main())
