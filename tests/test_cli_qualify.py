"""What it takes, through the real command line: check and compare, as text, Markdown and JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest

from planner.report import closed_note, judged_headline, verdict_line
from planner.scoring import evaluate
from planner.storage import load_call_for, load_plan
from support import SAMPLES, run_command, run_planner

LOT1 = str(SAMPLES / "lot1-example.toml")
SORT_KEYS = ["new_countries", "labour_market_actors", "education_providers", "higher_education", "vet_providers"]


def _counts(path: str, lot_number: int):
    """What the lot asks and what the sample has, read from the rules and the file (not through the planner)."""
    plan = load_plan(path)
    rules = load_call_for(plan, path)
    lot = rules.lot(lot_number)
    member = set(rules.countries.eu) | set(rules.countries.associated)
    full = [p for p in plan.partners if p.role in ("coordinator", "beneficiary")]
    kinds = {k.id: k for k in rules.kinds}
    return lot, {
        "full": len(full),
        "countries": len({p.country for p in full if p.country in member}),
        "lma": sum(kinds[p.kind].labour_market_actor for p in full),
        "providers": sum(kinds[p.kind].education_provider for p in full),
        "he": sum(kinds[p.kind].higher_education for p in full),
        "vet": sum(kinds[p.kind].vet_provider for p in full),
    }


def test_compare_json_carries_to_qualify_in_every_verdict_and_lot2_takes_three_from_new_countries():
    result = run_planner("compare", LOT1, "--format", "json")
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)["verdicts"]
    for v in verdicts:
        tq = v["to_qualify"]
        assert list(tq) == ["new_full_partners", "of_which", "steps"] or list(tq)[:3] == [
            "new_full_partners", "of_which", "steps"]
        assert list(tq["of_which"]) == SORT_KEYS
        assert (tq["steps"] == []) is v["eligible"]
    # the sample's facts, from the rules: Lot 2 lacks 3 full partners, 3 countries and 1 provider
    lot, has = _counts(LOT1, 2)
    gaps = (lot.min_full_partners - has["full"], lot.min_countries - has["countries"],
            lot.min_education_providers - has["providers"])
    assert gaps == (3, 3, 1)
    assert has["lma"] >= lot.min_labour_market_actors and has["he"] and has["vet"]
    lot2 = next(v for v in verdicts if v["lot"] == 2)
    assert lot2["to_qualify"]["new_full_partners"] == 3
    assert lot2["to_qualify"]["of_which"]["new_countries"] == 3
    assert lot2["to_qualify"]["of_which"]["education_providers"] >= 1
    assert any("industrial ecosystem" in step for step in lot2["to_qualify"]["steps"])
    for v in verdicts:
        if v["lot"] == 1:
            assert v["eligible"] and v["to_qualify"]["new_full_partners"] == 0 and v["to_qualify"]["steps"] == []


def test_compare_text_has_a_what_it_takes_row_and_the_steps_under_the_table():
    result = run_planner("compare", LOT1)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("CRITERION"))
    row = next(line for line in lines if line.startswith("What it takes "))
    # each column from its title, the plan's own marked '▸ ' before it
    columns = [header.index(title) - (2 if header[header.index(title) - 2:header.index(title)] == "▸ " else 0)
               for title in ("Lot 1 24m", "Lot 1 36m", "Lot 2 48m")]
    assert header[columns[0]:].startswith("▸ Lot 1 24m")  # the sample is Lot 1, 24 months
    cells = [row[start:end].strip() for start, end in zip(columns, columns[1:] + [None])]
    assert cells == ["nothing missing", "nothing missing", "+3 partners, 1 ecosystem"]  # 250 columns: the room
    block = result.stdout.split("What it takes for Lot 2 48m:\n", 1)[1]
    words = " ".join(block.split())
    assert ("- add 3 full partners, each from an EU/associated country not yet covered, at least 1 of them a "
            "VET or higher education provider") in words
    assert "- keep exactly one industrial ecosystem (Lot 2): 2 chosen" in words
    assert "What it takes for Lot 1" not in result.stdout


def _compare_piped(plan: str, columns: str | None) -> list[str]:
    """`planner compare PLAN` with its output in a pipe (no terminal), COLUMNS as given or unset."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    result = subprocess.run([sys.executable, "-m", "planner", "compare", plan], capture_output=True, text=True,
                            encoding="utf-8", stdin=subprocess.DEVNULL, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_compare_text_fits_80_columns_when_its_output_is_no_terminal():
    lines = _compare_piped(str(SAMPLES / "lot3-example.toml"), None)
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    header = next(line for line in lines if line.startswith("CRITERION"))
    assert [header.index(t) for t in ("Lot 1 24m", "Lot 1 36m", "Lot 2 48m", "Lot 3 24m")] == \
        sorted(header.index(t) for t in ("Lot 1 24m", "Lot 1 36m", "Lot 2 48m", "Lot 3 24m"))
    # the cells in short, the reason and the steps in full under the table
    grant = next(line for line in lines if line.startswith("Grant"))
    assert grant.split()[1:3] == ["FAIL", "*"] and "EUR 1.45M" not in grant
    takes = next(line for line in lines if line.startswith("What it takes "))
    assert "+4 & 1 more" in takes
    # the sample has a budget: Lot 1's step is to cut costs (compare's JSON gives the step in full)
    sample = str(SAMPLES / "lot3-example.toml")
    verdicts = json.loads(subprocess.run([sys.executable, "-m", "planner", "compare", sample, "--format", "json"],
                                         capture_output=True, text=True, encoding="utf-8",
                                         stdin=subprocess.DEVNULL, timeout=60).stdout)["verdicts"]
    lot1 = next(v for v in verdicts if (v["lot"], v["duration_months"]) == (1, 24))
    cut = next(step for step in lot1["to_qualify"]["steps"] if step.startswith("cut EUR"))
    assert any(line.startswith("  - " + cut[:60]) for line in lines), cut
    assert any(line.startswith("Education and training") and "…" in line for line in lines)  # cut, not wrapped


