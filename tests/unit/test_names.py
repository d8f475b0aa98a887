"""The YAML files name the same actions and intents as bot/names.py: they cannot import it."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Dict, FrozenSet, List, Set

import yaml
from rasa.shared.core.constants import DEFAULT_ACTION_NAMES, DEFAULT_INTENTS
from rasa_sdk import Action

import actions
from bot import names
from bot.settings import PROJECT_ROOT

DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
ACTION_NAMES = frozenset(
    value for name, value in vars(names).items() if name.startswith(("ACTION_", "VALIDATE_"))
)


def _rule_intents(rule_name: str) -> FrozenSet[str]:
    """The intents of the first step's `or` of the interview rule named `rule_name`."""
    rules: List[Dict[str, Any]] = yaml.safe_load(
        (PROJECT_ROOT / "data" / "rules" / "interview.yml").read_text(encoding="utf-8")
    )["rules"]
    (rule,) = (r for r in rules if r["rule"] == rule_name)
    return frozenset(step["intent"] for step in rule["steps"][0]["or"])


def _served_actions() -> Set[str]:
    """The name of every action the action server registers (each Action subclass in actions/)."""
    for module in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{module.name}")
    found: Set[str] = set()
    classes = list(Action.__subclasses__())
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if cls.__module__.startswith("actions."):
            found.add(cls().name())
    return found


def test_config_counts_the_symptom_intents_as_one_reading() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    (fallback,) = (
        c for c in config["pipeline"] if c["name"] == "bot.graph.intent_fallback.SymptomAwareFallback"
    )
    assert frozenset(fallback["symptom_intents"]) == names.SYMPTOM_INTENTS


def test_the_interview_rules_use_the_intent_groups() -> None:
    assert _rule_intents("symptoms start the interview") == names.SYMPTOM_INTENTS
    assert (
        _rule_intents("a question in the middle of the interview, then back to it") == names.QUESTION_INTENTS
    )


def test_every_intent_of_a_group_is_in_the_domain() -> None:
    groups = (names.SYMPTOM_INTENTS, names.QUESTION_INTENTS, names.ANSWER_INTENTS, names.REREADABLE_INTENTS)
    known = set(DOMAIN["intents"]) | set(DEFAULT_INTENTS)
    assert set().union(*groups) <= known
    assert names.CONCEPT_QUESTION_INTENT in DOMAIN["intents"]
    assert names.UNSURE_INTENT in DEFAULT_INTENTS


def test_every_action_name_is_declared_and_every_declared_action_has_a_name() -> None:
    declared = set(DOMAIN["actions"])
    assert ACTION_NAMES - declared <= set(DEFAULT_ACTION_NAMES)
    assert declared <= ACTION_NAMES
    assert names.SYMPTOM_FORM in DOMAIN["forms"]


def test_the_action_server_serves_every_action_by_its_name() -> None:
    assert _served_actions() == ACTION_NAMES
