"""The editing flows, driven by key presses in Pilot, at 80x24 (stacked panes) and 160x48 (side by side).

Starting the app and opening the partner form cost most of the time here, so one test walks through
a few related steps of a flow (each step checked before the next) rather than restarting for each.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label

from planner.scoring import evaluate
from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.dialogs import Choice
from planner.tui.screens.help import HelpScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.picker import Picker

from .helpers import (
    SAMPLES,
    choose,
    failing,
    focus,
    freeze_clock,
    help_text,
    make_app,
    open_screen,
    post_keys,
    ready,
    replace_text,
    screen_text,
    static_text,
    type_text,
    verdict,
    wait_for,
    wait_main,
    wait_screen,
)


def table(app) -> PartnersTable:
    return app.query_one(PartnersTable)


def row_cells(app, row: int) -> dict[str, str]:
    """The row as shown, by column key (short, name, country, kind, role, counts, pic)."""
    t = table(app)
    return {key.value: str(cell) for key, cell in zip(t.columns, t.get_row_at(row))}


def shown(app, row: int, *keys: str) -> list[str]:
    cells = row_cells(app, row)
    return [cells[key] for key in keys]


def failing_now(app) -> set[str]:
    """What the core says of the plan as it is now: the app's scoreboard must agree."""
    return {c.id for c in evaluate(app.document.plan, app.document.rules).failures}


# --- the partner form: keys, escape, errors, add ------------------------------------------------


async def test_partner_form_escape_errors_then_add_a_vet_provider(draft, size):
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        plan, before = app.document.plan, verdict(app)
        assert "vet-provider" in failing(app)
        assert "VET provider 0/1" in before
        # the layout for the size: panes stacked below 120 columns, side by side from there; no notice
        assert app.screen.has_class("-wide") is (size[0] >= 120)
        assert not app.query_one("#small-notice").display

        # keys typed in the name field are text, not the app's keys
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        assert str(form.query_one(".question", Label).render()) == "Add partner"
        name = form.query_one("#name", Input)
        assert app.focused is name
        await type_text(pilot, "lacd?")
        await pilot.pause()
        assert name.value == "lacd?"
        assert app.screen is form and len(app.screen_stack) == 2  # no second form, comparison, help or dialog
        assert app.document.plan is plan  # no lot switch
        # in a picker too: the form is modal, the app's one-letter keys type into it
        await focus(pilot, form.query_one("#kind", Picker).input)
        await pilot.press("l", "c", "d")
        assert app.screen is form and len(app.screen_stack) == 2
        assert app.document.plan is plan

        # escape on a changed form asks first; discard: nothing added, nothing to undo
        await pilot.press("escape")
        await wait_screen(pilot, Choice)
        await pilot.press("right", "enter")
        await wait_main(pilot)
        assert app.document.plan is plan
        assert not app.document.dirty and app.document.undo_stack == []
        assert verdict(app) == before
        assert table(app).row_count == 11

        # an empty form is refused with errors next to the fields, and stays open
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        assert form.query_one("#name", Input).value == ""
        assert static_text(form, "#error-name") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: static_text(form, "#error-name"), "the name error")
        assert static_text(form, "#error-name") == "✗ the legal name is required"
        assert static_text(form, "#error-country") == ""  # carried over from the last partner
        assert form.query_one("#country", Picker).value == app.document.plan.partners[-1].country
        assert static_text(form, "#error-kind") == "✗ choose a kind"
        assert app.screen is form
        assert app.focused is form.query_one("#name")
        await pilot.press("enter")  # enter in a field submits too: refused the same way
        await pilot.pause()
        assert app.screen is form
        assert app.document.plan is plan

        # filled in with keys: name, short name, PIC (left empty), then the two pickers by typing
        await type_text(pilot, "Berufsschule Test")
        await pilot.press("tab")
        await type_text(pilot, "BST")
        await pilot.press("tab", "tab")
        assert app.focused is form.query_one("#country", Picker).input
        await choose(pilot, "Germany")
        assert form.query_one("#country", Picker).value == "DE"
        await pilot.press("tab")
        assert app.focused is form.query_one("#kind", Picker).input
        await choose(pilot, "VET provider")
        assert form.query_one("#kind", Picker).value == "vet-provider"
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 12, "the partner to be added")

        added = app.document.plan.partners[-1]
        assert (added.name, added.short_name, added.country, added.kind, added.role) == (
            "Berufsschule Test", "BST", "DE", "vet-provider", "beneficiary")
        assert "vet-provider" not in failing(app)
        assert app.board.get("vet-provider").status == "pass"
        assert failing(app) == failing_now(app)
        # a new full partner from a new country moves two more counts
        assert app.board.get("full-partners").count == "11/12"
        assert app.board.get("countries").count == "7/8"
        assert verdict(app) != before
        assert "VET provider" not in verdict(app)
        assert "full partners 11/12" in verdict(app)
        assert table(app).row_count == 12
        # kinds read in words, from the rules' labels
        assert shown(app, 11, "short", "name", "country", "kind", "role", "counts") == [
            "BST", "Berufsschule Test", "DE", "VET provider", "beneficiary", "✓"]
        assert table(app).cursor_row == 11
        assert app.document.dirty
        assert any("Added BST" in n.message for n in notes)


