"""JSON request bodies read safely, and the JSON error every endpoint answers bad input with."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Dict, Tuple

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse


def json_error(status: int, message: str) -> HTTPResponse:
    """The shape of Rasa's own HTTP API errors (status, reason, message, code)."""
    reason = HTTPStatus(status).phrase.replace(" ", "")
    return response.json(
        {"status": "failure", "reason": reason, "message": message, "code": status}, status=status
    )


def read_json(request: Request) -> Tuple[Any, str | None]:
    """The parsed body and None, or None and what is wrong with it (never raises)."""
    body = request.body or b""
    if not body.strip():
        return None, "the request body is empty; send a JSON object"
    try:
        return json.loads(body), None
    except RecursionError:
        return None, "the request body is nested too deeply"
    except ValueError:  # also UnicodeDecodeError: invalid UTF-8
        return None, "the request body is not valid JSON (UTF-8)"


def json_object_or_error(request: Request) -> Dict[str, Any] | HTTPResponse:
    """The JSON object a channel's webhook was sent, or the 400 JSON error to answer instead."""
    body, problem = read_json(request)
    if problem is None and not isinstance(body, dict):
        problem = f"the request body must be a JSON object, not {_kind(body)}"
    return body if problem is None else json_error(HTTPStatus.BAD_REQUEST, problem)


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(
        type(value), "a number"
    )
