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
