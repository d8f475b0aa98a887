"""`make shell`: the whole conversation in a terminal, over the REST channel.

Unlike `rasa shell`, which prints structured payloads as raw JSON, this shows
an assessment or an emergency as a framed heading with the triage level in
words, and answer buttons as a numbered list: type the number to choose one.
The summary for the clinician is saved as a PDF under var/summaries/ (the
person's own copy: the server keeps none) and its path printed.
"""

from __future__ import annotations

import json
import shutil
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

from bot.channels.payloads import is_clinical, is_summary, summary
from bot.settings import PROJECT_ROOT
from bot.texts import say

SUMMARY_DIR = PROJECT_ROOT / "var" / "summaries"

QUIT = {"quit", "exit", "/quit", "/exit"}


def send(base_url: str, sender: str, text: str) -> List[Dict[str, Any]]:
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"[]")


def _wrap(text: str, indent: str, width: int) -> List[str]:
    lines: List[str] = []
    for line in text.splitlines() or [""]:
        lines += textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent) or [
            indent.rstrip()
        ]
    return lines


def render(message: Dict[str, Any], width: int = 88) -> List[str]:
    """The terminal lines for one REST message: text, numbered buttons, or a framed payload."""
    lines: List[str] = []
    if message.get("text"):
        lines += _wrap(message["text"], "  ", width)
    for number, button in enumerate(message.get("buttons") or [], start=1):
        lines.append(f"    [{number}] {button.get('title', '')}")
    custom = message.get("custom")
    if is_clinical(custom):
        rows = summary(custom)
        inner = max(len(row) for row in rows)
        lines += ["  +" + "-" * (inner + 2) + "+", *(f"  | {row.ljust(inner)} |" for row in rows)]
        lines.append("  +" + "-" * (inner + 2) + "+")
    elif custom and not is_summary(custom):
        lines += _wrap(yaml.safe_dump(custom, sort_keys=False, allow_unicode=True).rstrip(), "  ", width)
    return lines


def save_summary(payload: Dict[str, Any], directory: Path = SUMMARY_DIR) -> str:
    """Downloads the summary's PDF into `directory`; the line telling where it is (or why it is not)."""
    try:
        with urllib.request.urlopen(str(payload["pdf"]), timeout=120) as response:
            pdf = response.read()
    except (OSError, urllib.error.URLError, KeyError) as error:
        return f"  {say('console.summary_not_saved', reason=getattr(error, 'reason', error))}"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"summary-{time.strftime('%Y%m%d-%H%M%S')}.pdf"
    path.write_bytes(pdf)
    return f"  {say('console.summary_saved', path=path)}"


def choose(line: str, buttons: List[Dict[str, Any]]) -> str:
    """A number picks that button's payload; anything else is sent as typed."""
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return str(buttons[int(line) - 1]["payload"])
    return line


def run(
    base_url: str,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    summaries: Path = SUMMARY_DIR,
) -> int:
    sender = f"shell-{uuid.uuid4().hex[:12]}"
    width = min(shutil.get_terminal_size().columns, 100) - 2
    write(say("console.help"))
    text = "/greet"
    try:
        while True:
            messages = send(base_url, sender, text)
            write(say("console.assistant"))
            for message in messages:
                write("\n".join(render(message, width)))
                if is_summary(message.get("custom")):
                    write(save_summary(message["custom"], summaries))
            buttons = [b for m in messages for b in m.get("buttons") or []]
            line = ""
            while not line:
                line = read(f"{say('console.you')} ").strip()
            if line.lower() in QUIT:
                return 0
            text = choose(line, buttons)
    except (EOFError, KeyboardInterrupt):
        write("")
        return 0
