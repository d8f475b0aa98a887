"""Bad input to the Rasa server answered with 400 and a JSON error, never a 500 page.

`install()` (called by the launcher, bot/runtime/server.py, before Rasa builds
its app) wraps `rasa.server.create_app` so that the app:
- refuses a body larger than MAX_REQUEST_BYTES with 413 (Sanic's limit);
- checks the body of each HTTP API route that takes one before Rasa's
  handler runs (JSON object or list as the route needs, field types, known
  action names, events that deserialise and apply to a tracker, message text
  through the guard), answering 400 (or 404 for an unknown action) with a
  JSON error, where Rasa would fail inside its handler and answer 500;
- answers every other exception with a JSON error: a Sanic error keeps its
  status; anything else is a genuine fault: its type (never its text, which
  can quote a message) is logged, and the answer is a 500 JSON error with no
  traceback.
Rasa's own `ErrorResponse` logs its whole message (which can quote the
request); here it logs the status and reason only. Events bodies are checked
against Rasa's schema with a validator built once (`jsonschema.validate`
re-checks the large schema on every call, about 20 ms). It also adds the
summary's routes (bot/channels/summary_api.py).
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
from http import HTTPStatus
from typing import Any, Callable, Dict, List, Tuple

import jsonschema
import rasa
import rasa.server
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.schemas.events import EVENTS_SCHEMA
from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import log_privacy, summary_api
from bot.channels.guard import check_message, clean
from bot.channels.http_errors import json_error, read_json
from bot.channels.outages import STORE_ERRORS
from bot.settings import Settings

logger = logging.getLogger(__name__)

MAX_CONVERSATION_ID_CHARS = 255  # the tracker stores' sender_id column
MAX_NAME_CHARS = 255  # their intent_name and action_name columns
# Built once: `jsonschema.validate` checks the (large) schema itself on every call.
EVENTS_VALIDATOR = validator_for(EVENTS_SCHEMA)(EVENTS_SCHEMA)
WEBSOCKET_FRAME_ALLOWANCE = 4096


class BadInput(Exception):
    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


Check = Callable[[Request, Any, Settings], None]


def install(settings: Settings) -> None:
    log_privacy.install(settings.log_messages)
    create_app = rasa.server.create_app

    def hardened_create_app(*args: Any, **kwargs: Any) -> Sanic:
        app = create_app(*args, **kwargs)
        harden(app, settings)
        return app

    rasa.server.create_app = hardened_create_app
    rasa.server.ErrorResponse.__init__ = _quiet_error_response_init
    rasa.server.validate_events_in_request_body = _validate_events_in_request_body


def _validate_events_in_request_body(request: Request) -> None:
    """Rasa's check of an events body, with the validator built once (the same schema and error)."""
    events = request.json if isinstance(request.json, list) else [request.json]
    error = best_match(EVENTS_VALIDATOR.iter_errors(events))
    if error is not None:
        raise rasa.server.ErrorResponse(
            HTTPStatus.BAD_REQUEST,
            "BadRequest",
            f"Failed to validate the events format. Error: {error.message}",
        )


def harden(app: Sanic, settings: Settings) -> None:
    app.config.REQUEST_MAX_SIZE = settings.max_request_bytes
    app.config.WEBSOCKET_MAX_SIZE = settings.max_request_bytes + WEBSOCKET_FRAME_ALLOWANCE
    log_privacy.guard_handlers(app, settings.log_messages)
    summary_api.add_routes(app, settings)

    @app.middleware("request")
    async def check_body(request: Request) -> HTTPResponse | None:
        try:
            check_request(request, settings)
        except BadInput as bad:
            return json_error(bad.status, bad.message)
        return None

    @app.exception(Exception)
    async def answer_error(request: Request, error: Exception) -> HTTPResponse:
        if isinstance(error, SanicException):
            status = getattr(error, "status_code", HTTPStatus.INTERNAL_SERVER_ERROR)
            return json_error(status, _sanic_message(error, status))
        logger.error("%s %s failed: %s", request.method, request.path, type(error).__name__)
        if isinstance(error, STORE_ERRORS):  # PostgreSQL or Redis is down or restarting: ask again soon
            unavailable = json_error(HTTPStatus.SERVICE_UNAVAILABLE, "the records cannot be reached just now")
            unavailable.headers["Retry-After"] = "5"
            return unavailable
        return json_error(HTTPStatus.INTERNAL_SERVER_ERROR, "the server could not handle this request")


