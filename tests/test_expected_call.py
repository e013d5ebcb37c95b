"""The 2027 call as expected, new plans on the call being written, the days to the deadline, and rule
sets of the coordinator's own found by id (a `calls/` folder beside the plans, the config folder)."""

from __future__ import annotations

import json
import os
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import planner
from forked import run_command
from planner.model import Plan
from planner.rules import latest_call, load_call
from planner.rules.extends import builtin_data
from planner.scoring import evaluate
from planner.storage import dump_plan
from support import CLOCK_MODULES, passing_plan, run_planner, run_planner_at

CALLS_DIR = Path(planner.__file__).parent / "rules" / "calls"
DECEMBER_2026 = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)  # 2026 closed, 2027 not published
R2026, R2027 = load_call("2026"), load_call("2027")
# 40 days and 3 hours before the 2026 deadline (10 March 2026, 17:00 Brussels = 16:00 UTC)
FORTY_DAYS_BEFORE_2026 = datetime(2026, 1, 29, 13, 0, tzinfo=timezone.utc)


def swiss_led(rules) -> Plan:
    """A plan that passes Lot 1, its coordinator moved to Switzerland (and a fifth country kept covered)."""
    plan = passing_plan(rules, 1)
    partners = list(plan.partners)
    i = next(i for i, p in enumerate(partners) if p.role == "coordinator")
    partners[i] = partners[i].model_copy(update={"country": "CH"})
    return plan.model_copy(update={"partners": tuple(partners), "call": rules.id})


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 2027: expected, only what differs -------------------------------------------------------------


def test_2027_is_expected_without_a_deadline_and_with_switzerland_associated():
    assert (R2027.status, R2027.deadline, R2027.expected) == ("expected", None, "early 2027")
    assert R2027.deadline_aware() is None and R2027.status_at(DECEMBER_2026) == "expected"
    assert R2027.country_category("CH") == "associated" and R2026.country_category("CH") == "third"
    assert R2027.countries.grade == "agency"
    condition = R2027.countries.conditions["CH"]
    assert "Swiss Parliament" in condition and "Movetia" in condition and "ratification" in condition
    assert R2026.status == "published" and R2026.deadline == datetime(2026, 3, 10, 17, 0)


def _leaves(data: dict, path: tuple[str, ...] = ()):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), value