async def test_form_errors_are_visible_on_screen(draft):
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: static_text(form, "#error-name"), "the name error")
        await pilot.pause()
        assert form.query_one("#error-name").display
        assert "the legal name is required" in screen_text(app)


async def test_form_refusals_affiliation_and_enter_to_submit(draft):
    """The other checks of the form (one size: the form is the same dialog at both)."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        assert not form.query_one("#affiliated_to", Picker).display
        await type_text(pilot, "Linked Lab")
        await pilot.press("tab")
        await type_text(pilot, "unibp")  # taken: short names are compared without case, as the loader does
        # the pickers not under test here are set directly (the add test chooses them with keys)
        form.query_one("#country", Picker).set_value("IT")
        form.query_one("#kind", Picker).set_value("research")
        await focus(pilot, form.query_one("#role", Picker).input)
        await choose(pilot, "Affiliated")
        await wait_for(pilot, lambda: form.query_one("#affiliated_to", Picker).display, "affiliation shown")
        pic = form.query_one("#pic", Input)
        await focus(pilot, pic)
        await type_text(pilot, "12345abc", done=lambda: pic.value == "12345")  # letters are not taken
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: static_text(form, "#error-pic"), "the PIC error")
        assert static_text(form, "#error-pic") == "✗ a PIC has 9 digits; this has 5"
        assert static_text(form, "#error-short_name") == (
            "✗ unibp is already used by Università degli Studi della Bassa Padana (UNIBP)")
        assert static_text(form, "#error-affiliated_to") == "✗ choose the beneficiary this entity is affiliated to"
        assert static_text(form, "#error-name") == ""
        assert app.focused is form.query_one("#short_name")  # the first field in error
        assert app.screen is form and len(app.document.plan.partners) == 11

        await replace_text(pilot, "LL")
        await focus(pilot, pic)
        await pilot.press("end")
        await type_text(pilot, "6789", done=lambda: pic.value == "123456789")
        await focus(pilot, form.query_one("#affiliated_to", Picker).input)
        await choose(pilot, "UNIBP")
        await focus(pilot, form.query_one("#notes", Input))
        await type_text(pilot, "via enter")
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 12, "the partner to be added")
        added = app.document.plan.partners[-1]
        assert added.model_dump(exclude_none=True) == {
            "name": "Linked Lab", "short_name": "LL", "country": "IT", "kind": "research",
            "role": "affiliated-entity", "pic": "123456789", "affiliated_to": "UNIBP", "notes": "via enter"}
        # an affiliated entity names its beneficiary
        assert shown(app, 11, "role", "counts") == ["affil. → UNIBP", "✗ affil."]


# --- edit, delete, undo ------------------------------------------------------------------------


async def test_edit_then_delete_then_undo_and_redo(draft, size):
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        original, before = app.document.plan, verdict(app)
        assert (app.title, app.sub_title) == ("draft.toml", "AGRI-DATA")
        old = original.partners[1]

        # enter on a row edits it; ctrl+s saves the edit
        await pilot.press("down")
        assert table(app).cursor_row == 1
        await pilot.press("enter")
        form = await wait_screen(pilot, PartnerForm)
        assert str(form.query_one(".question", Label).render()) == "Edit partner"
        assert form.query_one("#name", Input).value == old.name
        assert form.query_one("#short_name", Input).value == "ESAVL"
        assert form.query_one("#country", Picker).value == "FR"
        assert form.query_one("#kind", Picker).value == "higher-education"
        await replace_text(pilot, "Ecole Test")
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.partners[1].name == "Ecole Test", "the edit")
        edited = app.document.plan.partners[1]
        assert edited == old.model_copy(update={"name": "Ecole Test"})  # the grant share (not in the form) kept
        assert len(app.document.plan.partners) == 11
        assert shown(app, 1, "short", "name") == ["ESAVL", "Ecole Test"]
        assert table(app).cursor_row == 1
        assert app.title == "draft.toml ●"  # unsaved changes
        assert verdict(app) == before  # a new name changes no count
        after_edit = app.document.plan

        # d asks first; Cancel keeps the partner
        await pilot.press("d")
        dialog = await wait_screen(pilot, Choice)
        assert "ESAVL" in dialog.question
        await pilot.click("#choice-cancel")
        await wait_main(pilot)
        await pilot.pause()
        assert app.document.plan is after_edit
        assert table(app).row_count == 11

        # remove ADL, an enterprise: one full partner and one labour-market actor fewer
        post_keys(app, ["down"] * 4)
        await wait_for(pilot, lambda: table(app).cursor_row == 5, "the cursor on row 5")
        assert shown(app, 5, "short") == ["ADL"]
        await pilot.press("d")
        dialog = await wait_screen(pilot, Choice)
        assert "ADL" in dialog.question
        await pilot.click("#choice-remove")
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 10, "the partner to be removed")
        partners = after_edit.partners
        assert app.document.plan.partners == partners[:5] + partners[6:]
        assert table(app).row_count == 10
        assert app.query_one("#partners-pane").border_subtitle == "10 participants"
        assert "ADL" not in [row_cells(app, i)["short"] for i in range(10)]
        assert app.board.get("full-partners").count == "9/12"
        assert app.board.get("labour-market-actors").count == "3/5"
        assert "full partners 9/12" in verdict(app)
        assert "labour-market actors 3/5" in verdict(app)
        assert failing(app) == failing_now(app)
        assert table(app).cursor_row == 4
        assert any("Removed ADL" in n.message for n in notes)
        removed = verdict(app)

        # undo the removal, then the edit: back to the file as opened; then nothing left to undo
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 11, "undo of the removal")
        assert app.document.plan == after_edit
        assert table(app).row_count == 11
        assert verdict(app) == before
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan.partners[1].name == old.name, "undo of the edit")
        assert app.document.plan == original
        assert not app.document.dirty
        assert app.title == "draft.toml"
        assert row_cells(app, 1)["name"] == old.name
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: any(n.message == "Nothing to undo." for n in notes), "nothing to undo")

        # redo both
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: app.document.plan == after_edit, "redo of the edit")
        assert app.title == "draft.toml ●"
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 10, "redo of the removal")
        assert verdict(app) == removed


async def test_edit_a_role_to_a_second_coordinator(tmp_path):
    """A picker changed in the edit form: the coordinator rule fails."""
    path = tmp_path / "aff.toml"
    path.write_text(
        'format = 1\ntitle = "T"\nlot = 1\n\n'
        '[[partners]]\nname = "Alpha"\nshort_name = "ALP"\ncountry = "DE"\nkind = "enterprise"\n'
        'role = "coordinator"\n\n'
        '[[partners]]\nname = "Beta"\nshort_name = "BET"\ncountry = "FR"\nkind = "enterprise"\nrole = "beneficiary"\n\n'
        '[[partners]]\nname = "Alpha Sub"\ncountry = "DE"\nkind = "enterprise"\nrole = "affiliated-entity"\n'
        'affiliated_to = "ALP"\n', encoding="utf-8")
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "coordinator" not in failing(app)
        await pilot.press("down", "enter")
        form = await wait_screen(pilot, PartnerForm)
        await focus(pilot, form.query_one("#role", Picker).input)
        await choose(pilot, "Coordinator")
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        await wait_for(pilot, lambda: "coordinator" in failing(app), "the coordinator rule to fail")
        assert "coordinator 2/1" in verdict(app)
        assert row_cells(app, 1)["role"] == "coordinator"


# --- lot, comparison, keys in the grant field, help ---------------------------------------------


async def test_lot_switch_compare_apply_and_keys_in_the_grant_field(lot1, size):
    app, notes = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert verdict(app).startswith("✓ ELIGIBLE") and ": Lot 1, 24 months" in verdict(app)
        assert static_text(app, "#lot-name").startswith("Lot 1:")

        # l: to Lot 2 (24 months does not exist there: its 48) and back
        await pilot.press("l")
        await wait_for(pilot, lambda: app.document.plan.lot == 2, "the switch to Lot 2")
        assert (app.board.lot, app.board.duration_months) == (2, 48)
        assert app.document.plan.duration_months == 48
        assert verdict(app).startswith("✗ NOT ELIGIBLE")
        assert "Lot 1" not in verdict(app)
        assert static_text(app, "#lot-name").startswith("Lot 2:")
        assert failing(app) == failing_now(app)
        await pilot.press("l")
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "the switch back to Lot 1")
        assert verdict(app).startswith("✓ ELIGIBLE") and ": Lot 1, 24 months" in verdict(app)

        # 3 applies Lot 2, 48 months; 1 brings back Lot 1, 24 months
        await pilot.press("c")
        await wait_screen(pilot, CompareScreen)
        await pilot.press("3")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.lot == 2, "Lot 2 applied")
        assert app.document.plan.duration_months == 48
        assert (app.board.lot, app.board.duration_months) == (2, 48)
        assert "Lot 1" not in verdict(app)
        assert any("Lot 2, 48 months" in n.message for n in notes)
        await pilot.press("c")
        await wait_screen(pilot, CompareScreen)
        await pilot.press("1")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "Lot 1 applied")
        assert app.document.plan.duration_months == 24
        assert verdict(app).startswith("✓ ELIGIBLE") and ": Lot 1, 24 months" in verdict(app)

        # letters typed in the grant field are text, not app keys; what is no amount is said, and not kept
        lot, grant_before = app.document.plan.lot, app.document.plan.requested_grant_eur
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        assert grant.value == f"{grant_before:,}"  # shown with separators, as people write amounts
        await pilot.press("end", "ctrl+u")
        await pilot.press(*"la1c2d")
        await wait_for(pilot, lambda: grant.value == "la1c2d", "the letters in the grant field")
        assert len(app.screen_stack) == 1
        assert app.document.plan.lot == lot
        assert app.document.plan.requested_grant_eur == grant_before  # typed, not applied: the plan keeps it
        assert f"'la1c2d' is not an amount in whole euros: the plan keeps EUR {grant_before:,}" in \
            str(app.query_one("#grant-hint").render())
        # an amount as people write it, separators and all: checked live, applied by enter, one undo step
        await pilot.press("ctrl+u")
        await type_text(pilot, "EUR 950,000", done=lambda: grant.value == "EUR 950,000")
        assert app.document.plan.requested_grant_eur == grant_before
        assert str(app.query_one("#grant-hint").render()) == \
            f"→ EUR 950,000 on enter (now EUR {grant_before:,}): EUR 50,000 under the cap."  # Lot 1, 24 months
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 950_000, "the grant applied")
        assert grant.value == "950,000"  # shown as the plan has it
        assert app.focused is app.query_one("#scenario")  # taken: back to the lot list, where keys work
        await focus(pilot, grant)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == grant_before, "one undo for it all")
        assert grant.value == f"{grant_before:,}"  # the field shows what the plan has, though it has the focus


async def test_lot_pane_keys_compare_cursor_and_help(draft):
    """The rest of the main screen's keys (one size): tab into the lot pane, where space or enter chooses
    a lot and duration or ticks an ecosystem; the comparison's cursor; help."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        eco = [e.id for e in app.document.rules.ecosystems]
        assert app.document.plan.ecosystems == ("agri-food",)
        # Lot 2 takes exactly one ecosystem: ticking another replaces it
        await pilot.press("tab", "tab")  # the grant field is no tab stop (g goes into it)
        assert app.focused is app.query_one("#ecosystems")
        # below 120 columns the pane that holds the focus is the one shown
        assert app.query_one("#lot-pane").region.height > 0 and app.query_one("#partners-pane").region.height == 0
        await pilot.press("home", "space")
        await wait_for(pilot, lambda: app.document.plan.ecosystems == (eco[0],), "the ecosystem replaced")
        assert "[x]" in str(app.query_one("#ecosystems").get_option_at_index(0).prompt)
        assert app.board.get("ecosystem").status == "pass"
        # back to the scenarios: Lot 1, 36 months
        await pilot.press("shift+tab")
        assert app.focused is app.query_one("#scenario")
        await pilot.press("home", "down", "enter")
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "Lot 1 chosen")
        assert app.document.plan.duration_months == 36
        assert "(•) Lot 1  36 months" in str(app.query_one("#scenario").get_option_at_index(1).prompt)
        # Lot 1 takes any number: ticking adds
        await pilot.press("tab")
        await pilot.press("home", "down", "space")
        await wait_for(pilot, lambda: app.document.plan.ecosystems == (eco[0], eco[1]), "a second ecosystem")
        assert app.board.get("ecosystem").status == "info"
        await pilot.press("space")  # and unticks
        await wait_for(pilot, lambda: app.document.plan.ecosystems == (eco[0],), "the second one unticked")

        # c: the comparison, its cursor on the plan's column (Lot 1, 36 months); escape changes nothing
        await focus(pilot, table(app))
        plan = app.document.plan
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        comparison = screen.query_one("#comparison")
        assert comparison.cursor_column == 2
        assert [str(c.label).startswith("▸ ") for c in comparison.ordered_columns] == [False, False, True, False]
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan is plan
        # the arrows and enter apply the column under the cursor
        await pilot.press("c")
        screen = await wait_screen(pilot, CompareScreen)
        await pilot.press("right")
        assert screen.query_one("#comparison").cursor_column == 3
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.lot == 2, "Lot 2, 48 months applied")
        assert app.document.plan.duration_months == 48

        # help: ? opens it, f1 (or ? or escape) closes it
        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, HelpScreen)
        assert "Keys" in help_text(help_screen)
        await pilot.press("f1")
        await wait_main(pilot)


