"""What the unit tests share, built once a session: the clinical extractor (it takes several
seconds to build) and the sample summaries (tests/summary_conversations.py) made with it."""

from __future__ import annotations

import pytest
from summary_conversations import DIABETIC, DIABETIC_SLOTS, EMERGENCY, summary_of
from summary_conversations import extractor as shared_extractor

from bot.nlp.extract import ClinicalExtractor
from bot.summary.content import Summary


@pytest.fixture(scope="session")
def extractor() -> ClinicalExtractor:
    return shared_extractor()


@pytest.fixture(scope="session")
def diabetic() -> Summary:
    return summary_of(DIABETIC, DIABETIC_SLOTS)


@pytest.fixture(scope="session")
def emergency() -> Summary:
    return summary_of(EMERGENCY)


@pytest.fixture(scope="session")
def empty() -> Summary:
    return summary_of(())
