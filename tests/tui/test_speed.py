"""Big plans stay fast because an edit touches what it changed: checked partners are not validated
again (they keep their identity), and typing in a field does not rebuild or redraw the partners
table. Timings are in benchmarks/wire.py; these tests check the mechanisms, not the clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from planner import editing
from planner.document import Refused
from planner.model import Partner
from planner.storage import load_plan, save_plan
from planner.tui.app import open_document
from planner.tui.widgets.partners import PartnersTable

from .helpers import SAMPLES, focus, make_app, ready, type_text, wait_for


def many_partners(tmp_path: Path, n: int = 300) -> Path:
    """The Lot 2 sample with `n` more beneficiaries (distinct names and PICs)."""
    plan = load_plan(SAMPLES / "lot2-example.toml")
    extra = tuple(Partner(name=f"Extra organisation {i}", short_name=f"X{i}", country="DE", kind="enterprise",
                          role="beneficiary", pic=f"{888000000 + i}") for i in range(n))
    path = tmp_path / "big.toml"
    save_plan(plan.model_copy(update={"partners": plan.partners + extra}), path)
    return path


def test_an_edit_keeps_the_other_partners_objects_and_still_checks_the_edited_one(tmp_path):
    doc = open_document(many_partners(tmp_path, 20))
    before = doc.plan.partners
    edited = before[3].model_copy(update={"name": "Renamed organisation", "country": "el"})
    doc.edit(editing.replace_partner(doc.plan, 3, edited))
    after = doc.plan.partners
    assert all(a is b for i, (a, b) in enumerate(zip(before, after)) if i != 3)
    assert after[3].name == "Renamed organisation" and after[3].country == "GR"  # checked like loading: EL -> GR
    # a new partner object is validated in full: a control character in its name is refused
    bad = before[5].model_copy(update={"name": "Evil\x1bname"})
    with pytest.raises(Refused, match=r"partners\[5\]\.name"):
        doc.edit(editing.replace_partner(doc.plan, 5, bad))
    assert doc.plan.partners[5] is after[5]
    # an edit that leaves every partner keeps the partners tuple itself: scoring recognises it and
    # does not count 1,000 partners again for a lot switch or a keystroke in the grant field
    partners = doc.plan.partners
    doc.edit(editing.set_requested_grant(doc.plan, 123_456))
    assert doc.plan.partners is partners
    doc.edit(editing.set_lot(doc.plan, doc.rules, 1))
    assert doc.plan.partners is partners and doc.plan.lot == 1


async def test_typing_in_the_grant_field_does_not_touch_the_partners_table(tmp_path, monkeypatch):
    app, _ = make_app(many_partners(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        table = app.query_one(PartnersTable)
        grant = app.query_one("#grant", Input)
        asked = app.document.plan.requested_grant_eur
        await focus(pilot, grant)
        await pilot.press("ctrl+u", "enter")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur is None, "the grant emptied")
        touched: list[str] = []
        # nothing that rebuilds, re-fits or repaints the table, with or without regions
        for name in ("clear", "add_row", "update_cell", "update_row", "set_natural", "refresh"):
            original = getattr(table, name)

            def spy(*args, _name=name, _original=original, **kwargs):
                touched.append(_name)
                return _original(*args, **kwargs)

            monkeypatch.setattr(table, name, spy)
        await focus(pilot, grant)  # enter took the empty grant and went back to the lot list
        await type_text(pilot, "2500000", done=lambda: grant.value == "2500000")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 2_500_000, "the grant applied")
        hint = str(app.query_one("#grant-hint").render())
        # the lot pane follows the plan: the sample has a budget, which the grant typed now differs from
        assert "under the cap. The grant typed above differs." in " ".join(hint.split())
        # and so does the scoreboard (the sample has a budget: the typed grant is set against it)
        assert "the requested grant (requested_grant_eur) is EUR 2,500,000" in app.board.get("grant").message
        assert touched == []
        # an edit of a partner updates its row only: no clear, no row added
        await pilot.press("ctrl+z", "ctrl+z")  # two applied values: two undo steps
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == asked, "the grant undone")
        plan = app.document.plan
        app.apply(editing.replace_partner(plan, 2, plan.partners[2].model_copy(update={"name": "Renamed"})))
        await wait_for(pilot, lambda: str(table.get_cell("2", "name")) == "Renamed", "the renamed row")
        assert "clear" not in touched and "add_row" not in touched and "update_row" in touched
        # a partner added at the end adds its row: the others stay as they are
        added = Partner(name="Newcomer organisation", short_name="NEW", country="FR", kind="enterprise",
                        role="beneficiary")
        app.apply(editing.add_partner(app.document.plan, added))
        n = len(app.document.plan.partners)
        await wait_for(pilot, lambda: table.row_count == n and str(table.get_cell(str(n - 1), "short")) == "NEW",
                       "the new row")
        assert "clear" not in touched
        assert [str(table.get_cell(str(i), "short")) for i in (0, n - 2)] == \
            [app.document.plan.partners[0].short_name, app.document.plan.partners[n - 2].short_name]


def test_the_recovery_file_keeps_the_plan_text_as_it_is(tmp_path):
    """The unsaved plan goes into the recovery file as a literal string (tomli_w escapes a character
    at a time: seconds for 10,000 partners); quotes, backslashes and non-ASCII text come back unchanged,
    and three quotes in a row (which a literal string cannot hold) take the escaped form."""
    import tomllib
    from datetime import datetime, timezone

    from planner.recovery import write_holder
    from planner.storage import dump_plan

    plan = load_plan(many_partners(tmp_path, 3))
    for notes in ('Quotes " and a backslash \\, a tab\tand ünïcode; two \'\' quotes', "Three \'\'\' quotes"):
        edited = plan.model_copy(update={"notes": notes, "title": 'C:\\path "quoted"'})
        path = tmp_path / ".big.toml.planner"
        write_holder(path, tmp_path / "big.toml", datetime.now(timezone.utc), edited)
        assert tomllib.loads(path.read_text())["unsaved"] == dump_plan(edited)


async def test_a_lot_switch_draws_panes_and_toast_in_one_frame(tmp_path, monkeypatch):
    """`l` changes the lot pane, the rules table (other rules, another row count), the verdict and says
    so in a toast. Each extra frame costs a frame period and more on the wire (the target: `l`
    within 50 ms): all of it is drawn in one frame, after one layout, and nothing of it is drawn again."""
    from textual.screen import Screen

    from planner.tui.toasts import Notice
    from planner.tui.widgets.scoreboard import RulesTable

    from .helpers import shown_toasts

    app, _ = make_app(many_partners(tmp_path))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await wait_for(pilot, lambda: app.focused is app.query_one(PartnersTable), "the table focused")
        for _ in range(3):
            await pilot.pause()
        frames: list[set[str]] = []
        layouts: list[list[str]] = []
        paint, layout = Screen._compositor_refresh, Screen._refresh_layout

        def painted(screen):
            frames.append({type(w).__name__ if w.id is None else f"#{w.id}" for w in screen._dirty_widgets})
            return paint(screen)

        def laid_out(screen, *args, **kwargs):
            layouts.append(sorted(type(w).__name__ if w.id is None else f"#{w.id}" for w in screen._layout_widgets))
            return layout(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "_compositor_refresh", painted)
        monkeypatch.setattr(Screen, "_refresh_layout", laid_out)
        table = app.query_one(RulesTable)
        for lot, rows in ((1, 15), (2, 17)):  # Lot 2 -> 1 has fewer rules, back to 2 more (budget included)
            frames.clear()
            layouts.clear()
            app.main.action_switch_lot()  # what `l` runs; nothing has been drawn yet:
            # the toast is in place and the table knows its new size, before the frame that draws them
            assert any(f"→ Lot {lot}" in str(t.render()) for t in shown_toasts(app))
            assert table.row_count == rows and table.virtual_size.height == rows + 1
            await wait_for(pilot, lambda: frames, "a frame")
            for _ in range(5):
                await pilot.pause()
            drawn = [f for f in frames if f & {"#rules", "#lot-name", "#verdict", "Notice"}]
            assert len(drawn) == 1, frames
            assert {"#rules", "#lot-name", "#verdict", "Notice"} <= drawn[0]
            assert len(layouts) == 1, layouts
            assert isinstance(shown_toasts(app)[-1], Notice)


async def test_a_keystroke_in_a_field_reaches_the_plan_and_the_panes_in_its_own_turn(tmp_path):
    """What follows from a keystroke (the grant's hint and rule, a form's live line, the award chart) is
    done in the keystroke's own turn, before the frame that draws the typed character: handled from
    Input.Changed, it came one or two frames later. `insert_text_at_cursor` is what Input
    does with a typed character; nothing is awaited between it and the checks."""
    from planner.tui.screens.assessment import AssessmentScreen
    from planner.tui.screens.partner_form import PartnerForm

    from .helpers import static_text, wait_screen

    app, _ = make_app(many_partners(tmp_path, 20))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        await pilot.press("ctrl+u", "enter")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur is None, "the grant emptied")
        grant.insert_text_at_cursor("2")  # checked at once against the cap; the plan takes it on enter
        assert "→ EUR 2 on enter" in static_text(app, "#grant-hint")
        assert "EUR 3,999,998 under the cap" in static_text(app, "#grant-hint")
        assert app.document.plan.requested_grant_eur is None
        grant.insert_text_at_cursor("x")  # not an amount: the hint says so at once
        assert "'2x'" in static_text(app, "#grant-hint") and app.document.plan.requested_grant_eur is None

        await focus(pilot, app.query_one(PartnersTable))
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await pilot.press("enter")  # saved without a name: the form says it is needed
        error = form.query_one("#error-name")
        await wait_for(pilot, lambda: error.display, "the name's error")
        form.query_one("#name", Input).insert_text_at_cursor("O")
        assert not error.display  # typing in the field takes its error away at once
        # a picker filters and takes its match within the keystroke, and the live line follows
        country, kind = form.query_one("#country"), form.query_one("#kind")
        country.input.clear()  # the country carried over from the last partner
        country.input.insert_text_at_cursor("fin")
        assert country.value == "FI" and [o.id for o in country._shown] == ["FI"]
        kind.input.clear()
        kind.input.insert_text_at_cursor("univ")
        assert kind.value == "higher-education"
        assert "With this partner" in static_text(form, "#impact")  # country and kind known: the live line
        await pilot.press("escape")
        await wait_screen(pilot, __import__("planner.tui.screens.dialogs", fromlist=["Choice"]).Choice)
        await pilot.press("tab", "enter")  # discard

        await wait_for(pilot, lambda: len(app.screen_stack) == 1, "the main screen")
        await pilot.press("s")
        screen = await wait_screen(pilot, AssessmentScreen)
        field = screen.query_one("#score-relevance", Input)
        await focus(pilot, field)
        await pilot.press("ctrl+u", "enter")
        await wait_for(pilot, lambda: app.document.plan.assessment.relevance is None, "the score emptied")
        field.insert_text_at_cursor("9")
        assert "9/25" in static_text(screen, "#chart")  # the chart at once; the plan on enter or tab
        assert app.document.plan.assessment.relevance is None


async def test_a_focus_move_redraws_the_footer_once_and_mounts_nothing(tmp_path, monkeypatch):
    """Textual's footer rebuilds its widgets (two or three frames each) every time the screen says its keys
    changed, and a focus move says so more than once: `tab` drew the footer three times after the
    panes. PlannerFooter shares one redraw between the notices, skips one that shows the same keys, and
    draws the keys itself: a change of keys mounts no widget, it repaints the one line."""
    from planner.tui.widgets.footer import KeysLine, PlannerFooter

    from .helpers import focus, footer_keys

    app, _ = make_app(many_partners(tmp_path, 20))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await focus(pilot, app.query_one(PartnersTable))
        for _ in range(5):
            await pilot.pause()
        footer = app.query_one(PlannerFooter)
        widgets = list(footer.children)
        redraws: list[int] = []
        show = KeysLine.show

        def counted(self, *args):
            redraws.append(1)
            show(self, *args)

        monkeypatch.setattr(KeysLine, "show", counted)
        keys = lambda: set(footer_keys(app.screen).values())  # noqa: E731
        assert "Remove" in keys()  # the table's own key
        await pilot.press("tab")
        await wait_for(pilot, lambda: "Remove" not in keys(), "the lot pane's keys")
        for _ in range(10):
            await pilot.pause()
        assert len(redraws) == 1
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: "Remove" in keys(), "the table's keys again")
        for _ in range(10):
            await pilot.pause()
        assert len(redraws) == 2
        assert list(footer.children) == widgets  # the same line (and palette key): nothing mounted
