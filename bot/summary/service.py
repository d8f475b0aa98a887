"""Summaries made on demand in the Rasa server, from the tracker store.

Used by the HTTP routes (bot/channels/summary_api.py) and by the channels that
send the PDF itself (Slack, Telegram). Nothing is kept: every call reads the
conversation, builds the summary and renders the format asked for. The PDF is
rendered in a worker thread, so that the server goes on answering messages.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from bot.knowledge import load_knowledge_base
from bot.settings import PROJECT_ROOT, Settings
from bot.summary.content import Provenance, Summary, build_summary
from bot.summary.fhir import fhir_bundle
from bot.summary.html import render_html
from bot.summary.pdf import SummaryPdfError, render_pdf

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "fhir": "application/fhir+json",
}
logger = logging.getLogger(__name__)
_PDF_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="summary-pdf")


class NoConversation(LookupError):
    """No conversation has this id (never held, or deleted)."""


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str


@functools.lru_cache(maxsize=1)
def code_revision() -> str:
    """ASSISTANT_REVISION (set when an image is built), else the git commit of this checkout."""
    given = Settings.from_env().revision
    if given:
        return given
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


class SummaryService:
    """`agent()` gives the running Rasa agent (its tracker store and model id)."""

    def __init__(self, agent: Callable[[], Any]) -> None:
        self._agent = agent

    async def summary(self, conversation_id: str) -> Summary:
        agent = self._agent()
        tracker = await agent.tracker_store.retrieve(conversation_id)
        if tracker is None:
            raise NoConversation(conversation_id)
        events = [event.as_dict() for event in tracker.events]
        provenance = Provenance(
            made_at=datetime.now(timezone.utc),
            model_id=str(getattr(agent, "model_id", None) or "unknown"),
            revision=code_revision(),
        )
        return build_summary(events, tracker.current_slot_values(), load_knowledge_base(), provenance)

    async def document(
        self, conversation_id: str, kind: str, links: Mapping[str, str] | None = None
    ) -> Document:
        """The summary as `kind` (html, pdf, fhir). Raises NoConversation, or SummaryPdfError for a PDF."""
        summary = await self.summary(conversation_id)
        if kind == "fhir":
            body = json.dumps(fhir_bundle(summary, conversation_id), ensure_ascii=False).encode()
        elif kind == "pdf":
            html = render_html(summary)
            body = await asyncio.get_running_loop().run_in_executor(_PDF_WORKER, render_pdf, html)
        else:
            body = render_html(summary, links).encode()
        return Document(body, CONTENT_TYPES[kind])


_service: SummaryService | None = None


def install(agent: Callable[[], Any]) -> SummaryService:
    """Makes the service of this server's agent the one channels reach through `running()`."""
    global _service
    _service = SummaryService(agent)
    return _service


def running() -> SummaryService | None:
    return _service


async def summary_pdf(conversation_id: str) -> bytes | None:
    """The PDF for a channel that sends the file itself (Slack, Telegram); None when this server has
    no summary service or the PDF cannot be made (the person still has the links)."""
    summaries = running()
    if summaries is None:
        return None
    try:
        return (await summaries.document(conversation_id, "pdf")).body
    except (NoConversation, SummaryPdfError) as error:
        logger.error("the summary PDF was not sent: %s", type(error).__name__)
        return None
