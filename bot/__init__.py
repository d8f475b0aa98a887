"""Domain core of the foot-numbness assistant.

Plain Python: the knowledge base, the clinical NLP, the reasoning and the
reply texts. Only `bot.graph` imports Rasa (its graph components plug the
core into Rasa's pipeline); everything else imports without it.
"""
