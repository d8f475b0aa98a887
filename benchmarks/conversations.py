"""The conversations the benchmark clients hold with each system.

The stock starter gets the conversations its stories were written for (a greeting,
a mood, an answer, goodbye), worded in plain phrases of its kind. This assistant
gets the people of the vignette suite (tests/vignettes/*.yml): the opening, then
the answer to whichever interview question it asks, recognised by the question's
text as a person would, until an emergency or assessment payload arrives.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Sequence

import yaml

from benchmarks.load import Conversation, Reply
from bot.interview_questions import INTERVIEW_ORDER
from bot.settings import PROJECT_ROOT
from bot.warning_signs import screen_question

ROOT = Path(__file__).resolve().parents[1]
VIGNETTE_DIR = ROOT / "tests" / "vignettes"
MAX_TURNS = 12  # messages after the opening, as in tests/e2e/test_vignettes.py
UNKNOWN_ANSWER = "I don't know"
NUDGE = "so what do you think?"

STOCK_SCRIPTS: Sequence[Sequence[str]] = (
    ("hi there", "I'm feeling really good today", "bye for now"),
    ("good morning", "I feel a bit sad", "yes it did, thanks", "see you"),
    ("hello", "honestly my day was terrible", "no, not really", "goodbye"),
    ("hey", "are you a robot?", "I am great", "have a good day"),
)


class Scripted:
    """A fixed sequence of messages, whatever the replies."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        self.position = 0

    def first(self) -> str:
        self.position = 1
        return self.messages[0]

    def next(self, reply: Reply) -> str | None:
        if self.position >= len(self.messages):
            return None
        self.position += 1
        return self.messages[self.position - 1]


def _payload_type(reply: Reply) -> str | None:
    kinds = {(message.get("custom") or {}).get("type") for message in reply}
    return next((kind for kind in ("emergency", "assessment") if kind in kinds), None)


def question_texts() -> Dict[str, str]:
    """Each interview question as the person reads it: the domain's `utter_ask_<slot>`, which the form
    asks itself, and the red-flag screen, which its action makes from the red flags' records."""
    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    texts = {"red_flag_screen": screen_question()}
    for slot in INTERVIEW_ORDER:
        if slot not in texts:
            (response,) = responses[f"utter_ask_{slot}"]
            texts[slot] = response["text"]
    return texts


QUESTION_TEXTS = question_texts()


def asked_slot(reply: Reply) -> str | None:
    """The interview question in a reply, by its text."""
    texts = " ".join(message.get("text") or "" for message in reply)
    return next((slot for slot, question in QUESTION_TEXTS.items() if question in texts), None)


class Vignette:
    """One vignette's person: answers the question asked, nudges otherwise, stops at the payload."""

    def __init__(self, opening: str, answers: Dict[str, str]) -> None:
        self.opening = opening
        self.answers = answers
        self.turns = 0
        self.outcome: str | None = None

    def first(self) -> str:
        self.turns = 0
        return self.opening

    def next(self, reply: Reply, asking: Callable[[], str | None] | None = None) -> str | None:
        """The answer to the reply's question; `asking` tells which slot is asked (the tracker's
        `requested_slot`) where the text cannot: a warning-sign follow-up quotes the person's words."""
        self.outcome = _payload_type(reply)
        if self.outcome or self.turns >= MAX_TURNS:
            return None
        self.turns += 1
        slot = asking() if asking else asked_slot(reply)
        return self.answers.get(slot, UNKNOWN_ANSWER) if slot else NUDGE


def load_vignettes(directory: Path = VIGNETTE_DIR) -> List[Dict[str, object]]:
    entries: List[Dict[str, object]] = []
    for path in sorted(directory.glob("*.yml")):
        entries += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("vignettes") or []
    if not entries:
        raise FileNotFoundError(f"no vignettes in {directory}")
    return entries


def stock_source(client: int) -> Iterator[Conversation]:
    """Endless starter conversations, each client starting at a different one."""
    scripts = itertools.islice(itertools.cycle(STOCK_SCRIPTS), client, None)
    return (Scripted(script) for script in scripts)


def vignette_source(client: int) -> Iterator[Conversation]:
    """Endless vignette people, each client starting at a different one."""
    entries = load_vignettes()
    start = (client * 7) % len(entries)
    people = itertools.islice(itertools.cycle(entries), start, None)
    return (Vignette(str(e["opening"]), dict(e.get("answers") or {})) for e in people)
