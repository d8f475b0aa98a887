"""`QuestionRouter`: a question about numb feet is answered, whatever intent DIET gave it.

DIET reads "Is numbness all the time bad?" as a description (it names a
symptom), "which doctor should I see?" as a request for an assessment, and an
unfamiliar wording of "why does it start in the feet?" as nothing. Placed after
the fallback classifier, this component re-reads such a message with
bot.questions.reread_as_question: when the message only asks (no statement about
the person's own symptoms, no warning sign) and the knowledge base has an
answer close enough (bot.question_matching), the intent becomes `ask_concept`,
the intent of questions about the subject, and the rules answer it. A question
DIET was unsure about (`nlu_fallback`) whose best guess was a question intent
keeps that intent (bot.questions.unsure_question_intent), so its kind still
gives the general answer instead of "please rephrase".
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge import load_knowledge_base
from bot.names import CONCEPT_QUESTION_INTENT
from bot.question_matching import default_matcher
from bot.questions import reread_as_question, unsure_question_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionRouter(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionRouter:
        default_matcher()  # built once, at load, not on the first question
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        kb = load_knowledge_base()
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
            text = message.get(TEXT) or ""
            entities = message.get(ENTITIES) or []
            ranking = message.get(INTENT_RANKING_KEY) or []
            if text and reread_as_question(intent, text, entities, kb):
                _read_as(message, CONCEPT_QUESTION_INTENT, 1.0, intent)
            elif guess := unsure_question_intent(intent, ranking, text, entities):
                confidence = next(r[PREDICTED_CONFIDENCE_KEY] for r in ranking if r[INTENT_NAME_KEY] == guess)
                _read_as(message, guess, confidence, intent)
        return messages


def _read_as(message: Message, intent: str, confidence: float, replaced: str) -> None:
    reading = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [
        r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in (replaced, intent)
    ]
    message.set(INTENT, reading, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(reading), *ranking], add_to_output=True)