# --- the deadline, with the clock set -----------------------------------------------------------


@pytest.mark.parametrize(("now", "lot_pane", "scoreboard"), [
    (datetime(2024, 3, 1, 15, 0, tzinfo=timezone.utc), "6 days left (7 Mar 2024, 17:00 Brussels, 16:00 here).",
     "6 days left (7 Mar 2024, 17:00 Brussels, 16:00 here)"),
    # the day after, 2025 is the call being written (its deadline, 6 Mar 2025, still ahead)
    (datetime(2024, 3, 8, 16, 0, tzinfo=timezone.utc),
     "closed (7 Mar 2024, 17:00 Brussels, 16:00 here); next call: 2025, open (y).", "the call closed 1 day ago"),
], ids=["before", "after"])
async def test_deadline_in_the_lot_pane_and_scoreboard(draft, monkeypatch, now, lot_pane, scoreboard):
    freeze_clock(monkeypatch, now)  # TZ=UTC: the deadline, 17:00 in Brussels (CET), is 16:00 here
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        shown = static_text(app, "#deadline")
        assert shown == f"Deadline: {lot_pane}"
        assert app.board.get("deadline").message.endswith(scoreboard)
        assert app.board.get("deadline").status == "info"


# --- small terminals ---------------------------------------------------------------------------


