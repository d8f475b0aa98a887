"""The server's quicker load of DIET and TED (bot/runtime/model_loading.py) predicts
exactly what Rasa's own load predicts: intents, entities and next actions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable, Dict, Iterator

import numpy as np
import pytest
import yaml
from rasa.core.agent import Agent
from rasa.core.policies.ted_policy import TEDPolicy
from story_trackers import story_trackers

from bot.runtime import model_loading

TEST_SET = Path(__file__).with_name("test_set.yml")


@pytest.fixture(scope="module")
def agents(model_path: Path) -> Iterator[Dict[str, Agent]]:
    loaded = {"rasa": Agent.load(str(model_path))}
    model_loading.install()
    try:
        loaded["quick"] = Agent.load(str(model_path))
    finally:
        model_loading.uninstall()
    yield loaded


def _ted(agent: Agent) -> TEDPolicy:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()  # type: ignore[union-attr]
    return next(node._component for node in nodes if isinstance(node._component, TEDPolicy))


def _parse(agent: Agent) -> Callable[[str], Dict[str, Any]]:
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def test_intents_and_entities_are_the_same(agents: Dict[str, Agent]) -> None:
    rasa, quick = _parse(agents["rasa"]), _parse(agents["quick"])
    for utterance in yaml.safe_load(TEST_SET.read_text(encoding="utf-8"))["utterances"]:
        expected, got = rasa(utterance["text"]), quick(utterance["text"])
        assert got["intent"]["name"] == expected["intent"]["name"], utterance["text"]
        assert got["intent"]["confidence"] == pytest.approx(expected["intent"]["confidence"], abs=1e-5)
        assert got["entities"] == expected["entities"], utterance["text"]


def test_next_action_scores_are_the_same(agents: Dict[str, Agent]) -> None:
    rasa, quick = _ted(agents["rasa"]), _ted(agents["quick"])
    trackers, domain = story_trackers()
    assert trackers
    for tracker in trackers:
        expected = rasa.predict_action_probabilities(tracker, domain).probabilities
        got = quick.predict_action_probabilities(tracker, domain).probabilities
        np.testing.assert_allclose(got, expected, atol=1e-5)
