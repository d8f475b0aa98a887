"""The names of actions and intents that the code shares with Rasa, in one place.

These names are public: domain.yml, the rules, config.yml and the clients use them
as written, and a name spelt twice can drift into two names without any error. The
code reads every action name and every group of intents from here; the YAML files
cannot import Python, so tests/unit/test_names.py checks them against this module.
"""

# Actions. Each custom action's `name()` (actions/*.py) returns its constant; each is
# declared in domain.yml's `actions:`. The policies predict two of them themselves.
#: The interview form's slot filling (actions/interview.py).
VALIDATE_SYMPTOM_FORM = "validate_symptom_form"
#: The red-flag screen question, asked by the form for its slot (actions/red_flag_screen.py).
ACTION_ASK_RED_FLAG_SCREEN = "action_ask_red_flag_screen"
#: Which side, asked by the form for its slot (actions/laterality_question.py).
ACTION_ASK_LATERALITY = "action_ask_laterality"
#: The emergency reply, predicted by bot.graph.red_flag_policy (actions/emergency.py).
ACTION_EMERGENCY = "action_emergency"
#: Symptoms described for someone else, predicted by bot.graph.someone_else_policy (actions/someone_else.py).
ACTION_ABOUT_SOMEONE_ELSE = "action_about_someone_else"
ACTION_GIVE_ASSESSMENT = "action_give_assessment"
ACTION_GIVE_SUMMARY = "action_give_summary"
ACTION_ANSWER_QUESTION = "action_answer_question"
ACTION_HANDOFF = "action_handoff"
#: Overrides Rasa's default action of the same name (actions/restart.py).
ACTION_RESTART = "action_restart"
ACTION_RESUME_INTERVIEW = "action_resume_interview"
#: "Forget me" (actions/privacy.py); the Rasa server deletes the conversation after a turn that
#: ran ACTION_FORGET_CONVERSATION (bot/runtime/forget_me.py).
ACTION_CONFIRM_FORGET = "action_confirm_forget"
ACTION_FORGET_CONVERSATION = "action_forget_conversation"
ACTION_KEEP_CONVERSATION = "action_keep_conversation"

#: The interview: a Rasa form (domain.yml `forms:`), itself run as an action.
SYMPTOM_FORM = "symptom_form"

# Intents.
#: The intents that describe symptoms: each starts the interview (data/rules/interview.yml), and
#: the fallback classifier counts them as one reading (config.yml `symptom_intents`).
SYMPTOM_INTENTS = frozenset({"describe_symptoms", "inform", "report_red_flag"})
#: The intent of questions about the subject itself, given by bot.graph.question_router to a
#: message that only asks.
CONCEPT_QUESTION_INTENT = "ask_concept"
#: Intents of questions about the topic (data/nlu/questions.yml), answered mid-interview
#: (data/rules/interview.yml).
QUESTION_INTENTS = frozenset(
    {"ask_cause", "ask_test", "ask_treatment", CONCEPT_QUESTION_INTENT, "ask_medication", "ask_more"}
)
#: Intents that answer the interview; anything else (a question, thanks) leaves it to the rules.
ANSWER_INTENTS = SYMPTOM_INTENTS | {"affirm", "deny", "dont_know"}
#: The intent of a message the classifier is unsure of (Rasa's FallbackClassifier).
UNSURE_INTENT = "nlu_fallback"
#: The intent of a message not in English, set by bot.graph.language_guard.
NON_ENGLISH_INTENT = "non_english"
#: Intents DIET gives to a message that may still be a question about the subject: a question that
#: names a symptom reads like a description (report_red_flag too: "will I lose my legs?" names no
#: warning sign), an unfamiliar wording reads as nothing (bot.questions.reread_as_question).
REREADABLE_INTENTS = SYMPTOM_INTENTS | {
    UNSURE_INTENT,
    "ask_assessment",
    "out_of_scope",
    "dont_know",
    "affirm",
}
