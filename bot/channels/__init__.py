"""Rasa input channels of the assistant: Rasa's own connectors, subclassed to
render the structured replies for each client and to harden the webhooks.

`credentials` builds the credentials file the Rasa server starts with.
"""
