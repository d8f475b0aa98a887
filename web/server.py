"""Serves the chat page: a few static files, the widget from node_modules, and
a small config script telling the page where the Rasa socket.io channel is.

The page's words come from the text catalogue (bot/texts/<language>/page.yml):
index.html names them as `{{page.<name>}}` fields, filled in here HTML-escaped,
and app.js reads them, with the triage labels, from /config.js
(`window.ASSISTANT_TEXTS`, the `page` and `triage` topics whole).

Only the files listed in ROUTES are served (no directory listing, no path
from the request ever reaches the file system), with headers that keep the
page from loading anything but its own scripts and from talking to anything
but the assistant.
"""

from __future__ import annotations

import html
import json
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bot.texts import Catalogue, catalogue
from bot.warning_signs import banner

WEB_ROOT = Path(__file__).resolve().parent
PUBLIC = WEB_ROOT / "public"
MODULES = WEB_ROOT / "node_modules"

ROUTES = {
    "/": (PUBLIC / "index.html", "text/html; charset=utf-8"),
    "/app.js": (PUBLIC / "app.js", "text/javascript; charset=utf-8"),
    "/styles.css": (PUBLIC / "styles.css", "text/css; charset=utf-8"),
    "/vendor/react.js": (MODULES / "react" / "umd" / "react.production.min.js", "text/javascript"),
    "/vendor/react-dom.js": (
        MODULES / "react-dom" / "umd" / "react-dom.production.min.js",
        "text/javascript",
    ),
    # The UMD build that takes React from the page instead of bundling its own,
    # so that the page's cards and the widget share one React.
    "/vendor/rasa-webchat.js": (MODULES / "rasa-webchat" / "module" / "index.js", "text/javascript"),
}
CONFIG_ROUTE = "/config.js"
#: index.html's fields: `{{page.<name>}}`, a text of the catalogue's `page` topic; `{{emergency_banner}}`,
#: the warning signs from the red flags' records (bot/warning_signs.py); `{{language}}`, the page's language.
FIELD = re.compile(r"\{\{([a-z_]+(?:\.[a-z0-9_]+)?)\}\}")
PAGE_TOPIC = "page"
#: The catalogue's topics app.js reads, whole: the page's own words and the triage levels' labels.
SCRIPT_TOPICS = (PAGE_TOPIC, "triage")


def index_page(texts: Catalogue | None = None) -> bytes:
    """index.html with its fields filled in, each HTML-escaped (for a text and for an attribute alike)."""
    texts = texts or catalogue()
    own = {"emergency_banner": banner, "language": lambda: texts.language}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in own:
            value = own[name]()
        elif name.startswith(f"{PAGE_TOPIC}."):
            value = texts.text(name)  # a TextError when the catalogue lacks it or it takes fields
        else:
            raise ValueError(f"index.html names an unknown field {{{{{name}}}}}")
        return html.escape(value, quote=True)

    return FIELD.sub(fill, (PUBLIC / "index.html").read_text(encoding="utf-8")).encode("utf-8")


def script_json(value: object) -> str:
    """JSON that stays data inside a <script> element too: no `<`, `>` or `&` (so no `</script>` or
    `<!--`), and nothing but ASCII (so no line separator either)."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def config_script(socket_url: str, texts: Catalogue | None = None) -> bytes:
    """/config.js: where the Rasa socket.io channel is, and the words app.js shows and announces."""
    texts = texts or catalogue()
    served = {topic: texts.topic(topic) for topic in SCRIPT_TOPICS}
    return (
        f"window.ASSISTANT_CONFIG = {script_json({'socketUrl': socket_url})};\n"
        f"window.ASSISTANT_TEXTS = {script_json(served)};\n"
    ).encode()


def missing_files() -> list[Path]:
    return [path for path, _ in ROUTES.values() if not path.is_file()]


def socket_url_for(host_header: str, rasa_port: int) -> str:
    """The Rasa server on the host name the browser used to reach this page."""
    hostname = urlsplit(f"//{host_header}").hostname or "127.0.0.1"
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return f"http://{hostname}:{rasa_port}"


def content_security_policy(socket_url: str) -> str:
    parts = urlsplit(socket_url)
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            # React sets style attributes and the widget injects its own <style> tags.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src {parts.scheme}://{parts.netloc} {websocket}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


class PageServer:
    """The page server, run in a background thread of the process that starts the assistant."""

    def __init__(self, host: str, port: int, rasa_port: int, socket_url: str | None = None) -> None:
        missing = missing_files()
        if missing:
            raise RuntimeError(f"the chat page is not installed ({missing[0]} is missing): run `make setup`")
        handler = type("Handler", (_Handler,), {"rasa_port": rasa_port, "fixed_socket_url": socket_url})
        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self.httpd = server_class((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="chat-page", daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    rasa_port: int
    fixed_socket_url: str | None
    server_version = "chat-page"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        socket_url = self.fixed_socket_url or socket_url_for(self.headers.get("Host", ""), self.rasa_port)
        if path == CONFIG_ROUTE:
            body, content_type = config_script(socket_url), "text/javascript"
        elif path == "/":
            body, content_type = index_page(), ROUTES[path][1]
        elif path in ROUTES:
            file, content_type = ROUTES[path]
            body = file.read_bytes()
        else:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Security-Policy", content_security_policy(socket_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        """Quiet: the page's requests are not worth a line each on the console."""
