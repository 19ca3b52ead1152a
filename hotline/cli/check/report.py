"""Run the content check: measure every text as Twilio bills it and as people read it, and say what fails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from hotline.cli.check import rules
from hotline.cli.check.alerts import check_active_notice, check_alert_words
from hotline.cli.check.counties import measure_county_answers
from hotline.cli.check.problems import Problem
from hotline.cli.check.report_types import Report, Row, read_limits
from hotline.cli.check.scoring import hard_to_read, score_other_texts, score_text, score_topics
from hotline.cli.check.translations import check_translations
from hotline.core.catalog import load_catalog, review_dates
from hotline.core.live import live_on
from hotline.core.placeholders import PLACEHOLDERS, fill, placeholder_values
from hotline.core.segments import SegmentCount, count_segments
from hotline.core.toml_files import ContentError, default_messages_dir
from hotline.core.volunteers import hours_in_words
from hotline.edges.settings import is_on, read_settings

# Stand-ins for placeholders whose setting is still empty. Live replies drop such lines,
# but an organisation that fills the setting in later must not find its answers over
# budget, so the budget is measured with values of realistic length (fictional 555 number).
SAMPLES = {"org": "Example Community Legal Project", "number": "+13075550100",
           "referral": "Example Legal Aid, 307-555-0199, Mon-Fri"}
def run_check(directory: Path | str | None = None, config: Mapping[str, str] | None = None,
              today: dt.date | None = None, active_notice: bool = False) -> Report:
    """Check every text in messages/ with these settings (and, if asked, the verified notice that holds now)."""
    config = read_settings() if config is None else config
    report = Report(read_limits(config))
    try:
        catalog = load_catalog(directory)
    except ContentError as error:  # the loader stops at the first gap: report it, not a traceback
        where, _, reason = str(error).partition(" ")
        report.problems.append(Problem("FAIL", where.rstrip(":"), reason))
        return report
    codes = catalog.languages.codes
    report.language_names = {**{lang.code: f"{lang.name} ({lang.code})" for lang in catalog.languages.all},
                             "+".join(codes): "Every language (first contact)"}
    values = placeholder_values(config)
    report.samples = {name: SAMPLES[name] for name in PLACEHOLDERS if not values[name]}
    preview = is_on(config, "HOTLINE_DISCREET_PREVIEW")  # then every reply starts with a neutral line
    on = live_on(config)  # a live feature that is off (PERSON without volunteers) sends nothing to measure
    for lang, topic, message, where, template in rules.list_sms(catalog, on):
        first_line = catalog.texts[lang.split("+")[0]]["discreet_preview"] if preview else ""
        measure_sms(Row("sms", lang, topic, message, where), "\n".join(filter(None, (first_line, template))),
                    {**values, **report.samples, "reviewed": review_dates(catalog, lang.split("+")[0]),
                     "hours": hours_in_words(config, catalog, lang.split("+")[0])}, report)

    def measure_county(lang: str, key: str, where: str, text: str) -> None:
        first_line = catalog.texts[lang]["discreet_preview"] + "\n" if preview else ""
        measure_sms(Row("sms", lang, "hotline", f"287G {key}", where),
                    first_line + text.replace("{", "{{").replace("}", "}}"), {}, report)
        report.problems += [Problem("FAIL", where, reason) for reason in hard_to_read(
            score_text(text, catalog.languages[lang].readability), report.limits)]
    report.problems += measure_county_answers(directory, codes, measure_county)
    previews = {lang: catalog.texts[lang]["discreet_preview"] if preview else "" for lang in codes}
    alerts_args = (Path(directory or default_messages_dir()), catalog, config, previews, report.limits)
    report.problems += check_alert_words(*alerts_args, lambda row, text: measure_sms(
        row, text.replace("{", "{{").replace("}", "}}"), {}, report))
    report.problems += check_active_notice(*alerts_args) if active_notice else []
    score_topics(catalog, report)
    report.problems += score_other_texts(catalog, Path(directory or default_messages_dir()), report.limits)
    report.problems += check_translations(Path(directory or default_messages_dir()))
    report.problems += rules.check_content(catalog, values, report.limits.max_age_days,
                                           today or dt.date.today(), on)
    report.reviewed = {topic.id: topic.reviewed for topic in catalog.topics.values()}
    order = [*report.reviewed, "hotline"]
    report.rows.sort(key=lambda row: order.index(row.topic))  # each topic's rows together
    for row in report.rows:
        levels = {p.level for p in report.problems if p.where == row.where}
        row.status = "FAIL" if "FAIL" in levels else "warn" if levels else "ok"
    return report


def measure_sms(row: Row, template: str, values: Mapping[str, str], report: Report) -> None:
    """Count one SMS exactly as Twilio bills it, and report it over budget or needlessly UCS-2."""
    count = count_segments(fill(template, values))
    row.chars, row.encoding, row.segments, row.non_gsm = (count.characters, count.encoding,
                                                          count.segments, count.non_gsm)
    row.cost = report.limits.price * count.segments
    report.rows.append(row)
    if row.message != rules.TEXT_ME:  # the same words as the SMS answer: report their typography once
        report.problems += rules.check_typography(row.where, template, count.non_gsm)
    budget = report.limits.budget[count.encoding]
    if count.segments > budget:
        report.problems.append(Problem("FAIL", row.where, f"{count.segments} {count.encoding} segments "
                                       f"({count.characters} characters) is over the budget of {budget}: "
                                       + how_much_to_cut(count, report.limits.budget, template)))


CAPACITY = {"GSM-7": (160, 153), "UCS-2": (70, 67)}  # characters in one segment, and per segment when split


def how_much_to_cut(count: SegmentCount, budget: Mapping[str, int], template: str) -> str:
    """Say how many characters to cut in this encoding, and in GSM-7 if the text lost what forces UCS-2."""
    def over(encoding: str, units: int) -> int:
        single, split = CAPACITY[encoding]
        return units - (single if budget[encoding] == 1 else split * budget[encoding])
    advice = f"cut {over(count.encoding, count.units)} characters"
    if count.encoding == "UCS-2":
        chars = " ".join(count.non_gsm)
        from_settings = [c for c in count.non_gsm if c not in template]
        advice += (f" (or, without {chars}, which make it UCS-2, cut {max(over('GSM-7', count.characters), 0)} "
                   "in GSM-7)")
        if from_settings:
            advice += (f"; {' '.join(from_settings)} come from a setting or a filled-in placeholder "
                       "(HOTLINE_REFERRAL, {reviewed}...)")
    return advice
