"""Fixtures for the TUI tests: times in UTC, the config folder, copies of the samples, both sizes.

(Every test already has a HOME and XDG folders of its own: ../conftest.py.) Helpers are in helpers.py."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from .helpers import SAMPLES, SIZES


@pytest.fixture(autouse=True)
def utc():
    """Show times in UTC whatever the machine's zone."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


@pytest.fixture
def xdg(own_home: Path) -> Path:
    """$XDG_CONFIG_HOME of this test (empty: no settings file until the test writes one)."""
    return Path(os.environ["XDG_CONFIG_HOME"])


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
