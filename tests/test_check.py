"""Tests for `hotline check`: the shipped words pass, and each kind of broken word fails by name."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli.check.keywords import check_keywords
from hotline.cli.check.report import run_check
from hotline.cli.check.rules import TEXT_ME, TEXT_ME_VARIANT, check_typography
from hotline.cli.main import main
from hotline.core.catalog import load_catalog
from hotline.core.live import is_off_text, live_on
from hotline.core.toml_files import default_messages_dir
from hotline.edges.settings import SETTINGS, read_settings

# Every setting at its default, whatever the developer's shell or .env holds.
CLEAN_ENV = {setting.name: "" for setting in SETTINGS}
HARD_SENTENCE = ("Notwithstanding the aforementioned jurisdictional considerations, municipal "
                 "administrations retain considerable discretionary authority regarding "
                 "intergovernmental cooperation.")


@pytest.fixture
def messages(tmp_path: Path) -> Path:
    """A private copy of the shipped messages/ that a test may break."""
    copy = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return copy


def run(*args: str, **env: str):
    """Run `hotline check` through the real command group."""
    return CliRunner().invoke(main, ["check", *args], env={**CLEAN_ENV, **env})


def insert_text(path: Path, section: str, key: str, text: str) -> None:
    """Put text at the start of the multi-line string `key` in `[section]`."""
    content = path.read_text(encoding="utf-8")
    opening = f'{key} = """\n'
    at = content.index(opening, content.index(f"\n[{section}]\n")) + len(opening)
    path.write_text(content[:at] + text + "\n" + content[at:], encoding="utf-8")


