"""Score what people read and hear against the plain-language targets (grade 6; reading ease 70 and 65)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from hotline.cli.check import rules
from hotline.cli.check.problems import Problem
from hotline.cli.check.report_types import Limits, Report, Row
from hotline.core.catalog import Catalog
from hotline.core.placeholders import fill
from hotline.core.readability import scores as readability_scores
from hotline.core.toml_files import read_toml, require_texts


def score_topics(catalog: Catalog, report: Report) -> None:
    """Score each topic's SMS texts as one read, and its voice and web texts, against the targets."""
    for topic in catalog.topics.values():
        for lang, text in topic.texts.items():
            # A whole read is the SMS answer and its follow-ups; "text me this" is measured on its own.
            rows = [r for r in report.rows if r.topic == topic.id and r.lang == lang and r.message != rules.TEXT_ME]
            formulas = catalog.languages[lang].readability
            for row, template in zip(rows, (text.sms, *text.more), strict=True):
                row.scores = score_text(template, formulas)
            where = f"{topic.file}:{lang}.sms+more"
            read = Row("read", lang, topic.id, "whole topic", where, sum(r.chars for r in rows), None,
                       sum(r.segments for r in rows), sum((r.cost for r in rows), Decimal(0)),
                       scores=score_text("\n".join((text.sms, *text.more)), formulas))
            hardest = min(rows, key=lambda r: ease(r.scores))
            report.rows.append(read)
            report.problems += [Problem("FAIL", where, f"{reason} (hardest: {hardest.where}, "
                                        f"{format_scores(hardest.scores)})")
                                for reason in hard_to_read(read.scores, report.limits)]
            # Callers cannot reread a spoken answer, so voice must be as plain as SMS; a web
            # page may define legal terms at more length, so it only warns.
            for name, level in (("voice", "FAIL"), ("web", "warn")):
                row = Row(name, lang, topic.id, name, f"{topic.file}:{lang}.{name}",
                          scores=score_text(getattr(text, name), formulas))
                report.rows.append(row)
                report.problems += [Problem(level, row.where, reason)
                                    for reason in hard_to_read(row.scores, report.limits)]


MIN_WORDS_TO_SCORE = 4  # reading-ease formulas mean nothing for a label like "US Letter"


def score_other_texts(catalog: Catalog, directory: Path, limits: Limits) -> list[Problem]:
    """Score every other text a person reads or hears (HELP, menus, prompts, page words) against the targets."""
    web, codes = read_toml(directory / "web.toml"), catalog.languages.codes
    texts = [(f"hotline.toml:{lang}.{name}", lang, text) for lang in codes
             for name, text in catalog.texts[lang].items()]
    texts += [(f"voice.toml:{lang}.{key}", lang, value) for lang in codes
              for key, value in rules.leaves(catalog.voice[lang]) if isinstance(value, str)]
    texts += [(f"web.toml:{lang}.{name}", lang, text) for lang in codes
              for name, text in require_texts(web, lang, (), "web.toml").items()]
    return [Problem("FAIL", where, reason) for where, lang, text in texts
            if len(fill(text, {}).split()) >= MIN_WORDS_TO_SCORE
            for reason in hard_to_read(score_text(text, catalog.languages[lang].readability), limits)]


def score_text(template: str, formulas: str) -> dict[str, float]:
    """Score the editor's own words by a language's formulas: lines with a placeholder are left out, as when unset."""
    try:
        return readability_scores(fill(template, {}), formulas)
    except ValueError:  # no words left to score
        return {}


def ease(scores: Mapping[str, float]) -> float:
    """Rank scores so that the lowest is the hardest to read."""
    if not scores:
        return float("inf")
    return -scores["fk_grade"] if "fk_grade" in scores else scores["fernandez_huerta"]


def hard_to_read(scores: Mapping[str, float], limits: Limits) -> list[str]:
    """Say which plain-language targets the scores miss."""
    if not scores:
        return []
    if "fk_grade" in scores:
        grade = scores["fk_grade"]
        return [f"Flesch-Kincaid grade {grade:.1f} is above {limits.max_grade:g}"] * (grade > limits.max_grade)
    targets = (("fernandez_huerta", "Fernández-Huerta", limits.min_fernandez_huerta),
               ("szigriszt_pazos", "Szigriszt-Pazos", limits.min_szigriszt_pazos))
    return [f"{label} {scores[key]:.1f} is below {low:g}" for key, label, low in targets if scores[key] < low]


def format_scores(scores: Mapping[str, float]) -> str:
    """Write scores briefly: "grade 5.2" or "FH 80.1 SP 76.0"."""
    if "fk_grade" in scores:
        return f"grade {scores['fk_grade']:.1f}"
    if scores:
        return f"FH {scores['fernandez_huerta']:.1f} SP {scores['szigriszt_pazos']:.1f}"
    return ""
