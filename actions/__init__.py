"""The action server: thin rasa-sdk adapters over the domain core in `bot/`.

rasa-sdk registers every Action subclass found in this package. The
knowledge base is loaded (and so validated) when the server imports the
package, so a broken knowledge file stops the server at start-up with a
message naming the file, entry and field, instead of failing a conversation.
"""

from bot.knowledge import load_knowledge_base

load_knowledge_base()