async def test_small_terminal_shows_the_notice(draft):
    app, _ = make_app(draft)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        notice = app.query_one("#small-notice")
        await wait_for(pilot, lambda: notice.display, "the small-terminal notice")
        await pilot.pause()
        assert "40x12" in static_text(app, "#small-notice")
        assert notice.region.height > 0  # laid out on screen, not only flagged
        # still usable: a lot switch works, and every pane shows
        await pilot.press("l")
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "the lot switch")
        for key, pane in (("3", "#scoreboard"), ("2", "#lot-pane"), ("1", "#partners-pane")):
            await pilot.press(key)
            await wait_for(pilot, lambda: app.query_one(pane).region.height > 0, f"{pane} shown")
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: not notice.display, "the notice to go")


async def test_removing_a_beneficiary_warns_about_its_affiliated_entity_and_defaults_to_cancel(tmp_path) -> None:
    from planner.tui.screens.dialogs import Choice

    plan = tmp_path / "example.toml"
    plan.write_bytes((Path(__file__).parents[2] / "samples" / "lot2-example.toml").read_bytes())
    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        partners = app.document.plan.partners
        index = next(i for i, p in enumerate(partners) if any(o.affiliated_to == p.label for o in partners))
        child = next(o.label for o in partners if o.affiliated_to == partners[index].label)
        app.query_one("#partners", DataTable).move_cursor(row=index)
        await pilot.press("d")
        dialog = await wait_screen(pilot, Choice)
        assert f"{child} is affiliated to it and will point to no partner" in screen_text(app)
        await pilot.press("enter")  # the safe choice has the focus
        await wait_main(pilot)
        assert app.document.plan.partners == partners
        assert dialog.default == "cancel"


