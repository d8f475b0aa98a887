"""`make shell`'s conversation (scripts/console.py) against the running servers:
payloads read as text, a number chooses an answer button."""

from __future__ import annotations

from pathlib import Path
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


def test_an_emergency_is_a_framed_heading_not_json(channels, tmp_path: Path) -> None:
    output: List[str] = []
    talk = typing("I can't breathe", "quit")
    assert console.run(channels.rasa_url, read=talk, write=output.append, summaries=tmp_path) == 0
    greeting, emergency = blocks(output)
    assert "not a diagnosis" in greeting
    assert "| EMERGENCY: call your local emergency number now |" in emergency
    assert "{" not in emergency and '"type"' not in emergency


def test_the_summary_is_saved_as_a_pdf_and_its_path_printed(channels, tmp_path: Path) -> None:
    output: List[str] = []
    talk = typing("I can't breathe and my feet are numb", "quit")
    console.run(channels.rasa_url, read=talk, write=output.append, summaries=tmp_path)
    saved = list(tmp_path.glob("summary-*.pdf"))
    assert len(saved) == 1 and saved[0].read_bytes().startswith(b"%PDF")
    assert f"Saved the summary for your clinician: {saved[0]}" in blocks(output)[1]


def test_a_number_chooses_an_answer_button(channels, interview_answers) -> None:
    output: List[str] = []
    console.run(channels.rasa_url, read=typing(interview_answers["opening"], "1"), write=output.append)
    _, question, after = blocks(output)
    assert "[1] " in question
    assert after.strip() and after != question
