"""TED's prediction cache (bot/graph/ted_cache.py) never changes a decision: at every
step of every story, a remembered prediction is the one the model makes."""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from story_trackers import story_trackers

from bot.graph.ted_cache import RememberingTEDPolicy


@pytest.fixture(scope="module")
def ted(model_path: Path) -> RememberingTEDPolicy:
    agent = Agent.load(str(model_path))
    nodes = agent.processor.graph_runner._instantiated_nodes.values()  # type: ignore[union-attr]
    return next(node._component for node in nodes if isinstance(node._component, TEDPolicy))


@pytest.fixture(scope="module")
def steps() -> tuple[List[DialogueStateTracker], Domain]:
    """Every story cut before each of its actions: where the next action is predicted."""
    stories, domain = story_trackers()
    # the story up to each of its actions (one tracker object, updated as it goes: copied)
    return [prior.copy() for story in stories for prior, _ in story.generate_all_prior_trackers()], domain


def _model_scores(ted: TEDPolicy, trackers: List[DialogueStateTracker], domain: Domain) -> List[List[float]]:
    return [
        TEDPolicy.predict_action_probabilities(ted, tracker, domain).probabilities for tracker in trackers
    ]


def _answers(
    ted: RememberingTEDPolicy, trackers: List[DialogueStateTracker], domain: Domain
) -> List[List[float]]:
    return [ted.predict_action_probabilities(tracker, domain).probabilities for tracker in trackers]


def test_the_served_ted_remembers_its_predictions(ted: TEDPolicy) -> None:
    assert isinstance(ted, RememberingTEDPolicy)  # config.yml names it


def test_remembered_predictions_are_the_models(ted: RememberingTEDPolicy, steps) -> None:
    trackers, domain = steps
    expected = _model_scores(ted, trackers, domain)

    first = _answers(ted, trackers, domain)
    cache = ted.prediction_cache
    asked_the_model = cache.misses
    again = _answers(ted, trackers, domain)

    assert len(trackers) > 20
    np.testing.assert_allclose(first, expected, atol=1e-6)
    np.testing.assert_allclose(again, expected, atol=1e-6)
    assert asked_the_model < len(trackers)  # the stories share states
    assert cache.misses == asked_the_model  # the second time, every state was remembered
