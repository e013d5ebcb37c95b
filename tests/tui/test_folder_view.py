"""The folder view (planner DIR, ctrl+o) and the partners a folder knows in the partner form, driven by keys."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from planner.files import this_host
from planner.storage import dump_plan, load_plan
from planner.tui.app import PlannerApp, open_document
from planner.tui.screens.dialogs import Choice, PathPrompt
from planner.tui.screens.folder import POLL_SECONDS, FolderScreen, PlansTable
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.widgets.picker import Picker

from .helpers import (
    SAMPLES,
    TIMEOUT,
    Note,
    focus,
    footer_keys,
    lot_switched,
    make_app,
    post_keys,
    ready,
    screen_text,
    static_text,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from folder_plans import BROKEN, OULU, hold, write_plans  # noqa: E402


def folder_app(folder: Path) -> tuple[PlannerApp, list[Note]]:
    """The app as `planner DIR` starts it: a new plan underneath, the folder view on top."""
    return make_app(None, folder=folder)


async def view_of(pilot) -> FolderScreen:
    view = await wait_screen(pilot, FolderScreen)
    await wait_for(pilot, lambda: view.entries and view.query_one(PlansTable).row_count, "the plans listed")
    return view


def suggested(prompt: PathPrompt) -> str:
    """The path prompt's suggested name: greyed in its empty field, taken by enter, replaced by typing."""
    field = prompt.query_one("#path", Input)
    assert field.value == ""
    return field.placeholder


def rows(view: FolderScreen) -> list[str]:
    return [e.name for e in view.shown]


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    where = tmp_path / "proposals"
    where.mkdir()
    write_plans(where, 8)
    return where


async def test_planner_dir_lists_every_plan_with_verdict_and_reason(plans: Path, size):
    app, notes = folder_app(plans)
    async with app.run_test(size=size) as pilot:
        view = await view_of(pilot)
        assert rows(view) == sorted(p.name for p in plans.iterdir())  # broken ones too, by name
        text = screen_text(app)
        for name in BROKEN:
            # literally: "markup-[red]x[-red]" is no markup; cut in the middle where the column is narrow
            stem = name.removesuffix(".toml")
            assert stem in text or (stem[:5] in text and stem[-4:] in text), stem
        assert "✓ ELIGIBLE" in text and "! UNREADABLE" in text
        header = next(line for line in text.splitlines() if "Verdict" in line)
        # a column shrunk below its label shows its short label, not the label cut ("Partn")
        assert ("Partners" if size[0] >= 120 else "Ptnrs") in header.split(), header
        eligible = sum(1 for e in view.entries if e.eligible)
        assert f"8 plans · {eligible} eligible · 3 unreadable" in text
        not_eligible = next(e for e in view.entries if e.error is None and not e.eligible)
        n = not_eligible.new_full_partners
        assert not_eligible.other_steps  # costs to cut as well: said after the partners
        words = f"✗ NOT ELIGIBLE: {n} new partners to go, cut costs" if size[0] >= 120 else f"✗ {n} partners & more"
        assert words in text
        # the cursor on an unreadable plan: its reason in full under the table
        await pilot.press("home")
        assert "bad-country.toml · cannot be opened: partners[0].country" in screen_text(app)
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), "the reason")
        assert "partners[0].country" in notes[-1].message and notes[-1].title == "This file cannot be opened"
        assert app.screen is view  # nothing opened


@pytest.mark.long
async def test_who_has_a_plan_open_is_shown(plans: Path):
    process = hold(plans / "plan-005.toml", user="coord")
    try:
        app, _ = folder_app(plans)
        async with app.run_test(size=(160, 48)) as pilot:
            view = await view_of(pilot)
            text = screen_text(app)
            line = next(line for line in text.splitlines() if "plan-005 " in line)
            assert f"coord on {this_host()}" in line
            assert "1 open elsewhere" in text
            post_keys(app, ["/", *"coord", "enter"])
            await wait_for(pilot, lambda: rows(view) == ["plan-005.toml"], "the filter on the holder")
            detail = static_text(view, "#folder-detail")
            assert f"open now by coord on {this_host()} since " in detail and "08:10 ·" in detail
            process.kill()
            process.wait()
            # the colleague's planner is gone: the view follows by itself
            # at the next re-read (every POLL_SECONDS), however long a loaded machine takes to get to it
            await wait_for(pilot, lambda: rows(view) == [], "the holder gone (the filter on it matches nothing)",
                           timeout=POLL_SECONDS + TIMEOUT)
            assert not any(e.open_by for e in view.entries)
            assert "1 open elsewhere" not in screen_text(app)
    finally:
        process.kill()
        process.wait()


