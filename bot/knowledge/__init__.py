"""The knowledge base: causes, red flags, topics and fixed messages drawn from the source article.

The texts live in `data/*.yml`, written in plain words and each naming the
article section it comes from; `load_knowledge_base()` validates them against
the public vocabulary.
"""

from bot.knowledge.loader import KnowledgeBaseError, load_knowledge_base
from bot.knowledge.models import TOPIC_IDS, Cause, CausePattern, KnowledgeBase, RedFlag, Topic

__all__ = [
    "TOPIC_IDS",
    "Cause",
    "CausePattern",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "RedFlag",
    "Topic",
    "load_knowledge_base",
]
