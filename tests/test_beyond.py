"""Issue 4 in the core and on the command line: budget, CSV import, export, edits for undo, deadline."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime, timezone

import pytest
from conftest import SAMPLES, make_plan, partner, passing_plan, run_planner, with_shares

from planner import editing
from planner.budget import budget
from planner.export import CSV_COLUMNS, markdown_report, partners_csv
from planner.importing import preview_import
from planner.model import Profile
from planner.scoring import evaluate
from planner.storage import load_plan

# --- budget ------------------------------------------------------------------------------------


def test_budget_totals_percentages_cap_and_implied_budget(rules):
    plan = make_plan([
        partner("Coordinator", short_name="CO", role="coordinator", grant_eur=600_000),
        partner("Beneficiary", short_name="BE", grant_eur=200_000),
        partner("Associated", short_name="AS", role="associated-partner"),
    ], lot=1, duration_months=24, requested_grant_eur=900_000)
    b = budget(plan, rules, 1, 24)
    assert b.cap == rules.max_grant(1, 24)
    assert b.shares_total == 800_000
    assert b.unassigned == 100_000
    assert b.under_cap == rules.max_grant(1, 24) - 900_000
    assert b.implied_total_budget == 900_000 * 100 // rules.funding_rate_percent
    assert [round(s.percent, 1) for s in b.shares if s.percent is not None] == [66.7, 22.2]
    assert b.without_share == ()  # the associated partner gets no share, and needs none


def test_budget_names_full_partners_without_a_share(rules):
    plan = make_plan([partner("Coordinator", short_name="CO", role="coordinator"),
                      partner("Beneficiary", short_name="BE", grant_eur=1)], requested_grant_eur=1)
    assert [s.label for s in budget(plan, rules, 1, 24).without_share] == ["CO"]


# --- edits (the basis of undo) -------------------------------------------------------------


def test_edits_return_new_plans_and_leave_the_old_one_alone(rules):
    plan = passing_plan(rules, 2)
    before = plan.model_dump()
    changed = editing.set_share(plan, 0, 1)
    changed = editing.toggle_activity(changed, "skills_strategy")
    changed = editing.set_profiles(changed, (Profile(title="X", eqf=4),))
    changed = editing.set_score(changed, "impact", 3)
    assert plan.model_dump() == before
    assert changed.partners[0].grant_eur == 1
    assert changed.activities.skills_strategy is not plan.activities.skills_strategy
    assert changed.assessment.impact == 3


def test_clearing_every_score_removes_the_assessment(rules):
    plan = make_plan([], assessment=None)
    scored = editing.set_score(plan, "design", 20)
    assert scored.assessment is not None
    assert editing.set_score(scored, "design", None).assessment is None


def test_renaming_a_beneficiary_follows_its_affiliated_entities(rules):
    plan = make_plan([partner("Uni", short_name="UNI", role="beneficiary"),
                      partner("Uni Foundation", short_name="UF", role="affiliated-entity", affiliated_to="UNI")])
    renamed = editing.replace_partner(plan, 0, plan.partners[0].model_copy(update={"short_name": "UNIV"}))
    assert renamed.partners[1].affiliated_to == "UNIV"


def test_switching_lot_keeps_an_allowed_duration_and_replaces_another(rules):
    lot1_36 = make_plan([], lot=1, duration_months=36)
    assert editing.set_lot(lot1_36, rules, 2).duration_months == rules.lot(2).shortest_duration
    lot2 = editing.set_lot(lot1_36, rules, 2)
    assert editing.set_lot(lot2, rules, 1).duration_months == rules.lot(1).shortest_duration
    assert editing.set_lot(lot1_36, rules, 1, 24).duration_months == 24


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
    assert "unknown kind 'wizard'" in rejected[6] and "higher-education" in rejected[6]
    assert "'12.50' is not a whole number" in rejected[6]
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


# --- export --------------------------------------------------------------------------------


def test_csv_export_round_trips_through_the_import(rules, tmp_path):
    plan = load_plan(SAMPLES / "lot2-example.toml")
    text = partners_csv(plan, rules)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(plan.partners)
    assert {r["counts_towards_minimums"] for r in rows} >= {"yes", "no: associated partner", "no: affiliated entity"}
    preview = preview_import(write(tmp_path, "x.csv", text), plan.model_copy(update={"partners": ()}), rules)
    assert not preview.rejected
    assert tuple(r.partner for r in preview.accepted) == plan.partners


def test_markdown_report_has_partners_scoreboard_budget_profiles(rules):
    plan = load_plan(SAMPLES / "lot2-example.toml")
    board = evaluate(plan, rules)
    report = markdown_report(plan, rules, board, "lot2-example.toml")
    assert report.startswith(f"# {plan.title} ({plan.acronym})")
    assert "**ELIGIBLE: Lot 2, 48 months**" in report
    for heading in ("## Partners", "## Eligibility", "## Budget", "## Occupational profiles", "## Lot 2 activities",
                    "## Self-assessment"):
        assert heading in report
    for p in plan.partners:
        assert p.name in report
    assert "By country: " in report and "By kind: " in report
    assert f"EUR {plan.requested_grant_eur:,}" in report
    assert "- [x] Sectoral skills strategy" in report


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda out: out.splitlines()[0].startswith("name,short_name,country")),
    ("markdown", lambda out: "| Status | Criterion | N/M | What it means |" in out),
    ("json", lambda out: json.loads(out)["verdict"]["eligible"] is False and json.loads(out)["plan"]["lot"] == 2),
])
def test_cli_export_formats(fmt, check):
    result = run_planner("export", SAMPLES / "lot2-draft.toml", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert check(result.stdout)


def test_cli_export_to_a_file(tmp_path):
    out = tmp_path / "report.md"
    result = run_planner("export", SAMPLES / "lot1-example.toml", "-o", out)
    assert result.returncode == 0 and out.read_text(encoding="utf-8").startswith("# ")


def test_cli_export_into_a_missing_folder_exits_2(tmp_path):
    result = run_planner("export", SAMPLES / "lot1-example.toml", "-o", tmp_path / "no" / "report.md")
    assert result.returncode == 2 and "does not exist" in result.stderr


# --- deadline ------------------------------------------------------------------------------


def test_deadline_counts_down_and_then_says_closed(rules):
    plan = with_shares(passing_plan(rules, 1))
    before = evaluate(plan, rules, now=datetime(2024, 3, 5, 15, 0, tzinfo=timezone.utc)).get("deadline")
    assert before.message == ("7 March 2024, 17:00 Brussels time (CET), 7 March 16:00 your time (UTC): "
                              "2 days 1 h left")
    after = evaluate(plan, rules, now=datetime(2024, 3, 10, tzinfo=timezone.utc)).get("deadline")
    assert "the call closed 2 days ago" in after.message


def test_deadline_in_the_users_time_zone(rules):
    from zoneinfo import ZoneInfo

    plan = passing_plan(rules, 1)
    lisbon = evaluate(plan, rules, now=datetime(2024, 3, 7, 9, 0, tzinfo=ZoneInfo("Europe/Lisbon"))).get("deadline")
    assert "7 March 16:00 your time (WET)" in lisbon.message and "0 days 7 h left" in lisbon.message
    brussels = evaluate(plan, rules, now=datetime(2024, 3, 7, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))).get("deadline")
    assert "your time" not in brussels.message  # the same as Brussels: said once
