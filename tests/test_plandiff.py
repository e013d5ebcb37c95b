"""What differs between two plans: the words (plandiff, pure), `planner diff` in a subprocess, and
`git diff` with the planner as its textconv driver in a real repository."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner import plandiff
from planner.scoring import evaluate
from planner.storage import dump_plan, load_call_for, load_plan, save_plan
from support import ORG_A, SAMPLES, make_plan, partner, run_planner


def two_versions() -> tuple:
    before = load_plan(SAMPLES / "lot2-example.toml")
    partners = list(before.partners)
    first = partners[0]
    partners[0] = first.model_copy(update={"country": "SE" if first.country != "SE" else "FI"})
    partners.append(partner("Cambridge Biltong Ltd", "DE").model_copy(update={"short_name": "CAM-BIL"}))
    gone = partners.pop(1)
    after = before.model_copy(update={"partners": tuple(partners),
                                      "requested_grant_eur": (before.requested_grant_eur or 0) + 50_000})
    return before, after, first, gone


def test_every_change_is_named_with_its_old_and_new_value() -> None:
    before, after, first, gone = two_versions()
    lines = plandiff.words(plandiff.describe(before, after))
    grant = before.requested_grant_eur
    assert f"grant EUR {grant:,} → {grant + 50_000:,}" in lines
    assert "CAM-BIL added" in lines
    assert f"{gone.label} removed" in lines
    assert f"{first.label}: country {first.country} → {after.partners[0].country}" in lines
    assert len(lines) == 4, lines


def test_same_plan_no_change_and_reorder_alone_is_said() -> None:
    plan = load_plan(SAMPLES / "lot1-example.toml")
    assert plandiff.describe(plan, plan) == []
    shuffled = plan.model_copy(update={"partners": tuple(reversed(plan.partners))})
    assert plandiff.words(plandiff.describe(plan, shuffled)) == ["partners reordered"]


def test_a_renamed_partner_is_one_change_matched_by_pic() -> None:
    a = partner("Oulu University of Applied Sciences", "FI").model_copy(update={"short_name": "OAMK",
                                                                                   "pic": "999000111"})
    before = make_plan([a])
    after = make_plan([a.model_copy(update={"short_name": "OULU-UAS"})])
    assert plandiff.words(plandiff.describe(before, after)) == ["OULU-UAS: short name OAMK → OULU-UAS"]


def test_verdict_before_and_after_when_it_differs() -> None:
    before = load_plan(SAMPLES / "lot2-example.toml")
    after = before.model_copy(update={"partners": before.partners[:2]})
    rules = load_call_for(before, "x")
    changes = plandiff.describe(before, after, (evaluate(before, rules), evaluate(after, rules)))
    assert changes[-1].section == "verdict"
    assert changes[-1].words.startswith("verdict ELIGIBLE") and "→ NOT ELIGIBLE" in changes[-1].words


def write(path: Path, plan) -> str:
    save_plan(plan, path)
    return str(path)


def test_cli_diff_text_json_and_exit_codes(tmp_path: Path) -> None:
    before, after, first, gone = two_versions()
    a, b = write(tmp_path / "a.toml", before), write(tmp_path / "b.toml", after)
    result = run_planner("diff", a, b)
    assert result.returncode == 1, result.stderr
    assert "CAM-BIL added" in result.stdout and f"{gone.label} removed" in result.stdout
    assert f"grant EUR {before.requested_grant_eur:,} → " in result.stdout
    data = json.loads(run_planner("diff", a, b, "--format", "json").stdout)
    assert data["differ"] is True
    grant = next(c for c in data["changes"] if c["field"] == "requested_grant_eur")
    assert (grant["old"], grant["new"]) == (before.requested_grant_eur, after.requested_grant_eur)
    assert {"section": "partner", "change": "added", "subject": "CAM-BIL"}.items() <= \
        next(c for c in data["changes"] if c["change"] == "added").items()
    same = run_planner("diff", a, a)
    assert same.returncode == 0 and "no difference" in same.stdout
    (tmp_path / "broken.toml").write_text("lot = [", encoding="utf-8")
    broken = run_planner("diff", a, tmp_path / "broken.toml")
    assert broken.returncode == 2 and "broken.toml" in broken.stderr
    missing = run_planner("diff", a, tmp_path / "nope.toml")
    assert missing.returncode == 2 and "file not found" in missing.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_with_the_textconv_driver_speaks_in_words(tmp_path: Path) -> None:
    before, after, first, gone = two_versions()
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_PAGER": "cat",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True,
                              encoding="utf-8").stdout

    git("init", "-q")
    command = f"{shlex.quote(sys.executable)} -m planner diff --textconv"
    git("config", "diff.planner.textconv", command)
    (repo / ".gitattributes").write_text("*.toml diff=planner\n", encoding="utf-8")
    write(repo / "plan.toml", before)
    git("add", ".")
    git("commit", "-q", "-m", "first")
    write(repo / "plan.toml", after)
    shown = git("diff")
    assert "+partner CAM-BIL" in shown
    assert f"-partner {gone.label}" in shown
    assert f"-partner {first.label}: country {first.country}" in shown
    assert f"+partner {first.label}: country {after.partners[0].country}" in shown
    assert f"+grant: EUR {after.requested_grant_eur:,}" in shown
    assert "[[partners]]" not in shown  # words, not the TOML

    # only another tool's data changed: `git diff` showed nothing at all, where `planner diff` said so
    git("commit", "-qam", "second")
    crm = "\n[tool.crm]\nproposal_id = ID\nstage = { step = 2, notes = ['a', 'b'] }\n"
    (repo / "plan.toml").write_text(dump_plan(after) + crm.replace("ID", "4711"), encoding="utf-8")
    git("commit", "-qam", "the CRM's data")
    (repo / "plan.toml").write_text(dump_plan(after) + crm.replace("ID", "4712"), encoding="utf-8")
    shown = git("diff")
    assert "-tool crm.proposal_id: 4711" in shown and "+tool crm.proposal_id: 4712" in shown, shown
    assert "+tool crm.stage" not in shown and "-tool crm.stage" not in shown  # unchanged: context at most
    assert 'tool crm.stage.notes: ["a", "b"]' in git("show", "--textconv", "HEAD:plan.toml")

    # a version that does not load still diffs: why, then its text as it is
    git("commit", "-qam", "third")
    (repo / "plan.toml").write_text("lot = [\n", encoding="utf-8")
    shown = git("diff")
    assert "+(not a plan the planner can read: at the end of the file: not valid TOML" in shown and "+lot = [" in shown


# --- defaults: a diff by meaning, as the checker judges ------------------------------------------
#
# A key left out means its default, for every key alike: a file without `call` is call 2024, a plan
# without `duration_months` is the lot's shortest duration (what `planner check` judges). So a missing
# call against "2024", and a missing duration against the lot's shortest, are no difference; a change
# of either is said in what it means ("duration 24 months → 36 months").

BASE = """format = 1
{call}title = "T"
lot = {lot}
{duration}
""" + ORG_A


def plan_file(path: Path, *, call: str | None = '"2024"', lot: int = 1, duration: int | None = None) -> Path:
    path.write_text(BASE.format(call=f"call = {call}\n" if call else "", lot=lot,
                                duration=f"duration_months = {duration}\n" if duration else ""), encoding="utf-8")
    return path


def test_a_duration_left_out_is_the_lots_shortest_as_a_call_left_out_is_2024(tmp_path: Path) -> None:
    base = plan_file(tmp_path / "base.toml")
    for other in (plan_file(tmp_path / "d_dur.toml", duration=24), plan_file(tmp_path / "no_call.toml", call=None)):
        result = run_planner("diff", base, other)
        assert (result.returncode, result.stdout) == (0, f"{base} and {other}: no difference\n"), result.stdout
        back = run_planner("diff", other, base, "--format", "json")
        assert back.returncode == 0 and json.loads(back.stdout)["changes"] == []


def test_a_duration_left_out_against_another_is_said_in_months(tmp_path: Path) -> None:
    base = plan_file(tmp_path / "base.toml")
    longer = plan_file(tmp_path / "longer.toml", duration=36)
    result = run_planner("diff", base, longer)
    assert result.returncode == 1
    assert "  duration 24 months → 36 months\n" in result.stdout, result.stdout
    data = json.loads(run_planner("diff", longer, base, "--format", "json").stdout)
    (change,) = [c for c in data["changes"] if c["field"] == "duration_months"]
    assert (change["old"], change["new"], change["text"]) == (36, 24, "duration 36 months → 24 months")
    other_call = plan_file(tmp_path / "c2025.toml", call='"2025"')
    said = run_planner("diff", plan_file(tmp_path / "no_call.toml", call=None), other_call).stdout
    assert "  call 2024 → 2025\n" in said, said


def test_a_new_lot_with_no_duration_says_the_duration_it_now_means(tmp_path: Path) -> None:
    lot1, lot2 = plan_file(tmp_path / "lot1.toml"), plan_file(tmp_path / "lot2.toml", lot=2)
    said = run_planner("diff", lot1, lot2).stdout
    assert "  lot 1 → 2\n" in said and "  duration 24 months → 48 months\n" in said, said


def test_the_reload_and_recovery_questions_compare_by_meaning_too() -> None:
    """plandiff.describe without verdicts (the TUI's questions): the same rule, from the call's rules."""
    unset = make_plan([partner("Org A")])
    assert unset.duration_months is None
    assert plandiff.describe(unset, unset.model_copy(update={"duration_months": 24})) == []
    assert plandiff.words(plandiff.describe(unset, unset.model_copy(update={"duration_months": 36}))) == [
        "duration 24 months → 36 months"]


def test_textconv_writes_the_duration_a_plan_means(tmp_path: Path) -> None:
    """git diff with the textconv driver agrees with planner diff: no line for a default written out."""
    unset = run_planner("diff", "--textconv", plan_file(tmp_path / "a.toml"))
    written = run_planner("diff", "--textconv", plan_file(tmp_path / "b.toml", duration=24))
    assert "duration: 24 months\n" in unset.stdout
    assert unset.stdout == written.stdout
