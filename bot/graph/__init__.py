"""Rasa graph components of the assistant: the only part of `bot` that imports Rasa.

Reference them in config.yml by their full path, e.g.
`bot.graph.clinical_extractor.ClinicalEntityExtractor` (the project root must be
on PYTHONPATH).
"""
