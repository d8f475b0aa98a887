"""The knowledge base: causes, red flags, topics and fixed messages drawn from the source article.

The texts live in `data/*.yml`, written in plain words and each naming the
article section it comes from; `load_knowledge_base()` validates them against
the public vocabulary.
"""

from bot.knowledge.loader import CAUSES_FILE, KnowledgeBaseError, load_causes, load_knowledge_base
from bot.knowledge.models import (
    TOPIC_IDS,
    Cause,
    CauseEvidence,
    CausePattern,
    KnowledgeBase,
    RedFlag,
    Topic,
    Weight,
)

__all__ = [
    "CAUSES_FILE",
    "TOPIC_IDS",
    "Cause",
    "CauseEvidence",
    "CausePattern",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "RedFlag",
    "Topic",
    "Weight",
    "load_causes",
    "load_knowledge_base",
]
