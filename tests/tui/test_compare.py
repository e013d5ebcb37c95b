"""The lot comparison screen: a failing cell gives its reason."""

from __future__ import annotations

from planner.tui.screens.compare import CompareScreen

from .helpers import (
    make_app,
    ready,
    wait_screen,
)


async def test_comparison_gives_the_reason_in_failing_cells(draft):
    text = draft.read_text(encoding="utf-8")
    import re
    draft.write_text(re.sub(r"requested_grant_eur = \d+", "requested_grant_eur = 3950000", text), encoding="utf-8")
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        table = screen.query_one("#comparison")
        grant = [str(table.get_cell("grant", str(i))) for i in range(len(screen.boards))]
        assert "FAIL EUR 3.95M > 1.5M cap" in grant
        assert "FAIL EUR 3.95M > 1M cap" in grant
        verdicts = [str(table.get_cell("verdict", str(i))) for i in range(len(screen.boards))]
        lot1_36 = next(i for i, b in enumerate(screen.boards) if (b.lot, b.duration_months) == (1, 36))
        assert verdicts[lot1_36].startswith("✗ NOT ELIGIBLE (")
        assert "grant" in verdicts[lot1_36].splitlines()[1:] or "  grant" in verdicts[lot1_36].splitlines()
