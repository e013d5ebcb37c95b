"""Exports (planner/export.py, `planner export`): CSV that the import reads back, Markdown and plain-text reports
in words, not ids, and a version for the partners. The CLI in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from planner.export import CSV_COLUMNS, markdown_report, partners_csv
from planner.importing import preview_import
from planner.scoring import evaluate
from planner.storage import load_call_for, load_plan
from support import BEFORE_DEADLINE, SAMPLES, run_planner

IDS = ("higher-education", "vet-provider", "associated-partner", "affiliated-entity", "trade-association")


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_reports_name_kinds_and_roles_in_words(fmt):
    result = run_planner("export", SAMPLES / "lot2-example.toml", "--format", fmt)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for words in ("Higher education institution", "Associated partner", "Affiliated entity", "Coordinator",
                  "Trade, sectoral or professional association"):
        assert words in out
    for kind_or_role in IDS:
        assert kind_or_role not in out


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_for_partners_leaves_out_the_self_assessment_and_the_notes(fmt):
    plan = load_plan(SAMPLES / "lot2-example.toml")
    assert plan.assessment is not None and plan.notes
    full = run_planner("export", SAMPLES / "lot2-example.toml", "--format", fmt).stdout
    shared = run_planner("export", SAMPLES / "lot2-example.toml", "--format", fmt, "--for-partners")
    assert shared.returncode == 0, shared.stderr
    note_start = plan.notes[:40]
    assert re.search("self-assessment", full, re.IGNORECASE) and note_start in " ".join(full.split())
    assert not re.search("self-assessment", shared.stdout, re.IGNORECASE)
    assert note_start not in " ".join(shared.stdout.split())
    assert "Relevance of the project" not in shared.stdout
    # the rest is all there
    for p in plan.partners:
        assert p.name in shared.stdout


def test_text_report_reads_in_any_mail_client():
    result = run_planner("export", SAMPLES / "lot2-example.toml", "--format", "text")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 72
    assert not any(line.lstrip().startswith("|") for line in lines)  # no Markdown tables
    assert "**" not in result.stdout and "##" not in result.stdout
    # columns aligned: the Role column starts at the same place in every partner row
    rows = [line for line in lines if re.match(r"^\d+ +\S+ +[A-Z]{2} +", line)]
    assert len(rows) == len(load_plan(SAMPLES / "lot2-example.toml").partners)
    assert len({line.index("Beneficiary") for line in rows if "Beneficiary" in line}) == 1
    assert re.search(r"^ELIGIBLE (under call \S+, closed \d+ \w+ \d{4})?: Lot 2, 48 months", result.stdout, re.M)
    # the sample has a budget: its totals, in place of the typed shares
    from planner.budget import estimate
    from planner.rules import load_call

    est = estimate(load_plan(SAMPLES / "lot2-example.toml"), load_call("2024"))
    assert re.search(rf"Total +{est.person_months} +EUR {est.cost_eur:,} +EUR {est.contribution_eur:,}", result.stdout)
    assert "WORK PLAN" in result.stdout


# --- export --------------------------------------------------------------------------------


def test_csv_export_round_trips_through_the_import(rules, tmp_path):
    plan = load_plan(SAMPLES / "lot2-example.toml")
    text = partners_csv(plan, rules)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(plan.partners)
    assert {r["counts_towards_minimums"] for r in rows} >= {"yes", "no: associated partner", "no: affiliated entity"}
    (tmp_path / "x.csv").write_bytes(text.encode("utf-8"))
    preview = preview_import(tmp_path / "x.csv", plan.model_copy(update={"partners": ()}), rules)
    assert not preview.rejected
    # the partners' CSV holds who they are, not the budget (planner budget --format csv has that)
    assert tuple(r.partner for r in preview.accepted) == tuple(
        p.model_copy(update={"staff_cost_eur": None, "budget": None}) for p in plan.partners)


def test_markdown_report_has_partners_scoreboard_budget_profiles(rules):
    plan = load_plan(SAMPLES / "lot2-example.toml")
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    report = markdown_report(plan, rules, board, "lot2-example.toml")
    assert report.startswith(f"# {plan.title} ({plan.acronym})")
    assert "**ELIGIBLE: Lot 2, 48 months**" in report
    closed = markdown_report(plan, rules, evaluate(plan, rules, now=rules.deadline_aware()), "lot2-example.toml")
    d = rules.deadline
    assert f"**ELIGIBLE under call {rules.id}, closed {d.day} {d:%b %Y}: Lot 2, 48 months**" in closed
    for heading in ("## Partners", "## Eligibility", "## Budget", "## Occupational profiles", "## Lot 2 activities",
                    "## Self-assessment"):
        assert heading in report
    for p in plan.partners:
        assert p.name in report
    assert "By country: " in report and "By kind: " in report
    assert f"EUR {plan.requested_grant_eur:,}" in report
    assert "- [x] Sectoral skills strategy" in report


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda out: out.splitlines()[0].startswith("\ufeffname,short_name,country")),
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


def test_cli_export_csv_with_semicolons_for_excel_reads_back_through_the_import(tmp_path):
    # Excel in Dutch, German, French or Spanish settings splits on ';': the export writes it on request,
    # with the UTF-8 mark, quotes a cell that holds one, and the import reads the file back unchanged
    sample = load_plan(SAMPLES / "lot2-example.toml")
    assert any(";" in (p.notes or "") for p in sample.partners)  # a cell that must be quoted
    out = tmp_path / "partners.csv"
    result = run_planner("export", SAMPLES / "lot2-example.toml", "--format", "csv", "--delimiter", ";", "-o", out)
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith("\ufeffname;short_name;country;".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(CSV_COLUMNS) and all(len(row) == len(CSV_COLUMNS) for row in rows)
    assert [row[0] for row in rows[1:]] == [p.name for p in sample.partners]

    plan = tmp_path / "empty.toml"
    assert run_planner("new", plan, "--lot", "2").returncode == 0
    result = run_planner("import-partners", plan, out)
    assert result.returncode == 0, result.stderr
    # the CSV holds the partners, not their budget lines (planner budget writes those)
    bare = tuple(p.model_copy(update={"budget": None, "staff_cost_eur": None}) for p in sample.partners)
    assert load_plan(plan).partners == bare


def test_cli_export_delimiter_is_for_csv_only(tmp_path):
    result = run_planner("export", SAMPLES / "lot2-example.toml", "--format", "markdown", "--delimiter", ";")
    assert result.returncode == 2 and "--delimiter is for --format csv" in result.stderr
    assert result.stdout == ""
    result = run_planner("export", SAMPLES / "lot2-example.toml", "--format", "csv", "--delimiter", "|")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_cli_export_into_a_missing_folder_exits_2(tmp_path):
    result = run_planner("export", SAMPLES / "lot1-example.toml", "-o", tmp_path / "no" / "report.md")
    assert result.returncode == 2 and "does not exist" in result.stderr


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_reports_keep_the_provisional_marks_and_their_footnote(fmt):
    # the Lot 3 sample's figures rest on secondary sources only (call 2026)
    result = run_planner("export", SAMPLES / "lot3-example.toml", "--format", fmt)
    assert result.returncode == 0, result.stderr
    check = run_planner("check", SAMPLES / "lot3-example.toml").stdout
    marked = [label for label in ("Full partners", "Countries covered", "Duration", "Grant")
              if re.search(rf"^\S+\s+{label} \*", check, re.M)]
    assert marked, check
    for label in marked:
        assert re.search(rf"{label} \\?\*", result.stdout), label
    words = " ".join(result.stdout.split())
    assert "provisional: rests on secondary sources only" in words
    assert "3 labour-market actors, 3 providers) are provisional: check the call document" in words
    if fmt == "text":
        assert max(len(line) for line in result.stdout.splitlines()) <= 72


@pytest.mark.parametrize("fmt", ["markdown", "text", "csv"])
def test_a_partner_from_a_third_country_not_associated_counts_as_a_partner_not_its_country(fmt):
    plan = load_plan(SAMPLES / "lot3-example.toml")
    rules = load_call_for(plan, "lot3")
    third = [p for p in plan.partners if rules.country_category(p.country) == "third"
             and p.role in ("coordinator", "beneficiary")]
    assert third, "the sample has a beneficiary from a third country not associated"
    out = run_planner("export", SAMPLES / "lot3-example.toml", "--format", fmt).stdout
    line = next(line for line in out.splitlines() if third[0].short_name in line)
    assert "yes, not its country" in line
    assert "no: country not associated" not in out