@pytest.mark.one_size
async def test_filter_as_you_type_in_a_burst_and_escape_clears_it(plans: Path, size):
    app, _ = folder_app(plans)
    async with app.run_test(size=size) as pilot:
        view = await view_of(pilot)
        post_keys(app, ["/", *"p00"])
        await wait_for(pilot, lambda: view.query_one("#filter", Input).value == "p00", "the filter typed")
        assert rows(view) == [f"plan-00{i}.toml" for i in range(3, 8)]
        post_keys(app, [*" unread"])  # every word must be found
        # rows go at 'p00 unrea' already: the line is waited for with the last letter in it
        await wait_for(pilot, lambda: rows(view) == [] and view.query_one("#filter", Input).value == "p00 unread",
                       "no plan both p00 and unreadable")
        await wait_for(pilot, lambda: "No plan matches 'p00 unread'" in screen_text(app), "the line saying so")
        post_keys(app, ["escape"])
        await wait_for(pilot, lambda: len(rows(view)) == 8, "every plan again")
        assert app.focused is view.query_one(PlansTable)
        post_keys(app, ["/", *"eligible", "down", "enter"])  # enter back in the table: the filter kept
        await wait_for(pilot, lambda: view.query_one("#filter", Input).value == "eligible"
                       and app.focused is view.query_one(PlansTable), "the table, the filter kept")
        assert rows(view) and all("ELIGIBLE" in e.verdict for e in view.shown)
        assert view.query_one(PlansTable).cursor_row == 1


async def test_s_sorts_by_the_next_column_and_S_reverses(plans: Path):
    app, _ = folder_app(plans)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await view_of(pilot)
        await pilot.press("s")  # last change, newest first
        newest = sorted(view.entries, key=lambda e: (-e.modified.timestamp(), e.name.casefold()))
        assert rows(view) == [e.name for e in newest]
        await pilot.press("s")  # verdict: eligible first, unreadable last
        verdicts = [e.verdict for e in view.shown]
        assert verdicts[0] == "ELIGIBLE" and verdicts[-1] == "UNREADABLE"
        assert "sorted by verdict" in screen_text(app)
        before = rows(view)
        await pilot.press("S")
        assert rows(view) == list(reversed(before)) or rows(view)[0] != before[0]
        assert "(reversed)" in screen_text(app)


async def test_enter_opens_the_plan_and_asks_about_unsaved_changes_first(plans: Path, tmp_path: Path):
    mine = tmp_path / "mine.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", mine)
    app = PlannerApp(open_document(mine))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        await pilot.press("ctrl+o")
        view = await view_of(pilot)
        assert view.folder == tmp_path  # the plan's own folder
        assert "mine.toml" in rows(view)
        await pilot.press("ctrl+l", "ctrl+u")
        await type_text(pilot, f"{plans}/")
        await pilot.press("enter")
        await wait_for(pilot, lambda: view.folder == plans and "plan-004.toml" in rows(view), "the other folder")
        post_keys(app, ["/", *"P004", "enter", "enter"])
        dialog = await wait_screen(pilot, Choice)
        assert "mine.toml has unsaved changes" in str(dialog.query_one(".question").render())
        await pilot.press("escape")  # cancel: nothing opened, the folder view still there
        await wait_screen(pilot, FolderScreen)
        assert app.document.path == mine
        post_keys(app, ["enter"])
        await wait_screen(pilot, Choice)
        await pilot.click("#choice-discard")
        await wait_main(pilot)
        assert app.document.path == plans / "plan-004.toml"
        assert app.document.plan.acronym == "P004"


