"""Rasa's REST channel, answering a conversation-store outage (bot/channels/outages.py)."""

from __future__ import annotations

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

from bot.channels.outages import Handler, answering_outages, fail_loudly


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return fail_loudly(super().blueprint(answering_outages(on_new_message)))
