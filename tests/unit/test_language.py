"""The language heuristic: English unless there is clear evidence of another language."""

from __future__ import annotations

import pytest

from bot.nlp.language import is_english

ENGLISH = [
    "both",
    "yes",
    "no",
    "idk",
    "left",
    "3 months",
    "numb feet",
    "numbnes in my fet",
    "my foots r numb sinse 3 mnths",
    "👍",
    "😀😀😀",
    "123",
    "?!",
    "",
    "ok",
    "nope",
    "thx",
    "just the left",
    "about a year",
    "getting worse",
    "Hi there",
    "I'm not diabetic but my dad is",
    "pins & needles in my toes",
    "what is CIDP?",
    "how much gabapentin should I take",
    "Hola, my feet are numb",
    "I went to a café and my feet felt numb",
    "my abuela has diabetes",
    "José here, my toes tingle",
    "merci",
    "Danke, that helps",
    "t2 diabetes",
    "/greet",
]
FOREIGN = [
    "Tengo los pies entumecidos desde hace tres meses",
    "Me duelen mucho los pies y no puedo dormir",
    "¿Qué puede causar el entumecimiento de los pies?",
    "No tengo diabetes pero mi padre sí",
    "J'ai les pieds engourdis depuis trois mois",
    "Est-ce que le diabète peut causer ça ?",
    "Bonjour, j'ai mal aux pieds",
    "Meine Füße sind seit drei Monaten taub",
    "Ich habe Kribbeln in den Füßen",
    "Ho i piedi intorpiditi da tre mesi",
    "Non ho il diabete",
    "Estou com os pés dormentes há três meses",
    "Tenho formigamento nos pés",
    "Mijn voeten zijn al drie maanden gevoelloos",
    "Ik heb tintelingen in mijn voeten",
    "Moje stopy są zdrętwiałe od trzech miesięcy",
    "Mam mrowienie w stopach",
    "jag har domningar i fötterna",
    "Jeg har nummen føtter",
    "Ayaklarım üç aydır uyuşuk",
    "Ayaklarımda karıncalanma var",
    "У меня онемели ноги",
    "قدمي مخدرة منذ ثلاثة أشهر",
    "我的脚麻了三个月",
    "足がしびれています",
    "Τα πόδια μου είναι μουδιασμένα",
    "मेरे पैर सुन्न हैं",
    "발이 저려요",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_and_contentless_texts(text: str) -> None:
    assert is_english(text)


@pytest.mark.parametrize("text", FOREIGN)
def test_clear_foreign_sentences(text: str) -> None:
    assert not is_english(text)
