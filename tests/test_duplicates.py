"""Duplicates: an ecosystem listed twice or two partners with one short name (in any case, composed or
not, spaces around it or not) are refused on load with the key path, by the CLI, the CSV import and the
TUI's edits alike (the same model); and "exactly one coordinator" counts every participant marked
coordinator, whatever its country."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile_corpus_own import cases, make
from planner.errors import PlanError
from planner.model import Partner
from planner.rules import CallRules
from planner.scoring import evaluate
from planner.storage import load_plan, parse_plan
from support import BEFORE_DEADLINE, RULES_2024, SAMPLES, partner, passing_plan, run_planner

SAMPLE = SAMPLES / "lot1-example.toml"
SAMPLE_PLAN = load_plan(SAMPLE)


def _with_line(old: str, new: str) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _ecosystems_line(ecosystems) -> str:
    return "ecosystems = [" + ", ".join(f'"{e}"' for e in ecosystems) + "]"


def twice_the_ecosystem() -> str:
    first = SAMPLE_PLAN.ecosystems[0]
    return _with_line(_ecosystems_line(SAMPLE_PLAN.ecosystems), _ecosystems_line([first, first]))


def short_name_again(same_case: bool) -> str:
    """The second partner's short name made the first one's, as it is or in lower case."""
    first, second = SAMPLE_PLAN.partners[0].short_name, SAMPLE_PLAN.partners[1].short_name
    assert first != first.lower(), "the sample's short names have capitals"
    return _with_line(f'short_name = "{second}"', f'short_name = "{first if same_case else first.lower()}"')


CASES = {
    "ecosystem-twice": (twice_the_ecosystem, "ecosystems[1]", "listed twice"),
    "short-name-same-case": (lambda: short_name_again(True), "partners[1].short_name", "already the short name"),
    "short-name-other-case": (lambda: short_name_again(False), "partners[1].short_name", "compared without case"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_on_load_with_the_key_path(case: str) -> None:
    make, path, words = CASES[case]
    with pytest.raises(PlanError) as caught:
        parse_plan(make(), "plan.toml")
    assert f"{path}: " in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", ["check", "fmt", "export"])
def test_every_command_refuses_it_with_exit_2(tmp_path: Path, case: str, command: str) -> None:
    make, path, words = CASES[case]
    plan = tmp_path / "plan.toml"
    plan.write_text(make(), encoding="utf-8")
    before = plan.read_bytes()
    result = run_planner(command, plan, timeout=30)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path}: " in result.stderr and words in result.stderr
    assert plan.read_bytes() == before  # fmt did not "fix" it


def test_distinct_short_names_and_repeated_legal_names_still_load() -> None:
    # only short names identify a partner to an affiliation; two partners may share a legal name
    first = SAMPLE_PLAN.partners[0]
    text = _with_line(f'name = "{SAMPLE_PLAN.partners[1].name}"', f'name = "{first.name}"')
    plan = parse_plan(text, "plan.toml")
    assert plan.partners[0].name == plan.partners[1].name


# --- the same model in the CSV import (the TUI's edits: tests/tui/test_duplicates_tui.py) -------------------


def test_the_csv_import_refuses_a_short_name_of_the_plan_in_another_case(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(SAMPLE.read_bytes())
    first = SAMPLE_PLAN.partners[0]
    csv = tmp_path / "more.csv"
    csv.write_text("name,short name,country,kind,role\n"
                   f"Another School,{first.short_name.lower()},{first.country},{first.kind},beneficiary\n",
                   encoding="utf-8")
    result = run_planner("import-partners", plan, csv, timeout=30)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "already used" in result.stdout + result.stderr
    assert plan.read_bytes() == SAMPLE.read_bytes()


def test_the_csv_import_refuses_two_rows_with_one_short_name(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes(SAMPLE.read_bytes())
    first = SAMPLE_PLAN.partners[0]
    csv = tmp_path / "more.csv"
    row = f"{first.country},{first.kind},beneficiary"
    csv.write_text(f"name,short name,country,kind,role\nOne School,NEWSC,{row}\nTwo School,newsc,{row}\n",
                   encoding="utf-8")
    result = run_planner("import-partners", plan, csv, "--skip-rejected", timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    names = [p.short_name for p in load_plan(plan).partners]
    assert names.count("NEWSC") == 1 and "newsc" not in names  # the second row was rejected


# --- exactly one coordinator, whatever its country ------------------------------------------------------


def _excluded_countries(rules: CallRules) -> list[str]:
    excluded = sorted(rules.countries.excluded)
    assert excluded, "the call excludes some countries"
    return excluded


def _coordinator_from(country: str, i: int) -> Partner:
    return partner(f"Excluded Coordinator {i}", short_name=f"EXC{i}", country=country, kind="enterprise",
                   role="coordinator")


@pytest.mark.parametrize("lot_number", [lot.number for lot in RULES_2024.lots])
def test_coordinators_from_excluded_countries_still_count(rules: CallRules, lot_number: int) -> None:
    excluded = _excluded_countries(rules)
    extra = [_coordinator_from(excluded[i % len(excluded)], i) for i in range(3)]
    board = evaluate(passing_plan(rules, lot_number, extra_partners=extra), rules, now=BEFORE_DEADLINE)
    coordinator = board.get("coordinator")
    assert coordinator is not None and coordinator.status == "fail"
    assert (coordinator.actual, coordinator.required) == (4, 1)
    assert "4 coordinators" in coordinator.message and all(p.label in coordinator.message for p in extra)
    assert board.get("excluded-countries").status == "fail"  # and they fail their own rule too
    assert not board.eligible


def test_the_only_coordinator_from_an_excluded_country_fails_both_rules(rules: CallRules) -> None:
    country = _excluded_countries(rules)[0]
    plan = passing_plan(rules, 1)
    first = plan.partners[0].model_copy(update={"country": country})
    plan = plan.model_copy(update={"partners": (first, *plan.partners[1:])})
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    # one coordinator, and its country is why: no count (1/1 beside FAIL read as satisfied), not 'no coordinator'
    assert board.get("coordinator").status == "fail" and board.get("coordinator").actual is None
    assert rules.country_name(country) in board.get("coordinator").message
    assert "no coordinator" not in board.get("coordinator").message
    assert board.get("excluded-countries").status == "fail"


def test_one_coordinator_in_a_member_state_still_passes(rules: CallRules) -> None:
    board = evaluate(passing_plan(rules, 1), rules, now=BEFORE_DEADLINE)
    assert board.get("coordinator").status == "pass" and board.eligible


def test_check_of_a_plan_with_four_coordinators_is_not_eligible(tmp_path: Path, rules: CallRules) -> None:
    from planner.storage import save_plan

    excluded = _excluded_countries(rules)
    extra = [_coordinator_from(excluded[i % len(excluded)], i) for i in range(3)]
    plan_path = tmp_path / "plan.toml"
    save_plan(passing_plan(rules, 1, extra_partners=extra), plan_path)
    result = run_planner("check", plan_path, "--format", "json", timeout=30)
    assert result.returncode == 1, result.stderr
    import json

    verdict = json.loads(result.stdout)
    coordinator = next(c for c in verdict["criteria"] if c["id"] == "coordinator")
    assert coordinator["status"] == "fail" and coordinator["actual"] == 4


# --- the second hostile corpus's duplicates, through every command ---------------------------------------


@pytest.mark.parametrize("case", cases("duplicate"), ids=lambda c: c.name)
@pytest.mark.parametrize("command", [("check",), ("fmt",), ("export", "--format", "csv"),
                                     ("check", "--format", "json")], ids=lambda c: "-".join(c))
def test_the_corpus_duplicates_through_every_command(tmp_path: Path, case, command) -> None:
    path = make(case, tmp_path)
    before = path.read_bytes()
    result = run_planner(command[0], path, *command[1:], timeout=30)
    assert "Traceback" not in result.stderr
    if case.accepted:  # it loads; the verdict says what is wrong
        if command[0] == "check":
            assert result.returncode == 1 and case.says in result.stdout, result.stdout + result.stderr
        else:
            assert result.returncode in (0, 1), result.stderr
    else:
        assert result.returncode == 2 and f"{case.says}: " in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1  # one message
    if command[0] != "fmt" or not case.accepted:
        assert path.read_bytes() == before


# --- one organisation in two rows (same legal name and country, another short name) ---------------------


def test_check_warns_of_one_organisation_in_two_rows_naming_both(tmp_path: Path) -> None:
    """The second row of an organisation counts it twice towards every minimum: a plan one partner short
    read ELIGIBLE with nothing said. `check` says which rows, and that they count twice."""
    second = SAMPLE_PLAN.partners[1]
    text = SAMPLE.read_text(encoding="utf-8") + (
        f'\n[[partners]]\nname = "{second.name.upper()}"\nshort_name = "DUP"\ncountry = "{second.country.lower()}"\n'
        f'kind = "{second.kind}"\nrole = "beneficiary"\n')
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    result = run_planner("check", plan)
    said = f"{second.short_name} and DUP are both {second.name} ({second.country})"
    assert said in result.stdout, result.stdout + result.stderr
    assert "counts twice towards the minimums" in result.stdout
    line = next(line for line in result.stdout.splitlines() if said in line)
    assert "WARN" in line and "Affiliations and PICs" in line


def test_two_faculties_with_one_name_and_pics_of_their_own_are_two_organisations(rules: CallRules) -> None:
    plan = passing_plan(rules, 1, extra_partners=[
        partner("Twin Faculty", short_name="TF1", pic="999400101"),
        partner("Twin Faculty", short_name="TF2", pic="999400102")])
    c = evaluate(plan, rules, now=BEFORE_DEADLINE).get("affiliations")
    assert c is not None and c.status == "pass", c
    same_pic = passing_plan(rules, 1, extra_partners=[
        partner("Twin Faculty", short_name="TF1", pic="999400101"), partner("Twin Faculty", short_name="TF2")])
    c = evaluate(same_pic, rules, now=BEFORE_DEADLINE).get("affiliations")
    assert c is not None and c.status == "warn" and "TF1 and TF2 are both Twin Faculty" in c.message


# --- short names that look the same: compared in Unicode's composed form, spaces around them ignored --------


@pytest.mark.parametrize(("first", "second"), [("É", "E\u0301"), ("e\u0301", "É"), ("A", "A "), (" hsnh", "HSNH"),
                                               ("Å", "A\u030a"), ("ÅB ", "\u212bb")])
def test_short_names_that_look_the_same_are_one_short_name(first: str, second: str) -> None:
    text = _with_line(f'short_name = "{SAMPLE_PLAN.partners[0].short_name}"', f'short_name = "{first}"')
    text = text.replace(f'short_name = "{SAMPLE_PLAN.partners[1].short_name}"', f'short_name = "{second}"', 1)
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.toml")
    assert f"partners[1].short_name: {second!r} is already the short name of partners[0]" in str(caught.value)
    assert "compared without case" in str(caught.value)


def test_short_names_that_only_look_alike_stay_two() -> None:
    # the comparison is canonical, not by look: a Cyrillic letter or a ligature is another short name
    text = _with_line(f'short_name = "{SAMPLE_PLAN.partners[0].short_name}"', 'short_name = "AB"')
    text = text.replace(f'short_name = "{SAMPLE_PLAN.partners[1].short_name}"', 'short_name = "\u0410B"', 1)
    plan = parse_plan(text, "plan.toml")
    assert [p.short_name for p in plan.partners[:2]] == ["AB", "\u0410B"]


def test_the_csv_import_refuses_a_short_name_that_looks_like_one_of_the_plan(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    first = SAMPLE_PLAN.partners[0]
    plan.write_text(_with_line(f'short_name = "{first.short_name}"', 'short_name = "ÉCOLE"'), encoding="utf-8")
    before = plan.read_bytes()
    csv = tmp_path / "more.csv"
    csv.write_text("name,short name,country,kind,role\n"
                   f"Another School,E\u0301cole,{first.country},{first.kind},beneficiary\n", encoding="utf-8")
    result = run_planner("import-partners", plan, csv, timeout=30)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "already used" in result.stdout + result.stderr
    assert plan.read_bytes() == before


# --- references resolve with the key duplicates are found by ------------------------------------------------
#
# An affiliated entity's `affiliated_to` and a work package's `lead` name a partner by short name (or name).
# Two short names the loader calls one (model.short_name_key: without case, composed, spaces around them
# ignored) are one partner to a reference too: 'E\u0301COLE ' names 'ÉCOLE'.

REFERENCED = """format = 1
call = "2024"
title = "T"
lot = 1