async def test_n_starts_a_new_plan_in_the_folder(plans: Path):
    app, notes = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        await view_of(pilot)
        post_keys(app, ["escape"])  # started on a folder: no plan to go back to
        await wait_for(pilot, lambda: any("No plan is open" in n.message for n in notes), "the hint")
        post_keys(app, ["n"])
        prompt = await wait_screen(pilot, PathPrompt)
        assert suggested(prompt) == "new-plan.toml"
        assert str(prompt.query_one(".question").render()) == "A new plan (its file name):"
        assert str(prompt.query_one("#folder").render()).startswith(f"in {plans}/")
        post_keys(app, ["enter"])
        await wait_main(pilot)
        assert app.document.path == plans / "new-plan.toml"
        assert not (plans / "new-plan.toml").exists()  # written on the first save only
        assert any(f"saves it as {plans / 'new-plan.toml'}" in n.message for n in notes)


async def test_c_copies_a_plan_as_a_variant(plans: Path):
    app, notes = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await view_of(pilot)
        post_keys(app, ["/", *"plan-004", "enter", "c"])
        prompt = await wait_screen(pilot, PathPrompt)
        assert suggested(prompt) == "plan-004-variant.toml"
        post_keys(app, ["enter"])
        await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: "plan-004-variant.toml" in rows(view), "the copy listed")
        assert (plans / "plan-004-variant.toml").read_bytes() == (plans / "plan-004.toml").read_bytes()
        assert view.selected().name == "plan-004-variant.toml"
        # again: the name offered is free, and a name taken is refused
        post_keys(app, ["c"])
        prompt = await wait_screen(pilot, PathPrompt)
        assert suggested(prompt) == "plan-004-variant-variant.toml"
        await type_text(pilot, "plan-005")
        await pilot.press("enter")
        # refused in the prompt, which keeps the name typed
        await wait_for(pilot, lambda: "plan-005.toml exists" in static_text(prompt, "#matches"), "the refusal")
        assert app.screen is prompt
        assert load_plan(plans / "plan-005.toml").acronym == "P005"  # untouched


@pytest.mark.one_size
async def test_a_name_typed_for_a_copy_replaces_the_one_offered(plans: Path, size):
    # the name offered stood in the field as text, and what was typed was appended to it
    # (plan-004-variant.tomlplan-004-lot1.toml): typing replaces it, as in save as
    app, notes = folder_app(plans)
    async with app.run_test(size=size) as pilot:
        view = await view_of(pilot)
        post_keys(app, ["/", *"plan-004", "enter", "c"])
        prompt = await wait_screen(pilot, PathPrompt)
        assert suggested(prompt) == "plan-004-variant.toml"
        post_keys(app, [*"plan-004-lot1", "enter"])  # in a burst, as people type
        await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: "plan-004-lot1.toml" in rows(view), "the copy listed")
        assert (plans / "plan-004-lot1.toml").read_bytes() == (plans / "plan-004.toml").read_bytes()
        assert not any("variant" in name for name in rows(view))
        assert any(n.message.startswith("Copied plan-004.toml to plan-004-lot1.toml") for n in notes)


async def test_a_name_typed_for_a_new_plan_replaces_the_one_offered(plans: Path):
    app, _ = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        await view_of(pilot)
        post_keys(app, ["n"])
        prompt = await wait_screen(pilot, PathPrompt)
        assert suggested(prompt) == "new-plan.toml"
        post_keys(app, [*"volt", "enter"])
        await wait_main(pilot)
        assert app.document.path == plans / "volt.toml"


async def test_a_name_taken_for_a_new_plan_is_said_in_the_prompt_which_keeps_it(plans: Path):
    """A file's name typed for a new plan closed the prompt with 'exists: choose another name', and the
    name had to be typed again."""
    taken = sorted(plans.glob("*.toml"))[0]
    app, _ = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        await view_of(pilot)
        post_keys(app, ["n"])
        prompt = await wait_screen(pilot, PathPrompt)
        post_keys(app, [*taken.stem, "enter"])
        await wait_for(pilot, lambda: "exists: choose another name" in static_text(prompt, "#matches"),
                       "the reason in the prompt")
        assert app.screen is prompt and prompt.query_one("#path", Input).value == taken.stem
        post_keys(app, [*"-2", "enter"])
        await wait_main(pilot)
        assert app.document.path == plans / f"{taken.stem}-2.toml"


