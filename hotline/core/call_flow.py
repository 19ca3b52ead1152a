"""The call flow as small pure functions: from where a call is and what the caller did, what next.

It walks the menu of hotline/core/menu.py, the same one the SMS flow walks.

At the language prompt each language's key (languages.toml) chooses it, so those keys cannot
also pick a topic there; any other menu key plays that topic at once in the default language,
and a topic's name said aloud plays it in the language of the word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from hotline.core.menu import Tree, match_phrase

STEPS = ("language", "menu", "after", "county")
MAX_TRIES = 3  # the third silence or wrong answer in a row ends the call: never an endless loop
# What became of a "text me this" -> (what the caller hears, the outcome for statistics).
TEXT_RESULTS = {
    "sent": ("text_sent", "text_sent"), "failed": ("text_failed", "text_failed"),
    "already_sent": ("text_already_sent", "text_refused"),
    "not_possible": ("text_not_possible", "text_refused"), "limited": ("text_limit", "text_refused"),
    "opted_out": ("text_opted_out", "text_refused"), "unavailable": ("text_failed", "text_refused"),
}
PROMPTS = ("choose_language", "welcome", "no_input", "wrong_key", "referral", "goodbye", "county_ask",
           "county_unavailable", "volunteer_wait", "volunteer_no_answer", "volunteer_ended",
           *sorted({prompt for prompt, _ in TEXT_RESULTS.values()}))

Line = tuple[str, str]  # (language, a prompt in PROMPTS, "topic_menu", "topic:<id>", "after:<action>", "extra:<line>")


@dataclass(frozen=True)
class Call:
    """Where a call stands; it travels in the action URL, so it never holds the number."""

    step: str = "language"
    lang: str | None = None
    topic: str | None = None
    tries: int = 0  # silences or wrong answers in a row at this step
    sent: tuple[str, ...] = ()  # topics already texted to the caller during this call
    attempt: int = 0  # texts tried and not sent at this step: a retry is a new request, never a replay


@dataclass(frozen=True)
class Heard:
    digits: str = ""
    speech: str = ""
    silent: bool = False  # the <Gather> timed out and its fallback <Redirect> brought us here


@dataclass(frozen=True)
class Turn:
    """Say these lines, then ask for input at `next`, or hang up when `next` is None."""

    say: tuple[Line, ...]
    next: Call | None
    outcome: str
    lang: str | None = None
    topic: str | None = None
    send: bool = False  # text the topic first, then ask report_text what to say
    lookup: bool = False  # look the county the caller said up in ICE's list, then ask report_county
    spoken: str = ""  # an answer made at call time (a county's agreements), said after `say`
    live: str = ""  # an extra of the topic menu (core/live.py): the channel answers it with report_live


def read_call(query: Mapping[str, str], tree: Tree) -> Call:
    """Rebuild a call from its action URL; anything malformed starts again from a safe step."""
    topics, tries = set(tree.menu.values()), query.get("n", "")
    lang = query.get("l") if query.get("l") in tree.codes else None
    topic = query.get("t") if query.get("t") in topics else None
    step = query.get("s") if query.get("s") in STEPS and lang else "language"
    # After a topic, or asking for a county, needs the topic: without it, start again at the menu.
    step = "menu" if step in ("after", "county") and topic is None else step
    sent = tuple(t for t in dict.fromkeys(query.get("sent", "").split(",")) if t in topics)
    attempt = int(query["a"]) if query.get("a", "") in map(str, range(1, 10)) else 0
    return Call(step, lang, topic, int(tries) if tries in map(str, range(MAX_TRIES)) else 0, sent, attempt)


def write_call(call: Call, silent: bool = False) -> str:
    """Encode a call as the plain-ASCII query string of the next action URL."""
    fields = {"s": call.step, "l": call.lang, "t": call.topic, "n": call.tries or None,
              "sent": ",".join(call.sent), "a": call.attempt or None, "x": 1 if silent else None}
    return "&".join(f"{name}={value}" for name, value in fields.items() if value)


def prompt_lines(call: Call, tree: Tree) -> tuple[Line, ...]:
    """List what the menu of this step says, inside its <Gather>."""
    if call.step == "language":
        return tuple((lang, "choose_language") for lang in tree.codes)
    if call.step == "county":
        return ((call.lang, "county_ask"),)
    if call.step == "menu":  # the topics, then each extra that is on, in hotline.toml's order
        lines = (tree.offered_line(action) for action in tree.extras.values())
        return ((call.lang, "topic_menu"), *((call.lang, f"extra:{line}") for line in lines if line))
    county = call.topic == tree.county_topic and tree.county  # offered last, as an extra
    actions = [a for a in tree.after_keys.values() if a != "county"] + ["county"] * county
    return tuple((call.lang, f"after:{action}") for action in actions)


def start_call() -> Turn:
    """Greet a new call with the language choice."""
    return Turn((), Call(), "call_started")  # counted once per call, so Calls can be counted


def next_turn(call: Call, heard: Heard, tree: Tree) -> Turn:
    """Decide what follows what the caller pressed or said at this step."""
    if heard.silent or not (heard.digits or heard.speech.strip()):
        return _fail(call, "no_input", tree)
    choose = {"language": _choose_language, "menu": _choose_topic, "after": _choose_after,
              "county": _choose_county}
    return choose[call.step](call, heard, tree) or _fail(call, "wrong_key", tree)


def report_text(call: Call, result: str) -> Turn:
    """Tell the caller what became of the text, then offer the after-topic options again."""
    prompt, outcome = TEXT_RESULTS[result]
    sent = (*call.sent, call.topic) if result == "sent" else call.sent
    after = Call("after", call.lang, call.topic, 0, sent, 0 if result == "sent" else min(call.attempt + 1, 9))
    return Turn(((call.lang, prompt),), after, outcome, call.lang, call.topic)


def _choose_language(call: Call, heard: Heard, tree: Tree) -> Turn | None:
    if heard.digits:
        if heard.digits in tree.language_keys:
            return _welcome(call, tree.language_keys[heard.digits])
        topic = tree.menu.get(heard.digits)
        return _welcome(call, tree.default_lang, topic) if topic else None
    lang = match_phrase(heard.speech, tree.languages)
    if lang:
        return _welcome(call, lang)
    topics = {lang: match_phrase(heard.speech, tree.topics[lang]) for lang in tree.codes}
    if len(set(topics.values()) - {None}) != 1:
        return None
    langs = [lang for lang, topic in topics.items() if topic]  # a word like 287g is in both
    lang = langs[0] if len(langs) == 1 else tree.default_lang
    return _welcome(call, lang, topics[lang])


def _welcome(call: Call, lang: str, topic: str | None = None) -> Turn:
    menu = Call("menu", lang, sent=call.sent)
    if topic:
        return _play(menu, topic, ((lang, "welcome"),))
    return Turn(((lang, "welcome"),), menu, "menu", lang)


def _choose_topic(call: Call, heard: Heard, tree: Tree) -> Turn | None:
    extras = {f"extra:{a}": tree.extra_phrases[call.lang][a] for a in tree.extras.values() if tree.offered_line(a)}
    if heard.digits:
        chosen = tree.menu.get(heard.digits) or f"extra:{tree.extras.get(heard.digits)}"
    else:
        chosen = match_phrase(heard.speech, {**tree.topics[call.lang], **extras})
    if chosen in extras:  # said or pressed: the channel answers it now (report_live), or rings volunteers
        return Turn((), replace(call, tries=0), "live", call.lang, live=chosen.partition(":")[2])
    return _play(call, chosen) if chosen in tree.topics[call.lang] else None


def report_live(call: Call, action: str, answer: str | None) -> Turn:
    """Say an extra's answer made now (or that it is not available), then the topic menu again."""
    menu = Call("menu", call.lang, sent=call.sent)
    if not answer:
        return Turn(((call.lang, "wrong_key"),), menu, "not_understood", call.lang)
    return Turn((), menu, action, call.lang, spoken=answer)


