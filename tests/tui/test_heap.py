"""What a plan opened leaves behind is freed (planner.heap.freeze_heap(collect=True), called by Filing).

The start freezes the heap (the first frame), so that full collections do not walk it at every key.
A dialog or a pane made after that is garbage once closed; opening another plan collects it, and
freezes only what is alive then. Without the collection it would be frozen with the rest, for good:
one more dialog's worth of memory at each plan opened. The other TUI tests skip that collection (it
walks the whole test process: tests/tui/conftest.py, `plan_open_collects_nothing`); these keep it."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.partner_form import PartnerForm

from .helpers import make_app, ready, replace_text, wait_for, wait_main, wait_screen

pytestmark = pytest.mark.heap


@pytest.mark.long
async def test_a_dialog_closed_before_a_plan_is_opened_is_freed_then(draft: Path, lot1: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        await pilot.press("a")  # a partner form, opened after the start's freeze, then closed
        form = weakref.ref(await wait_screen(pilot, PartnerForm))
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("ctrl+o", "ctrl+l")  # another plan, from the folder view's path field
        await wait_screen(pilot, FolderScreen)
        await replace_text(pilot, str(lot1))
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path == lot1, "the other plan open")
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0 and form() is None, "the form freed")
    gc.unfreeze()  # what this test froze is not the next one's


async def test_a_folder_view_that_opened_a_plan_is_freed_by_the_next_plan_opened(draft: Path, lot1: Path) -> None:
    """Plans opened one after the other from the folder view, a second or two apart: each opening frees the
    view that opened the plan before (the view still closing at its own opening is frozen with that plan,
    and collected at the next). The view's poll timer used to hold it for the 5 s of its last sleep, in
    the context the timer was started in, and the openings within them froze it for good."""
    app, _ = make_app(draft)
    views = []
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for target in (lot1, draft, lot1):
            await pilot.press("ctrl+o")
            view: FolderScreen | None = await wait_screen(pilot, FolderScreen)
            await wait_for(pilot, lambda: bool(view and view.entries), "the folder listed")
            views.append(weakref.ref(view))
            view = None  # the test holds none of them
            await pilot.press("ctrl+l")
            await replace_text(pilot, str(target))
            await pilot.press("enter")
            await wait_main(pilot)
            await wait_for(pilot, lambda: app.document.path == target, "the plan open")
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0 and views[0]() is None and views[1]() is None,
                       "the views but the last one freed")
    gc.unfreeze()
