"""The first frame is the real one: the layout for the terminal's size from the first layout on, not the
wide layout squashed into 80 columns until the first resize."""

from __future__ import annotations

import gc

import pytest

from planner.heap import freeze_heap, pause_collector, resume_collector
from planner.tui.screens.main import MainScreen
from planner.tui.widgets.lot_pane import LotPane
from planner.tui.widgets.partners import PartnersTable

from .helpers import SIZES, make_app, ready, wait_for, wait_screen

pytestmark = pytest.mark.frames  # what the first frames draw, and when


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_first_layout_has_the_breakpoint_of_the_terminal(draft, size, monkeypatch):
    layouts: list[frozenset[str]] = []
    original = MainScreen._refresh_layout

    def refresh_layout(self, *args, **kwargs):
        layouts.append(frozenset(self.classes))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MainScreen, "_refresh_layout", refresh_layout)
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        wanted = "-narrow" if size[0] < 120 else "-wide"
        assert layouts, "no layout seen"
        assert all(wanted in classes for classes in layouts), layouts[:3]
        # at 80 columns the one pane shown fills the width; the others take no room from the first layout
        if wanted == "-narrow":
            assert app.query_one("#lot-pane").region.height == 0


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_partners_first_drawn_are_fitted_to_the_width(draft, size, monkeypatch):
    """Not at the width of the column labels ('Uni…', 'Hig…') for a frame before the first resize."""
    first: list[dict[str, int]] = []
    original = PartnersTable.render_line

    lower: list[bool] = []

    def render_line(self, y):
        if not first and self.row_count:
            first.append({str(key.value): column.width for key, column in self.columns.items()})
            lower.append(self.screen.lot_pane.is_attached)
        return original(self, y)

    monkeypatch.setattr(PartnersTable, "render_line", render_line)
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        table = app.query_one(PartnersTable)
        settled = {str(key.value): column.width for key, column in table.columns.items()}
        assert first == [settled]
        # from 120 columns the three panes are in the first frame; below, the two not shown come after it
        assert lower == [size[0] >= 120]
        assert settled["name"] > len("Name")  # the spare width went to the names


async def test_the_collector_paused_for_the_start_runs_again_once_the_first_frame_is_drawn(draft):
    """`planner` pauses Python's cyclic collector while it loads (heap.pause_collector); a planner
    left without it would keep every cycle of garbage for the rest of the session."""
    gc.unfreeze()  # what an earlier test in this process froze: the freeze below must be this start's
    app, _ = make_app(draft)
    pause_collector()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await wait_for(pilot, gc.isenabled, "the collector to run again")
            # and what the start built is out of the collector's sight (see heap.freeze_heap): its
            # main screen is frozen (the collector's own list of what it tracks leaves it out)
            assert gc.get_freeze_count() > 0
            assert not any(o is app.main for o in gc.get_objects())
    finally:
        gc.unfreeze()
        resume_collector()


async def test_a_planner_ended_before_its_lower_panes_are_mounted_ends_without_an_error(draft, monkeypatch):
    """A signal right at the start (tests/test_process_end.py) ends the app while the lot pane and the
    scoreboard wait to be mounted after the first frame: they are not mounted into a screen going away."""
    original = MainScreen.on_mount

    def on_mount(self):
        original(self)
        self.app.exit()
        self.query_one("#panes").remove()  # as the ending app takes its screen apart

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:  # an error in the app is raised here
        await pilot.pause()
    assert not app.query(LotPane)


async def test_a_planner_ended_while_its_lower_panes_mount_ends_without_an_error(draft, monkeypatch):
    """The signal comes while they are being mounted: the mount returns with the app ending, the panes
    without their widgets; nothing is drawn into them (it was a NoMatches traceback on the terminal)."""
    from textual.containers import Vertical

    original = Vertical.mount

    def mount(self, *widgets, **kwargs):
        mounting = original(self, *widgets, **kwargs)
        if [w.id for w in widgets] == ["lower"]:  # MainScreen._mount_lower's, after the first frame
            self.app.exit()
        return mounting

    monkeypatch.setattr(Vertical, "mount", mount)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:  # an error in the app is raised here
        await pilot.pause()
    assert app.return_code == 0


