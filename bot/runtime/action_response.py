"""Checks the action server's answers against Rasa's schema without re-checking the schema each time.

Rasa validates every action server response with `jsonschema.validate`, which
first validates the (constant) response schema itself against the JSON Schema
meta-schema: about a fifth of a turn's time in the profile in docs/benchmarks.md.
`install()` replaces that check with a validator built once from the same schema;
the responses are validated exactly as before, with the same error and message.
"""

from __future__ import annotations

from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


def install() -> None:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))  # what jsonschema.validate raises
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result
