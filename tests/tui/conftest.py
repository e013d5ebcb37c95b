"""Fixtures for the TUI tests: times in UTC, the config folder, copies of the samples, both sizes.

(Every test already has a HOME and XDG folders of its own: ../conftest.py.) Helpers are in helpers.py."""

from __future__ import annotations

import os
import shutil
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import textual._wait
import textual.constants
from textual._compositor import Compositor
from textual._context import active_app
from textual.app import App
from textual.pilot import Pilot

from .helpers import SAMPLES, SIZES, keys_handled, keys_pending


@pytest.fixture(autouse=True)
def utc():
    """Show times in UTC whatever the machine's zone."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


# PLANNER_TESTS_FRAMES=1: every headless frame drawn, as Textual does (see `frames_unread`)
DRAW_EVERY_FRAME = os.environ.get("PLANNER_TESTS_FRAMES") == "1"


@pytest.fixture(autouse=True)
def frames_unread(request: pytest.FixtureRequest):
    """A headless app draws every frame and then drops it (`App._display` writes nothing when headless):
    a fifth of the TUI tests' time went into frames nobody reads. Here the frame is not drawn; what the
    tests read is drawn when they read it: a screenshot, `screen_text`, `render_strips` or a widget's
    `render_line` draw the whole screen or the widget afresh. And every test's last screen is drawn in
    full before its app stops, so a widget that fails to draw still fails the test that shows it.
    Tests of the frames themselves (what reaches the terminal, and when) are marked `frames` and keep
    Textual's drawing, as does the whole suite with PLANNER_TESTS_FRAMES=1."""
    if DRAW_EVERY_FRAME or request.node.get_closest_marker("frames"):
        yield
        return
    draw, run_test = Compositor.render_update, App.run_test

    def render_update(self: Compositor, full: bool = False, screen_stack=None, simplify: bool = False):
        app = active_app.get(None)
        if full or app is None or not app.is_headless:
            return draw(self, full, screen_stack, simplify)
        self._dirty_regions.clear()  # as a drawn frame leaves them
        return None

    @asynccontextmanager
    async def last_screen_drawn(self: App, *args, **kwargs):
        async with run_test(self, *args, **kwargs) as pilot:
            yield pilot
            if self.is_running:
                self.screen._compositor.render_update(full=True, screen_stack=self._background_screens)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Compositor, "render_update", render_update)
        patch.setattr(App, "run_test", last_screen_drawn)
        yield


@pytest.fixture(autouse=True)
def colours_of_24_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app writes to a terminal of 24-bit colour, whatever terminal runs the tests: under TERM=xterm
    alone (16 colours) the planner starts in ansi-16 (tui/themes.start_theme), and the snapshots and the
    themes' tests would change with the terminal. A test of 16 colours says so (terminal_colours.py)."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


@pytest.fixture(autouse=True)
def plan_open_collects_nothing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan opened unfreezes the heap and collects it whole, then freezes it again (planner.heap):
    in the planner, its own objects, 80 ms; in a test worker, every earlier test's objects too, 1.2 s a
    time, a sixth of the TUI tests' CPU. Here a plan opened freezes without collecting. What it would
    have freed stays frozen (a worker's memory grows by some 250 MB over a run); tests of what it
    frees (tests/tui/test_heap.py) are marked `heap` and keep the collection."""
    if request.node.get_closest_marker("heap"):
        return
    from planner import heap
    from planner.tui import filing

    monkeypatch.setattr(filing, "freeze_heap", lambda collect=False: heap.freeze_heap())


@pytest.fixture(autouse=True)
def press_until_handled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot's `press` returns once the app has gone idle after the keys; but a key the planner holds
    back until the one before is handled (tui/typeahead.py: a pane still mounting, a dialog opening)
    waits in a task that sleeps, and the app looks idle meanwhile. On a loaded machine a test then read
    the focus before its last tab was handled. Here `press` returns when no key is held or queued."""
    press = Pilot.press

    async def press_handled(self: Pilot, *keys: str) -> None:
        await press(self, *keys)
        if keys_pending(self.app):
            await keys_handled(self)

    monkeypatch.setattr(Pilot, "press", press_handled)


@pytest.fixture(autouse=True)
def short_idle_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot's `press` (and `pause`) wait, after each key, until the app has used next to no CPU over a
    whole window of `textual._wait.SLEEP_GRANULARITY`: 20 ms, so 40 ms or more per key even when the
    app answered in 2, while the core stood idle. A 5 ms window (and the same share of it as "idle")
    waits for the same thing in less time: the TUI tests in 1:43-1:53 instead of 2:00-2:05 on 2 cores,
    for the same CPU. What a test checks it still waits for by its condition (helpers.wait_for)."""
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.005)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.005 / 20)


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
    """Both sizes: a flow runs at 80x24 and at 160x48, unless it is marked `one_size` (below)."""
    return request.param


@pytest.hookimpl(tryfirst=True)  # before the fixture's own parametrization, which then leaves `size` alone
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked `one_size` runs at 80x24 only: a flow through dialogs, forms, files or colours, whose
    screens are laid out alike at 160x48 (a dialog has the same room; the main screen behind it is not what
    the test reads). 80x24 is the size where text is cut, lines wrap and panes scroll. The flows of the main
    screen (all three panes in view at 160x48), of the tables that fit their columns to the width, the
    footer, the layout and the snapshots keep both sizes. Both sizes for everything had the suite over its
    3 minutes on 2 cores, for nothing a test at 160x48 of these ever caught alone."""
    if "size" in metafunc.fixturenames and metafunc.definition.get_closest_marker("one_size"):
        metafunc.parametrize("size", [SIZES[0]], ids=[f"{SIZES[0][0]}x{SIZES[0][1]}"])