def _get(data: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return "<absent>"
        data = data[key]
    return data


def test_2027_toml_holds_only_what_differs_from_2026():
    raw = tomllib.loads((CALLS_DIR / "2027.toml").read_text(encoding="utf-8"))
    assert raw.pop("extends") == "2026"
    parent = builtin_data("2026")
    leaves = list(_leaves(raw))
    assert len(leaves) <= 15  # a few lines on top of 2026
    for path, value in leaves:
        # every key in it changes the merged result: none repeats what 2026 already says
        assert _get(parent, path) != value, f"{'.'.join(path)} repeats 2026"
    merged = builtin_data("2027")
    assert merged["countries"]["eu"] == parent["countries"]["eu"] and merged["lots"] == parent["lots"]
    assert "deadline" not in merged  # 2026's deadline is not carried into a call not yet published


def test_a_child_with_its_own_status_inherits_no_deadline_but_one_without_does(tmp_path):
    from planner.rules import load_rules_file

    published = write(tmp_path, "p.toml", 'extends = "2027"\nid = "p"\nstatus = "published"\n'
                      'deadline = 2027-03-04T17:00:00\n')
    assert load_rules_file(published).deadline == datetime(2027, 3, 4, 17, 0)
    missing = write(tmp_path, "m.toml", 'extends = "2026"\nid = "m"\nstatus = "published"\n')
    with pytest.raises(planner.errors.PlanError, match="a published call needs its deadline"):
        load_rules_file(missing)
    kept = write(tmp_path, "k.toml", 'extends = "2026"\nid = "k"\nfunding_rate_percent = 70\n')
    assert load_rules_file(kept).deadline == R2026.deadline


def test_a_swiss_coordinator_passes_in_2027_provisionally_and_fails_in_2026():
    in_2027 = evaluate(swiss_led(R2027), R2027, now=DECEMBER_2026)
    assert in_2027.eligible, [c.message for c in in_2027.failures]
    coordinator = in_2027.get("coordinator")
    assert coordinator.status == "pass" and coordinator.provisional
    assert "Switzerland (CH): associated from 2027 subject to the Swiss Parliament's funding" in coordinator.message
    assert all(c.provisional for c in in_2027.criteria)  # every rule of an expected call
    in_2026 = evaluate(swiss_led(R2026), R2026, now=DECEMBER_2026)
    assert in_2026.get("coordinator").status == "fail"
    assert "Switzerland (third country not associated)" in in_2026.get("coordinator").message


def test_the_2027_deadline_is_not_invented_and_no_countdown_runs():
    board = evaluate(passing_plan(R2027, 1), R2027, now=DECEMBER_2026)
    deadline = board.get("deadline")
    assert deadline.message.startswith("not yet published (expected early 2027)")
    assert deadline.days_left is None and "days_left" not in deadline.as_dict()
    assert board.closed_at is None and board.expected


def test_new_plans_go_on_the_call_being_written():
    assert latest_call(DECEMBER_2026) == "2027"
    assert latest_call(FORTY_DAYS_BEFORE_2026) == "2026"  # open: the one coordinators write for
    assert latest_call(datetime(2025, 2, 1, tzinfo=timezone.utc)) == "2025"


# --- the command line ----------------------------------------------------------------------------


def test_planner_rules_lists_2027_as_expected():
    listed = run_planner_at(DECEMBER_2026, "rules")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert list(rows) == ["2024", "2025", "2026", "2027"]
    assert rows["2027"].split()[2] == "expected" and "not yet published (expected early 2027)" in rows["2027"]
    assert rows["2026"].split()[2] == "closed" and "10 March 2026, 17:00 Brussels" in rows["2026"]
    assert "3 Alliances for STEM Skills Foundries (provisional)" in rows["2027"]
    assert "Lot 1 Alliances" not in rows["2024"] and "(provisional)" not in rows["2024"]


def test_planner_new_starts_on_2027_and_check_says_it_is_provisional(tmp_path):
    path = tmp_path / "swiss.toml"
    created = run_planner_at(DECEMBER_2026, "new", path)
    assert created.returncode == 0, created.stderr
    assert "(call 2027, expected early 2027, not yet published, Lot 1)" in created.stdout
    assert 'call = "2027"' in path.read_text(encoding="utf-8")
    path.write_text(dump_plan(swiss_led(R2027)), encoding="utf-8")
    checked = run_planner_at(DECEMBER_2026, "check", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    out = checked.stdout
    assert "Call 2027 (ERASMUS-EDU-2027-PI-ALL-INNO; expected early 2027, not yet published)" in out
    assert "Coordinator *" in out and "* provisional: the call is expected, not published" in out
    assert ("Verdict: ELIGIBLE under call 2027, expected (provisional), if Switzerland is associated: "
            "Lot 1, 24 months") in out
    data = json.loads(run_planner_at(DECEMBER_2026, "check", path, "--format", "json").stdout)
    assert all(c.get("provisional") is True for c in data["criteria"])
    deadline = next(c for c in data["criteria"] if c["id"] == "deadline")
    assert "days_left" not in deadline and deadline["message"].startswith("not yet published (expected early 2027)")
    in_2026 = run_planner_at(DECEMBER_2026, "check", path, "--call", "2026")
    assert in_2026.returncode == 1 and "coordinator" in in_2026.stdout.split("Verdict: ")[1]
    compared = run_planner_at(DECEMBER_2026, "compare", path)
    assert "Judged under call 2027, expected (provisional)" in compared.stdout
    assert "PASS *" in compared.stdout  # each cell marked provisional


@pytest.mark.parametrize("tz", ["UTC", "Asia/Tokyo"])
def test_check_counts_the_days_to_the_deadline(tmp_path, tz):
    plan = tmp_path / "lot3.toml"
    plan.write_text((Path(planner.__file__).parents[2] / "samples" / "lot3-example.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = run_planner_at(FORTY_DAYS_BEFORE_2026, "check", plan, env={"TZ": tz})
    here = "16:00 here" if tz == "UTC" else "11 Mar 01:00 here"
    assert f"40 days left (10 Mar 2026, 17:00 Brussels, {here})" in result.stdout
    assert "Call 2026 (ERASMUS-EDU-2026-PI-ALL-INNO; closes in 40 days)" in result.stdout
    data = json.loads(run_planner_at(FORTY_DAYS_BEFORE_2026, "check", plan, "--format", "json",
                                     env={"TZ": tz}).stdout)
    deadline = next(c for c in data["criteria"] if c["id"] == "deadline")
    assert deadline["days_left"] == 40
    later = run_planner_at(FORTY_DAYS_BEFORE_2026 + timedelta(hours=4), "check", plan, "--format", "json",
                           env={"TZ": tz})
    assert next(c for c in json.loads(later.stdout)["criteria"] if c["id"] == "deadline")["days_left"] == 39
    today = run_planner_at(datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc), "check", plan, env={"TZ": "UTC"})
    assert "closes today at 17:00 Brussels (16:00 here)" in today.stdout


def test_reports_name_the_plans_call_and_its_status(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(dump_plan(swiss_led(R2027)), encoding="utf-8")
    text = " ".join(run_planner_at(DECEMBER_2026, "export", path, "--format", "text").stdout.split())
    assert "Erasmus+ Alliances for Innovation 2027 (expected early 2027, not yet published), Lot 1" in text
    assert "closed" not in text and " ago" not in text  # no countdown of a closed call for a 2027 plan
    old = tmp_path / "old.toml"
    old.write_text(dump_plan(passing_plan(R2026, 3).model_copy(update={"call": "2026"})), encoding="utf-8")
    md = run_planner_at(DECEMBER_2026, "export", old, "--format", "markdown").stdout
    assert "Erasmus+ Alliances for Innovation 2026 (closed 10 Mar 2026), Lot 3" in md
    soon = run_planner_at(FORTY_DAYS_BEFORE_2026, "export", old, "--format", "markdown").stdout
    assert "Erasmus+ Alliances for Innovation 2026 (closes in 40 days), Lot 3" in soon


# --- rule sets of the coordinator's own ------------------------------------------------------------

MINE = 'extends = "2026"\nid = "{id}"\nfunding_rate_percent = 70\n\n[[lots]]\nnumber = 3\nmin_full_partners = 9\n'


def _plan_on(call_id: str, folder: Path) -> Path:
    path = folder / f"plan-{call_id}.toml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_plan(passing_plan(R2026, 3).model_copy(update={"call": call_id})), encoding="utf-8")
    return path


def _full_partners(result) -> dict:
    return next(c for c in json.loads(result.stdout)["criteria"] if c["id"] == "full-partners")


def test_a_rule_set_in_the_config_folder_is_known_by_its_id(tmp_path):
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "planner" / "calls"
    write(config, "strict.toml", MINE.format(id="strict"))
    plan = _plan_on("strict", tmp_path)
    result = run_planner("check", plan, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert (_full_partners(result)["status"], _full_partners(result)["required"]) == ("fail", 9)
    by_option = run_planner("check", _plan_on("2026", tmp_path), "--call", "strict", "--format", "json")
    assert _full_partners(by_option)["required"] == 9
    listed = run_planner("rules", cwd=tmp_path)
    row = next(line for line in listed.stdout.splitlines() if line.startswith("strict"))
    assert f"[{config / 'strict.toml'}, your config folder]" in row
    assert "min_full_partners = 9" in run_planner("rules", "show", "strict", cwd=tmp_path).stdout
    assert "Lot 3, full partners, at least: 8 → 9" in run_planner("rules", "diff", "2026", "strict",
                                                                     cwd=tmp_path).stdout


def test_a_calls_folder_beside_the_plans_is_known_by_id_and_wins_over_the_config(tmp_path):
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "planner" / "calls"
    write(config, "team.toml", MINE.format(id="team").replace("= 9", "= 10"))
    write(tmp_path / "calls", "team.toml", MINE.format(id="team"))
    plan = _plan_on("team", tmp_path)
    assert _full_partners(run_planner("check", plan, "--format", "json"))["required"] == 9
    listed = run_planner("rules", cwd=tmp_path)
    assert f"[{tmp_path / 'calls' / 'team.toml'}, beside the plan]" in listed.stdout
    elsewhere = _plan_on("team", tmp_path / "other")  # no calls/ beside it: the config's
    assert _full_partners(run_planner("check", elsewhere, "--format", "json"))["required"] == 10


def test_a_rule_set_with_a_built_in_id_replaces_it_with_a_notice(tmp_path):
    write(tmp_path / "calls", "2026.toml", MINE.format(id="2026"))
    plan = _plan_on("2026", tmp_path)
    result = run_planner("check", plan, "--format", "json")
    assert _full_partners(result)["required"] == 9
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("planner: note: call 2026: your own rule set")
    assert "replaces the built-in one" in result.stderr
    listed = run_planner("rules", cwd=tmp_path)
    assert "replaces the built-in one" in listed.stderr


def test_a_broken_rule_set_is_refused_naming_its_file_and_the_others_still_work(tmp_path):
    broken = write(tmp_path / "calls", "broken.toml", 'extends = "2026"\nid = "broken"\nfunding_rate_percent = "x"\n')
    write(tmp_path / "calls", "wrong.toml", MINE.format(id="other"))
    plan = _plan_on("broken", tmp_path)
    result = run_planner("check", plan)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert str(broken) in result.stderr and "funding_rate_percent" in result.stderr
    wrong = run_planner("check", _plan_on("wrong", tmp_path))
    assert wrong.returncode == 2 and "the file is named wrong.toml, so its id must be 'wrong'" in wrong.stderr
    assert run_planner("check", _plan_on("2026", tmp_path)).returncode == 0
    listed = run_planner("rules", cwd=tmp_path)
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["2024", "2025", "2026", "2027"]
    assert f"rule set broken refused: {broken}: not a valid rules file" in listed.stderr


def test_an_own_rule_set_is_read_with_the_planners_own_limits(tmp_path):
    big = write(tmp_path / "calls", "big.toml", MINE.format(id="big") + "# " + "x" * (1024 * 1024) + "\n")
    result = run_planner("check", _plan_on("big", tmp_path))
    assert result.returncode == 2 and str(big) in result.stderr and "1 MiB (1,048,576 bytes)" in result.stderr
    os.mkfifo(tmp_path / "calls" / "fifo.toml")
    fifo = run_planner("check", _plan_on("fifo", tmp_path), timeout=20)
    assert fifo.returncode == 2 and "pipe" in fifo.stderr


# --- every verdict of a plan on an expected call says it is provisional ---------------------------


def test_ls_marks_the_verdict_of_a_plan_on_an_expected_call_provisional(tmp_path):
    """`planner ls` showed a 2027 plan as plain ELIGIBLE, and its JSON had no word of the call's status."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a-2027.toml").write_text(dump_plan(passing_plan(R2027, 1).model_copy(update={"call": "2027"})),
                                        encoding="utf-8")
    (folder / "b-2026.toml").write_text(dump_plan(passing_plan(R2026, 1).model_copy(update={"call": "2026"})),
                                        encoding="utf-8")
    listed = run_planner_at(DECEMBER_2026, "ls", folder)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    row = {line.split()[0]: line for line in lines[1:] if line}
    assert "2027 L1  ELIGIBLE *" in row["a-2027.toml"]
    assert "ELIGIBLE *" not in row["b-2026.toml"] and "ELIGIBLE" in row["b-2026.toml"]
    assert lines[-1] == "* provisional: the plan's call is expected, not published (every rule is provisional)"
    data = json.loads(run_planner_at(DECEMBER_2026, "ls", folder, "--format", "json").stdout)
    by_name = {Path(p["path"]).name: p for p in data["plans"]}
    assert by_name["a-2027.toml"]["provisional"] is True
    assert "provisional" not in by_name["b-2026.toml"]  # an optional key, only where it is so


def test_compare_says_why_an_expected_calls_verdicts_are_provisional(tmp_path):
    """The footnote blamed 'a figure from secondary sources only' where check says the call is expected."""
    path = tmp_path / "plan.toml"
    path.write_text(dump_plan(passing_plan(R2027, 1).model_copy(update={"call": "2027"})), encoding="utf-8")
    out = run_planner_at(DECEMBER_2026, "compare", path).stdout
    words = " ".join(out.split())
    assert "* provisional: the call is expected, not published: every rule is provisional" in words
    assert "secondary sources only" not in words
    verdicts = next(line for line in out.splitlines() if line.startswith("Verdict"))
    assert "ELIGIBLE *" in verdicts  # the verdicts themselves, as check's "(provisional)"
    closed = tmp_path / "closed.toml"
    closed.write_text(dump_plan(passing_plan(R2026, 3).model_copy(update={"call": "2026"})), encoding="utf-8")
    out_2026 = run_planner_at(DECEMBER_2026, "compare", closed).stdout
    assert "secondary sources only" in " ".join(out_2026.split())  # 2026's own secondary figures
    assert "ELIGIBLE *" not in out_2026


def test_check_wraps_the_expected_calls_note_as_its_other_lines():
    """The 160-character 'call 2027 is expected, ...' note came out on one line at 100 columns (piped)."""
    from planner.report import check_text

    plan = swiss_led(R2027)
    text = check_text(evaluate(plan, R2027, now=DECEMBER_2026), plan, R2027, "plan.toml", width=100)
    # the verdict line stays one line, for scripts (grep '^Verdict:'); every other line is wrapped
    assert max(len(line) for line in text.splitlines() if not line.startswith("Verdict: ")) <= 100
    assert "call 2027 is expected, not published: every rule is provisional" in " ".join(text.split())


def test_compare_text_marks_the_plans_own_column(tmp_path):
    """The TUI's comparison marks the plan's own column '▸'; the text had no mark."""
    path = tmp_path / "plan.toml"
    plan = passing_plan(R2026, 3).model_copy(update={"call": "2026"})
    path.write_text(dump_plan(plan), encoding="utf-8")
    for columns in ("80", "250"):
        out = run_command(("compare", path), env={**os.environ, "COLUMNS": columns}, now=DECEMBER_2026,
                          clock_modules=CLOCK_MODULES).stdout
        header = next(line for line in out.splitlines() if line.startswith("CRITERION"))
        assert header.split("  ")[1:] and "▸ Lot 3 24m" in header and header.count("▸") == 1, header


# --- a verdict that rests on Switzerland's association ---------------------------------------------


def test_a_verdict_that_needs_switzerland_says_so_in_the_headline():
    """A Swiss coordinator passes in 2027 only if Switzerland's association comes (Parliament's funding,
    Movetia's accreditation, ratification): the verdict says it, not only a rule's message cut at 80."""
    board = evaluate(swiss_led(R2027), R2027, now=DECEMBER_2026)
    assert board.eligible and board.depends_on == ("CH",)
    assert board.headline == "ELIGIBLE if Switzerland is associated: Lot 1, 24 months"
    assert board.as_dict()["conditional_on"] == ["CH"]
    plain = evaluate(passing_plan(R2027, 1), R2027, now=DECEMBER_2026)  # no Swiss partner: nothing to say
    assert plain.depends_on == () and plain.headline == "ELIGIBLE: Lot 1, 24 months"
    assert "conditional_on" not in plain.as_dict()


def test_check_names_the_condition_on_switzerland_in_its_verdict_line(tmp_path):
    path = tmp_path / "swiss.toml"
    path.write_text(dump_plan(swiss_led(R2027)), encoding="utf-8")
    checked = run_planner_at(DECEMBER_2026, "check", path)
    assert checked.returncode == 0, checked.stdout  # not a failure: the brief says what is known
    assert ("Verdict: ELIGIBLE under call 2027, expected (provisional), if Switzerland is associated: "
            "Lot 1, 24 months") in checked.stdout


def test_compare_and_ls_say_the_condition_on_switzerland_as_check_does(tmp_path):
    """check said 'ELIGIBLE ... if Switzerland is associated'; compare said 'ELIGIBLE' and 'What it takes:
    nothing', and ls 'ELIGIBLE *': a first-time coordinator read that nothing was left to do."""
    path = tmp_path / "plans" / "swiss.toml"
    path.parent.mkdir()
    path.write_text(dump_plan(swiss_led(R2027)), encoding="utf-8")
    compared = run_planner_at(DECEMBER_2026, "compare", path)
    own = [line for line in compared.stdout.splitlines() if line.startswith(("Verdict", "What it takes  "))]
    assert own and all("if CH" in line for line in own), compared.stdout
    assert "if CH: eligible only if Switzerland is associated" in " ".join(compared.stdout.split())
    listed = run_planner_at(DECEMBER_2026, "ls", path.parent)
    assert "ELIGIBLE if Switzerland is associated *" in listed.stdout, listed.stdout
    data = json.loads(run_planner_at(DECEMBER_2026, "ls", path.parent, "--format", "json").stdout)
    assert data["plans"][0]["eligible"] is True and data["plans"][0]["conditional_on"] == ["CH"]
