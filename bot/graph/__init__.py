"""Rasa graph components of the assistant: the NLU components and policies config.yml names.

These are training inputs (scripts/train.py): editing one retrains the model. Reference them
in config.yml by their full path, e.g. `bot.graph.clinical_extractor.ClinicalEntityExtractor`
(the project root must be on PYTHONPATH). What runs the server is in bot/runtime.
"""
