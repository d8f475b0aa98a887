"""One person's way through the interview, shared by the end-to-end and cluster tests."""

#: It names no body part and no duration, so that the interview asks every question of ANSWERS in
#: its order: the cluster tests send the answers without reading the questions.
OPENING = "I have numbness and tingling"

#: What the test person answers to each interview question: a button's payload where there is one.
ANSWERS = {
    "body_part": "the soles of my feet",
    "laterality": "both feet",
    "onset": "it came on gradually",
    "red_flag_screen": "/deny",
    "duration": "about a year",
    "progression": "it is getting worse",
    "risk_factors": "I have type 2 diabetes",
}
