"""The verdict line: it names its warnings, and an empty plan says how to add a partner."""

from __future__ import annotations

import re

from .helpers import (
    make_app,
    ready,
    static_text,
    verdict,
)


async def test_verdict_names_its_warnings_and_an_empty_plan_says_a_adds(tmp_path, lot1):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        hint = app.query_one("#partners-empty")
        assert hint.display and "a" in static_text(app, "#partners-empty")
        assert "press a to add" in static_text(app, "#partners-empty")
    # the first partner's share no longer what its budget gives
    text = re.sub(r"(?m)^grant_eur = \d+$", "grant_eur = 100000", lot1.read_text(encoding="utf-8"), count=1)
    lot1.write_text(text, encoding="utf-8")
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert not app.query_one("#partners-empty").display
        assert app.board.get("grant").status == "warn"
        # 'grant shares' named one of the grant's warnings: a requested grant that differs from the budget
        # warns too, and the bar left it out
        assert "· 1 warning: grant" in verdict(app) and "grant shares" not in verdict(app)