# --- partners the folder knows ---------------------------------------------------------------------


async def _new_plan_form(pilot, app) -> PartnerForm:
    await view_of(pilot)
    post_keys(app, ["n", "enter"])
    await wait_main(pilot)
    await ready(pilot)
    post_keys(app, ["a"])
    return await wait_screen(pilot, PartnerForm)


@pytest.mark.one_size
async def test_ould_offers_oulu_from_another_plan_and_one_key_fills_it(plans: Path, size):
    app, _ = folder_app(plans)
    async with app.run_test(size=size) as pilot:
        form = await _new_plan_form(pilot, app)
        # the letters that find it, then the only keys besides them (the measure: at most 4):
        # ctrl+t takes it, enter saves the partner
        keys = ["ctrl+t", "enter"]
        post_keys(app, [*"Ould", keys[0]])
        await wait_for(pilot, lambda: form.query_one("#pic", Input).value == OULU.pic, "the known partner filled in")
        assert form.query_one("#name", Input).value == OULU.name
        assert form.query_one("#short_name", Input).value == OULU.short_name
        assert form.query_one("#country", Picker).value == OULU.country
        assert form.query_one("#kind", Picker).value == OULU.kind
        assert form.query_one("#eche", Picker).value == "yes"
        assert str(form.query_one("#known-hint").render()) == "Filled in from plan-003.toml"
        post_keys(app, [keys[1]])
        await wait_main(pilot)
        (added,) = app.document.plan.partners
        assert (added.name, added.pic, added.country, added.kind, added.eche) == (
            OULU.name, OULU.pic, OULU.country, OULU.kind, True)


async def test_a_known_partner_without_a_pic_keeps_the_pic_in_the_form(plans: Path):
    """The folder knows Oulu without its PIC; the PIC typed in the form stays when ctrl+t takes Oulu, and
    the line under the suggestions says so (taking a copy without a PIC erased a partner's PIC)."""
    for path in plans.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if OULU.pic in text:
            path.write_text(text.replace(f'pic = "{OULU.pic}"\n', ""), encoding="utf-8")
    app, _ = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _new_plan_form(pilot, app)
        pic = form.query_one("#pic", Input)
        await focus(pilot, pic)
        await type_text(pilot, "999111222", done=lambda: pic.value == "999111222")
        await focus(pilot, form.query_one("#name", Input))
        post_keys(app, [*"Ould", "ctrl+t"])
        await wait_for(pilot, lambda: form.query_one("#name", Input).value == OULU.name, "Oulu taken")
        assert pic.value == "999111222"
        assert form.query_one("#country", Picker).value == OULU.country
        hint = str(form.query_one("#known-hint").render())
        assert hint.startswith("Filled in from plan-003.toml; PIC kept as it was (not in plan-003.toml)"), hint
        post_keys(app, ["enter"])
        await wait_main(pilot)
        (added,) = app.document.plan.partners
        assert (added.name, added.pic) == (OULU.name, "999111222")


async def test_the_list_shows_what_is_known_and_enter_saves_when_nothing_was_chosen(plans: Path):
    app, _ = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _new_plan_form(pilot, app)
        post_keys(app, [*"oamk"])
        options = form.query_one("#known", OptionList)
        await wait_for(pilot, lambda: options.display and options.option_count == 1, "the suggestion")
        assert "Oulu University of Applied Sciences (OAMK) · FI · PIC" in screen_text(app)  # one line, cut with …
        hint = str(form.query_one("#known-hint").render())  # the highlighted one in full, under the list
        assert hint.startswith(f"ctrl+t takes it: {OULU.short_name}, {OULU.country}, ")
        assert f"PIC {OULU.pic}, ECHE (from plan-003.toml)" in hint
        assert "ctrl+t takes it" in screen_text(app)
        # enter without a choice made saves what was typed (here: refused, no country or kind)
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: "choose a country" in screen_text(app), "the form's own errors")
        assert form.query_one("#name", Input).value == "oamk"
        # down chooses, enter takes
        await focus(pilot, form.query_one("#name", Input))
        await wait_for(pilot, lambda: options.display, "the suggestion again")
        post_keys(app, ["down", "enter"])
        await wait_for(pilot, lambda: form.query_one("#name", Input).value == OULU.name, "taken by enter")
        assert app.screen is form  # taken, not saved yet