def _choose_after(call: Call, heard: Heard, tree: Tree) -> Turn | None:
    action = tree.after_keys.get(heard.digits) if heard.digits else match_phrase(
        heard.speech, tree.after[call.lang])
    if action == "again":
        return _play(call, call.topic)
    if action == "menu":
        return Turn((), Call("menu", call.lang, sent=call.sent), "menu", call.lang)
    if action == "end":
        return Turn(_goodbye((call.lang,)), None, "ended", call.lang, call.topic)
    if action == "county" and call.topic == tree.county_topic and tree.county:
        return Turn((), Call("county", call.lang, call.topic, 0, call.sent), "menu", call.lang, call.topic)
    if action == "text" and call.topic in call.sent:
        return report_text(call, "already_sent")
    if action == "text":
        return Turn((), replace(call, tries=0), "text", call.lang, call.topic, send=True)
    return None


def _choose_county(call: Call, heard: Heard, tree: Tree) -> Turn | None:
    if heard.digits:  # the after-topic keys still work here
        return _choose_after(replace(call, step="after"), heard, tree)
    return Turn((), Call("after", call.lang, call.topic, 0, call.sent), "county", call.lang, call.topic,
                lookup=True)


def report_county(call: Call, answer: str | None) -> Turn:
    """Say what ICE's list says of the county (or that it can't be checked), then the options again."""
    say = () if answer else ((call.lang, "county_unavailable"),)
    after = Call("after", call.lang, call.topic, 0, call.sent)
    return Turn(say, after, "county", call.lang, call.topic, spoken=answer or "")


def after_volunteer(call: Call, connected: bool, default_lang: str) -> Turn:
    """After ringing volunteers: the call ended, or nobody took it (kindly, with the referral); then the menu."""
    lang = call.lang or default_lang
    menu = Call("menu", lang, sent=call.sent)
    if connected:
        return Turn(((lang, "volunteer_ended"),), menu, "volunteer_connected", lang)
    return Turn(((lang, "volunteer_no_answer"), (lang, "referral")), menu, "volunteer_no_answer", lang)


def _play(call: Call, topic: str, before: tuple[Line, ...] = ()) -> Turn:
    after = Call("after", call.lang, topic, 0, call.sent)
    return Turn((*before, (call.lang, f"topic:{topic}")), after, "answered", call.lang, topic)


def _fail(call: Call, prompt: str, tree: Tree) -> Turn:
    langs = (call.lang,) if call.lang else tree.codes
    say = tuple((lang, prompt) for lang in langs)
    if call.tries + 1 >= MAX_TRIES:
        return Turn(say + _goodbye(langs), None, "hung_up", call.lang, call.topic)
    return Turn(say, replace(call, tries=call.tries + 1), "not_understood", call.lang, call.topic)


def _goodbye(langs: tuple[str, ...]) -> tuple[Line, ...]:
    return tuple((lang, name) for lang in langs for name in ("referral", "goodbye"))