def remove_text(path: Path, section: str, key: str) -> None:
    """Delete the multi-line string `key` from `[section]`."""
    content = path.read_text(encoding="utf-8")
    start = content.index(f'{key} = """', content.index(f"\n[{section}]\n"))
    end = content.index('"""', start + len(key) + 6) + 3
    path.write_text(content[:start] + content[end:], encoding="utf-8")


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace a piece of file structure that must occur exactly once."""
    content = path.read_text(encoding="utf-8")
    assert content.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(content.replace(old, new), encoding="utf-8")


def failures(output: str) -> list[str]:
    """Return the FAIL lines of a table report."""
    return [line for line in output.splitlines() if line.startswith("FAIL ")]


def test_shipped_content_passes_and_prints_a_table() -> None:
    result = run()

    assert result.exit_code == 0, result.output
    assert not failures(result.output)
    for heading in ("English (en)", "Spanish (es)", "topic", "seg", "cost", "score", "status"):
        assert heading in result.output
    assert result.output.strip().splitlines()[-1].startswith("PASS: ")


BROKEN: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("missing Spanish key", lambda m: remove_text(m / "topics/rights.toml", "es", "sms"),
     "topics/rights.toml:es.sms", "missing"),
    ("400-character answer", lambda m: insert_text(m / "topics/detainer.toml", "en", "sms", "Stay calm. " * 37),
     "topics/detainer.toml:en.sms", "over the budget of 2"),
    ("curly quote", lambda m: insert_text(m / "topics/rights.toml", "en", "sms", "Don\u2019t run."),
     "topics/rights.toml:en.sms", "U+2019 RIGHT SINGLE QUOTATION MARK"),
    ("grade-12 sentence", lambda m: insert_text(m / "topics/287g.toml", "en", "sms", HARD_SENTENCE),
     "topics/287g.toml:en.sms+more", "hardest: topics/287g.toml:en.sms"),
    ("unknown placeholder", lambda m: insert_text(m / "topics/rights.toml", "en", "sms", "Call {lawyer}."),
     "topics/rights.toml:en.sms", "unknown placeholder {lawyer}"),
    ("phone number", lambda m: insert_text(m / "topics/rights.toml", "es", "sms", "Llame al (307) 555-0142."),
     "topics/rights.toml:es.sms", "phone number '(307) 555-0142'"),
    ("web address", lambda m: insert_text(m / "topics/detainer.toml", "en", "web", "See www.example.org."),
     "topics/detainer.toml:en.web", "web or email address"),
    ("keyword collision", lambda m: replace_once(m / "topics/287g.toml", "[keywords]\nen = [",
                                                 '[keywords]\nen = ["RIGHTS", '),
     "topics/rights.toml:keywords.en", "topics/287g.toml:keywords.en"),
    ("keyword one typo from another meaning", lambda m: replace_once(
        m / "topics/287g.toml", "\nes = [", '\nes = ["DERECHO", '),
     "topics/rights.toml:keywords.es", "one typo could mean either"),
    ("menu word nobody understands", lambda m: insert_text(m / "hotline.toml", "en", "not_understood",
                                                           "Reply 4 ASYLUM."),
     "hotline.toml:en.not_understood", "ASYLUM"),
    ("menu number and word disagree", lambda m: insert_text(m / "hotline.toml", "en", "not_understood",
                                                            "Reply 1 RIGHTS."),
     "hotline.toml:en.not_understood", "'1 RIGHTS'"),
    ("control character", lambda m: insert_text(m / "topics/rights.toml", "en", "voice", "Ring\\u0007."),
     "topics/rights.toml:en.voice", "U+0007"),
    ("placeholder left unfilled", lambda m: insert_text(m / "hotline.toml", "es", "help", "{{org}}"),
     "hotline.toml:es.help", "{org} is still there"),
    ("voice prompt in one language only", lambda m: replace_once(m / "voice.toml", "\n[en]\n",
                                                                  '\n[en]\nonly_english = "Hello."\n'),
     "voice.toml:es.only_english", "missing"),
]


@pytest.mark.parametrize(("break_it", "where", "reason"), [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_broken_content_fails_naming_file_and_key(messages: Path, break_it, where: str, reason: str) -> None:
    break_it(messages)

    result = run("--messages", str(messages))

    assert result.exit_code == 1, result.output
    assert any(line.startswith(f"FAIL {where}: ") and reason in line for line in failures(result.output)), (
        result.output)
    assert result.output.strip().splitlines()[-1].startswith("FAIL: ")


def test_json_has_a_row_per_sms_and_costs_from_the_price_setting(messages: Path) -> None:
    result = run("--json", "--messages", str(messages), HOTLINE_PRICE_PER_SEGMENT="0.01")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    catalog = load_catalog(messages)
    expected = {f"{t.file}:{lang}.{name}" for t in catalog.topics.values() for lang, text in t.texts.items()
                for name in ["sms", f"sms ({TEXT_ME_VARIANT})", *(f"more[{i}]" for i in range(len(text.more)))]}
    expected |= {f"hotline.toml:{lang}.{name}" for lang, texts in catalog.texts.items() for name in texts
                 if not is_off_text(name, live_on({}))}  # PERSON is off without volunteers: never sent
    expected.add("hotline.toml:bilingual.menu")
    expected |= {f"agreements.toml:{lang}.{key}" for lang in ("en", "es")
                 for key in ("county_listed", "county_not_listed", "county_unknown", "statewide")}
    expected |= {f"alerts.toml:{lang}.{key}" for lang in ("en", "es") for key in ("active", "none")}
    sms = {row["where"]: row for row in report["rows"] if row["kind"] == "sms"}
    assert set(sms) == expected
    for row in sms.values():
        assert row["encoding"] in ("GSM-7", "UCS-2") and row["segments"] >= 1 and row["chars"] > 0
        assert row["cost"] == pytest.approx(row["segments"] * 0.01)
    for read in (row for row in report["rows"] if row["kind"] == "read"):
        parts = [r for r in sms.values() if (r["topic"], r["lang"]) == (read["topic"], read["lang"])
                 and r["message"] != TEXT_ME]  # a whole read is the answer and its follow-ups, by SMS
        assert read["segments"] == sum(r["segments"] for r in parts)
        assert read["cost"] == pytest.approx(read["segments"] * 0.01)
    assert report["ok"] is True and report["price_per_segment"] == 0.01
    assert "$0.01 a segment" in report["summary"]


def test_accents_mean_ucs2_but_typography_fails() -> None:
    assert check_typography("f:k", "Está aquí. ¿Qué? Sí.", ("á", "í")) == []
    for char in ("\u2019", "\u201c", "\u2014", "\u2026", "\u00a0", "\u200b", "\U0001f600"):
        problems = check_typography("f:k", f"a{char}b", (char,))
        assert [p.level for p in problems] == ["FAIL"] and f"U+{ord(char):04X}" in problems[0].reason


def test_budget_uses_the_referral_as_set(messages: Path) -> None:
    unset = run_check(messages, read_settings({}))
    long_referral = run_check(messages, read_settings({"HOTLINE_REFERRAL": "Legal Aid " * 15}))

    assert unset.ok and "referral" in unset.samples
    assert "referral" not in long_referral.samples
    assert any("over the budget" in p.reason for p in long_referral.problems if p.level == "FAIL")


def test_setting_with_curly_quote_is_blamed_on_the_setting(messages: Path) -> None:
    report = run_check(messages, read_settings({"HOTLINE_ORG_NAME": "Ana\u2019s Project"}))

    assert any("comes from a setting" in p.reason and p.where == "hotline.toml:en.help" for p in report.problems)


def test_old_review_date_warns_without_failing(messages: Path) -> None:
    catalog = load_catalog(messages)
    oldest = min(topic.reviewed for topic in catalog.topics.values())

    report = run_check(messages, read_settings({}), today=oldest + dt.timedelta(days=366))

    assert report.ok
    assert any(p.level == "warn" and p.where.endswith(":reviewed") for p in report.problems)


def test_bad_price_setting_is_a_clear_error() -> None:
    result = run(HOTLINE_PRICE_PER_SEGMENT="cheap")

    assert result.exit_code == 1
    assert "HOTLINE_PRICE_PER_SEGMENT must be a number" in result.output


def test_keywords_of_one_meaning_may_be_a_typo_apart(messages: Path) -> None:
    words = '["DETAINERS", "DETAINEE", '
    replace_once(messages / "topics/detainer.toml", "[keywords]\nen = [", f"[keywords]\nen = {words}")

    assert check_keywords(load_catalog(messages)) == []


@pytest.mark.parametrize(("break_it", "where"), [
    (lambda m: insert_text(m / "agreements.toml", "en", "county_listed", "A sentence that adds length. " * 3),
     "agreements.toml:en.county_listed"),
    (lambda m: insert_text(m / "agreements.toml", "es", "statewide", "Más palabras que alargan la respuesta. " * 4),
     "agreements.toml:es.statewide"),
    (lambda m: remove_text(m / "agreements.toml", "es", "county_not_listed"), "agreements.toml:es.county_not_listed"),
])
def test_county_answers_are_measured_at_their_longest(messages: Path, break_it, where: str) -> None:
    break_it(messages)
    result = run("--messages", str(messages))
    assert result.exit_code == 1
    assert any(line.startswith(f"FAIL {where}") for line in failures(result.output)), result.output
