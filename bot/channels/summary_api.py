"""The summary's HTTP routes on the Rasa server.

- `GET /conversations/<id>/summary.html|.pdf|.fhir.json`: for operators, with
  the HTTP API's token like the rest of the API.
- `GET /summaries/<id>/summary.html|.pdf|.fhir.json?expires=…&signature=…`: the
  person's links (bot/summary/links.py), without the token.

A conversation that does not exist (or was deleted) is 404; a link that is
forged, altered, expired or another conversation's is 403; a PDF that cannot
be made is 503 (the HTML still works). Every error is Rasa's JSON error shape,
and no summary is logged or kept.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Awaitable, Callable
from urllib.parse import unquote

import rasa.server
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.http_errors import json_error
from bot.channels.payloads import SUMMARY_FILE_NAME
from bot.settings import Settings
from bot.summary import service
from bot.summary.html import PAGE_POLICY
from bot.summary.links import FORMATS, PERSON_PATH, SummaryLinks, summary_links
from bot.summary.pdf import SummaryPdfError

logger = logging.getLogger(__name__)

Answer = Callable[[str, str, bool], Awaitable[HTTPResponse]]


def add_routes(app: Sanic, settings: Settings) -> None:
    summaries = service.install(lambda: app.ctx.agent)
    links = summary_links(settings)

    async def answer(conversation_id: str, kind: str, person: bool) -> HTTPResponse:
        try:
            shown_links = links.payload(conversation_id) if person and kind == "html" else None
            document = await summaries.document(conversation_id, kind, shown_links)
        except service.NoConversation:
            return json_error(HTTPStatus.NOT_FOUND, "no conversation has this id")
        except SummaryPdfError as error:
            logger.error("a summary PDF could not be made: %s", error)
            return json_error(
                HTTPStatus.SERVICE_UNAVAILABLE, "the PDF could not be made just now; the HTML summary works"
            )
        headers = {
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        if kind == "html":
            headers["Content-Security-Policy"] = PAGE_POLICY
        if kind == "pdf":
            headers["Content-Disposition"] = f'attachment; filename="{SUMMARY_FILE_NAME}"'
        return response.raw(document.body, content_type=document.content_type, headers=headers)

    for kind, file_name in FORMATS.items():
        _route(app, settings, kind, file_name, answer, links)


def _route(
    app: Sanic, settings: Settings, kind: str, file_name: str, answer: Answer, links: SummaryLinks
) -> None:
    @rasa.server.requires_auth(app, settings.auth_token)
    async def operator_summary(request: Request, conversation_id: str) -> HTTPResponse:
        return await answer(conversation_id, kind, False)

    async def person_summary(request: Request, conversation_id: str) -> HTTPResponse:
        conversation_id = unquote(conversation_id)  # the link quotes it whole ("socketio%3A…")
        expires = request.args.get("expires") or ""
        signature = request.args.get("signature") or ""
        if not links.valid(conversation_id, expires, signature):
            return json_error(HTTPStatus.FORBIDDEN, "this summary link is not valid, or has expired")
        return await answer(conversation_id, kind, True)

    app.add_route(
        operator_summary,
        f"/conversations/<conversation_id:path>/{file_name}",
        ["GET"],
        name=f"summary_{kind}",
    )
    app.add_route(
        person_summary,
        f"{PERSON_PATH}/<conversation_id:path>/{file_name}",
        ["GET"],
        name=f"person_summary_{kind}",
    )