[[partners]]
name = "École Supérieure"
short_name = "ÉCOLE"
country = "FR"
kind = "higher-education"
role = "coordinator"
staff_cost_eur = 5000

[partners.budget.WP1]
person_months = 1

[[partners]]
name = "Filiale"
short_name = "FIL"
country = "FR"
kind = "vet-provider"
role = "affiliated-entity"
affiliated_to = "{reference}"

[[work_packages]]
id = "WP1"
title = "M"
lead = "{reference}"
start_month = 1
end_month = 24
"""


@pytest.mark.parametrize("reference", ["ÉCOLE", "école", "E\u0301COLE", "e\u0301cole", " ÉCOLE", "ÉCOLE ",
                                       "\u00c9cole Supe\u0301rieure ", "école supérieure"])
def test_a_reference_finds_its_partner_as_the_loader_compares_short_names(tmp_path: Path, reference: str) -> None:
    text = REFERENCED.format(reference=reference)
    board = evaluate(parse_plan(text), RULES_2024, now=BEFORE_DEADLINE)
    affiliations = board.get("affiliations")
    assert affiliations is not None and affiliations.status == "pass", affiliations
    budget = board.get("budget")
    assert budget is not None and "lead" not in budget.message, budget.message
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    result = run_planner("check", path, "--format", "json")
    found = {c["id"]: c for c in json.loads(result.stdout)["criteria"]}
    assert found["affiliations"]["status"] == "pass", found["affiliations"]
    assert "no partner of the plan" not in found["budget"]["message"], found["budget"]


@pytest.mark.parametrize("reference", ["ECOLE", "\u0415COLE", "ÉCOL"])
def test_a_reference_that_only_looks_alike_names_no_partner(reference: str) -> None:
    board = evaluate(parse_plan(REFERENCED.format(reference=reference)), RULES_2024, now=BEFORE_DEADLINE)
    affiliations, budget = board.get("affiliations"), board.get("budget")
    assert affiliations is not None and affiliations.status == "fail" and "which is no partner" in affiliations.message
    assert budget is not None and budget.status == "fail" and "is no partner of the plan" in budget.message


# --- the import finds a partner by its legal name as organisations are told apart -------------------------
#
# A cell naming a partner by its legal name (an affiliated entity's 'affiliated to') was compared with a plain
# casefold: 'Universite\u0301 de Lie\u0300ge' (decomposed, as some sheets and macOS file names give it), a
# double space or a trailing one in the plan named no partner. The import compares legal names by
# model.legal_name_key, the name half of model.organisation_key.

NAMED = """format = 1
call = "2024"
title = "T"
lot = 1

