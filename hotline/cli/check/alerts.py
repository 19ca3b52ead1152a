"""Check the verified-alert words (messages/alerts.toml) at their longest, and the notice that holds now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from flask import Flask

from hotline.cli.check import rules
from hotline.cli.check.problems import Problem
from hotline.cli.check.report_types import Limits, Row
from hotline.cli.check.scoring import hard_to_read, score_text
from hotline.core.alert_checks import Limits as AlertLimits
from hotline.core.alert_checks import check_notice, worst_answer
from hotline.core.alerts import FILE, AlertWords, load_alert_words, longest_time
from hotline.core.catalog import Catalog
from hotline.core.placeholders import fill
from hotline.core.sms_flow import preview_then
from hotline.core.toml_files import ContentError
from hotline.edges.storage.alerts import current_in
from hotline.edges.storage.database import default_url, make_engine, normalise_url

SAMPLE_REPORT_LINE = "(307) 555-0111"  # fictional, for measuring while HOTLINE_REPORT_LINE is empty
Measure = Callable[[Row, str], None]  # measures one SMS exactly as sent (no placeholders left)


def check_alert_words(directory: Path, catalog: Catalog, config: Mapping[str, str], previews: Mapping[str, str],
                      limits: Limits, measure: Measure) -> list[Problem]:
    """Measure each language's answers (a notice like `sample`, and "none") and score every text of the file."""
    try:
        words = load_alert_words(directory, catalog.languages.codes)
    except ContentError as error:
        where, _, reason = str(error).partition(" ")
        return [Problem("FAIL", where.rstrip(":"), reason)]
    report_line = str(config.get("HOTLINE_REPORT_LINE") or "") or SAMPLE_REPORT_LINE
    problems = []
    for language in catalog.languages.all:
        lang, texts = language.code, words.texts[language.code]
        when = longest_time(lang, words)
        none = fill(texts["none"], {"checked": when, "report_line": report_line})
        for message, key, text in (("alert (a notice like sample)", "active",
                                    worst_answer(texts["sample"], lang, words, previews[lang])),
                                   ("alert (no notice)", "none", preview_then(previews[lang], none))):
            measure(Row("sms", lang, "hotline", message, f"{FILE}:{lang}.{key}"), text)
        for where, template in named_texts(words, lang):
            problems += rules.check_safety(where, template, {})
            if len(fill(template, {}).split()) >= 4:
                problems += [Problem("FAIL", where, reason)
                             for reason in hard_to_read(score_text(template, language.readability), limits)]
    return problems


def named_texts(words: AlertWords, lang: str) -> list[tuple[str, str]]:
    """List (file:key, template) for every text of the language in alerts.toml."""
    return [*((f"{FILE}:{lang}.{name}", text) for name, text in words.texts[lang].items()),
            *((f"{FILE}:{lang}.web.{name}", text) for name, text in words.web[lang].items())]


def check_active_notice(directory: Path, catalog: Catalog, config: Mapping[str, str], previews: Mapping[str, str],
                        limits: Limits) -> list[Problem]:
    """Check the notice that holds now in the database against today's words and settings; nothing if none holds."""
    url = normalise_url(str(config.get("DATABASE_URL") or ""))
    if not url:
        path = Path(Flask("hotline", instance_relative_config=True).instance_path) / "hotline.db"
        if not path.is_file():
            return []  # no database yet, so no notice: and the check creates none
        url = default_url(str(path.parent))
    try:
        words = load_alert_words(directory, catalog.languages.codes)
        engine = make_engine(url)
        try:
            notice = current_in(engine, dt.datetime.now(dt.UTC))
        finally:
            engine.dispose()
    except ContentError:
        return []  # reported with the words
    except Exception as error:  # a database that does not answer must not stop a check of the words
        return [Problem("warn", "alert (notice that holds now)", f"not checked: the database does not answer "
                        f"({type(error).__name__})")]
    if notice is None:
        return []
    found = check_notice(notice.texts, catalog.languages, words,
                         AlertLimits(limits.budget, limits.max_grade, limits.min_fernandez_huerta,
                                     limits.min_szigriszt_pazos), previews)
    return [Problem("FAIL", f"alert (notice that holds now):{code}", f"{reason}; publish a corrected one with "
                    "`hotline alert publish` or clear it with `hotline alert clear`")
            for code, reasons in found.items() for reason in reasons]
