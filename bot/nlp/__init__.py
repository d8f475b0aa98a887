"""Clinical language processing: lexicon, medspaCy pipeline, durations and language detection.

Plain Python and spaCy; the Rasa graph components in `bot.graph` wrap it.
"""