def check_request(request: Request, settings: Settings) -> None:
    """Raises BadInput when the request cannot be right for its route."""
    path = request.path
    conversation = (getattr(request, "match_info", None) or {}).get("conversation_id")
    if isinstance(conversation, str) and path.startswith(("/conversations/", "/summaries/")):
        _check_conversation_id(conversation)
    for method, pattern, check in ROUTES:
        if request.method == method and pattern.fullmatch(path):
            body, problem = read_json(request)
            if problem is not None:
                raise BadInput(problem)
            check(request, body, settings)
            return


def _check_conversation_id(conversation: str) -> None:
    if len(conversation) > MAX_CONVERSATION_ID_CHARS:
        raise BadInput(f"a conversation id has at most {MAX_CONVERSATION_ID_CHARS} characters")
    if clean(conversation) != conversation or not conversation.strip():
        raise BadInput("a conversation id must not be blank or contain control characters")


def _object(body: Any) -> Dict[str, Any]:
    if not isinstance(body, dict):
        raise BadInput("the request body must be a JSON object")
    return body


def _text(request: Request, body: Dict[str, Any], settings: Settings) -> None:
    """`text` through the guard; the cleaned text replaces it for Rasa's handler."""
    checked = check_message(body.get("text"), settings.max_message_chars)
    if not checked.accepted:
        problem = {
            "not_text": "`text` must be a string",
            "empty": "`text` must not be empty",
        }.get(checked.reason or "", f"`text` is longer than {settings.max_message_chars} characters")
        raise BadInput(problem)
    # Sanic declares `parsed_json` as None until it parses the body; Rasa's handler reads it from here.
    request.parsed_json = {**body, "text": checked.text}  # type: ignore[assignment]


def check_parse(request: Request, body: Any, settings: Settings) -> None:
    body = _object(body)
    if body.get("message_id") is not None and not isinstance(body["message_id"], str):
        raise BadInput("`message_id` must be a string")
    _text(request, body, settings)


def check_messages(request: Request, body: Any, settings: Settings) -> None:
    body = _object(body)
    if body.get("sender") != "user":
        raise BadInput('`sender` must be "user": only user messages can be added')
    _text(request, body, settings)
    parse_data = body.get("parse_data")
    if parse_data is not None:
        _check_parse_data(parse_data, _domain(request))


def _check_parse_data(parse_data: Any, domain: Domain) -> None:
    if not isinstance(parse_data, dict):
        raise BadInput("`parse_data` must be a JSON object")
    intent, entities = parse_data.get("intent"), parse_data.get("entities", [])
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        raise BadInput("`parse_data.intent` must be an object with a `name`")
    if not isinstance(entities, list) or not all(_is_entity(e) for e in entities):
        raise BadInput("`parse_data.entities` must be a list of objects with `entity` and `value`")
    _apply([UserUttered(parse_data.get("text"), intent, entities, parse_data)], domain, "parse_data")


def _is_entity(entity: Any) -> bool:
    return isinstance(entity, dict) and isinstance(entity.get("entity"), str) and "value" in entity


def check_append_events(request: Request, body: Any, settings: Settings) -> None:
    _check_events(body if isinstance(body, list) else [body], _domain(request))


def check_event_list(request: Request, body: Any, settings: Settings) -> None:
    if not isinstance(body, list):
        raise BadInput("the request body must be a JSON list of events")
    _check_events(body, _domain(request))


def _check_events(events: List[Any], domain: Domain) -> None:
    if not events:
        raise BadInput("the request body holds no events")
    error = best_match(EVENTS_VALIDATOR.iter_errors(events))
    if error is not None:
        raise BadInput(f"the events do not have the documented format ({error.validator} at {_where(error)})")
    parsed = []
    for index, event in enumerate(events):
        try:
            parsed.append(Event.from_parameters(event))
        except Exception:
            parsed.append(None)
        if parsed[-1] is None:
            raise BadInput(f"event {index} ({event.get('event')!r}) is not a valid Rasa event")
    _apply(parsed, domain, "the events")


def _apply(events: List[Event], domain: Domain, what: str) -> None:
    """Applies the events to a scratch tracker, as Rasa's handler will, and checks that the tracker
    store can keep them: any failure is the input's."""
    try:
        tracker = DialogueStateTracker("validation", domain.slots)
        for event in events:
            tracker.update(event, domain)
        json.dumps(tracker.current_state(EventVerbosity.ALL))
        problem = next(filter(None, (_unstorable(event.as_dict()) for event in events)), None)
    except Exception as error:
        raise BadInput(f"{what} cannot be applied to a conversation ({type(error).__name__})") from None
    if problem:
        raise BadInput(f"{what} cannot be stored: {problem}")


