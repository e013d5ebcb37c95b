"""The command-line tests run `planner` in children of one waiting Python (forked.py): each run gives the
same exit code and the same bytes as a fresh `python -m planner` would, and a run needing another start of
Python (another locale, a PYTHON* setting) gets one."""

from __future__ import annotations

import os

import pytest

from forked import _startup_settings, run_command
from support import BEFORE_DEADLINE, CLOCK_MODULES, SAMPLES

CASES = [
    ("check", "lot1-example.toml"),
    ("check", "lot2-draft.toml", "--format", "json"),
    ("check", "lot2-draft.toml", "--lot", "1", "--format", "markdown"),
    ("compare", "lot2-example.toml"),
    ("budget", "lot2-draft.toml", "--format", "csv"),
    ("export", "lot1-example.toml", "--format", "csv"),
    ("check", "no-such-plan.toml"),
    ("check",),
    ("rules", "diff", "2025", "2026"),
    ("--help",),
]


def _args(case: tuple[str, ...]) -> list[str]:
    return [str(SAMPLES / a) if a.endswith(".toml") else a for a in case]


@pytest.mark.parametrize("case", CASES, ids=lambda c: " ".join(c))
def test_a_forked_run_gives_what_a_fresh_python_gives(case, monkeypatch):
    env = dict(os.environ, COLUMNS="100")
    forked = run_command(_args(case), env=env, text=False)
    monkeypatch.setenv("PLANNER_TESTS_FRESH", "1")
    fresh = run_command(_args(case), env=env, text=False)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert forked.stdout or forked.stderr  # each case says something


def test_the_frozen_clock_is_the_same_both_ways(monkeypatch):
    args = [str(SAMPLES / "lot1-example.toml"), "--format", "json"]
    forked = run_command(["check", *args], now=BEFORE_DEADLINE, clock_modules=CLOCK_MODULES)
    monkeypatch.setenv("PLANNER_TESTS_FRESH", "1")
    fresh = run_command(["check", *args], now=BEFORE_DEADLINE, clock_modules=CLOCK_MODULES)
    assert forked.stdout == fresh.stdout and '"days_left"' in forked.stdout


def test_each_run_has_its_own_folder_environment_and_exit_code(tmp_path):
    plan = tmp_path / "plan.toml"
    assert run_command(["new", plan.name], cwd=tmp_path).returncode == 0  # a relative name: the run's own folder
    assert plan.exists()
    assert run_command(["check", plan.name], cwd=tmp_path).returncode in (0, 1)
    no_columns = run_command(["check", str(SAMPLES / "lot2-draft.toml")], env=dict(os.environ, COLUMNS="40"))
    wide = run_command(["check", str(SAMPLES / "lot2-draft.toml")], env=dict(os.environ, COLUMNS="250"))
    assert no_columns.returncode == wide.returncode == 1
    assert len(no_columns.stdout.splitlines()) > len(wide.stdout.splitlines())  # wrapped at 40 columns


def test_another_locale_or_python_setting_starts_a_fresh_python():
    assert _startup_settings({"LANG": "C", "HOME": "/x", "PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}) == {
        "LANG": "C", "PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}
    # under PYTHONIOENCODING=latin-1 a fresh Python writes the plan's accents as escapes, as it would for a user
    report = ["export", str(SAMPLES / "lot1-example.toml")]
    latin = run_command(report, env=dict(os.environ, PYTHONIOENCODING="latin-1:backslashreplace"), text=False)
    utf8 = run_command(report, text=False)
    assert latin.returncode == utf8.returncode == 0
    assert utf8.stdout.decode("utf-8") != latin.stdout.decode("latin-1")  # the accents differ
    assert latin.stdout.decode("latin-1").encode("latin-1") == latin.stdout
