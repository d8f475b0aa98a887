"""The catalogue of everything the assistant says (bot/texts/): complete, consistent across
languages, plain enough to read, and the only place the assistant's sentences are written."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import pytest

from bot.settings import PROJECT_ROOT
from bot.texts import DEFAULT_LANGUAGE, TEXTS_DIR, Catalogue, TextError, catalogue, placeholders

ROOT = Path(PROJECT_ROOT)
#: The Python that could speak to a person: the core, the actions, the channels, the terminal client
#: and the chat page's server.
SCANNED = [ROOT / "bot", ROOT / "actions", ROOT / "scripts" / "console.py", ROOT / "web" / "server.py"]
#: A sentence left in the code must say why on its line.
KEPT = "# kept in code:"
#: Calls whose text is for operators and developers, not the person: logs, errors, command lines.
OPERATOR_CALLS = {
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "critical",
    "log",
    "warn",
    "print",
    "add_argument",
    "ArgumentParser",
    "json_error",
    "BadInput",
    "SystemExit",
}
OPERATOR_SUFFIXES = ("Error", "Exception", "Exit", "Refusal", "Serving", "Rasa")


def _python_files() -> Iterator[Path]:
    for path in SCANNED:
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def _exempt_nodes(tree: ast.AST) -> Set[int]:
    exempt: Set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))
        operator_text = isinstance(node, ast.Raise)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            operator_text = name in OPERATOR_CALLS or name.endswith(OPERATOR_SUFFIXES)
        if isinstance(node, ast.AugAssign) and getattr(node.target, "attr", "") == "message":
            operator_text = True  # added to an exception's message
        if operator_text:
            exempt.update(id(sub) for sub in ast.walk(node))
    return exempt


def _candidates(tree: ast.AST) -> Iterator[Tuple[ast.expr, str]]:
    """Each string constant, and each f-string as one text ("{}" for what it fills in)."""
    inside_fstrings: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstrings.update(id(part) for part in node.values)
            yield node, "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings:
            yield node, node.value


def english_sentences() -> List[Tuple[str, int, str]]:
    """Texts in the scanned Python that read as English to a person: three words or more, beginning
    with a capital. Messages for operators and developers (logs, errors, API problems) begin in lower
    case by this project's convention, or sit in a call OPERATOR_CALLS names."""
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text())
        exempt = _exempt_nodes(tree)
        for node, raw in _candidates(tree):
            text = raw.strip()
            if id(node) in exempt or not re.match(r"[^A-Za-z]*[A-Z]", text):
                continue
            if re.search(r"\\b|\(\?|^\W*SELECT\b", text):  # a pattern or a query
                continue
            if re.search(r"[a-z]{2,}[,:;]? [a-z]{2,}[,:;]? [a-z]{2,}", text, re.IGNORECASE):
                found.append((str(path.relative_to(ROOT)), node.lineno, text))
    return found


def test_no_sentence_for_the_person_is_written_in_the_code() -> None:
    lines = {}
    for path in _python_files():
        lines[str(path.relative_to(ROOT))] = path.read_text().splitlines()
    unjustified = [f"{p}:{n}: {t[:70]}" for p, n, t in english_sentences() if KEPT not in lines[p][n - 1]]
    justified = [(p, n) for p, n, _ in english_sentences() if KEPT in lines[p][n - 1]]
    assert unjustified == []
    assert len(justified) <= 3


def _languages() -> List[str]:
    return sorted(p.name for p in TEXTS_DIR.iterdir() if p.is_dir() and list(p.glob("*.yml")))


@pytest.mark.parametrize("language", _languages())
def test_every_language_has_the_texts_and_fields_of_english(language: str) -> None:
    english, other = catalogue(DEFAULT_LANGUAGE), catalogue(language)
    assert set(other.entries) == set(english.entries)
    for key, entry in english.entries.items():
        if isinstance(entry, str):
            assert isinstance(other.entries[key], str) and placeholders(other.entries[key]) == placeholders(
                entry
            )


def _code() -> str:
    code = "\n".join(p.read_text() for p in _python_files())
    code += "".join((ROOT / "web" / "public" / name).read_text() for name in ("app.js", "index.html"))
    return code + "".join(
        p.read_text() for p in sorted((ROOT / "bot" / "summary" / "templates").glob("*.html"))
    )


def test_every_text_the_code_asks_for_exists() -> None:
    asked = re.findall(r"""\b(?:say|text|texts)\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""", _code())
    asked += re.findall(r"\{\{([a-z_]+\.[a-z0-9_]+)\}\}", _code())
    assert asked, "the scan finds the texts the code asks for"
    assert sorted(set(asked) - set(catalogue().entries)) == []


def test_every_text_is_used() -> None:
    """Named as a literal "topic.name" somewhere (a text chosen by a value sits in a dict of literal
    keys); the topics served whole to the chat page are used by name in its script."""
    named = set(re.findall(r"""["'{]([a-z_]+\.[a-z0-9_]+)["'}]""", _code()))
    whole_topics = {"triage", "page"}  # served whole to the chat page (web/server.py)
    unused = [
        key for key in catalogue().entries if key not in named and key.split(".")[0] not in whole_topics
    ]
    assert unused == []


def test_a_text_is_filled_with_exactly_its_fields() -> None:
    texts = Catalogue("en", {"t.greet": "Hello {name}", "t.list": ("a", "b")})
    assert texts.text("t.greet", name="Ann") == "Hello Ann"
    with pytest.raises(TextError, match="fields"):
        texts.text("t.greet")
    with pytest.raises(TextError, match="fields"):
        texts.text("t.greet", name="Ann", age=3)
    with pytest.raises(TextError, match="no text 't.missing'"):
        texts.text("t.missing")
    assert texts.texts("t.list") == ("a", "b")
