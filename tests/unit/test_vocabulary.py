"""The project's copy of the public vocabulary is the shared spec, verbatim,
and the domain uses its names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from shared_files import SHARED_SPEC

from bot.interview_questions import INTERVIEW_ORDER
from bot.settings import PROJECT_ROOT
from bot.vocabulary import VOCABULARY_FILE, load_vocabulary


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="the shared spec is not beside this clone")
def test_copy_is_identical_to_the_shared_spec() -> None:
    assert VOCABULARY_FILE.read_bytes() == Path(SHARED_SPEC).read_bytes()


def test_domain_uses_the_public_slot_names_and_values() -> None:
    vocabulary = load_vocabulary()
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    slots = domain["slots"]
    for slot in (*vocabulary.interview_slots, "triage_level", "possible_causes", "red_flags"):
        assert slot in slots, slot
    assert slots["triage_level"]["values"] == list(vocabulary.triage_levels)
    assert set(INTERVIEW_ORDER) == set(vocabulary.interview_slots)
    assert domain["forms"]["symptom_form"]["required_slots"] == list(INTERVIEW_ORDER)
    for slot in ("laterality", "onset", "progression"):
        assert set(slots[slot]["values"]) - {"unknown"} == set(vocabulary.values(slot))
    assert set(vocabulary.entities) <= set(domain["entities"])
