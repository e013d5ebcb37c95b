"""Importing partners from a CSV (planner/importing.py, `planner import-partners`): headers in words, countries
and kinds by name, every rejected row with a short reason, nothing written while a row is rejected."""

from __future__ import annotations

import shutil

import pytest

from planner.importing import preview_import
from planner.storage import load_plan
from support import SAMPLES, make_plan, partner, run_planner

# --- CSV import ----------------------------------------------------------------------------

GOOD_AND_BAD = (
    "Organisation;ACRONYM;Country;Type;Role;PIC;Grant (EUR);Colour\n"
    "Universität Graz;UNIG;Austria;University;partner;999111222;120.000;blue\n"
    "Atlantis Corp;AC;Atlantis;company;;;;\n"
    "Firma X;FX;de;sme;associated partner;12345;;\n"
    "Ελληνική Ένωση;HEL;EL;Trade Association;beneficiary;;EUR 80,000;\n"
    "Nameless;NN;FR;wizard;beneficiary;;12.50;\n"
    "\n"
)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_maps_headers_countries_kinds_and_rejects_with_reasons(rules, tmp_path):
    path = write(tmp_path, "partners.csv", GOOD_AND_BAD)
    plan = load_plan(SAMPLES / "lot1-example.toml")
    preview = preview_import(path, plan, rules)
    assert preview.columns["name"] == "Organisation" and preview.columns["short_name"] == "ACRONYM"
    assert preview.ignored_columns == ["Colour"]
    added = {r.line: r.partner for r in preview.accepted}
    assert set(added) == {2, 5}
    assert added[2].country == "AT" and added[2].kind == "higher-education" and added[2].role == "beneficiary"
    assert added[2].grant_eur == 120_000 and added[2].pic == "999111222"
    assert added[5].country == "GR" and added[5].kind == "trade-association" and added[5].grant_eur == 80_000
    rejected = {r.line: "; ".join(r.problems) for r in preview.rejected}
    assert "unknown country 'Atlantis'" in rejected[3]
    assert "PIC '12345' is not 9 digits" in rejected[4]
    assert "unknown kind 'wizard'" in rejected[6] and "higher-education" not in rejected[6]
    # the allowed kinds, said once, in words
    assert "kinds: Higher education institution; VET provider (or network of VET providers)" in preview.summary()
    assert "grant '12.50' has cents; give whole euros" in rejected[6]
    combined = preview.apply(plan)
    assert combined.partners[: len(plan.partners)] == plan.partners
    assert [p.short_name for p in combined.partners[len(plan.partners):]] == ["UNIG", "HEL"]


def test_import_refuses_a_short_name_already_in_the_plan(rules, tmp_path):
    plan = load_plan(SAMPLES / "lot1-example.toml")
    taken = plan.partners[0].short_name
    path = write(tmp_path, "p.csv", f"name,short name,country,kind\nTwin,{taken},DE,enterprise\n")
    (row,) = preview_import(path, plan, rules).rows
    assert row.partner is None and f"short name {taken!r} is already used" in row.problems[0]


def test_import_reads_windows_1252_and_tabs(rules, tmp_path):
    path = write(tmp_path, "p.csv", "name\tcountry\tkind\nCafé Müller GmbH\tDE\tenterprise\n", "cp1252")
    (row,) = preview_import(path, make_plan([]), rules).rows
    assert row.partner.name == "Café Müller GmbH"


def test_import_without_the_needed_columns_is_refused(rules, tmp_path):
    from planner.errors import PlanError

    path = write(tmp_path, "p.csv", "organisation,city\nX,Graz\n")
    with pytest.raises(PlanError, match="no column for country, kind"):
        preview_import(path, make_plan([]), rules)


