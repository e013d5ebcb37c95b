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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `long` (3 to 8 s each on a loaded machine: a long user flow, or waits) first.

    pytest-xdist's worksteal hands each worker a run of the collection in order and lets idle workers
    take from the end of another's. A long test late in that order started when the others were nearly
    done, and the run waited for it alone on a core: the lot 1 flow of test_partner_form.py, 8 s on a
    loaded machine, made the last 6 s of a 2:30 run. Started first, they share the run with the short
    ones. Every worker collects the same order (xdist requires it): the sort is stable and by marker only.

    The tests marked `heap` come before them: they collect the whole process (tests/tui/test_heap.py), and
    a worker that had run the long tests before them held every earlier test's frozen objects: its folder-view
    test took 12 s of CPU there, and 1.5 s as a worker's first test."""
    items.sort(key=lambda item: (item.get_closest_marker("heap") is None, item.get_closest_marker("long") is None))


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