async def test_conflicting_copies_are_both_offered_with_how_they_differ(plans: Path):
    other = load_plan(plans / "plan-004.toml")
    twin = OULU.model_copy(update={"pic": "999555999"})
    (plans / "other.toml").write_text(dump_plan(other.model_copy(update={"partners": (*other.partners, twin)})))
    app, _ = folder_app(plans)
    async with app.run_test(size=(160, 48)) as pilot:
        form = await _new_plan_form(pilot, app)
        post_keys(app, [*"Oulu"])
        options = form.query_one("#known", OptionList)
        await wait_for(pilot, lambda: options.option_count == 2, "both copies")
        text = screen_text(app)
        assert "! another copy has PIC 999555999 (other.toml)" in text
        assert "! another copy has PIC 999555001 (plan-003.toml)" in text
        second = form._offered[1].pic
        post_keys(app, ["down"])
        await wait_for(pilot, lambda: f"PIC {second}" in str(form.query_one("#known-hint").render()),
                       "the second copy in full under the list")
        post_keys(app, ["ctrl+t"])  # the second copy: 2 keys besides the letters
        await wait_for(pilot, lambda: form.query_one("#pic", Input).value != "", "a copy taken")
        assert form.query_one("#pic", Input).value == second


async def test_partners_toml_is_offered_and_the_plan_s_own_partners_are_not(plans: Path):
    (plans / "partners.toml").write_text(
        '[[partners]]\nname = "Tampere Vocational College"\nshort_name = "TREDU"\ncountry = "FI"\n'
        'kind = "vet-provider"\npic = "999555002"\n', encoding="utf-8")
    app, _ = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _new_plan_form(pilot, app)
        await pilot.press("tab")  # the short name field looks up too
        post_keys(app, [*"TRED", "ctrl+t"])
        await wait_for(pilot, lambda: form.query_one("#name", Input).value == "Tampere Vocational College",
                       "the directory's partner")
        assert form.query_one("#kind", Picker).value == "vet-provider"
        post_keys(app, ["enter"])
        await wait_main(pilot)
        post_keys(app, ["a"])
        form = await wait_screen(pilot, PartnerForm)
        post_keys(app, [*"Tampere"])
        await pilot.pause()
        await wait_for(pilot, lambda: form.known is not None, "the folder read")
        assert form.query_one("#known", OptionList).option_count == 0  # already in this plan


async def test_a_folder_of_200_plans_lists_each_verdict_and_holder_and_enter_opens_one(tmp_path: Path):
    write_plans(tmp_path, 200)
    process = hold(tmp_path / "plan-150.toml", user="coord")
    try:
        app, _ = folder_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            view = await view_of(pilot)
            assert len(view.entries) == 200 and view.query_one(PlansTable).row_count == 200
            assert [e.name for e in view.entries if e.open_by] == ["plan-150.toml"]
            assert sum(e.error is not None for e in view.entries) == 3
            assert all(e.verdict for e in view.entries)
            post_keys(app, ["/", *"P151", "enter", "enter"])
            await wait_main(pilot)
            assert app.document.path == tmp_path / "plan-151.toml"
    finally:
        process.kill()
        process.wait()


def samples_folder(tmp_path: Path) -> PlannerApp:
    """The folder view of a folder holding the four samples."""
    for sample in ("lot1-example", "lot2-example", "lot2-draft", "lot3-example"):
        shutil.copyfile(SAMPLES / f"{sample}.toml", tmp_path / f"{sample}.toml")
    return folder_app(tmp_path)[0]


async def four_samples(pilot) -> FolderScreen:
    view = await view_of(pilot)
    await wait_for(pilot, lambda: len(rows(view)) == 4, "the four samples")
    return view


