"""Fixtures for the TUI tests: an isolated config folder and time zone, copies of the samples, both sizes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

# every flow runs at the smallest supported layout (stacked panes) and at the wide one (side by side)
SIZES = [(80, 24), (160, 48)]


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """Never read or write the real ~/.config or ~/.local/state; show times in UTC whatever the machine's zone."""
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))  # recovery of new plans
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield config
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def xdg(isolated_env: Path) -> Path:
    """$XDG_CONFIG_HOME of this test."""
    return isolated_env


def _copy(name: str, target: Path) -> Path:
    shutil.copyfile(SAMPLES / f"{name}.toml", target)
    return target


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A copy of samples/lot2-draft.toml (Lot 2, not eligible: 4 rules fail), under a fixed name."""
    return _copy("lot2-draft", tmp_path / "draft.toml")


@pytest.fixture
def lot1(tmp_path: Path) -> Path:
    """A copy of samples/lot1-example.toml (Lot 1, eligible)."""
    return _copy("lot1-example", tmp_path / "lot1.toml")


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param
