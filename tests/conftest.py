"""Fixtures for every test: the 2024 rules, and a home of its own (HOME and XDG folders) for each test.

Helpers (plans, partners, the real command line) are in support.py; the TUI's in tui/helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.rules import CallRules
from support import ROOT, RULES_2024

# the folders a program may read settings from or write state to; each test gets empty ones of its own, so
# nothing is read from the real ~/.config and tests running side by side (pytest-xdist) never share one
HOME_VARIABLES = ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR")


@pytest.fixture(autouse=True)
def own_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HOME and every XDG folder in this test's own temporary folder (subprocesses inherit them)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in HOME_VARIABLES:
        folder = home / name.removeprefix("XDG_").removesuffix("_HOME").removesuffix("_DIR").lower()
        folder.mkdir(mode=0o700)
        monkeypatch.setenv(name, str(folder))
    return home


@pytest.fixture
def rules() -> CallRules:
    """The built-in rules of the 2024 call."""
    return RULES_2024


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """A copy of the Lot 1 sample (the process tests open it in a terminal of their own)."""
    target = tmp_path / "plan.toml"
    shutil.copyfile(ROOT / "samples" / "lot1-example.toml", target)
    return target


@pytest.fixture
def terminals():
    """The planners started in pseudo-terminals (tests/pty_terminal.Terminal), killed after the test."""
    opened: list = []
    yield opened
    for terminal in opened:
        terminal.kill()