async def test_lot_and_a_number_filter_one_lot_not_every_plan_of_a_year(tmp_path: Path):
    """'lot 2' is the words of the hint: as two words 'lot' and '2' it matched every plan of call 2024."""
    app = samples_folder(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await four_samples(pilot)
        post_keys(app, ["/", *"lot 2"])
        await wait_for(pilot, lambda: view.query_one("#filter", Input).value == "lot 2", "the filter typed")
        await wait_for(pilot, lambda: rows(view) == ["lot2-draft.toml", "lot2-example.toml"], "the Lot 2 plans")


async def test_eligible_in_the_filter_is_the_verdict_not_a_part_of_not_eligible(tmp_path: Path):
    """'eligible', a word the field's hint suggests, matched the NOT ELIGIBLE plans too."""
    app = samples_folder(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await four_samples(pilot)
        post_keys(app, ["/", *"eligible"])
        await wait_for(pilot, lambda: rows(view) == ["lot1-example.toml", "lot2-example.toml", "lot3-example.toml"],
                       "the eligible plans")
        view.query_one("#filter", Input).value = ""
        post_keys(app, [*"not eligible"])
        await wait_for(pilot, lambda: view.query_one("#filter", Input).value == "not eligible", "the filter typed")
        await wait_for(pilot, lambda: rows(view) == ["lot2-draft.toml"], f"the plan that is not eligible {rows(view)}")


async def test_a_name_alone_in_the_folder_field_is_read_in_the_folder_shown(tmp_path: Path, monkeypatch):
    """Started elsewhere: `lot1-example.toml` typed in the folder field opens the plan of the folder shown,
    not a file of the folder the planner was started in."""
    folder = tmp_path / "proposals"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "lot1-example.toml", folder / "lot1-example.toml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    app, notes = folder_app(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await view_of(pilot)
        post_keys(app, ["ctrl+l", *"lot1-example.toml", "enter"])
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path == folder / "lot1-example.toml", "the folder's plan open")
        assert not [n for n in notes if n.severity == "error"], notes


async def test_enter_opens_the_plan_the_view_read_without_reading_it_again(plans: Path, monkeypatch):
    """The view reads the plan first (a bad file is refused while the view stays); the app then opens
    that same reading (FolderScreen.OpenPlan), not a second one of the file."""
    import planner.tui.opening as opening

    reads: list[str] = []
    real = opening.read_plan_file  # how opening reads a plan since saves keep its form (storage.read_plan_file)

    def counted(path, rules=None):
        reads.append(Path(path).name)
        return real(path, rules)

    monkeypatch.setattr(opening, "read_plan_file", counted)
    app, notes = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        await view_of(pilot)
        post_keys(app, ["/", *"P004", "enter", "enter"])  # nothing unsaved: no question
        await wait_main(pilot)
        assert app.document.path == plans / "plan-004.toml"
        assert app.document.plan.acronym == "P004"
        assert reads == ["plan-004.toml"]
        assert not [n for n in notes if n.severity == "error"], notes


async def test_a_plan_with_changes_left_unsaved_says_so_in_the_view(plans: Path):
    import os
    import subprocess
    import sys

    import tomli_w

    from planner import recovery
    from planner.files import this_host

    plan = plans / "plan-004.toml"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    edited = load_plan(plan).model_copy(update={"title": "Edited, never saved"})
    recovery.beside(plan).write_text(
        f'format = 1\nfile = "{os.path.realpath(plan)}"\nuser = "coord"\nhost = "{this_host()}"\n'
        f"pid = {gone.pid}\nsince = 2026-12-01T08:10:00Z\nupdated = 2026-12-01T09:30:00Z\n"
        + tomli_w.dumps({"unsaved": dump_plan(edited)}, multiline_strings=True), encoding="utf-8")
    app, _ = folder_app(plans)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await view_of(pilot)
        await wait_for(pilot, lambda: "! unsaved left" in screen_text(app), "the mark in the Open by column")
        post_keys(app, ["/", *"P004"])
        await wait_for(pilot, lambda: "changes left unsaved by coord" in screen_text(app), "the line under it")
        assert "opening it offers them back" in " ".join(screen_text(app).split())
        assert view.entries


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
async def test_variants_of_one_long_name_are_told_apart_when_their_names_are_cut(tmp_path: Path, size):
    """Cut at the end, three variants of one long name read alike ('erasmus-alliance…' three times) at 80
    columns: the cut is in the middle, where it keeps the end in which they differ."""
    stem = "erasmus-alliance-renewables-consortium-2027"
    ends = ("draft-a", "draft-b", "final")
    for end in ends:
        shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / f"{stem}-{end}.toml")
    app = folder_app(tmp_path)[0]
    async with app.run_test(size=size) as pilot:
        view = await view_of(pilot)
        await wait_for(pilot, lambda: len(rows(view)) == 3, "the three variants")
        lines = [line for line in screen_text(app).splitlines() if line.strip().startswith("erasm")]
        shown = [line.split()[0] for line in lines if ".toml" not in line]  # not the line under the table
        assert len(shown) == 3 and len(set(shown)) == 3, shown
        for name, end in zip(shown, ends):
            head, _, tail = name.partition("…")
            assert tail and f"{stem}-{end}".endswith(tail) and stem.startswith(head), name
        # the title gone below 80 columns is gone, not a column of "…" one cell wide
        assert "T  " not in screen_text(app).splitlines()[4] and " … " not in lines[0]


