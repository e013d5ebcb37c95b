"""Exports to mail (issue 10, point 5): words not ids, a report for the partners, plain text. CLI in a subprocess."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES, run_planner

from planner.storage import load_call_for, load_plan

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
    assert re.search(r"Total +EUR 3,960,000", result.stdout)


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


def test_cli_compare_says_why_a_cell_fails_and_names_the_failing_rules(tmp_path):
    plan = tmp_path / "draft.toml"
    text = (SAMPLES / "lot2-draft.toml").read_text(encoding="utf-8")
    plan.write_text(re.sub(r"requested_grant_eur = \d+", "requested_grant_eur = 3950000", text), encoding="utf-8")
    result = run_planner("compare", plan)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    grant = next(line for line in lines if line.startswith("Grant"))
    assert "FAIL EUR 3.95M > 1M cap" in grant and "FAIL EUR 3.95M > 1.5M cap" in grant
    at = next(i for i, line in enumerate(lines) if line.startswith("Verdict"))
    named = " ".join(lines[at + 1:])
    assert "grant" in named and "vet provider" in named and "full partners" in named
    md = run_planner("compare", plan, "--format", "markdown").stdout
    assert "**NOT ELIGIBLE** (2): vet provider, grant" in md


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
    assert "for Lot 3 is provisional: check the call document" in words
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
