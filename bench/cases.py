"""What the benchmark sends, and what each request means: the topic, language and outcome it must get."""

from __future__ import annotations

# (text, cookie state, outcome, topic, language): keywords in both languages, typos, questions,
# MORE with the conversation cookie, menu digits, unknown and empty texts. Repeats weight the mix.
SMS_CASES: tuple[tuple[str, dict | None, str, str | None, str | None], ...] = (
    ("RIGHTS", None, "answered", "rights", "en"),
    ("RIGHTS", None, "answered", "rights", "en"),
    ("DERECHOS", None, "answered", "rights", "es"),
    ("DERECHOS", None, "answered", "rights", "es"),
    ("detainer", None, "answered", "detainer", "en"),
    ("RETENCION", None, "answered", "detainer", "es"),
    ("detención", None, "answered", "detainer", "es"),
    ("287G", None, "answered", "287g", "en"),
    ("¿Qué es 287(g)?", None, "answered", "287g", "es"),
    ("what are my rights", None, "answered", "rights", "en"),
    ("Rigths", None, "answered", "rights", "en"),  # typo: two letters swapped
    ("derehcos", None, "answered", "rights", "es"),
    ("detainr", None, "answered", "detainer", "en"),  # typo: a letter missing
    ("RIGHTS A7", None, "answered", "rights", "en"),  # a flyer code
    ("MORE", {"lang": "en", "topic": "detainer", "more_sent": 0}, "more", "detainer", "en"),
    ("MORE", {"lang": "en", "topic": "rights", "more_sent": 0}, "more", "rights", "en"),
    ("más", {"lang": "es", "topic": "rights", "more_sent": 0}, "more", "rights", "es"),
    ("MAS", {"lang": "es", "topic": "287g", "more_sent": 0}, "more", "287g", "es"),
    ("1", {"lang": "es", "topic": None, "more_sent": 0}, "answered", "detainer", "es"),
    ("3", None, "answered", "rights", "en"),
    ("HELP", None, "help", None, "en"),
    ("AYUDA", None, "help", None, "es"),
    ("ESPAÑOL", None, "language", None, "es"),
    ("purple elephant on a bicycle", None, "not_understood", None, "en"),
    ("ok thanks", None, "not_understood", None, None),  # no language yet: the bilingual menu
    ("my cousin was picked up this morning and they took him to the county jail what can we do now",
     None, "not_understood", None, "en"),
    ("", None, "menu", None, None),  # a picture-only MMS has an empty Body
)
# (path, parameters, outcome, topic, language): the voice menu, step by step; never "text me this".
VOICE_CASES: tuple[tuple[str, dict, str, str | None, str | None], ...] = (
    ("/voice", {}, "call_started", None, None),
    ("/voice/step", {"Digits": "1"}, "menu", None, "en"),
    ("/voice/step", {"Digits": "2"}, "menu", None, "es"),
    ("/voice/step?s=language", {"SpeechResult": "español", "Confidence": "0.92"}, "menu", None, "es"),
    ("/voice/step?s=menu&l=en", {"Digits": "3"}, "answered", "rights", "en"),
    ("/voice/step?s=menu&l=es", {"Digits": "1"}, "answered", "detainer", "es"),
    ("/voice/step?s=menu&l=es", {"SpeechResult": "mis derechos", "Confidence": "0.88"}, "answered", "rights", "es"),
    ("/voice/step?s=after&l=en&t=rights", {"Digits": "1"}, "answered", "rights", "en"),
    ("/voice/step?s=after&l=es&t=detainer", {"Digits": "2"}, "menu", None, "es"),
    ("/voice/step?s=menu&l=en&x=1", {}, "not_understood", None, "en"),  # silence: asked again
    ("/voice/step?s=menu&l=en", {"Digits": "7"}, "not_understood", None, "en"),
)
