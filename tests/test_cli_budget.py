"""`planner budget PLAN` and the budget in `check`, `compare` and `export`, through the real command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.model import BudgetLine
from planner.rules import load_call
from planner.storage import save_plan
from support import ORG_A_PLAN, passing_plan, run_planner, with_budget

RULES = load_call("2024")


def _plan(tmp_path: Path, line: BudgetLine | None = None) -> Path:
    path = tmp_path / "budgeted.toml"
    save_plan(with_budget(passing_plan(RULES, 1), RULES, line=line), path)
    return path


def test_budget_as_json_is_the_verdicts_budget_object_and_exits_as_check(tmp_path):
    path = _plan(tmp_path)
    result = run_planner("budget", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    check = json.loads(run_planner("check", path, "--format", "json").stdout)
    assert out["budget"] == check["budget"]
    assert (out["lot"], out["duration_months"], out["eligible"]) == (1, 24, True)
    # 8 full partners, 2 work packages, a line of 2 person-months x 5,000 and 1,000 travel in each
    assert len(out["budget"]["lines"]) == 16 and out["budget"]["person_months"] == 32
    assert out["budget"]["lines"][0]["cost_eur"] == 11000 + 770


def test_budget_over_the_cap_exits_1_and_says_by_how_much(tmp_path):
    path = _plan(tmp_path, BudgetLine(person_months=40, travel_eur=5000))
    result = run_planner("budget", path)
    assert result.returncode == 1
    contribution = json.loads(run_planner("budget", path, "--format", "json").stdout)["budget"]["contribution_eur"]
    assert f"EUR {contribution - 1_000_000:,} over the EUR 1,000,000 cap for 24 months" in result.stdout
    assert "FAIL  Grant" in result.stdout
    # the 36-month column has a higher cap
    wider = json.loads(run_planner("budget", path, "--duration", "36", "--format", "json").stdout)
    assert wider["budget"]["cap_eur"] == RULES.max_grant(1, 36)


def test_over_the_cap_the_grant_still_says_what_disagrees_with_the_budget(tmp_path):
    """Over the cap, the grant's failure said only 'cut EUR X': a requested grant and shares far off the
    budget came up only once the costs were cut (the spec: a disagreeing figure warns, with both)."""
    path = _plan(tmp_path, BudgetLine(person_months=40, travel_eur=5000))
    text = path.read_text(encoding="utf-8").replace("\n[[partners]]",
                                                    "\nrequested_grant_eur = 900000\n\n[[partners]]", 1)
    path.write_text(text, encoding="utf-8")
    out = json.loads(run_planner("check", path, "--format", "json").stdout)
    grant = next(c for c in out["criteria"] if c["id"] == "grant")
    contribution = out["budget"]["contribution_eur"]
    assert grant["status"] == "fail"
    assert grant["message"].startswith("cut EUR ")  # the step first: a screen's line may hold no more
    assert (f"the requested grant (requested_grant_eur) is EUR 900,000, the budget gives EUR {contribution:,}"
            in grant["message"])


def test_budget_csv_has_every_partners_total_and_the_grant(tmp_path):
    path = _plan(tmp_path)
    result = run_planner("budget", path, "--format", "csv", "--no-bom")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    partners = [r for r in rows if r["row"] == "partner"]
    assert len(partners) == 8 and all(int(r["cost_eur"]) == 2 * 11770 for r in partners)
    total = next(r for r in rows if r["row"] == "total")
    verdict = json.loads(run_planner("check", path, "--format", "json").stdout)["budget"]
    assert int(total["contribution_eur"]) == verdict["contribution_eur"]
    assert int(total["cost_eur"]) == sum(int(r["cost_eur"]) for r in rows if r["row"] == "line")


def test_budget_text_and_markdown_show_the_work_plan(tmp_path):
    path = _plan(tmp_path)
    text = run_planner("budget", path).stdout
    assert "WORK PACKAGES" in text and "Work package 1" in text and "BY CATEGORY" in text
    md = run_planner("budget", path, "--format", "markdown").stdout
    assert "### Staff effort (person-months)" in md and "| WP1 | Work package 1 |" in md


def test_budget_writes_a_file_with_o(tmp_path):
    path = _plan(tmp_path)
    target = tmp_path / "budget.csv"
    result = run_planner("budget", path, "--format", "csv", "-o", target)
    assert result.returncode == 0 and target.read_text(encoding="utf-8-sig").startswith("row,partner,")
    again = run_planner("budget", path, "--format", "csv", "-o", target)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_budget_writes_a_workbook_with_every_partners_total_and_the_grant(tmp_path):
    calamine = pytest.importorskip("python_calamine")
    path = _plan(tmp_path)
    target = tmp_path / "budget.xlsx"
    result = run_planner("budget", path, "--format", "xlsx", "-o", target)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout and "budget.xlsx" in result.stdout
    verdict = json.loads(run_planner("check", path, "--format", "json").stdout)["budget"]
    book = calamine.CalamineWorkbook.from_path(str(target))
    assert book.sheet_names[0] == "Summary" and book.sheet_names[-1] == "Work plan"
    assert len(book.sheet_names) == 2 + len(verdict["by_partner"])  # a sheet per beneficiary
    rows = book.get_sheet_by_name("Summary").to_python()
    header = next(row for row in rows if row and row[0] == "Partner")
    totals = {row[0]: row[header.index("Total cost")] for row in rows if row and row[0]}
    for partner in verdict["by_partner"]:
        assert totals[partner["partner"]] == partner["cost_eur"]
    grant = next(row for row in rows if row and row[0] == "Total")[header.index("EU contribution")]
    assert grant == verdict["contribution_eur"]
    # to standard output when it is not a terminal (a pipe here): the same workbook
    piped = subprocess.run([sys.executable, "-m", "planner", "budget", str(path), "--format", "xlsx"],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK")
    assert calamine.CalamineWorkbook.from_filelike(io.BytesIO(piped.stdout)).sheet_names == book.sheet_names


def test_a_plan_without_a_budget_says_so(tmp_path):
    path = tmp_path / "plain.toml"
    save_plan(passing_plan(RULES, 1), path)
    result = run_planner("budget", path)
    assert result.returncode == 0 and "No budget yet" in result.stdout
    assert "budget" not in json.loads(run_planner("check", path, "--format", "json").stdout)
    # no estimate of EUR 0 'within the cap (EUR 1,000,000 to spare)' beside the grant's own line, no tables of
    # zeros: the grant typed against the cap, as the grant's line says it
    assert "Estimated costs" not in result.stdout and "BY PARTNER" not in result.stdout
    assert passing_plan(RULES, 1).requested_grant_eur == 1_000_000
    assert "Requested grant EUR 1,000,000; the cap for 24 months is EUR 1,000,000 (EUR 0 to spare)" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_compare_judges_the_budget_in_every_column(tmp_path, fmt):
    plan = with_budget(passing_plan(RULES, 1), RULES, line=BudgetLine(person_months=18, travel_eur=3000))
    path = tmp_path / "over.toml"
    save_plan(plan, path)
    result = run_planner("compare", path, "--format", fmt)
    if fmt == "json":
        verdicts = json.loads(result.stdout)["verdicts"]
        assert all("budget" in v for v in verdicts)
        caps = {(v["lot"], v["duration_months"]): v["budget"]["cap_eur"] for v in verdicts}
        assert caps[(1, 24)] == 1_000_000 and caps[(1, 36)] == 1_500_000
        over = {(v["lot"], v["duration_months"]): v["budget"]["over_cap_eur"] > 0 for v in verdicts}
        grant = {(v["lot"], v["duration_months"]): next(c["status"] for c in v["criteria"] if c["id"] == "grant")
                 for v in verdicts}
        assert over[(1, 24)] and not over[(1, 36)]
        assert grant[(1, 24)] == "fail" and grant[(1, 36)] == "pass"
    else:
        assert "> 1M cap" in result.stdout


def test_the_markdown_report_for_partners_has_the_budget_and_the_work_plan(tmp_path):
    path = _plan(tmp_path)
    result = run_planner("export", path, "--for-partners")
    assert result.returncode == 0, result.stderr
    assert "## Budget" in result.stdout and "### Work packages" in result.stdout
    assert "### Staff effort (person-months)" in result.stdout


def test_following_the_cut_step_to_the_letter_brings_the_plan_within_the_cap(tmp_path):
    """The step said 'cut EUR 0' to a plan EUR 1 over the cap: the contribution is a sum of lines rounded
    to the euro, which stood above 80% of the costs. Cut from one line's subcontracting as the step
    says, the plan passes."""
    import re

    from planner.budget import estimate

    plan = with_budget(passing_plan(RULES, 1), RULES, line=BudgetLine(person_months=2, travel_eur=1002))
    room = RULES.max_grant(1, 24) - estimate(plan, RULES).contribution_eur
    sub = room * 100 // RULES.funding_rate_percent + 2  # over the cap by the lines' roundings
    path = tmp_path / "over.toml"
    save_plan(plan, path)
    text = path.read_text(encoding="utf-8")
    first_line = "[partners.budget.WP1]\nperson_months = 2\n"
    assert first_line in text
    path.write_text(text.replace(first_line, first_line + f"subcontracting_eur = {sub}\n", 1), encoding="utf-8")
    over = json.loads(run_planner("check", path, "--format", "json").stdout)
    assert over["budget"]["over_cap_eur"] > 0 and not over["eligible"]
    (step,) = [s for s in over["to_qualify"]["steps"] if s.startswith("cut EUR")]
    cut = int(re.match(r"cut EUR ([\d,]+) ", step).group(1).replace(",", ""))
    assert cut > 0
    path.write_text(text.replace(first_line, first_line + f"subcontracting_eur = {sub - cut}\n", 1),
                    encoding="utf-8")
    done = run_planner("check", path, "--format", "json")
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["budget"]["over_cap_eur"] == 0


def test_budget_as_json_without_a_budget_says_null_not_zeros_within_the_cap(tmp_path):
    """A plan without work packages, its requested grant over the cap: the JSON gave a budget of zeros
    'over_cap_eur: 0' while the command exited 1 (check leaves the budget out)."""
    path = tmp_path / "plain.toml"
    save_plan(passing_plan(RULES, 1).model_copy(update={"requested_grant_eur": 1_200_000}), path)
    result = run_planner("budget", path, "--format", "json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["budget"] is None and not out["eligible"]
    assert (out["requested_grant_eur"], out["cap_eur"]) == (1_200_000, 1_000_000)
    assert "budget" not in json.loads(run_planner("check", path, "--format", "json").stdout)


def test_budget_tables_add_up_to_the_total_with_lines_the_budget_rule_refuses(tmp_path):
    """A line for a work package the plan lacks counts in the total (a typo must not make the grant look
    smaller) and has a row of its own; an associated partner's line counts in no total and is shown after
    it, marked: the rows summed to less than the Total row."""
    path = _plan(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("[partners.budget.WP1]", "[partners.budget.WP9]\nperson_months = 1\n\n[partners.budget.WP1]", 1)
    text += ('\n[[partners]]\nname = "Associated Org"\nshort_name = "ASSOC"\ncountry = "DE"\nkind = "enterprise"\n'
             'role = "associated-partner"\n\n[partners.budget.WP1]\ntravel_eur = 1000\n')
    path.write_text(text, encoding="utf-8")
    result = run_planner("budget", path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    data = json.loads(run_planner("budget", path, "--format", "json").stdout)["budget"]

    def table(title: str) -> list[str]:
        start = lines.index(title) + 2
        return lines[start:lines.index("", start)]

    def cost(row: str) -> int:
        return int(row.split("EUR ")[-2].strip().replace(",", ""))

    for title in ("BY PARTNER", "WORK PACKAGES"):
        rows = table(title)
        total = next(i for i, row in enumerate(rows) if row.startswith("Total"))
        assert cost(rows[total]) == data["cost_eur"]
        assert sum(cost(row) for row in rows[:total]) == data["cost_eur"], rows
    assert table("BY PARTNER")[-1].startswith("ASSOC ✗ associated, not counted")
    assert cost(table("BY PARTNER")[-1]) == 1070
    assert any(row.startswith("WP9") and "✗ no such work package" in row for row in table("WORK PACKAGES"))
    # the CSV's partner and work package rows add up too; the associated partner's line after the total
    rows = list(csv.reader(io.StringIO(run_planner("budget", path, "--format", "csv").stdout.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    at = header.index("cost_eur")
    total = next(int(r[at]) for r in body if r[0] == "total")
    assert total == data["cost_eur"]
    for kind in ("line", "partner", "work package"):
        assert sum(int(r[at]) for r in body if r[0] == kind) == total
    assert body[-1][:3] == ["not counted", "ASSOC", "WP1"] and body[-1][at] == "1070"


def test_an_associated_partner_s_lines_count_in_no_total_in_any_output(tmp_path):
    """B, an associated partner, with EUR 5 of travel: the contribution (4,370) counted it, the JSON's
    by_partner (4,366) did not, the text and the CSV listed it. Now no total counts it, every output
    agrees, and the budget rule still fails naming it."""
    path = tmp_path / "assoc.toml"
    path.write_text(ORG_A_PLAN + '''
[partners.budget.WP1]
person_months = 1
travel_eur = 100

[[partners]]
name = "Org B"
short_name = "B"
country = "DE"
kind = "ngo"
role = "associated-partner"

[partners.budget.WP1]
travel_eur = 5

[[work_packages]]
id = "WP1"
title = "M"
lead = "A"
start_month = 1
end_month = 24
''', encoding="utf-8")
    out = json.loads(run_planner("budget", path, "--format", "json").stdout)
    data = out["budget"]
    assert (data["cost_eur"], data["contribution_eur"]) == (5457, 4366)
    assert data["by_partner"] == [{"partner": "A", "cost_eur": 5457, "contribution_eur": 4366, "person_months": 1}]
    assert [x["partner"] for x in data["lines"]] == ["A"]
    assert data["by_work_package"][0]["cost_eur"] == 5457 and data["by_category"]["travel_eur"] == 100
    budget_rule = next(c for c in out["criteria"] if c["id"] == "budget")
    assert budget_rule["status"] == "fail"
    assert "B (partners[1].budget) is an associated partner" in budget_rule["message"]
    text = run_planner("budget", path)
    assert text.returncode == 1
    assert "Estimated costs EUR 5,457; EU contribution EUR 4,366 (80% of each line, rounded)" in text.stdout
    assert "B ✗ associated, not counted" in text.stdout
    markdown = run_planner("budget", path, "--format", "markdown").stdout
    assert "| Total | 1 | EUR 5,457 | EUR 4,366 |" in markdown and "| B ✗ associated, not counted |" in markdown
    check = json.loads(run_planner("check", path, "--format", "json").stdout)
    assert check["budget"] == data


def test_budget_as_json_carries_the_requested_grant_and_the_grant_and_budget_rules(tmp_path):
    """'"eligible": true' hid the two warnings the text prints beside the budget."""
    path = _plan(tmp_path)
    text = path.read_text(encoding="utf-8").replace("\n[[partners]]",
                                                    "\nrequested_grant_eur = 900000\n\n[[partners]]", 1)
    path.write_text(text, encoding="utf-8")
    result = run_planner("budget", path, "--format", "json")
    out = json.loads(result.stdout)
    check = json.loads(run_planner("check", path, "--format", "json").stdout)
    assert out["requested_grant_eur"] == 900_000
    assert out["criteria"] == [c for c in check["criteria"] if c["id"] in ("grant", "budget")]
    assert [c["id"] for c in out["criteria"]] == ["grant", "budget"]
    assert out["criteria"][0]["status"] == "warn" and "EUR 900,000" in out["criteria"][0]["message"]
    plain = tmp_path / "plain.toml"
    save_plan(passing_plan(RULES, 1), plain)
    none = json.loads(run_planner("budget", plain, "--format", "json").stdout)
    assert none["budget"] is None and none["requested_grant_eur"] == 1_000_000
    assert [(c["id"], c["status"]) for c in none["criteria"]] == [("grant", "pass"), ("budget", "info")]


def test_a_plan_without_a_budget_gives_no_rows_of_zeros_in_csv_or_xlsx(tmp_path):
    """The JSON said "budget": null, the CSV a row of zeros for every partner and a total of 0."""
    path = tmp_path / "plain.toml"
    save_plan(passing_plan(RULES, 1), path)
    result = run_planner("budget", path, "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows == [["row", "partner", "work_package", "person_months", "personnel_eur", "subcontracting_eur",
                     "travel_eur", "equipment_eur", "other_eur", "indirect_eur", "cost_eur", "contribution_eur"]]
    calamine = pytest.importorskip("python_calamine")
    target = tmp_path / "plain.xlsx"
    assert run_planner("budget", path, "--format", "xlsx", "-o", target).returncode == 0
    book = calamine.CalamineWorkbook.from_path(str(target))
    assert book.sheet_names == ["Summary"]
    cells = [cell for row in book.get_sheet_by_name("Summary").to_python() for cell in row if cell != ""]
    assert any(str(cell).startswith("No budget yet") for cell in cells)
    assert not any(isinstance(cell, (int, float)) for cell in cells)


def test_the_help_names_every_format_the_command_writes() -> None:
    """'planner budget --help' said '(text, Markdown, CSV, JSON)' above a --format that also takes xlsx."""
    shown = subprocess.run([sys.executable, "-m", "planner", "budget", "--help"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=60, env={**os.environ, "COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    description = shown.stdout.split("positional arguments")[0]
    assert "{text,markdown,csv,json,xlsx}" in shown.stdout
    for words in ("text", "Markdown", "CSV", "JSON", "Excel"):
        assert words in description.split("against the cap")[1], (words, description)
