"""The peer's side of the traffic: its words (the hotline's own), and the answers it must give.

The peer (bench/tutorial_app.py) checks signatures over `request.url`, as Twilio's guide does, so
its requests are signed over the address it sees (http://127.0.0.1/...): behind Heroku's router
that guide's app would need a fix of its own, which the hotline's HOTLINE_PUBLIC_URL is.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from flask import Flask
from twilio.twiml.messaging_response import MessagingResponse

from hotline.services import get_engine

from .tutorial_app import answer, create_app, voice_menu

PEER_SIGNATURE_BASE = "http://127.0.0.1"  # what request.url starts with: the Host header the mix sends


def build_words(hotline: Flask) -> dict:
    """Collect the hotline's replies into the peer's keyword dictionary (exact keywords, upper case)."""
    with hotline.app_context():
        engine = get_engine()
        catalog, replies = engine.catalog, engine.replies
        keywords: dict[str, list[str]] = {}
        for topic in catalog.topics.values():
            for lang, words in topic.keywords.items():
                for word in words:
                    keywords.setdefault(word.upper(), [f"{topic.id}:{lang}", replies.first[topic.id, lang]])
        for option in catalog.options:  # menu digits, in the default language
            keywords.setdefault(option.key, [f"{option.topic}:{replies.default_lang}",
                                             replies.first[option.topic, replies.default_lang]])
        for action in ("help", "source"):
            for lang, words in catalog.commands[action].items():
                for word in words:
                    keywords.setdefault(word.upper(), [None, replies.texts[lang][action]])
        more = {f"{topic}:{lang}": list(texts) for (topic, lang), texts in replies.more.items()}
        voice_words = hotline.services.script.lines[replies.default_lang, "topic_menu"]
    return {"keywords": keywords, "more": more, "menu": replies.bilingual_menu,
            "end_of_topic": replies.texts[replies.default_lang]["end_of_topic"],
            "voice_menu": " ".join(voice_words)}


def write_words(hotline: Flask, path: Path) -> Path:
    """Write the peer's words where BENCH_TUTORIAL_WORDS will name them."""
    path.write_text(json.dumps(build_words(hotline), ensure_ascii=False))
    return path


def for_peer(samples: list, hotline: Flask, directory: Path) -> list:
    """Turn the hotline's samples into the peer's: its cookie, its signature base, its answers."""
    words = build_words(hotline)
    peer = create_app(str(write_words(hotline, directory / "peer-words.json")))
    peer.config["SECRET_KEY"] = hotline.secret_key  # the server gets the same one (HOTLINE_SECRET_KEY)
    serializer = peer.session_interface.get_signing_serializer(peer)
    converted = []
    for sample in samples:
        if sample.channel != "sms":
            converted.append(dataclasses.replace(sample, cookie=None, expected=voice_menu(words),
                                                 signature_base=PEER_SIGNATURE_BASE))
            continue
        conversation: dict = {}
        if sample.state and sample.state.get("topic"):  # a MORE: the peer's cookie names the same topic
            conversation = {"topic": f"{sample.state['topic']}:{sample.state['lang']}", "more": 0}
        cookie = serializer.dumps({"counter": 1, **conversation}) if conversation else None
        response = MessagingResponse()
        response.message(answer(words, dict(sample.params)["Body"], dict(conversation)))
        converted.append(dataclasses.replace(sample, cookie=cookie, expected=str(response),
                                             signature_base=PEER_SIGNATURE_BASE))
    return converted
