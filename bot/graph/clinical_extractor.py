"""`ClinicalEntityExtractor`: lexicon entities plus negation and experiencer for every entity.

It runs after DIETClassifier, replacing the message's entities with the
lexicon's, merged with DIET's when DIET tags entities too (`entity_recognition`
in config.yml; off by default), each carrying `negated` and `experiencer`. The
medspaCy pipeline is built at training time and stored in the model, so a
trained model does not depend on the source tree's lexicon.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.extract import ClinicalExtractor
from bot.nlp.lexicon import LEXICON_DIR, lexicon_files
from bot.nlp.red_flag_patterns import RED_FLAGS_FILE
from bot.vocabulary import VOCABULARY_FILE

LEXICON_KEY = "lexicon"
_PIPELINE_DIR = "clinical_pipeline"
_NLP_SOURCES = Path(__file__).resolve().parents[1] / "nlp"

# One pipeline per distinct saved pipeline and process: Rasa may load the same
# model several times (server, tests), and building spaCy matchers takes seconds.
_LOADED: Dict[str, ClinicalExtractor] = {}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class ClinicalEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # None means the project's lexicon: an absolute path here would enter the model's
        # fingerprint, and every other checkout of the project would retrain.
        return {LEXICON_KEY: None}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str:
        """Retrains when the lexicon, the red flags' recognition rules, the vocabulary or the NLP code
        change, not only the config."""
        digest = hashlib.sha256()
        lexicon = Path(config.get(LEXICON_KEY) or LEXICON_DIR)
        for path in [
            *lexicon_files(lexicon),
            RED_FLAGS_FILE,
            VOCABULARY_FILE,
            *sorted(_NLP_SOURCES.glob("*.py")),
        ]:
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        extractor: ClinicalExtractor | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._extractor = extractor

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalEntityExtractor:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the pipeline from the lexicon (the NLU examples are not needed) and stores it."""
        self._extractor = ClinicalExtractor.build(Path(self._config[LEXICON_KEY] or LEXICON_DIR))
        with self._model_storage.write_to(self._resource) as directory:
            self._extractor.save(directory / _PIPELINE_DIR)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ClinicalEntityExtractor:
        with model_storage.read_from(resource) as directory:
            extractor = _load_once(directory / _PIPELINE_DIR)
        return cls(config, model_storage, resource, extractor)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._extractor is None:
            raise RuntimeError(f"{self.name} was neither trained nor loaded")
        for message in messages:
            entities = self._extractor.extract(message.get(TEXT) or "", message.get(ENTITIES, []))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


def _load_once(directory: Path) -> ClinicalExtractor:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    key = digest.hexdigest()
    if key not in _LOADED:
        _LOADED[key] = ClinicalExtractor.load(directory)
    return _LOADED[key]
