"""ICE's 287(g) list: reading the real spreadsheet, finding counties, answering in both languages."""

import datetime as dt
import string
from pathlib import Path

import pytest
from openpyxl import Workbook

from hotline.core.agreements import AgreementsError, date_from_filename, read_spreadsheet, summarise_changes
from hotline.core.county_answers import AgreementList, answer_county_question, load_county_words
from hotline.core.matcher import normalise
from hotline.core.segments import count_segments
from hotline.core.toml_files import default_messages_dir

SAMPLE = Path(__file__).parent.parent / "data" / "ice-287g-participating-agencies-2025-07-18.xlsx"
AS_OF = dt.date(2025, 7, 18)


def ask(text, lang, rows, county_words, state="WY", today=dt.date(2025, 8, 1)):
    words = [w for w in normalise(text).split() if w != "287g"]
    return answer_county_question(words, lang, AgreementList(AS_OF, tuple(rows)), county_words, state, today, 60,
                                  "https://hotline.example.org")


def test_reads_the_real_list(rows):
    assert len(rows) == 832  # every non-empty row below the header
    wyoming = [r for r in rows if r.state == "WY"]
    assert {r.county for r in wyoming} == {"Campbell", "Carbon", "Laramie", "Natrona", "Sweetwater"}
    laramie = sorted(r.model for r in wyoming if r.county == "Laramie")
    assert laramie == ["jail", "task_force", "warrant_service"]
    # ICE's file mixes curly and straight apostrophes and trailing spaces: all folded.
    assert {r.agency for r in wyoming if r.county == "Laramie"} == {"Laramie County Sheriff's Office"}
    assert all(not r.county.endswith(" ") and "County" not in r.county for r in wyoming)


def test_date_comes_from_the_file_name():
    assert date_from_filename(SAMPLE) == AS_OF
    assert date_from_filename("list.xlsx") is None


def fixed_words(template: str) -> str:
    """The longest stretch of a template without placeholders: it marks which answer was given."""
    return max((literal.strip() for literal, *_ in string.Formatter().parse(template)), key=len)


LIST_DATE = {"en": "Jul 18, 2025", "es": "18 jul 2025"}


@pytest.mark.parametrize(("text", "lang", "county", "models"), [
    ("287G Laramie", "en", "Laramie", {"jail": "May 20, 2025", "task_force": "Jun 11, 2025",
                                       "warrant_service": "Jun 12, 2025"}),
    ("287g laramie county", "en", "Laramie", {"jail": "May 20, 2025"}),
    ("287G LARAMIE", "en", "Laramie", {"task_force": "Jun 11, 2025"}),
    ("287G Laramei", "en", "Laramie", {"warrant_service": "Jun 12, 2025"}),
    ("287g natrona county", "en", "Natrona", {"task_force": "May 8, 2025"}),
    ("287(g) condado de Sweetwater", "es", "Sweetwater", {"jail": "7 mar 2025", "warrant_service": "13 mar 2020"}),
    ("287g condado de natrona", "es", "Natrona", {"task_force": "8 may 2025"}),
    ("287 g del condado de Campbel", "es", "Campbell", {"warrant_service": "26 feb 2025"}),
])
def test_county_on_the_list(rows, county_words, text, lang, county, models):
    answer = ask(text, lang, rows, county_words)
    texts = county_words.texts["sms", lang]
    assert fixed_words(texts["county_listed"]) in answer
    assert county in answer and ("WY" in answer or "Wyoming" in answer)
    assert LIST_DATE[lang] in answer  # the date of the list, always
    assert f"{county} County Sheriff's Office" in answer
    for model, signed in models.items():
        assert f"{texts['models'][model]} (" in answer and signed in answer


@pytest.mark.parametrize(("text", "lang", "county"), [
    ("287G Teton", "en", "Teton"), ("287g teton county", "en", "Teton"),
    ("287G Hot Springs", "en", "Hot Springs"), ("287g condado de Albany", "es", "Albany"),
])
def test_county_not_on_the_list_is_never_a_flat_no(rows, county_words, text, lang, county):
    answer = ask(text, lang, rows, county_words)
    assert fixed_words(county_words.texts["sms", lang]["county_not_listed"]) in answer
    assert county in answer and LIST_DATE[lang] in answer
    assert "no agreement" not in answer.lower() and "Sheriff's Office" not in answer


@pytest.mark.parametrize(("text", "state", "template", "expected"), [
    ("287G LIST", "WY", "statewide", "Campbell, Carbon, Laramie, Natrona, Sweetwater"),
    ("287g wyoming", None, "statewide", "Wyoming"),
    ("287G WY", None, "statewide", "9"),
    ("287g texas", None, "statewide_long", "https://hotline.example.org/en/287g/tx"),  # too long for SMS
    ("287g vermont", None, "statewide_none", "Vermont"),
    ("287G Laramie WY", None, "county_listed", "Laramie"),
    ("287G Washington County", "WY", "county_unknown", "Wyoming"),  # the state Washington is not asked for
    ("287g franklin", None, "state_ask", "Franklin"),  # a county in many states
])
def test_statewide_and_other_states(rows, county_words, text, state, template, expected):
    answer = ask(text, "en", rows, county_words, state=state)
    assert fixed_words(county_words.texts["sms", "en"][template]) in answer
    assert expected in answer