[[partners]]
name = "{name}"
{short}country = "BE"
kind = "higher-education"
role = "coordinator"
"""

LIEGE = "Universit\u00e9 de Li\u00e8ge"  # composed (NFC)
LIEGE_NFD = "Universite\u0301 de Lie\u0300ge"


@pytest.mark.parametrize("short", ["ULIEGE", None], ids=["short-name", "no-short-name"])
@pytest.mark.parametrize("in_plan, in_sheet", [
    (LIEGE, LIEGE_NFD),  # decomposed in the sheet
    (LIEGE_NFD, LIEGE),  # decomposed in the plan
    (LIEGE, "UNIVERSIT\u00c9  DE   LI\u00c8GE"),  # another case, runs of spaces
    (LIEGE + " ", "universit\u00e9 de li\u00e8ge"),  # a space after the plan's name
    ("Universit\u00e9  de Li\u00e8ge", LIEGE_NFD),  # a double space in the plan's name
], ids=["nfd-sheet", "nfd-plan", "case-spaces", "trailing-space", "double-space"])
def test_the_import_finds_a_partner_by_its_legal_name_as_organisations_are_compared(
        tmp_path: Path, short: str | None, in_plan: str, in_sheet: str) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(NAMED.format(name=in_plan, short=f'short_name = "{short}"\n' if short else ""), encoding="utf-8")
    label = short or in_plan
    csv = tmp_path / "more.csv"
    csv.write_text("name,short name,country,kind,role,affiliated to\n"
                   f'Centre de recherche,CRL,BE,research,affiliated entity,"{in_sheet}"\n'
                   # a look-alike (a Cyrillic 'е') is another name: no partner
                   'Labo voisin,LV,BE,research,affiliated entity,Universit\u0435 de Li\u00e8ge\n', encoding="utf-8")
    result = run_planner("import-partners", plan, csv, "--skip-rejected", timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "add    line 2: CRL" in result.stdout, result.stdout
    assert "REJECT line 3: affiliated to 'Universit\u0435 de Li\u00e8ge', which is no partner" in result.stdout
    added = load_plan(plan).partners
    assert [(p.short_name, p.affiliated_to) for p in added[1:]] == [("CRL", label)]  # named by its label
    checked = run_planner("check", plan, "--format", "json")
    found = {c["id"]: c for c in json.loads(checked.stdout)["criteria"]}
    assert found["affiliations"]["status"] == "pass", found["affiliations"]


def test_the_import_says_which_partner_a_name_was_found_to_be(tmp_path: Path) -> None:
    """A name found in any case or spacing, or by the legal name for a short one, is a guess the
    coordinator checks before anything is written: the dry run says which partner each affiliated entity
    was found to belong to (it said 'affiliated entity' and nothing of whom; the TUI's rows said it)."""
    plan = tmp_path / "plan.toml"
    plan.write_text(NAMED.format(name=LIEGE, short='short_name = "ULIEGE"\n'), encoding="utf-8")
    csv = tmp_path / "more.csv"
    csv.write_text("name,short name,country,kind,role,affiliated to\n"
                   'Centre de recherche,CRL,BE,research,affiliated entity,"UNIVERSIT\u00c9  DE   LI\u00c8GE"\n',
                   encoding="utf-8")
    result = run_planner("import-partners", plan, csv, "--dry-run", timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "add    line 2: CRL (Belgium, " in result.stdout and "affiliated entity of ULIEGE)" in result.stdout, \
        result.stdout