async def test_started_on_a_folder_the_footer_offers_no_way_back_to_a_plan(plans: Path):
    """'esc Back' stood in the footer with no plan open to go back to."""
    app, notes = folder_app(plans)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await view_of(pilot)

        def shown() -> set[str]:
            return set(footer_keys(view))

        await wait_for(pilot, lambda: "n" in shown(), "the footer")
        assert "esc" not in shown()
        post_keys(app, ["/", "p"])  # a filter typed: escape clears it, and says so
        await wait_for(pilot, lambda: "esc" in shown(), "esc offered with a filter")


async def test_ctrl_o_from_a_new_plan_names_the_folder_not_a_dot(plans: Path, monkeypatch):
    """A new plan has no folder of its own: the view showed the one the planner started in as 'Plans — .'."""
    monkeypatch.chdir(plans)
    app, _ = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        view = await view_of(pilot)
        assert view.folder == plans  # by its name, whatever its length: the screen cuts a long one
        text = screen_text(app)
        assert not re.search(r"Plans — \.\s", text) and "Folder ./" not in text, text


@pytest.mark.one_size
async def test_a_plan_on_an_expected_call_is_marked_provisional_in_the_folder_view(tmp_path: Path, size):
    """A 2027 plan showed a plain '✓ ELIGIBLE': the call is expected, its every rule provisional."""
    from planner.rules import load_call
    from support import passing_plan

    where = tmp_path / "plans"
    where.mkdir()
    rules = load_call("2027")
    (where / "next.toml").write_text(dump_plan(passing_plan(rules, 1).model_copy(update={"call": "2027"})),
                                     encoding="utf-8")
    shutil.copyfile(SAMPLES / "lot1-example.toml", where / "old.toml")
    app, _ = folder_app(where)
    async with app.run_test(size=size) as pilot:
        view = await view_of(pilot)
        table = view.query_one(PlansTable)
        cells = {e.name: table.get_row(e.name) for e in view.shown}
        verdict = PlansTable.COLUMNS.index(next(c for c in PlansTable.COLUMNS if c.key == "verdict"))
        assert str(getattr(cells["next.toml"][verdict], "plain", "")) == "✓ ELIGIBLE *"
        assert str(getattr(cells["old.toml"][verdict], "plain", "")) == "✓ ELIGIBLE"
        assert "* provisional: call expected" in static_text(view, "#folder-sort")
        table.move_cursor(row=rows(view).index("next.toml"))
        await wait_for(pilot, lambda: "(provisional: call 2027 is expected, not published)"
                       in " ".join(static_text(view, "#folder-detail").split()), "the line under the table says why")


