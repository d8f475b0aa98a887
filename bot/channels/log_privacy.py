"""Message text and health data kept out of the Rasa server's log unless LOG_MESSAGES is on.

The channels never log text themselves (bot/channels/guard.py logs it only
with LOG_MESSAGES). Rasa does, in three ways, each closed here:
- its structured log events carry `text`, `user_message`, `rasa_event`,
  slot values and the like (e.g. the REST channel's failure at ERROR): the
  processor that Rasa's structlog set-up runs first (its anonymizer, a no-op
  without Rasa Pro) is replaced by one that redacts those fields;
- its DEBUG records quote messages, parse results and slots throughout: with
  LOG_MESSAGES off they are dropped, whatever the log level (`--debug`);
- its HTTP API errors log their message: bot/channels/http_api.py logs the
  status and reason instead.
"""

from __future__ import annotations

import logging
from typing import Any, Dict

import rasa.utils.log_utils
from sanic import Sanic

REDACTED = "[redacted]"
# The event fields Rasa's own anonymizer treats as personal (rasa/utils/log_utils.py).
PERSONAL_FIELDS = frozenset(
    [
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    ]
)
logger = logging.getLogger(__name__)


def redact(_logger: Any, _method: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """A structlog processor in place of Rasa's `_anonymizer`: personal fields become REDACTED."""
    for key in PERSONAL_FIELDS.intersection(event_dict):
        event_dict[key] = REDACTED
    return event_dict


class NoDebugRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


def install(log_messages: bool) -> None:
    """Before Rasa configures its logging: the redacting processor, unless LOG_MESSAGES is on."""
    if not log_messages:
        rasa.utils.log_utils._anonymizer = redact


def guard_handlers(app: Sanic, log_messages: bool) -> None:
    """Once Rasa and Sanic have set up logging: every handler drops DEBUG records (LOG_MESSAGES off)."""

    async def filter_debug_records(_app: Sanic, _loop: object) -> None:
        if log_messages:
            logger.warning("LOG_MESSAGES is on: message text and health data are written to this log")
            return
        loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        for each in loggers:
            for handler in getattr(each, "handlers", []):
                if not any(isinstance(f, NoDebugRecords) for f in handler.filters):
                    handler.addFilter(NoDebugRecords())

    app.register_listener(filter_debug_records, "before_server_start")