async def test_a_planner_shut_down_while_its_lower_panes_mount_ends_without_an_error(draft, monkeypatch):
    """Ended without App.exit (Textual's shutdown, as run_test and a closed driver do) while they are being
    mounted: the panes are still attached, but the app is no longer running and they are taken apart
    before they are composed; nothing is drawn into them (a NoMatches, or a WrongType, at the end)."""
    import asyncio

    from textual.containers import Vertical

    original = Vertical.mount
    started: list[bool] = []

    def mount(self, *widgets, **kwargs):
        if [w.id for w in widgets] == ["lower"]:  # MainScreen._mount_lower's, after the first frame
            started.append(True)
        return original(self, *widgets, **kwargs)

    monkeypatch.setattr(Vertical, "mount", mount)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)):  # an error in the app is raised here
        while not started:  # no pilot.pause: it would wait until they are mounted
            await asyncio.sleep(0)


async def test_a_pane_asked_for_before_the_lower_panes_are_mounted_is_shown_once_they_are(draft):
    """A click on the footer's `2` (not a typed key, so not held by the type-ahead gate) in the first
    frames shows the lot pane when it is there."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.main.complete
        app.main.action_pane(1)
        await ready(pilot)
        await wait_for(pilot, lambda: app.main.pane == 1, "the lot pane shown")
        assert app.focused is not None and app.main.lot_pane in app.focused.ancestors


def test_a_collector_turned_off_by_other_code_stays_off():
    """Only what pause_collector turned off is turned back on (a program running the planner's CLI
    in-process with its own reasons to keep the collector off keeps it so)."""
    gc.disable()
    try:
        pause_collector()
        resume_collector()
        freeze_heap()
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


async def test_rules_switched_before_the_lower_panes_are_mounted_are_the_ones_they_show(draft):
    from planner.rules import load_call

    app, _ = make_app(draft)  # a 2024 plan: two lots
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.main.complete
        app.main.use_rules(load_call("2026"))
        await ready(pilot)
        await wait_for(pilot, lambda: "Lot 3" in " ".join(
            str(o.prompt) for o in app.main.lot_pane.query_one("#scenario").options), "the 2026 lots listed")


async def test_the_dialogs_css_is_read_after_the_first_frame_and_restyles_nothing(draft, monkeypatch):
    """The first frame parses only the main screen's CSS; the dialogs' (screens/dialogs.tcss) is read
    just after it, so the first dialog opens without Textual restyling every widget (30 ms), and is styled
    by it from its first frame: the box, its border, its centre. No rule of it matches a widget of the
    main screen: restyling them all with it gives each the style it had."""
    from textual.css.stylesheet import Stylesheet

    from planner.tui.app import PlannerApp
    from planner.tui.screens import DIALOG_CSS
    from planner.tui.screens.partner_form import PartnerForm

    at_first_frame = []
    original_ready = PlannerApp.on_ready

    def on_ready(self):
        at_first_frame.append(self.stylesheet.has_source(str(DIALOG_CSS)))
        original_ready(self)

    monkeypatch.setattr(PlannerApp, "on_ready", on_ready)
    restyled = []
    original_update = Stylesheet.update

    def update(self, root, animate=False):
        restyled.append(root)
        return original_update(self, root, animate)

    monkeypatch.setattr(Stylesheet, "update", update)
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.stylesheet.has_source(str(DIALOG_CSS)) and app.main.complete,
                       "the dialogs' CSS and the lower panes")
        assert at_first_frame == [False]
        main = app.main
        before = {node: node.styles.css for node in main.walk_children(with_self=True)}
        restyled.clear()
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        assert app not in restyled  # the first dialog did not restyle the app
        box = form.query_one(".dialog")
        assert box.styles.border_top[0] == "thick"
        assert form.styles.align == ("center", "middle")
        assert box.region.width == 64  # 80% of 80 columns (.dialog's width), not the whole screen
        still = [node for node in before if node.is_attached]  # (the footer's keys are composed anew)
        app.stylesheet.update(main)
        assert len(still) > 20
        assert {node: node.styles.css for node in still} == {node: before[node] for node in still}


def test_every_screen_but_the_main_one_names_the_dialogs_css():
    """A new dialog without CSS_PATH = DIALOG_CSS would open unstyled until another dialog had loaded it."""
    import importlib
    import pkgutil

    from textual.screen import Screen

    import planner.tui.screens as screens
    from planner.tui.screens import DIALOG_CSS

    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"planner.tui.screens.{module.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(Screen) if c.__module__.startswith("planner.")} - {MainScreen}
    assert len(ours) >= 10
    assert sorted(c.__name__ for c in ours if c.CSS_PATH != DIALOG_CSS) == []
