"""The trackers of every story (data/stories and tests/stories), as TED is trained on and asked about them."""

from __future__ import annotations

from typing import List, Tuple

from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.settings import PROJECT_ROOT


def story_trackers() -> Tuple[List[DialogueStateTracker], Domain]:
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data" / "stories"), str(PROJECT_ROOT / "tests" / "stories")],
    )
    domain = importer.get_domain()
    generator = TrainingDataGenerator(
        importer.get_stories(), domain, augmentation_factor=0, remove_duplicates=False
    )
    return generator.generate_story_trackers(), domain
