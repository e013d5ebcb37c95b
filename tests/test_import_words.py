"""Importing a partner list as coordinators have it: a spreadsheet (.xlsx, .ods) or a CSV, with headers
and cells in partners' own words, a column mapping and fills for what the file does not say."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from forked import run_command
from planner.errors import PlanError
from planner.importing import MissingColumns, preview_import, read_table
from planner.rules import load_call
from planner.storage import load_plan
from spreadsheets import write_ods, write_xlsx
from support import ROOT, SAMPLES, make_plan

RULES = load_call("2025")
HEADER = ["Organisation name", "Acronym", "Country", "Organisation type", "PIC"]
# partners' own words: countries in their languages and older names, kinds as they say them
OWN_WORDS = [
    ["Hochschule München", "HM", "Deutschland", "Hochschule", 999111001],
    ["Universidad de Sevilla", "US", "España", "University", 999111002],
    ["Svaz průmyslu", "SP", "Czech Republic", "Employers organisation", 999111003],
    ["Haaga-Helia", "HH", "Suomi", "UAS", 999111004],
    ["Berufsbildungszentrum Linz", "BBZ", "Österreich", "Berufsschule", 999111005],
    ["IHK Köln", "IHK", "DE", "Kammer", 999111006],
]
EXPECTED = {"HM": ("DE", "higher-education"), "US": ("ES", "higher-education"), "SP": ("CZ", "trade-association"),
            "HH": ("FI", "higher-education"), "BBZ": ("AT", "vet-provider"), "IHK": ("DE", "chamber")}


def run_planner(*args):
    return run_command(args)


def csv_text(rows, header=HEADER, sep=";"):
    return "".join(sep.join(str(c) for c in row) + "\n" for row in [header, *rows])


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", path)
    return path


def write_file(tmp_path, suffix, rows, header=HEADER, sheets=None):
    path = tmp_path / f"partners{suffix}"
    if suffix == ".csv":
        path.write_text(csv_text(rows, header), encoding="utf-8")
    elif suffix == ".xlsx":
        write_xlsx(path, sheets or {"Partners": [header, *rows]})
    else:
        write_ods(path, sheets or {"Partners": [header, *rows]})
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".ods"])
def test_a_list_in_partners_own_words_imports_every_row(tmp_path, plan_file, suffix):
    before = len(load_plan(plan_file).partners)
    source = write_file(tmp_path, suffix, OWN_WORDS)
    result = run_planner("import-partners", plan_file, source)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"added {len(OWN_WORDS)} partner(s)" in result.stdout
    added = load_plan(plan_file).partners[before:]
    assert {p.short_name: (p.country, p.kind) for p in added} == EXPECTED
    assert [p.pic for p in added] == [str(row[4]) for row in OWN_WORDS]  # a number cell is read as its digits
    # the preview speaks in words: the country's and the kind's names, not ids
    assert "add    line 2: HM (Germany, Higher education institution, beneficiary)" in result.stdout
    assert "'Organisation type' -> kind" in result.stdout
    assert "higher-education" not in result.stdout.split("kinds:")[0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_unknown_words_get_did_you_mean(tmp_path, plan_file, suffix):
    before = plan_file.read_bytes()
    rows = [["Uni Sevilla", "USE", "Spian", "University", ""], ["Lab", "LB", "DE", "Hochshule", ""],
            ["Kolleg", "KO", "DE", "college", ""], ["Firm", "FI", "DE", "enterprise", ""]]
    result = run_planner("import-partners", plan_file, write_file(tmp_path, suffix, rows), "--dry-run")
    assert result.returncode == 1
    assert "REJECT line 2: unknown country 'Spian': did you mean Spain (ES)?" in result.stdout
    assert "REJECT line 3: unknown kind 'Hochshule': did you mean Higher education institution?" in result.stdout
    assert ("REJECT line 4: kind 'college' could be Higher education institution or VET provider "
            "(or network of VET providers): say which") in result.stdout
    assert "add    line 5: FI (Germany, Enterprise (SME, large or social enterprise), beneficiary)" in result.stdout
    assert plan_file.read_bytes() == before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".ods"])
def test_a_sheet_without_a_type_column_imports_after_the_kind_is_given(tmp_path, plan_file, suffix):
    header = ["Name of organisation", "Acronym", "Country", "Sector"]
    rows = [["Hochschule Bremen", "HSB", "Deutschland", "Maritime"], ["Hogeschool Rotterdam", "HR", "Holland", "Ports"]]
    source = write_file(tmp_path, suffix, rows, header)
    refused = run_planner("import-partners", plan_file, source)
    assert refused.returncode == 2
    assert "no column for kind" in refused.stderr
    assert "looked for kind: 'kind', 'type', 'organisation type'" in refused.stderr  # says what it looked for
    assert "--map 'HEADER=kind'" in refused.stderr and "--fill kind=WORD" in refused.stderr
    before = len(load_plan(plan_file).partners)
    filled = run_planner("import-partners", plan_file, source, "--fill", "kind=Hochschule")
    assert filled.returncode == 0, filled.stdout + filled.stderr
    assert "every row: kind 'Hochschule' (Higher education institution)" in filled.stdout
    assert [(p.short_name, p.kind) for p in load_plan(plan_file).partners[before:]] == [
        ("HSB", "higher-education"), ("HR", "higher-education")]


def test_map_names_a_column_the_headers_do_not(tmp_path, plan_file):
    header = ["Name of organisation", "Acronym", "Country", "Sort of body", "Colour"]
    rows = [["Hochschule Bremen", "HSB", "DE", "Hochschule", "red"], ["Kammer Wien", "KW", "AT", "Kammer", "blue"]]
    source = write_file(tmp_path, ".xlsx", rows, header)
    before = len(load_plan(plan_file).partners)
    result = run_planner("import-partners", plan_file, source, "--map", "Sort of body=kind", "--map", "colour=ignore")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "'Sort of body' -> kind" in result.stdout and "ignored columns: 'Colour'" in result.stdout
    assert [p.kind for p in load_plan(plan_file).partners[before:]] == ["higher-education", "chamber"]
    wrong = run_planner("import-partners", plan_file, source, "--map", "Nope=kind")
    assert wrong.returncode == 2 and "no column 'Nope' to map; the columns are: 'Name of organisation'" in wrong.stderr
    odd = run_planner("import-partners", plan_file, source, "--map", "Colour=favourite")
    assert odd.returncode == 2 and "'favourite' is not a partner key" in odd.stderr


def test_fill_one_row_answers_an_ambiguous_word(tmp_path, plan_file):
    rows = [["Kolleg", "KO", "DE", "college", ""], ["Firm", "FM", "DE", "GmbH", ""]]
    source = write_file(tmp_path, ".csv", rows)
    before = len(load_plan(plan_file).partners)
    result = run_planner("import-partners", plan_file, source, "--fill", "2:kind=VET school")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.kind for p in load_plan(plan_file).partners[before:]] == ["vet-provider", "enterprise"]


def test_a_missing_type_column_is_filled_row_by_row(tmp_path, plan_file):
    """Without a type column, kinds given for some rows only: those rows are added, the others say what
    they lack (the whole file was refused as 'no column for kind' before)."""
    header = ["Organisation name", "Acronym", "Country", "PIC"]
    rows = [["Hochschule Süd", "HSUD", "Deutschland", ""], ["Firma Nord", "FNRD", "DE", ""]]
    source = write_file(tmp_path, ".xlsx", rows, header=header)
    before = len(load_plan(plan_file).partners)
    result = run_planner("import-partners", plan_file, source, "--fill", "2:kind=Hochschule", "--skip-rejected")
    assert "REJECT line 3: no kind" in result.stdout, result.stdout + result.stderr
    assert [(p.short_name, p.kind) for p in load_plan(plan_file).partners[before:]] == [("HSUD", "higher-education")]


def test_the_sheet_is_chosen_and_said(tmp_path, plan_file):
    sheets = {"Cover": [], "Budget": [["Item", "EUR"], ["Travel", 1000]],
              "Partners": [HEADER, *OWN_WORDS[:2]]}
    sheets_first_empty = {"Cover": [], "Partners": [HEADER, *OWN_WORDS[:2]], "Budget": [["x"]]}
    path = write_xlsx(tmp_path / "book.xlsx", sheets_first_empty)
    dry = run_planner("import-partners", plan_file, path, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "book.xlsx, sheet 'Partners' (of 3: 'Cover', 'Partners', 'Budget'): 2 partner(s) to add" in dry.stdout
    path = write_xlsx(tmp_path / "book2.xlsx", sheets)
    chosen = run_planner("import-partners", plan_file, path, "--sheet", "partners", "--dry-run")
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert "sheet 'Partners'" in chosen.stdout and "2 partner(s) to add" in chosen.stdout
    missing = run_planner("import-partners", plan_file, path, "--sheet", "Nope")
    assert missing.returncode == 2
    assert "no sheet 'Nope'; the sheets are: 'Cover', 'Budget', 'Partners'" in missing.stderr


def test_a_title_row_above_the_headers_is_skipped(tmp_path):
    path = write_ods(tmp_path / "list.ods", {"Sheet1": [["Partner list, draft 3"], [], HEADER, OWN_WORDS[0]]})
    preview = preview_import(path, make_plan([]), RULES)
    assert preview.columns["name"] == "Organisation name"
    (row,) = preview.rows
    assert row.line == 4 and row.partner is not None and row.partner.country == "DE"


def test_preview_mapping_api_judges_again_without_reading(tmp_path):
    path = write_file(tmp_path, ".xlsx", [["Hochschule Bremen", "HSB", "DE", "Maritime"]],
                      ["Name of organisation", "Acronym", "Country", "Sector"])
    with pytest.raises(MissingColumns) as caught:
        preview_import(path, make_plan([]), RULES)
    table = caught.value.table
    assert caught.value.missing == ("kind",)
    assert table.header == ("Name of organisation", "Acronym", "Country", "Sector") and table.sheet == "Partners"
    path.unlink()  # judged again from what was read
    from planner.importing import preview_table
    preview = preview_table(table, make_plan([]), RULES, fill={"kind": "university"})
    assert preview.accepted[0].partner.kind == "higher-education"
    remapped = preview.again(make_plan([]), RULES, mapping={"Sector": "kind"})
    (row,) = remapped.rows
    assert row.partner is None and "unknown kind 'Maritime'" in row.problems[0]
    fixed = remapped.again(make_plan([]), RULES, fill_rows={2: {"kind": "Hochschule"}})
    assert fixed.accepted[0].partner.kind == "higher-education"


def test_rejected_rows_carry_the_choices_for_a_picker(tmp_path):
    path = write_file(tmp_path, ".csv", [["Kolleg", "KO", "DE", "college", ""]])
    (row,) = preview_import(path, make_plan([]), RULES).rows
    assert dict(row.choices)["kind"][:2] == (("higher-education", "Higher education institution"),
                                              ("vet-provider", "VET provider (or network of VET providers)"))
    assert dict(row.cells)["kind"] == "college"


def test_long_cells_are_cut_with_an_ellipsis(tmp_path, plan_file):
    rows = [["A", "A", "X" * 80, "enterprise", ""]]
    result = run_planner("import-partners", plan_file, write_file(tmp_path, ".csv", rows), "--dry-run")
    assert f"unknown country '{'X' * 50}'… (80 characters)" in result.stdout


def test_a_broken_or_huge_spreadsheet_is_refused_in_one_line(tmp_path, plan_file):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_planner("import-partners", plan_file, broken)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "broken.xlsx: not readable as a spreadsheet" in result.stderr and "Traceback" not in result.stderr
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    result = run_planner("import-partners", plan_file, bomb)
    assert result.returncode == 2 and "unpacks to 210 MB" in result.stderr


def test_a_csv_has_no_sheet(tmp_path):
    path = write_file(tmp_path, ".csv", OWN_WORDS[:1])
    with pytest.raises(PlanError, match="a CSV file has no sheets"):
        read_table(path, sheet="Partners")


def test_the_spreadsheet_reader_is_loaded_only_for_a_spreadsheet(tmp_path):
    path = write_file(tmp_path, ".csv", OWN_WORDS[:1])
    probe = ("import sys; from planner.importing import preview_import; from planner.rules import load_call; "
             "from planner.model import Plan; "
             f"preview_import({str(path)!r}, Plan(format=1, title='T', lot=1), load_call('2025')); "
             "print('python_calamine' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr


def test_a_workbook_saved_under_a_csv_name_is_read_as_one(tmp_path):
    path = write_xlsx(tmp_path / "partners.csv", {"Partners": [HEADER, *OWN_WORDS[:2]]})
    preview = preview_import(path, make_plan([]), RULES)
    assert preview.sheet == "Partners" and len(preview.accepted) == 2


def test_the_list_of_kinds_is_shown_only_when_nothing_is_near(tmp_path):
    rows = [["K", "K", "DE", "college", ""], ["L", "L", "DE", "Hochshule", ""]]
    near = preview_import(write_file(tmp_path, ".csv", rows), make_plan([]), RULES)
    assert len(near.rejected) == 2 and near.hints == []
    far = preview_import(write_file(tmp_path, ".csv", [["W", "W", "DE", "wizard", ""]]), make_plan([]), RULES)
    assert far.hints == ["kinds: " + "; ".join(k.label for k in RULES.kinds)]


@pytest.mark.parametrize("suffix", [".csv", ".ods"])
def test_grants_as_people_type_them(tmp_path, suffix):
    header = [*HEADER, "EU grant"]
    rows = [[*OWN_WORDS[0], "€1.45m"], [*OWN_WORDS[1], "250k"], [*OWN_WORDS[2], 1450000], [*OWN_WORDS[3], "1,2 Mio"]]
    preview = preview_import(write_file(tmp_path, suffix, rows, header), make_plan([]), RULES)
    assert [r.partner.grant_eur for r in preview.rows] == [1_450_000, 250_000, 1_450_000, 1_200_000]
