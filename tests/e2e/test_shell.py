"""`make shell`'s conversation (scripts/console.py) against the running servers:
payloads read as text, a number chooses an answer button."""

from __future__ import annotations

from typing import Callable, List

import pytest

from scripts import console

pytestmark = pytest.mark.e2e


def typing(*lines: str) -> Callable[[str], str]:
    """Answers each prompt with the next line, then leaves as Ctrl-D would."""
    queue = list(lines)

    def read(_prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read


def blocks(output: List[str]) -> List[str]:
    """What the assistant said after each message, greeting first."""
    return "\n".join(output).split("Assistant:\n")[1:]


def test_an_emergency_is_a_framed_heading_not_json(channels) -> None:
    output: List[str] = []
    assert console.run(channels.rasa_url, read=typing("I can't breathe", "quit"), write=output.append) == 0
    greeting, emergency = blocks(output)
    assert "not a diagnosis" in greeting
    assert "| EMERGENCY: call your local emergency number now |" in emergency
    assert "{" not in emergency and '"type"' not in emergency


def test_a_number_chooses_an_answer_button(channels, interview_answers) -> None:
    output: List[str] = []
    console.run(channels.rasa_url, read=typing(interview_answers["opening"], "1"), write=output.append)
    _, question, after = blocks(output)
    assert "[1] " in question
    assert after.strip() and after != question