def _unstorable(data: Dict[str, Any]) -> str | None:
    """What the SQL tracker store could not write: its `intent_name`, `action_name`, `timestamp` columns."""
    parse_data = data.get("parse_data") or {}
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    names = {
        "name": data.get("name"),
        "intent name": intent.get("name") if isinstance(intent, dict) else None,
    }
    if not isinstance(parse_data, dict) or (intent is not None and not isinstance(intent, dict)):
        return "`parse_data.intent` must be an object"
    for field, value in names.items():
        if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME_CHARS):
            return f"`{field}` must be a string of at most {MAX_NAME_CHARS} characters"
    timestamp = data.get("timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)) or not math.isfinite(timestamp):
        return "`timestamp` must be a number"
    return None


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "the top level"


def check_execute(request: Request, body: Any, settings: Settings) -> None:
    body = _object(body)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise BadInput("`name` must name an action")
    if name not in _domain(request).action_names_or_texts:
        raise BadInput(f"there is no action {name[:100]!r} in the domain", HTTPStatus.NOT_FOUND)
    if body.get("policy") is not None and not isinstance(body["policy"], str):
        raise BadInput("`policy` must be a string")
    confidence = body.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))):
        raise BadInput("`confidence` must be a number")


def check_trigger_intent(request: Request, body: Any, settings: Settings) -> None:
    body = _object(body)
    if not isinstance(body.get("name"), str) or not body["name"]:
        raise BadInput("`name` must name an intent")
    entities = body.get("entities")
    if entities is None or isinstance(entities, dict):
        return
    if not isinstance(entities, list) or not all(_is_entity(e) for e in entities):
        raise BadInput("`entities` must be an object or a list of objects with `entity` and `value`")


def check_load_model(request: Request, body: Any, settings: Settings) -> None:
    body = _object(body)
    for key, kind in (("model_file", str), ("model_server", dict), ("remote_storage", str)):
        if body.get(key) is not None and not isinstance(body[key], kind):
            raise BadInput(f"`{key}` must be a {'string' if kind is str else 'JSON object'}")


def _domain(request: Request) -> Domain:
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.domain is None:
        raise BadInput("no model is loaded", HTTPStatus.CONFLICT)
    return agent.domain


CONVERSATION = r"/conversations/.+"
ROUTES: List[Tuple[str, re.Pattern, Check]] = [
    ("POST", re.compile(r"/model/parse"), check_parse),
    ("POST", re.compile(rf"{CONVERSATION}/messages"), check_messages),
    ("POST", re.compile(rf"{CONVERSATION}/tracker/events"), check_append_events),
    ("PUT", re.compile(rf"{CONVERSATION}/tracker/events"), check_event_list),
    ("POST", re.compile(r"/model/predict"), check_event_list),
    ("POST", re.compile(rf"{CONVERSATION}/execute"), check_execute),
    ("POST", re.compile(rf"{CONVERSATION}/trigger_intent"), check_trigger_intent),
    ("PUT", re.compile(r"/model"), check_load_model),
]


def _sanic_message(error: SanicException, status: int) -> str:
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return "the request body is too large"
    if status == HTTPStatus.NOT_FOUND:
        return "no such route"
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return "this route does not take that method"
    return HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "request refused"


def _quiet_error_response_init(
    self: Any, status: Any, reason: str, message: str, details: Any = None, help_url: str | None = None
) -> None:
    """Rasa's ErrorResponse.__init__ (the same `error_info`) without its `logger.error(message)`:
    the message can quote the request. The status, reason and the cause's type are logged instead."""
    self.error_info = {
        "version": rasa.__version__,
        "status": "failure",
        "message": message,
        "reason": reason,
        "details": details or {},
        "help": help_url,
        "code": status,
    }
    self.status = status
    Exception.__init__(self)
    cause = sys.exc_info()[1]
    logging.getLogger(rasa.server.__name__).log(
        logging.ERROR if int(status) >= HTTPStatus.INTERNAL_SERVER_ERROR else logging.INFO,
        "HTTP API answered %s %s%s",
        int(status),
        reason,
        f" ({type(cause).__name__})" if cause else "",
    )
