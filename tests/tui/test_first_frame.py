"""The first frame is the real one: the layout for the terminal's size from the first layout on, not the
wide layout squashed into 80 columns until the first resize."""

from __future__ import annotations

import pytest

from planner.tui.screens.main import MainScreen

from .conftest import SIZES
from .helpers import make_app, ready


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