async def test_at_40x12_a_notice_too_long_for_its_lines_ends_with_an_ellipsis(tmp_path: Path):
    """A dialog's notice (here the folder view's) has four lines at most: at 40 columns the reason why a plan
    in a deep folder cannot be opened ("lot: expected integer...") fell past them, cut without a sign."""
    where = tmp_path / "shared-drive-of-the-consortium" / "proposals-2027"
    where.mkdir(parents=True)
    text = (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8").replace("\nlot = 1\n", '\nlot = "one"\n')
    (where / "alliance-plan-for-the-offshore-wind-skills-consortium.toml").write_text(text, encoding="utf-8")
    app, notes = folder_app(where)
    async with app.run_test(size=(40, 12)) as pilot:
        view = await view_of(pilot)
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), "the reason")
        await wait_for(pilot, lambda: "✗ This file cannot be opened" in screen_text(app), "the notice drawn")
        await pilot.pause()
        full = " ".join(f"✗ {notes[-1].title}: {notes[-1].message}".split())
        assert len(full) > 4 * 38  # more than its four lines hold
        lines = [line for line in screen_text(app).splitlines()[:-1] if line.strip()][-4:]
        assert lines[0].strip().startswith("✗ This file cannot be opened"), lines
        assert lines[-1].rstrip().endswith("…"), lines
        shown = "".join(line.strip() for line in lines).removesuffix("…")
        assert full.replace(" ", "").startswith(shown.replace(" ", "")), (shown, full)
        assert app.screen is view


async def test_the_footer_offers_enter_to_open_and_enter_opens(plans: Path, size):
    # the table's own enter (Textual's 'select', never shown) hid the view's first key from its footer
    app, _ = folder_app(plans)
    async with app.run_test(size=size) as pilot:
        view = await view_of(pilot)
        await wait_for(pilot, lambda: "⏎ Open" in screen_text(app).splitlines()[-1], "⏎ Open in the footer")
        table = view.query_one(PlansTable)
        assert app.focused is table
        table.move_cursor(row=[e.name for e in view.shown].index("plan-003.toml"))
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.path is not None and app.document.path.name == "plan-003.toml"


async def test_question_mark_and_f1_show_the_folder_views_keys(tmp_path: Path) -> None:
    """The footer ended '…' at 40 columns ('S', 'r' and ctrl+q out of sight), and ? and f1 did nothing."""
    from planner.tui.screens.help import HelpScreen

    from .helpers import keys_listed

    write_plans(tmp_path, 3)
    app, _ = folder_app(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        view = await view_of(pilot)
        text = await keys_listed(pilot, view, "question_mark")
        assert "sort the other way" in text and "read the folder again" in text and "On the main screen" in text
        await pilot.press("escape")
        await wait_screen(pilot, FolderScreen)
        await pilot.press("slash")  # in the filter ? types: f1 is the help there
        await wait_for(pilot, lambda: app.focused is view.query_one("#filter"), "the filter")
        await pilot.press("f1")
        await wait_screen(pilot, HelpScreen)


async def test_unsaved_in_the_filter_finds_the_plans_with_unsaved_changes_left(tmp_path: Path):
    """A plan marked '! unsaved left' was not found by typing 'unsaved' in the filter."""
    import subprocess

    from planner import recovery

    app = samples_folder(tmp_path)
    plan = next(tmp_path.rglob("lot3-example.toml"))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    recovery.beside(plan).write_text(
        f'format = 1\nfile = "{plan.resolve()}"\nuser = "coord"\nhost = "{this_host()}"\npid = {gone.pid}\n'
        'since = 2026-12-01T08:10:00Z\nupdated = 2026-12-01T09:30:00Z\n\n[draft]\nform = "partner"\nindex = -1\n\n'
        '[draft.fields]\nname = "Typed, never saved"\n', encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await four_samples(pilot)
        post_keys(app, ["/", *"unsaved"])
        await wait_for(pilot, lambda: rows(view) == ["lot3-example.toml"], "the plan with unsaved changes left")


async def test_the_palette_over_the_folder_view_offers_no_action_on_the_plan_out_of_sight(tmp_path: Path):
    """ctrl+p, 'Add partner' from the folder view opened the partner form of the plan hidden under it."""
    from textual.command import CommandPalette

    app = samples_folder(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await four_samples(pilot)
        titles = [c.title for c in app.get_system_commands(view)]
        assert "Quit" in titles and not any("partner" in t.casefold() for t in titles), titles
        await pilot.press("ctrl+p")
        await wait_screen(pilot, CommandPalette)
        post_keys(app, [*"add partner"])
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is view, "back on the folder view")
        main_titles = [c.title for c in app.get_system_commands(app.main)]
        assert any("partner" in t.casefold() for t in main_titles)  # over the plan itself they are there