def test_compare_text_follows_the_width_it_is_given():
    wide = _compare_piped(str(SAMPLES / "lot3-example.toml"), "200")
    assert max(len(line) for line in wide) <= 200
    # in full where there is room: the budget's contribution against Lot 1's cap
    assert re.search(r"FAIL EUR 1\.\d+M > 1M cap \*", next(line for line in wide if line.startswith("Grant")))
    assert "+4 partners, 1 ecosystem" in next(line for line in wide if line.startswith("What it takes "))
    assert any(line.rstrip().endswith("  education and training providers") for line in wide)  # not cut
    narrow = _compare_piped(str(SAMPLES / "lot3-example.toml"), "100")
    assert max(len(line) for line in narrow) <= 100


def test_compare_markdown_has_a_what_it_takes_row():
    result = run_planner("compare", LOT1, "--format", "markdown")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("| What it takes |"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[1:3] == ["nothing missing", "nothing missing"]
    assert cells[3].startswith("(1) add 3 full partners, each from an EU/associated country not yet covered")
    assert "(2) keep exactly one industrial ecosystem (Lot 2)" in cells[3]


def test_check_json_and_text_give_the_same_steps_for_a_what_if_lot():
    json_result = run_planner("check", LOT1, "--lot", "2", "--format", "json")
    assert json_result.returncode == 1
    tq = json.loads(json_result.stdout)["to_qualify"]
    assert tq["new_full_partners"] == 3
    text = run_planner("check", LOT1, "--lot", "2")
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    verdict = next(i for i, line in enumerate(lines) if line.startswith("Verdict: NOT ELIGIBLE"))
    assert lines[verdict + 1] == "What it takes:"
    assert " ".join(line.strip() for line in lines[verdict + 2:]) == " ".join(f"- {s}" for s in tq["steps"])
    md = run_planner("check", LOT1, "--lot", "2", "--format", "markdown")
    assert md.stdout.rstrip().endswith(f"- {tq['steps'][-1]}")


def test_an_eligible_plan_has_no_steps_in_check_text():
    result = run_planner("check", LOT1)
    assert result.returncode == 0
    assert "What it takes" not in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("Verdict: ELIGIBLE")


def test_a_call_still_open_says_no_closing_date(tmp_path):
    # a rules file whose deadline is far ahead: open on any day the test runs
    rules = tmp_path / "open.toml"
    rules.write_text('extends = "2024"\nid = "open"\ndeadline = 2999-01-01T17:00:00\n', encoding="utf-8")
    result = run_planner("check", LOT1, "--rules", rules)
    assert result.returncode == 0, result.stderr
    assert "Verdict: ELIGIBLE: Lot 1, 24 months" in result.stdout
    assert "closed" not in result.stdout.split("Verdict: ", 1)[1]
    closed = run_planner("check", LOT1)
    assert "Verdict: ELIGIBLE under call 2024, closed 7 Mar 2024: Lot 1, 24 months" in closed.stdout


@pytest.mark.parametrize("offset, closed", [(timedelta(minutes=-1), False), (timedelta(0), True),
                                            (timedelta(days=300), True)])
def test_verdict_line_says_under_which_call_once_it_has_closed(offset, closed):
    plan = load_plan(LOT1)
    rules = load_call_for(plan, LOT1)
    board = evaluate(plan, rules, now=rules.deadline_aware() + offset)
    d = rules.deadline
    assert closed_note(board) == (f"under call {rules.id}, closed {d.day} {d:%b %Y}" if closed else "")
    expected = f"ELIGIBLE under call {rules.id}, closed {d.day} {d:%b %Y}: " if closed else "ELIGIBLE: "
    assert judged_headline(board) == expected + f"Lot {plan.lot}, {plan.duration_months} months"
    assert verdict_line(board).startswith(expected)
    lot2 = evaluate(plan, rules, lot=2, now=rules.deadline_aware() + offset)
    assert verdict_line(lot2).startswith(f"NOT ELIGIBLE under call {rules.id}" if closed else "NOT ELIGIBLE: ")


def test_verdict_bar_ends_with_the_partners_to_go():
    plan = load_plan(LOT1)
    rules = load_call_for(plan, LOT1)
    before = rules.deadline_aware() - timedelta(days=1)
    from planner.report import verdict_bar
    lot2 = evaluate(plan, rules, lot=2, now=before)
    n = lot2.to_qualify.new_full_partners
    assert n > 0
    assert verdict_bar(lot2) == f"{lot2.headline} · {n} new partners to go"
    assert verdict_bar(evaluate(plan, rules, now=before)) == f"ELIGIBLE: Lot {plan.lot}, {plan.duration_months} months"


# a call of the coordinator's own with five lots and durations: Lot 1 in 24, 36 and 48 months, Lot 2 in 36 and 48
FIVE_COLUMNS = """extends = "2024"
id = "five"

[[lots]]
number = 1

[[lots.durations]]
months = 48
max_grant_eur = 2000000
source = "a test's own figure"
grade = "official"

[[lots]]
number = 2

[[lots.durations]]
months = 36
max_grant_eur = 3000000
source = "a test's own figure"
grade = "official"
"""


def _tables(lines: list[str]) -> list[dict[str, dict[str, str]]]:
    """Each table of a compare's text: {column title: {row label: cell}}, the columns found from the header's
    titles (words one space apart, two spaces or more between columns)."""
    tables = []
    for at, header in enumerate(lines):
        if not header.startswith("CRITERION"):
            continue
        spans = [m.span() for m in re.finditer(r"\S+(?: \S+)*", header)][1:]
        table: dict[str, dict[str, str]] = {header[a:b].removeprefix("▸ "): {} for a, b in spans}
        for row in lines[at + 1:]:
            if not row:
                break
            for (a, _), (b, _), title in zip(spans, spans[1:] + [(None, None)], table):
                table[title][row[:spans[0][0]].strip()] = row[a:b].strip()
        tables.append(table)
    return tables


@pytest.mark.parametrize("assessed", [True, False], ids=["self-assessment", "none"])
@pytest.mark.parametrize("own_call", [True, False], ids=["five-columns", "built-in"])
def test_compare_text_fits_the_terminal_and_keeps_every_column(tmp_path, assessed, own_call):
    """At 80 columns, a self-assessment's 'PASS 81/70 *' made five columns one too wide for the criteria's
    names: lines of 82 characters and more, which the terminal wrapped, breaking the table. The columns
    that do not fit go on in a second table, every cell as it was; JSON does not change with the width."""
    text = (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8")
    if not assessed:
        head, _, rest = text.partition("[assessment]\n")
        text = head + rest.split("\n\n", 1)[1]
    (tmp_path / "plan.toml").write_text(text, encoding="utf-8")
    rules = ("--rules", "five.toml") if own_call else ()
    (tmp_path / "five.toml").write_text(FIVE_COLUMNS, encoding="utf-8")
    verdicts = None
    for columns in ("80", "200"):
        env = {**os.environ, "COLUMNS": columns}
        shown = run_command(("compare", "plan.toml", *rules), cwd=tmp_path, env=env)
        assert shown.returncode == 0, shown.stderr
        lines = shown.stdout.splitlines()
        assert max(len(line) for line in lines) <= int(columns), max(lines, key=len)
        as_json = run_command(("compare", "plan.toml", *rules, "--format", "json"), cwd=tmp_path, env=env)
        assert verdicts is None or json.loads(as_json.stdout) == verdicts
        verdicts = json.loads(as_json.stdout)
        tables = _tables(lines)
        # every lot and duration once, in the verdicts' order, and its self-assessment's cell as the JSON has it
        titles = [title for table in tables for title in table]
        assert titles == [f"Lot {v['lot']} {v['duration_months']}m" for v in verdicts["verdicts"]]
        assert len(titles) == (5 if own_call else 3)
        assert len(tables) == (2 if own_call and assessed and columns == "80" else 1)
        for v in verdicts["verdicts"]:
            award = next(c for c in v["criteria"] if c["id"] == "award")
            cells = next(t for t in tables if f"Lot {v['lot']} {v['duration_months']}m" in t)
            cell = next(cell for label, cell in cells[f"Lot {v['lot']} {v['duration_months']}m"].items()
                        if label.startswith("Award"))
            count = f" {award['actual']}/{award['required']}" if assessed else ""
            assert cell == f"{award['status'].upper()}{count}{' *' if award['provisional'] else ''}", cell