@pytest.mark.parametrize("text", ["287G", "what is 287(g)?", "does my county have a 287g agreement"])
def test_plain_287g_questions_get_the_topic_answer(rows, county_words, text):
    assert ask(text, "en", rows, county_words) is None


def test_old_list_says_it_may_be_out_of_date(rows, county_words):
    stale = {lang: county_words.texts["sms", lang]["stale"] for lang in ("en", "es")}
    assert stale["en"] not in ask("287G Laramie", "en", rows, county_words, today=dt.date(2025, 8, 1))
    assert stale["en"] in ask("287G Laramie", "en", rows, county_words, today=dt.date(2025, 12, 1))
    assert stale["es"] in ask("287G Teton", "es", rows, county_words, today=dt.date(2025, 12, 1))


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("county", ["Campbell", "Carbon", "Laramie", "Natrona", "Sweetwater", "Teton", "LIST"])
def test_every_wyoming_answer_fits_the_segment_budget(rows, county_words, county, lang):
    answer = ask(f"287G {county}", lang, rows, county_words, today=dt.date(2026, 1, 1))  # with the stale line
    count = count_segments(answer)
    assert count.segments <= (2 if count.encoding == "GSM-7" else 4), (answer, count)


def write_workbook(path, header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"]


@pytest.mark.parametrize(("header", "rows", "error"), [
    (["NAME", "CITY"], [["a", "b"]], "no header row"),
    (HEADER, [], "no agreement rows"),
    (HEADER, [["NARNIA", "X Sheriff", "County", "X County", "Task Force Model", dt.datetime(2025, 1, 1)]],
     "unknown state"),
    (HEADER, [["WYOMING", "X Sheriff", "County", "X County", "Mind Reading", dt.datetime(2025, 1, 1)]],
     "unknown support type"),
])
def test_malformed_spreadsheets_are_rejected(tmp_path, header, rows, error):
    with pytest.raises(AgreementsError, match=error):
        read_spreadsheet(write_workbook(tmp_path / "bad.xlsx", header, rows))


def test_a_file_that_is_not_a_spreadsheet_is_rejected(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_text("STATE,COUNTY\nWY,Laramie\n")
    with pytest.raises(AgreementsError, match="not a readable .xlsx"):
        read_spreadsheet(path)


def test_changes_are_counted_per_state(rows):
    fewer = [r for r in rows if not (r.state == "WY" and r.county == "Laramie")]
    assert summarise_changes(rows, fewer) == {"WY": (0, 3)}
    assert summarise_changes(fewer, rows) == {"WY": (3, 0)}
    assert summarise_changes(rows, rows) == {}


@pytest.mark.parametrize(("text", "state", "template", "expected"), [
    # County names that sound like states are never read as states (us.lookup guesses by sound).
    ("287G Fremont", None, "state_ask", "Fremont"),
    ("287G Owyhee", None, "county_listed", "Owyhee"),
    ("287G condado de Fremont", "WY", "county_not_listed", "Fremont"),
    # With the word "county", a name is a county even when a state has that name too.
    ("287G Washington County", None, "state_ask", "Washington"),
    ("287G Washington County UT", None, "county_listed", "Washington"),
])
def test_county_names_are_not_mistaken_for_states(rows, county_words, text, state, template, expected):
    answer = ask(text, "es" if "condado" in text else "en", rows, county_words, state=state)
    lang = "es" if "condado" in text else "en"
    assert fixed_words(county_words.texts["sms", lang][template]) in answer and expected in answer


@pytest.mark.parametrize("text", ["Is 287g mandatory?", "explain 287g please", "287g meaning", "287G MORE",
                                  "¿Qué significa 287g?", "¿El 287g es obligatorio?"])
def test_questions_about_287g_itself_get_the_topic_answer(rows, county_words, text):
    assert ask(text, "en", rows, county_words, state="WY") is None


@pytest.mark.parametrize(("old", "new", "error"), [
    ("La lista cambia.\n{elsewhere}", "La lista cambia el {fecha}.\n{elsewhere}", "unknown placeholder {fecha}"),
    ('title = "Acuerdos 287(g) en {state_name}"', 'title = "Acuerdos 287(g)"', "placeholders differ"),
    ('ice_link = "Página 287(g) de ICE"', "", "in one language but not the other"),
])
def test_agreements_words_must_match_in_both_languages(tmp_path, old, new, error):
    import shutil

    from hotline.core.catalog import ContentError

    copy = tmp_path / "messages"
    shutil.copytree(default_messages_dir(), copy)
    path = copy / "agreements.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError, match=error):
        load_county_words(copy)
