"""The budget workbook: read back with a reader that does not recalculate (python-calamine), as pandas
and previewers do, so every total must be there as a value."""

from __future__ import annotations

import io
import zipfile

import pytest

from planner import rules as call_rules
from planner.budget import estimate
from planner.storage import parse_plan
from planner.workbook import NOT_OFFICIAL, sheet_names

calamine = pytest.importorskip("python_calamine")

PLAN = """\
format = 1
call = "2026"
title = "Workbook test"
acronym = "WBT"
lot = 1
duration_months = 24

[[partners]]
name = "Hochschule Nordhafen"
short_name = "HSNH"
country = "DE"
kind = "higher-education"
role = "coordinator"
staff_cost_eur = 5200

[partners.budget.WP1]
person_months = 6.5
travel_eur = 8000
other_eur = 2000

[partners.budget.WP2]
person_months = 12.25
equipment_eur = 1500

[[partners]]
name = "=HYPERLINK(\\"http://example.invalid\\",\\"x\\")"
short_name = "Acme: [x]/y"
country = "ES"
kind = "enterprise"
role = "beneficiary"
staff_cost_eur = 3900

[partners.budget.WP2]
person_months = 3
subcontracting_eur = 10000
travel_eur = 1200

[[partners]]
name = "Cluster Nord e.V."
short_name = "CLN"
country = "DE"
kind = "trade-association"
role = "associated-partner"

[[work_packages]]
id = "WP1"
title = "Management"
lead = "HSNH"
start_month = 1
end_month = 24

[[work_packages]]
id = "WP2"
title = "Curricula"
lead = "HSNH"
start_month = 3
end_month = 20
"""


def _rules(plan):
    return call_rules.load_call(plan.call)


def _book(plan):
    from planner.workbook import budget_workbook
    data = budget_workbook(plan, _rules(plan), plan.lot, plan.duration_months)
    return data, calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


def _rows(book, name):
    return book.get_sheet_by_name(name).to_python()


def test_the_summary_holds_every_partners_total_and_the_grant_as_values():
    plan = parse_plan(PLAN, "plan.toml")
    counted = estimate(plan, _rules(plan))
    _, book = _book(plan)
    rows = _rows(book, "Summary")
    assert NOT_OFFICIAL in [cell for row in rows for cell in row]
    header = next(row for row in rows if row and row[0] == "Partner")
    total_col, grant_col = header.index("Total cost"), header.index("EU contribution")
    by_label = {row[0]: row for row in rows if row and row[0] in {"HSNH", "Acme: [x]/y", "Total"}}
    for sub in counted.by_partner:
        assert by_label[sub.key][total_col] == sub.cost_eur
        assert by_label[sub.key][grant_col] == sub.contribution_eur
    assert by_label["Total"][total_col] == counted.cost_eur  # a formula's stored value
    assert by_label["Total"][grant_col] == counted.contribution_eur
    assert "CLN" not in {row[0] for row in rows if row}  # associated partners hold no budget


def test_one_sheet_per_beneficiary_by_cost_category_and_the_work_plan():
    plan = parse_plan(PLAN, "plan.toml")
    counted = estimate(plan, _rules(plan))
    _, book = _book(plan)
    assert book.sheet_names == ["Summary", "HSNH", "Acme_ _x__y", "Work plan"]
    hsnh = _rows(book, "HSNH")
    header = next(row for row in hsnh if row and row[0] == "Work package")
    total = next(row for row in hsnh if row and row[0] == "Total")
    lines = [line for line in counted.lines if line.partner == "HSNH"]
    assert total[header.index("Total cost")] == sum(line.cost_eur for line in lines)
    assert total[header.index("Personnel")] == sum(line.personnel_eur for line in lines)
    assert total[header.index("Person-months")] == pytest.approx(18.75)
    plan_rows = _rows(book, "Work plan")
    head = next(row for row in plan_rows if row and row[0] == "Work package")
    wp2 = next(row for row in plan_rows if row and row[0] == "WP2")
    assert wp2[head.index("Lead")] == "HSNH"
    assert wp2[head.index("HSNH")] == pytest.approx(12.25)
    assert wp2[head.index("Acme: [x]/y")] == pytest.approx(3)
    assert wp2[head.index("Total")] == pytest.approx(15.25)


def test_a_name_that_looks_like_a_formula_stays_text():
    plan = parse_plan(PLAN, "plan.toml")
    data, book = _book(plan)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "HYPERLINK" not in sheets  # no formula holds it: user text is data
    acme = _rows(book, "Acme_ _x__y")
    assert acme[0][0].startswith("=HYPERLINK(")


def test_sheet_names_are_valid_and_distinct():
    names = sheet_names(["a/b", "A/B", "x" * 40, "x" * 40, "", "Summary"], ["Summary", "Work plan"])
    assert names[0] == "a_b" and names[1] == "A_B (2)"
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names} | {"summary", "work plan"}) == len(names) + 2
    assert names[4] == "Partner"
    assert names[5] == "Summary (2)"
