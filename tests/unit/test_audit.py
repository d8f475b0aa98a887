"""`make audit` (scripts/audit.py): accepted findings come from the README, npm's report is read
per advisory, and an advisory service that does not answer is named instead of passing."""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scripts import audit

ADVISORIES = "https://github.com/advisories"
README = """# Project

## Accepted audit findings

Why each is accepted.

| advisory | package | reason |
|---|---|---|
| `PYSEC-2024-1` | tensorflow | only reached when loading untrusted models |
| `GHSA-abcd-efgh-ijkl` | braces | build-time only |
| not an id | x | y |

## Another section

| `PYSEC-1999-9` | elsewhere | not in the section |
"""


def test_accepted_ids_are_the_backticked_first_cells_of_that_section_only() -> None:
    assert audit.accepted_ids(README) == {"PYSEC-2024-1", "GHSA-abcd-efgh-ijkl"}
    assert audit.accepted_ids("# no such section") == set()


def test_npm_findings_list_each_unaccepted_advisory_once() -> None:
    braces = {"source": 1, "name": "braces", "url": f"{ADVISORIES}/GHSA-abcd-efgh-ijkl", "title": "t"}
    micromatch = {"name": "micromatch", "url": f"{ADVISORIES}/GHSA-zzzz-yyyy-xxxx", "title": "ReDoS"}
    report = {
        "vulnerabilities": {
            "braces": {"via": [{**braces, "range": "<3"}]},
            "micromatch": {"via": ["braces", {**micromatch, "source": 2, "range": "<4.0.8"}]},
            "anymatch": {"via": ["micromatch"]},
        }
    }
    assert audit.npm_findings(report, {"GHSA-abcd-efgh-ijkl"}) == [
        "npm: micromatch <4.0.8: GHSA-zzzz-yyyy-xxxx (ReDoS)"
    ]
    assert audit.npm_findings({"vulnerabilities": {}}, set()) == []


def test_an_advisory_service_that_does_not_answer_is_named(monkeypatch) -> None:
    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Silent."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/pypi/{{name}}/{{version}}/json"
    monkeypatch.setattr(audit, "PYPI_ADVISORIES", url)
    try:
        reason = audit.pypi_unreachable("rasa", "3.6.21")
        problems = audit.audit_python(set())
    finally:
        server.shutdown()
        server.server_close()
    assert reason is not None and reason.endswith("/pypi/rasa/3.6.21/json answered HTTP 404 Not Found")
    assert len(problems) == 1
    assert problems[0].startswith(
        "PyPI's advisory service could not be reached, so no Python package was audited"
    )