def test_cli_import_writes_nothing_while_a_row_is_rejected(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    before = plan.read_bytes()
    path = write(tmp_path, "partners.csv", GOOD_AND_BAD)
    result = run_planner("import-partners", plan, path)
    assert result.returncode == 1
    assert "REJECT line 3: unknown country 'Atlantis'" in result.stdout
    assert "nothing written" in result.stderr
    assert plan.read_bytes() == before
    dry = run_planner("import-partners", plan, path, "--dry-run")
    assert dry.returncode == 1 and plan.read_bytes() == before


def test_cli_import_skip_rejected_adds_the_good_rows(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    n = len(load_plan(plan).partners)
    result = run_planner("import-partners", plan, write(tmp_path, "p.csv", GOOD_AND_BAD), "--skip-rejected")
    assert result.returncode == 0, result.stderr
    assert "added 2 partner(s)" in result.stdout
    assert [p.short_name for p in load_plan(plan).partners[n:]] == ["UNIG", "HEL"]


def test_cli_import_of_a_missing_csv_exits_2(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    result = run_planner("import-partners", plan, tmp_path / "nope.csv")
    assert result.returncode == 2
    assert "nope.csv: file not found" in result.stderr and "Traceback" not in result.stderr


# --- CSV import: rows that would make the plan ineligible, and readable reasons ---------------

HEADER = "name,short name,country,kind,role,grant,affiliated to\n"


def import_rows(tmp_path, rules, rows, plan=None):
    """{line: partner or the joined reasons} of a CSV made of HEADER and `rows`."""
    preview = preview_import(write(tmp_path, "rows.csv", HEADER + "".join(r + "\n" for r in rows)),
                             make_plan([]) if plan is None else plan, rules)
    return preview, {r.line: r.partner if r.partner is not None else "; ".join(r.problems) for r in preview.rows}


def test_import_rejects_a_partner_from_an_excluded_country(rules, tmp_path):
    _, rows = import_rows(tmp_path, rules, ["Moscow Tech,MT,RU,enterprise,beneficiary,,",
                                            "Minsk Assoc,MA,Belarus,ngo,associated partner,,"])
    assert rows[2] == "organisations from Russia (RU) may not take part in any role"
    assert rows[3] == "organisations from Belarus (BY) may not take part in any role"


def test_import_rejects_a_second_coordinator_from_the_plan_or_the_file(rules, tmp_path):
    plan = load_plan(SAMPLES / "lot1-example.toml")
    (coordinator,) = [p for p in plan.partners if p.role == "coordinator"]
    _, rows = import_rows(tmp_path, rules, ["Uni Lyon,UL,FR,university,coordinator,,"], plan)
    assert rows[2] == f"the plan already has a coordinator ({coordinator.label})"
    _, rows = import_rows(tmp_path, rules, ["Kyiv Uni,KU,UA,university,coordinator,,",  # rejected: not counted
                                            "Uni Lyon,UL,FR,university,coordinator,,",
                                            "Uni Gent,UG,BE,university,Coordinator,,"])
    assert rows[3].role == "coordinator"
    assert rows[4] == "the plan already has a coordinator (UL)"


def test_import_rejects_a_coordinator_outside_the_eu_and_associated_countries(rules, tmp_path):
    _, rows = import_rows(tmp_path, rules, ["Kyiv Uni,KU,UA,university,coordinator,,",
                                            "Oslo Uni,OU,NO,university,coordinator,,"])
    assert rows[2] == ("a coordinator must be in an EU Member State or associated country; "
                       "Ukraine (UA) is a third country not associated")
    assert rows[3].country == "NO" and rows[3].role == "coordinator"  # associated: may coordinate
    _, rows = import_rows(tmp_path, rules, ["Kyiv Uni,KU,UA,university,beneficiary,,"])
    assert rows[2].country == "UA"  # a third country may take part, just not coordinate


def test_import_checks_what_an_affiliated_entity_is_affiliated_to(rules, tmp_path):
    plan = make_plan([partner("Universität Graz", short_name="UNIG", country="AT", kind="higher-education")])
    _, rows = import_rows(tmp_path, rules, [
        "Graz Foundation,GF,AT,ngo,affiliated entity,,unig",  # the plan's partner, any case
        "Graz Alumni,GA,AT,ngo,affiliated entity,,universität graz",  # by its name
        "Lyon Uni,LU,FR,university,beneficiary,,",
        "Lyon Lab,LL,FR,research,affiliated entity,,lu",  # a row accepted earlier in the file
        "Ghost Lab,GL,FR,research,affiliated entity,,NOPE",
        "Orphan Lab,OL,FR,research,affiliated entity,,",
        "Late Lab,LAT,FR,research,affiliated entity,,later uni",  # a row further down counts too
        "Later Uni,LATER,FR,university,beneficiary,,",
        "Assoc Lab,AL,FR,research,affiliated entity,,FA",  # an associated partner is no full partner
        "Friend Assoc,FA,FR,ngo,associated partner,,",
        "Sub Lab,SL,FR,research,affiliated entity,,LL",  # nor is another affiliated entity
        "Bad Lab,BL,FR,atlantis,affiliated entity,,NOWHERE",  # every reason at once
    ], plan)
    assert [rows[n].affiliated_to for n in (2, 3, 5, 8)] == ["UNIG", "UNIG", "LU", "LATER"]  # as the plan names them
    assert rows[6] == "affiliated to 'NOPE', which is no partner in the plan or this file"
    assert rows[7] == "an affiliated entity needs the short name of its beneficiary (column 'affiliated to')"
    assert rows[9].short_name == "LATER"
    for line, target in ((10, "FA"), (12, "LL")):
        assert rows[line] == (f"affiliated to {target!r}, which is not the coordinator or a beneficiary "
                              "(an affiliated entity belongs to a full partner)")
    assert rows[13] == ("unknown kind 'atlantis'; affiliated to 'NOWHERE', which is no partner in the plan or "
                        "this file")


def test_import_short_names_are_unique_whatever_the_case(rules, tmp_path):
    plan = make_plan([partner("Uni BP", short_name="UNIBP", role="coordinator")])
    _, rows = import_rows(tmp_path, rules, ["Twin,unibp,DE,enterprise,,,",
                                            "First,ABC,DE,enterprise,,,",
                                            "Second,abc,DE,enterprise,,,"], plan)
    assert rows[2] == "short name 'unibp' is already used in the plan (Uni BP)"
    assert rows[3].short_name == "ABC"
    assert rows[4] == "short name 'abc' is already used by line 3"


def test_import_refuses_an_organisation_of_the_plan_or_of_an_earlier_row_under_another_short_name(rules, tmp_path):
    """A partner list sent round repeats the plan's own partners, often without their short names: each
    would count a second time towards the minimums (a plan one partner short read ELIGIBLE)."""
    plan = make_plan([partner("Kiertotalous Solutions Oy", short_name="KTS", country="FI", role="coordinator")])
    _, rows = import_rows(tmp_path, rules, ["kiertotalous  SOLUTIONS oy,,FI,enterprise,,,",
                                            "Alpha Industries,,DE,enterprise,,,",
                                            "Alpha Industries,AI2,DE,enterprise,,,",
                                            "Alpha Industries,,AT,enterprise,,,"], plan)
    assert rows[2] == ("'kiertotalous  SOLUTIONS oy' (FI) is already in the plan as KTS: one organisation "
                       "counts once")
    assert rows[3].name == "Alpha Industries"
    assert rows[4] == "'Alpha Industries' (DE) repeats line 3: one organisation counts once"
    assert rows[5].country == "AT"  # the same name in another country: another organisation


def test_import_reasons_are_short_and_the_allowed_words_are_listed_once(rules, tmp_path):
    preview, rows = import_rows(tmp_path, rules, ["A,A,DE,widget maker,,,", "B,B,DE,gizmo,,,",
                                                  "C,C,DE,enterprise,boss,,"])
    assert rows[2] == "unknown kind 'widget maker'"
    assert rows[3] == "unknown kind 'gizmo'"
    assert rows[4] == "unknown role 'boss'"
    lines = preview.summary().splitlines()
    kinds_line = "kinds: " + "; ".join(k.label for k in rules.kinds)
    roles_line = "roles: " + "; ".join(r.label for r in rules.roles)
    assert lines.count(kinds_line) == 1 and lines.count(roles_line) == 1
    assert preview.hints == [kinds_line, roles_line]
    ok, _ = import_rows(tmp_path, rules, ["A,A,DE,enterprise,,,", "B,B,XX,enterprise,,,"])
    assert ok.hints == [] and "kinds:" not in ok.summary() and "roles:" not in ok.summary()


@pytest.mark.parametrize("cell, grant", [
    ("250000", 250_000), ("250,000.00", 250_000), ("250.000,00", 250_000), ("EUR 250 000", 250_000),
    ("€250000", 250_000), ("250 000 EUR", 250_000), ("250000,0", 250_000), ("120.000", 120_000),
    ("120,000", 120_000), ("1,200,000", 1_200_000), ("1.200.000,00", 1_200_000),
])
def test_import_reads_grants_as_spreadsheets_write_them(rules, tmp_path, cell, grant):
    _, rows = import_rows(tmp_path, rules, [f'A,A,DE,enterprise,,"{cell}",'])
    assert rows[2].grant_eur == grant


@pytest.mark.parametrize("cell, reason", [
    ("12.50", "has cents; give whole euros"), ("250.000,50", "has cents; give whole euros"),
    ("1,5", "has cents; give whole euros"), ("lots", "is not a whole number of euros"),
    ("-5", "is not a whole number of euros"), ("1.000.00", "is not a whole number of euros"),
    ("1,234.567", "is not a whole number of euros"), ("12,3456", "is not a whole number of euros"),
])
def test_import_refuses_grants_with_cents_or_words(rules, tmp_path, cell, reason):
    _, rows = import_rows(tmp_path, rules, [f'A,A,DE,enterprise,,"{cell}",'])
    assert rows[2] == f"grant {cell!r} {reason}"


def test_validation_messages_do_not_start_with_value_error():
    from pydantic import ValidationError

    from planner.errors import validation_problems
    from planner.model import Plan

    with pytest.raises(ValidationError) as caught:
        Plan(format=99, title="T", lot=1)
    (problem,) = validation_problems(caught.value)
    assert problem.startswith("format: this planner reads format 1, not 99")
    assert "Value error" not in problem


def test_cli_import_rejects_rows_that_would_make_the_plan_ineligible(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    before = plan.read_bytes()
    coordinator = next(p for p in load_plan(plan).partners if p.role == "coordinator")
    csv_file = write(tmp_path, "p.csv", HEADER + "Moscow Tech,MT,RU,enterprise,,,\n"
                     "Uni Lyon,UL,FR,university,coordinator,,\nGhost,GH,FR,ngo,affiliated entity,,NOPE\n"
                     "Good GmbH,GG,DE,enterprise,,,\n")
    result = run_planner("import-partners", plan, csv_file)
    assert result.returncode == 1
    assert "REJECT line 2: organisations from Russia (RU) may not take part in any role" in result.stdout
    assert f"REJECT line 3: the plan already has a coordinator ({coordinator.label})" in result.stdout
    assert "REJECT line 4: affiliated to 'NOPE', which is no partner in the plan or this file" in result.stdout
    assert "add    line 5: GG" in result.stdout
    assert "add --skip-rejected to add the other 1" in result.stderr
    assert plan.read_bytes() == before


@pytest.mark.parametrize("extra", [(), ("--skip-rejected",)])
def test_cli_import_with_every_row_rejected_says_no_row_can_be_added(tmp_path, extra):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    before = plan.read_bytes()
    csv_file = write(tmp_path, "p.csv", HEADER + "Moscow Tech,MT,RU,enterprise,,,\nA,A,DE,widget maker,,,\n")
    result = run_planner("import-partners", plan, csv_file, *extra)
    assert result.returncode == 1
    assert "nothing written: no row can be added" in result.stderr
    assert "the other 0" not in result.stderr and "Traceback" not in result.stderr
    assert "kinds: Higher education institution; " in result.stdout
    assert plan.read_bytes() == before


def test_cli_import_of_good_rows_only_still_adds_them(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    n = len(load_plan(plan).partners)
    csv_file = write(tmp_path, "p.csv", HEADER + "Good GmbH,GG,DE,enterprise,,\"EUR 250,000.00\",\n"
                     "Good Lab,GL,DE,research,affiliated entity,,gg\n")
    result = run_planner("import-partners", plan, csv_file)
    assert result.returncode == 0, result.stderr
    assert "added 2 partner(s)" in result.stdout and result.stderr == ""
    added = load_plan(plan).partners[n:]
    assert [(p.short_name, p.grant_eur, p.affiliated_to) for p in added] == [("GG", 250_000, None),
                                                                            ("GL", None, "GG")]


def test_cli_import_finds_the_columns_by_the_words_of_the_forms(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('format = 1\ntitle = "T"\nlot = 1\n', encoding="utf-8")
    source = tmp_path / "partners.csv"
    source.write_text("Legal name;Acronym;Country of establishment;Type of organisation;Role\n"
                      "Tampere University;TAU;Finland;university;coordinator\n", encoding="utf-8")
    result = run_planner("import-partners", plan, source)
    assert result.returncode == 0, result.stdout + result.stderr
    added = load_plan(plan).partners[0]
    assert (added.country, added.kind, added.role) == ("FI", "higher-education", "coordinator")
    for header in ("Organisation type", "Organization type", "Partner type"):
        source.write_text(f"Name;Country;{header}\nX;DE;sme\n", encoding="utf-8")
        dry = run_planner("import-partners", plan, source, "--dry-run")
        assert dry.returncode == 0 and "enterprise" in dry.stdout, (header, dry.stdout, dry.stderr)


def test_import_reads_a_pic_grouped_or_as_a_spreadsheet_shows_a_long_number(rules, tmp_path):
    """'999 500 003' was read, '999-500-004' and a spreadsheet's '9.99500006E+08' were 'not 9 digits'."""
    cells = ["999 500 003", "999-500-004", "999.500.005", "9.99500006E+08", "9.995E8", "12-34"]
    csv = "name,short name,country,kind,pic\n" + "".join(f"{c}{i},{c}{i},DE,enterprise,{pic}\n"
                                                          for i, (c, pic) in enumerate(zip("ABCDEF", cells)))
    preview = preview_import(write(tmp_path, "rows.csv", csv), make_plan([]), rules)
    rows = {r.line: r.partner if r.partner is not None else "; ".join(r.problems) for r in preview.rows}
    assert [rows[line].pic for line in (2, 3, 4, 5)] == ["999500003", "999500004", "999500005", "999500006"]
    # rounded by the spreadsheet's display: not taken as 999500000, another organisation's PIC perhaps
    assert rows[6] == ("PIC '9.995E8' is a number the spreadsheet rounded: format the column as text and type "
                       "the 9 digits")
    assert rows[7] == "PIC '12-34' is not 9 digits"


def test_import_reads_a_name_with_a_line_break_typed_in_its_cell_as_one_line(rules, tmp_path):
    """Alt+enter in a spreadsheet's cell: the name was refused as 'control character U+000A'."""
    csv = 'name,short name,country,kind\n"Hochschule\nNordhafen",HSNH,DE,higher-education\n'
    preview = preview_import(write(tmp_path, "rows.csv", csv), make_plan([]), rules)
    (row,) = preview.rows
    assert row.partner is not None and row.partner.name == "Hochschule Nordhafen"


def test_a_plan_file_given_to_the_import_is_said_to_be_a_plan_not_read_as_a_csv(tmp_path):
    """It was read as a CSV: 'Column in the file: format = 1 — left out', then three missing columns."""
    from support import SAMPLES, run_planner

    target = tmp_path / "plan.toml"
    shutil.copyfile(SAMPLES / "lot1-example.toml", target)
    other = shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "other.toml")
    result = run_planner("import-partners", target, other)
    assert result.returncode == 2
    assert "other.toml: is a plan file, not a list of partners" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- a quote opened and never closed: the row refused, the rows after it read on their own lines ----------

UNCLOSED = (  # the reviewer's file: line 4 ends in a quote that opens a field and never closes it
    '"Organisation name (full legal)";"Acronym ";"Land / Country";"Type of org.";"Rolle";"PIC no."\n'
    '"Istituto Tecnico Superiore Energia Adriatica";"ITSEA";"Italia";"ITS Academy";"beneficiary";"912345678"\n'
    '"Latvijas Enerģētikas Arodbiedrība";"LEA";"Latvija";"arodbiedrība";"partneris";"tbc"\n'
    '"Fundación Eólica del Cantábrico";"FEC";"España";"fundación";"socio";"\n'
    '"Centrum Kształcenia Zawodowego Gdynia";"CKZG";"Polska";"Berufsschule";"Partner";"987654321"\n'
    '"Tallinna Tööstushariduskeskus";"TTHK";"Eesti";"kutsekool";"beneficiary";""\n'
)


def test_an_unclosed_quote_refuses_its_row_and_the_next_lines_are_rows_of_their_own(tmp_path):
    """It merged line 5 into line 4's PIC ("PIC 'Centrum Kształcenia Zawodowego Gdynia\"' is not 9 digits"),
    CKZG vanished, and the row of line 6 was reported as line 5."""
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    before = plan.read_bytes()
    result = run_planner("import-partners", plan, write(tmp_path, "partners.csv", UNCLOSED))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    (broken,) = [line for line in lines if "line 4:" in line]
    assert broken.startswith("  REJECT line 4: a quote opens the 'PIC no.' cell here and is not closed before "
                             "line 5"), broken
    assert "Centrum" not in broken
    assert any(line.startswith("  add    line 5: CKZG (Poland") for line in lines), result.stdout
    assert any(line.startswith("  add    line 6: TTHK (Estonia") for line in lines), result.stdout
    assert plan.read_bytes() == before


def test_an_unclosed_quote_on_the_last_line_is_said_to_run_to_the_end_of_the_file(rules, tmp_path):
    csv = 'name;short name;country;kind\nAcme;AC;DE;enterprise\nBeta GmbH;BG;DE;"enterprise\n'
    rows = {r.line: r for r in preview_import(write(tmp_path, "rows.csv", csv), make_plan([]), rules).rows}
    assert rows[2].partner is not None
    assert rows[3].partner is None
    assert rows[3].problems == ("a quote opens the 'kind' cell here and is not closed before the end of the file: "
                                "the row is not read (close the quote, or take it out)",)


def test_rows_are_numbered_by_their_line_in_the_file_a_cell_with_a_line_break_by_its_first(rules, tmp_path):
    """A quoted cell that holds a line break (alt+enter in a spreadsheet) is one row: it is numbered by the
    line where it starts, and the rows after it by their own lines (they were counted by rows)."""
    csv = ('name,short name,country,kind,notes\n'
           'Acme,AC,DE,enterprise,"two\nlines"\n'
           'Beta GmbH,BG,DE,enterprise,\n'
           '\n'
           'Gamma,GA,Atlantis,enterprise,"three\r\nlines\nhere"\n'
           'Delta,DL,FR,enterprise,\n')
    preview = preview_import(write(tmp_path, "rows.csv", csv), make_plan([]), rules)
    assert [(r.line, r.partner.short_name if r.partner else r.problems[0][:16]) for r in preview.rows] == [
        (2, "AC"), (4, "BG"), (6, "unknown country "), (9, "DL")]
    assert preview.rows[0].partner.notes == "two\nlines"


def test_an_unclosed_quote_in_the_header_refuses_the_file(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    csv = 'name;short name;"country;kind\nAcme;AC;DE;enterprise\n'
    result = run_planner("import-partners", plan, write(tmp_path, "rows.csv", csv))
    assert result.returncode == 2
    assert ("rows.csv: line 1: a quote opens a cell here and is not closed before line 2: the first line must "
            "name the columns (close the quote, or take it out)") in result.stderr, result.stderr


def test_a_file_of_quotes_not_closed_is_refused_after_ten_of_them(rules, tmp_path):
    """Each such row is read on to the end of the file before the next line is read: the file is refused at
    the eleventh, not read again for each of its lines."""
    from planner.errors import PlanError

    csv = "name;short name;country;kind\n" + 'Acme;AC;DE;"enterprise\n' * 2000
    with pytest.raises(PlanError, match=r"rows.csv: line 12: a quote opens a cell here and is not closed, as on "
                                        r"lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11: not read as CSV \(a CSV file's "
                                        r"quotes come in pairs around a cell"):
        preview_import(write(tmp_path, "rows.csv", csv), make_plan([]), rules)