async def test_removing_a_beneficiary_warns_about_an_entity_that_names_it_by_legal_name(tmp_path) -> None:
    # affiliated_to may give the beneficiary's legal name, in any case or spacing (the rules match it so):
    # the warning used to look for the short name alone
    plan = tmp_path / "example.toml"
    text = (Path(__file__).parents[2] / "samples" / "lot2-example.toml").read_text(encoding="utf-8")
    plan.write_text(text.replace('affiliated_to = "UTC"', 'affiliated_to = "universidad técnica del  cantábrico"'),
                    encoding="utf-8")
    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        partners = app.document.plan.partners
        assert "affiliations" not in failing(app)  # the rules find UTC by that name
        index = next(i for i, p in enumerate(partners) if p.short_name == "UTC")
        app.query_one("#partners", DataTable).move_cursor(row=index)
        await pilot.press("d")
        await wait_screen(pilot, Choice)
        assert "FUTC is affiliated to it and will point to no partner" in screen_text(app)


def named_by_legal_name(tmp_path: Path) -> Path:
    """lot2-example with FUTC affiliated to UTC by its legal name, in lower case with a double space: the
    spec lets affiliated_to give the name, and the rules find UTC by it in any case or spacing."""
    plan = tmp_path / "example.toml"
    text = (SAMPLES / "lot2-example.toml").read_text(encoding="utf-8")
    plan.write_text(text.replace('affiliated_to = "UTC"', 'affiliated_to = "universidad técnica del  cantábrico"'),
                    encoding="utf-8")
    return plan


