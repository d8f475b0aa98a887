"""Rasa input channels of the assistant: Rasa's own connectors, subclassed to
render the structured replies for each client and to harden the webhooks.

`credentials` builds the credentials file the Rasa server starts with.
What every channel does to a message before the assistant sees it (the guard,
the outage reply, logging without text) is written once, in `hardening`.
Input checks shared by every channel: `guard` (message text), `senders`
(per-channel conversation ids), `session_ids` (the chat page's signed
sessions); `http_api` checks the HTTP API's bodies and answers errors as JSON,
and `log_privacy` keeps message text out of the Rasa server's log.
"""
