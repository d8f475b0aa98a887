"""The sample summaries the summary tests share (tests/summary_conversations.py), built once a session:
the extractor they run through takes about 20 s to build."""

from __future__ import annotations

import pytest
from summary_conversations import DIABETIC, DIABETIC_SLOTS, EMERGENCY, summary_of

from bot.summary.content import Summary


@pytest.fixture(scope="session")
def diabetic() -> Summary:
    return summary_of(DIABETIC, DIABETIC_SLOTS)


@pytest.fixture(scope="session")
def emergency() -> Summary:
    return summary_of(EMERGENCY)


@pytest.fixture(scope="session")
def empty() -> Summary:
    return summary_of(())