async def test_a_new_legal_name_is_followed_by_the_entity_that_names_it_so(tmp_path) -> None:
    """UTC's legal name edited in the form: FUTC, which names UTC by its legal name in other spacing, follows
    it as the rules match it. It stayed on the old name, and the plan that was ELIGIBLE failed on the edit
    of a name: 'FUTC (ES) is affiliated to ..., which is no partner of the plan'."""
    app, _ = make_app(named_by_legal_name(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.board.eligible
        index, _ = utc(app)
        await edit_in_form(pilot, index, "#name", "Universidad Técnica de Cantabria", "enter")
        await wait_for(pilot, lambda: app.document.plan.partners[index].name == "Universidad Técnica de Cantabria",
                       "the edit")
        entity = next(p for p in app.document.plan.partners if p.short_name == "FUTC")
        assert entity.affiliated_to == "UTC"
        await wait_for(pilot, lambda: "✓ ELIGIBLE" in screen_text(app), "the verdict")
        assert "affiliations" not in failing(app)


async def test_an_entity_that_names_its_beneficiary_by_legal_name_is_edited_with_it(tmp_path) -> None:
    """FUTC's form, opened on a plan where it names UTC by its legal name: the beneficiary's field showed
    nothing, the line under the fields said a rule fails that does not, and enter refused to save ('✗
    choose the beneficiary this entity is affiliated to'). It shows UTC now, and a save that changes
    something else keeps the reference as it was written."""
    app, _ = make_app(named_by_legal_name(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.board.eligible
        index = next(i for i, p in enumerate(app.document.plan.partners) if p.short_name == "FUTC")
        await pilot.press(*["down"] * index, "enter")
        form = await wait_screen(pilot, PartnerForm)
        picker = form.query_one("#affiliated_to", Picker)
        assert picker.value == "UTC" and picker.input.value == "UTC"
        await wait_for(pilot, lambda: "With these changes" in static_text(form, "#impact"), "the line under the fields")
        assert "fail" not in static_text(form, "#impact"), static_text(form, "#impact")
        await focus(pilot, form.query_one("#notes", Input))
        await type_text(pilot, " Also in Santander.")
        await pilot.press("enter")
        await wait_main(pilot)
        entity = app.document.plan.partners[index]
        await wait_for(pilot, lambda: app.document.plan.partners[index].notes.endswith("Also in Santander."),
                       "the edit")
        entity = app.document.plan.partners[index]
        assert entity.affiliated_to == "universidad técnica del  cantábrico"
        assert app.board.eligible


async def edit_in_form(pilot, index: int, field: str, text: str, key: str) -> None:
    """The partners table's row `index` opened with enter, `text` typed over `field`, `key` (enter or ctrl+s)
    saves the form: back on the main screen."""
    await pilot.press(*["down"] * index, "enter")
    form = await wait_screen(pilot, PartnerForm)
    await focus(pilot, form.query_one(field, Input))
    await replace_text(pilot, text)
    await pilot.press(key)
    await wait_main(pilot)


def utc(app) -> tuple[int, list[str]]:
    """In lot2-example: UTC's row, and the work packages it leads (WP4); FUTC is affiliated to it."""
    plan = app.document.plan
    led = [wp.id for wp in plan.work_packages if wp.lead == "UTC"]
    assert led, "the sample's UTC leads a work package"
    return next(i for i, p in enumerate(plan.partners) if p.short_name == "UTC"), led


async def test_a_new_short_name_is_followed_by_the_work_packages_it_leads(tmp_path):
    """UTC renamed UTEC in the form: its work package's lead follows, as its affiliated entity does, and
    the plan stays ELIGIBLE (the lead stayed 'UTC' and the budget failed: 'UTC' is no partner)."""
    app, _ = make_app(Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "plan.toml")))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        index, led = utc(app)
        assert app.board.eligible
        await edit_in_form(pilot, index, "#short_name", "UTEC", "ctrl+s")
        await wait_for(pilot, lambda: app.document.plan.partners[index].short_name == "UTEC", "the edit")
        assert [wp.id for wp in app.document.plan.work_packages if wp.lead == "UTEC"] == led
        await wait_for(pilot, lambda: "✓ ELIGIBLE" in screen_text(app), "the verdict")
        assert "is no partner of the plan" not in screen_text(app)


async def test_removing_a_partner_says_the_work_packages_it_leads_and_its_budget(tmp_path):
    app, _ = make_app(Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "lot2.toml")))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        index, led = utc(app)
        cost = next(s.cost_eur for s in app.board.estimate.by_partner if s.key == "UTC")
        await pilot.press(*["down"] * index, "d")
        question = await wait_screen(pilot, Choice)
        said = static_text(question, ".question")
        assert "FUTC is affiliated to it" in said
        assert f"It leads {', '.join(led)}: name another lead there" in said
        assert f"Its budget lines in {len(plan.partners[index].budget)} work packages (EUR {cost:,} of costs) " \
               "go with it." in said
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan is plan


async def test_home_and_end_go_to_the_first_and_the_last_partner(draft):
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        rows = len(app.document.plan.partners)
        await pilot.press("end")
        await wait_for(pilot, lambda: table(app).cursor_row == rows - 1, "the last partner")
        assert shown(app, rows - 1, "short") == [app.document.plan.partners[-1].label]
        await pilot.press("home")
        await wait_for(pilot, lambda: table(app).cursor_row == 0, "the first partner")


async def test_editing_a_partner_starts_after_its_name_not_with_it_selected(draft):
    """The first key typed in the edit form replaced the whole legal name: it was selected on focus."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        old = app.document.plan.partners[0].name
        form = await open_screen(pilot, "enter", PartnerForm)
        name = form.query_one("#name", Input)
        assert app.focused is name
        await pilot.press("space", "X")
        await wait_for(pilot, lambda: name.value == f"{old} X", "typed after the name")
