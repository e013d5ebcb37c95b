"""No animations: a form scrolls to the field given the focus at once (over SSH each frame of a smooth
scroll crosses the link); Textual's TEXTUAL_ANIMATIONS, when the user sets it, is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual.constants
from textual.containers import VerticalScroll

from planner.tui.screens.partner_form import PartnerForm

from .helpers import make_app, ready, wait_for, wait_screen


async def test_the_partner_form_scrolls_to_a_field_below_the_fold_at_once(draft: Path) -> None:
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        body = form.query_one(VerticalScroll)
        assert body.scroll_y == 0
        form.query_one("#notes").focus()  # the last field: below the fold at 80x24
        await wait_for(pilot, lambda: body.scroll_y > 0, "the form to scroll")  # in one step, or the first of many
        assert body.scroll_y > 0 and body.scroll_y == body.scroll_target_y  # there already
        assert not app.animator.is_being_animated(body, "scroll_y")
        assert body.region.contains_region(form.query_one("#notes").region)  # and in view


@pytest.mark.parametrize("level", ["basic", "full"])
def test_textual_animations_set_by_the_user_is_kept(draft: Path, monkeypatch, level: str) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", level)
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", level)  # as Textual read it at start
    app, _ = make_app(draft)
    assert app.animation_level == level


def test_without_it_nothing_is_animated(draft: Path, monkeypatch) -> None:
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    app, _ = make_app(draft)
    assert app.animation_level == "none"
