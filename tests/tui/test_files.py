"""Files from the TUI: save, save as, changed on disk, open, quit with unsaved changes; and `planner PLAN`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from textual.widgets import Input

from planner.storage import load_plan
from planner.tui.screens.compare import CompareScreen
from planner.tui.screens.dialogs import Choice, PathPrompt
from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.partner_form import PartnerForm
from planner.tui.screens.plan_details import PlanDetails

from .helpers import (
    ROOT,
    SAMPLES,
    fill_partner,
    lot_switched,
    make_app,
    open_screen,
    post_keys,
    ready,
    replace_text,
    saved_with_ctrl_s,
    screen_text,
    static_text,
    through_path_prompt,
    type_text,
    verdict,
    wait_for,
    wait_main,
    wait_screen,
)


def buttons(screen) -> list[str]:
    return [b.id for b in screen.query("Button")]


@pytest.mark.one_size
async def test_save_then_reload_and_ask_before_overwriting_a_changed_file(draft, size):
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        await saved_with_ctrl_s(pilot)
        assert len(app.screen_stack) == 1  # the file was ours: no question asked
        assert load_plan(draft) == app.document.plan
        assert load_plan(draft).lot == 1
        assert app.title == "draft.toml"
        assert any(n.message == f"Saved {draft}" for n in notes)

        # someone else writes the file; our next save asks first
        theirs = draft.read_text(encoding="utf-8").replace('acronym = "AGRI-DATA"', 'acronym = "THEIRS"')
        draft.write_text(theirs, encoding="utf-8")
        await lot_switched(pilot)
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, Choice)
        assert "was saved by someone else" in dialog.question
        assert "acronym “AGRI-DATA” → “THEIRS”" in dialog.question  # their change, old and new
        assert buttons(dialog) == ["choice-reload", "choice-merge", "choice-keep", "choice-copy", "choice-cancel"]
        await pilot.click("#choice-cancel")
        await wait_main(pilot)
        assert draft.read_text(encoding="utf-8") == theirs
        assert app.document.dirty

        await pilot.press("ctrl+s")
        await wait_screen(pilot, Choice)
        await pilot.click("#choice-keep")
        await wait_main(pilot)
        await wait_for(pilot, lambda: not app.document.dirty, "the overwrite")
        assert load_plan(draft) == app.document.plan
        assert load_plan(draft).acronym == "AGRI-DATA"


async def ask_merge(pilot) -> None:
    """ctrl+s on a file someone else saved, then Merge chosen with the keys (from Cancel, the default)."""
    await pilot.press("ctrl+s")
    dialog = await wait_screen(pilot, Choice)
    assert buttons(dialog) == ["choice-reload", "choice-merge", "choice-keep", "choice-copy", "choice-cancel"]
    assert "merge theirs with yours" in dialog.question
    await pilot.press("left", "left", "left")
    await wait_for(pilot, lambda: pilot.app.focused is dialog.query_one("#choice-merge"), "Merge in focus")
    await pilot.press("enter")


@pytest.mark.one_size
async def test_merge_takes_their_changes_and_mine_and_saves_over_theirs_without_asking_again(draft, size):
    """Someone else saved the file (a new acronym, a comment of theirs) while mine has an unsaved change
    (the lot): Merge keeps both, as an unsaved edit of their version; ctrl+z goes back to theirs, then to
    mine; ctrl+s then saves over theirs without asking, their comment kept."""
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        mine_before = app.document.plan
        await lot_switched(pilot)
        lot = app.document.plan.lot
        assert lot != mine_before.lot
        theirs = draft.read_text(encoding="utf-8").replace('acronym = "AGRI-DATA"', 'acronym = "THEIRS"').replace(
            "\n[[partners]]", "\n# agreed with the partners on 3 December\n[[partners]]", 1)
        draft.write_text(theirs, encoding="utf-8")
        await ask_merge(pilot)
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.acronym == "THEIRS", "their change taken")
        merged = app.document.plan
        assert merged.lot == lot and app.document.dirty
        assert draft.read_text(encoding="utf-8") == theirs  # nothing written yet
        assert any(n.message.startswith("Merged your changes with theirs: not saved yet") for n in notes)
        assert "●" in app.title

        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan == load_plan(draft), "back to theirs")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: app.document.plan.acronym == "AGRI-DATA", "back to mine")
        assert app.document.plan.lot == lot
        await pilot.press("ctrl+y", "ctrl+y")
        await wait_for(pilot, lambda: app.document.plan == merged, "the merge again")

        await saved_with_ctrl_s(pilot)
        assert len(app.screen_stack) == 1  # theirs is the version we hold now: no question
        saved = draft.read_text(encoding="utf-8")
        assert load_plan(draft) == merged
        assert "# agreed with the partners on 3 December" in saved and f"lot = {lot}" in saved


@pytest.mark.one_size
async def test_merge_with_a_value_both_changed_asks_which_side_of_it_to_take(draft, size):
    """Both changed the requested grant; they the acronym too, I the lot: the conflict screen shows the
    grant as mine and as theirs; t takes theirs, and their acronym and my lot come with it."""
    from planner.tui.screens.conflicts import ConflictScreen

    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("g", "end", "ctrl+u")
        await type_text(pilot, "3,800,000")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 3_800_000, "my grant")
        await pilot.press("l")
        await wait_for(pilot, lambda: app.document.plan.lot == 1, "my lot")
        theirs = draft.read_text(encoding="utf-8").replace('acronym = "AGRI-DATA"', 'acronym = "THEIRS"').replace(
            "requested_grant_eur = 3900000", "requested_grant_eur = 3700000")
        draft.write_text(theirs, encoding="utf-8")
        await ask_merge(pilot)
        screen = await wait_screen(pilot, ConflictScreen)
        question = static_text(screen, ".question")
        assert question.startswith("You and they changed a value of draft.toml differently: take one side of "
                                   "each; every other change of both is kept.")
        ours, theirs_side = static_text(screen, "#conflict-ours"), static_text(screen, "#conflict-theirs")
        assert ours.startswith("( ) o: yours (your unsaved changes)") and "requested_grant_eur = 3800000" in ours
        assert theirs_side.startswith("( ) t: theirs (saved by someone else)")
        assert "requested_grant_eur = 3700000" in theirs_side
        await pilot.press("t", "enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan.requested_grant_eur == 3_700_000, "their grant taken")
        assert app.document.plan.acronym == "THEIRS" and app.document.plan.lot == 1 and app.document.dirty
        assert draft.read_text(encoding="utf-8") == theirs


async def test_merge_of_two_versions_that_together_break_a_rule_shows_each_of_their_changes(draft):
    """I add a partner XY, they give HZD the short name XY: each version is a plan, the two merged are not.
    The conflict screen says why and shows their change as a conflict; taking mine of it keeps both my
    partner and HZD as it was."""
    from planner.tui.screens.conflicts import ConflictScreen

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = len(app.document.plan.partners)
        form = await open_screen(pilot, "a", PartnerForm)
        await fill_partner(pilot, form, "Xylo Data Oy", "XY", country=("fin", "FI"), kind=("sme", "enterprise"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.document.plan.partners) == before + 1, "my partner")
        draft.write_text(draft.read_text(encoding="utf-8").replace('short_name = "HZD"', 'short_name = "XY"'),
                         encoding="utf-8")
        await ask_merge(pilot)
        screen = await wait_screen(pilot, ConflictScreen)
        question = re.sub(r"\s+", " ", static_text(screen, ".question"))
        assert question.startswith("Your changes and theirs together are not a valid plan (")
        assert "'XY' is already the short name" in question
        assert 'short_name = "HZD"' in static_text(screen, "#conflict-ours")
        assert 'short_name = "XY"' in static_text(screen, "#conflict-theirs")
        await pilot.press("o", "enter")
        await wait_main(pilot)
        shorts = [p.short_name for p in app.document.plan.partners]
        assert "HZD" in shorts and shorts[-1] == "XY" and app.document.dirty


@pytest.mark.one_size
async def test_save_as_for_a_read_only_sample(tmp_path, size):
    folder = tmp_path / "samples"
    folder.mkdir()
    sample = folder / "lot2-draft.toml"
    shutil.copyfile(SAMPLES / "lot2-draft.toml", sample)
    original = sample.read_bytes()
    stat = sample.stat()
    mine = tmp_path / "mine.toml"

    app, _ = make_app(sample, read_only=True)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.title == "lot2-draft.toml [read-only]"
        await lot_switched(pilot)
        await pilot.press("ctrl+s")
        prompt = await wait_screen(pilot, PathPrompt)
        path_input = prompt.query_one("#path", Input)
        # a suggestion in the empty field, from the acronym; a relative path starts in the plan's folder
        assert path_input.value == "" and path_input.placeholder == "agri-data.toml"
        assert str(folder) in static_text(prompt, "#folder")
        assert app.focused is path_input
        await type_text(pilot, "../mine.toml")
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: mine.exists(), "the new file")
        assert load_plan(mine) == app.document.plan
        assert load_plan(mine).lot == 1
        assert app.document.path == mine
        assert not app.document.read_only and not app.document.dirty
        assert app.title == "mine.toml"

    assert sample.read_bytes() == original
    assert sample.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in folder.iterdir()) == ["lot2-draft.toml"]  # no temporary file left either


async def test_save_as_refuses_a_folder_and_asks_before_replacing(tmp_path):
    existing = tmp_path / "existing.toml"
    existing.write_text("# not mine\n", encoding="utf-8")
    app, notes = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.title == "new plan"
        await pilot.press("ctrl+s")
        # the first save of a new plan asks for its title first (the placeholder is not saved as data)
        await wait_screen(pilot, PlanDetails)
        await type_text(pilot, "Skills for Tomorrow")
        await pilot.press("enter")
        prompt = await wait_screen(pilot, PathPrompt)
        assert prompt.query_one("#path", Input).placeholder == "skills-for-tomorrow.toml"  # from the title
        await replace_text(pilot, str(tmp_path))
        await pilot.press("enter")
        await wait_main(pilot)
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), "the folder error")
        assert "is a folder" in notes[-1].message
        assert app.document.path is None

        await through_path_prompt(pilot, "ctrl+s", existing)
        dialog = await wait_screen(pilot, Choice)
        assert "exists" in dialog.question
        assert existing.read_text(encoding="utf-8") == "# not mine\n"  # not before the answer
        await pilot.click("#choice-replace")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path == existing, "the save")
        assert load_plan(existing) == app.document.plan


@pytest.mark.one_size
async def test_open_a_broken_file_keeps_the_plan_then_open_a_good_one(draft, lot1, size):
    broken = draft.parent / "broken.toml"
    broken.write_text('format = 1\ntitle = "Broken"\nlot = = 2\n', encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        document, before = app.document, verdict(app)
        await pilot.press("ctrl+o", "ctrl+l")
        view = await wait_screen(pilot, FolderScreen)
        path_input = view.query_one("#folder-path", Input)
        assert path_input.value == f"{draft.parent}/"  # starts in the plan's folder
        await pilot.press("end")
        await type_text(pilot, "broken.toml")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), "the error notification")
        assert app.screen is view  # the folder view stays, to choose another
        await pilot.press("escape")
        await wait_main(pilot)
        error = next(n for n in notes if n.severity == "error")
        assert str(broken) in error.message
        assert "line 3" in error.message
        assert "kept" in error.title
        assert app.document is document
        assert verdict(app) == before
        assert app.title == "draft.toml"

        # with unsaved changes, opening asks first; discard opens the other plan
        await lot_switched(pilot)
        await pilot.press("ctrl+o", "ctrl+l")
        await wait_screen(pilot, FolderScreen)
        await pilot.press("end")
        await type_text(pilot, lot1.name)
        await pilot.press("enter")
        dialog = await wait_screen(pilot, Choice)
        assert buttons(dialog) == ["choice-save", "choice-discard", "choice-cancel"]
        await pilot.click("#choice-discard")
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path == lot1, "the other plan")
        assert app.title == "lot1.toml"
        assert verdict(app).startswith("✓ ELIGIBLE") and ": Lot 1" in verdict(app)
        assert app.document.undo_stack == []
        assert load_plan(draft).lot == 2  # discarded, not saved


@pytest.mark.one_size
async def test_quit_with_unsaved_changes(draft, size):
    on_disk = draft.read_bytes()
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        await pilot.press("ctrl+q")
        dialog = await wait_screen(pilot, Choice)
        assert "unsaved changes" in dialog.question
        assert buttons(dialog) == ["choice-save", "choice-discard", "choice-cancel"]
        await pilot.click("#choice-cancel")
        await wait_main(pilot)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.document.dirty

        await pilot.press("ctrl+q")
        await wait_screen(pilot, Choice)
        await pilot.click("#choice-discard")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
        assert app.return_code == 0
    assert draft.read_bytes() == on_disk


async def test_quit_with_a_partner_typed_in_the_form_asks_about_it_first(draft):
    """ctrl+q in the partner form quit at once, the typed partner lost; with other unsaved changes, Save
    saved the plan without it and said nothing. The form's work is named first, Back is the default."""
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("l")  # an unsaved change in the plan too
        await wait_for(pilot, lambda: app.document.dirty, "the edit")
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await type_text(pilot, "Unsaved In Form")
        await pilot.press("ctrl+q")
        question = await wait_screen(pilot, Choice)
        assert "A form is open with the partner being added (Unsaved In Form), which is not in the plan yet" \
            in question.question
        await pilot.press("enter")  # Back to the form: nothing lost
        await wait_screen(pilot, PartnerForm)
        assert app.screen is form and form.query_one("#name", Input).value == "Unsaved In Form"
        assert app.is_running and app.return_code is None
        await pilot.press("ctrl+q")
        await wait_screen(pilot, Choice)
        await pilot.click("#choice-quit")  # then the plan's own question, as always
        dialog = await wait_screen(pilot, Choice)
        assert "unsaved changes" in dialog.question
        await pilot.click("#choice-save")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
    saved = load_plan(draft)
    assert saved.lot == app.document.plan.lot and "Unsaved In Form" not in [p.name for p in saved.partners]


async def test_quit_with_a_budget_line_typed_in_its_form_asks_about_it_first(draft):
    """The budget's line form: ctrl+q asked only about the plan's unsaved changes, and Save saved the plan
    without the 7 typed in the form, and nothing said it was left out."""
    from planner.tui.screens.budget import BudgetScreen
    from planner.tui.screens.budget_forms import LineForm

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await open_screen(pilot, "b", BudgetScreen)
        await open_screen(pilot, "enter", LineForm)
        await pilot.press("ctrl+q")  # nothing typed in the form, nothing unsaved in the plan: it quits
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await open_screen(pilot, "b", BudgetScreen)
        form = await open_screen(pilot, "enter", LineForm)
        await replace_text(pilot, "7")
        await pilot.press("ctrl+q")
        question = await wait_screen(pilot, Choice)
        assert "A form is open with an edit of a budget line, which is not in the plan yet" in question.question
        await pilot.press("enter")  # Back to the form
        await wait_for(pilot, lambda: app.screen is form, "back in the form")
        assert app.is_running


async def test_quit_with_an_untouched_form_open_asks_nothing_more(lot1):
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await open_screen(pilot, "a", PartnerForm)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")


async def test_quit_from_a_dialog_save_writes_then_exits_and_a_clean_quit_asks_nothing(draft, lot1):
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("l", "c")
        await wait_screen(pilot, CompareScreen)
        await pilot.press("ctrl+q")  # works over a dialog too, and still asks
        dialog = await wait_screen(pilot, Choice)
        assert "unsaved changes" in dialog.question
        await pilot.press("escape")
        await wait_screen(pilot, CompareScreen)
        await pilot.press("ctrl+q")
        await wait_screen(pilot, Choice)
        await pilot.click("#choice-save")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
    assert load_plan(draft) == app.document.plan
    assert load_plan(draft).lot == 1

    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None, "the app to exit")
        assert app.return_code == 0


async def test_opening_a_plan_of_another_call_shows_that_calls_deadline(draft, tmp_path):
    other = tmp_path / "call2025.toml"
    other.write_text(draft.read_text(encoding="utf-8").replace('call = "2024"', 'call = "2025"'), encoding="utf-8")
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert "2024" in str(app.query_one("#deadline").render())
        app.open_path(other)
        await wait_for(pilot, lambda: app.document.path == other, "the other plan")
        assert app.document.rules.id == "2025"
        await pilot.pause()
        assert "2025" in str(app.query_one("#deadline").render())



async def test_ctrl_o_on_a_lot_3_plan_of_2026_from_a_2024_plan(draft, tmp_path):
    """Lot 3 exists only in 2026: the lot pane must judge the opened plan by its own call's rules
    (it crashed with KeyError: 3 when it drew the new plan with the old call's lots)."""
    lot3 = tmp_path / "lot3.toml"
    lot3.write_bytes((SAMPLES / "lot3-example.toml").read_bytes())
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["ctrl+o", "ctrl+l"])
        view = await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: view.focused is view.query_one("#folder-path"), "the folder field")
        view.query_one("#folder-path", Input).value = str(lot3)
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: app.document.path == lot3, "the Lot 3 plan to open")
        await wait_for(pilot, lambda: static_text(app, "#lot-name").startswith("Lot 3:"), "Lot 3 in the lot pane")
        assert app.is_running and verdict(app).startswith("✓ ELIGIBLE") and ": Lot 3, 24 months" in verdict(app)

# --- `planner PLAN` with a plan it cannot read ------------------------------------------------


def run_planner(plan, xdg) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(xdg), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "planner", str(plan)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def test_planner_on_a_broken_plan_exits_2_with_the_file_and_line(tmp_path, xdg):
    plan = tmp_path / "broken.toml"
    plan.write_bytes(b'format = 1\ntitle = "Broken"\nlot = 2\n[[partners]]\nname = "A\n')
    before = plan.read_bytes()
    result = run_planner(plan, xdg)
    assert result.returncode == 2, result
    assert re.match(rf"planner: {re.escape(str(plan))}: line 5\b.*not valid TOML", result.stderr), result.stderr
    assert result.stdout == ""  # the TUI never started
    assert plan.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.toml"]


def test_planner_on_a_plan_that_breaks_the_rules_exits_2_naming_the_key(tmp_path, xdg):
    plan = tmp_path / "bad-country.toml"
    text = (SAMPLES / "lot2-draft.toml").read_text(encoding="utf-8").replace('country = "SE"', 'country = "XX"')
    plan.write_text(text, encoding="utf-8")
    result = run_planner(plan, xdg)
    assert result.returncode == 2, result
    assert f"planner: {plan}:" in result.stderr
    assert "partners[8].country: unknown country code 'XX'" in result.stderr
    assert plan.read_text(encoding="utf-8") == text


async def test_a_failed_save_says_why_and_keeps_the_changes(draft, monkeypatch):
    from planner.errors import PlanError

    def refuse(path, data):
        raise PlanError(str(path), "cannot save: no permission to write in folder /srv/shared")

    monkeypatch.setattr("planner.document.write_plan_bytes", refuse)
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = draft.read_bytes()
        await lot_switched(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(n.title == "Not saved" for n in notes), "the 'Not saved' notification")
        assert any("no permission to write in folder /srv/shared" in n.message for n in notes)
        assert app.document.dirty and "●" in app.title
        assert draft.read_bytes() == before
        assert app.is_running


async def test_path_prompt_completes_names_with_tab(tmp_path, draft):
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("partners-2025.csv", "partners-2026.csv", "budget.csv"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "archive").mkdir()
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("i")
        prompt = await wait_screen(pilot, PathPrompt)
        field = prompt.query_one("#path", Input)
        await replace_text(pilot, f"{folder}/b")
        await pilot.press("tab")  # one match: filled in
        assert field.value == f"{folder}/budget.csv"
        assert app.focused is field
        await replace_text(pilot, f"{folder}/ar")
        await pilot.press("tab")  # a folder: with its /
        assert field.value == f"{folder}/archive/"
        await replace_text(pilot, f"{folder}/p")
        await pilot.press("tab")  # the common start
        assert field.value == f"{folder}/partners-202"
        await pilot.press("tab")  # no more in common: listed
        assert "partners-2025.csv" in static_text(prompt, "#matches")
        assert "partners-2026.csv" in static_text(prompt, "#matches")
        await pilot.press("tab")
        assert field.value == f"{folder}/partners-2025.csv"
        await pilot.press("tab")
        assert field.value == f"{folder}/partners-2026.csv"
        await replace_text(pilot, f"{folder}/zz")
        await pilot.press("tab")
        assert "starts with 'zz'" in static_text(prompt, "#matches")
        assert app.focused is field


async def test_the_import_prompt_offers_the_newest_sheet_of_the_folder_and_no_file_that_is_not_there(tmp_path):
    """Its grey text was 'partners.xlsx', a file that was not there, in the grey that means 'enter takes it'
    in the other prompts; enter then said to type a name first."""
    plan = tmp_path / "plan.toml"
    shutil.copyfile(SAMPLES / "lot2-draft.toml", plan)
    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("i")
        prompt = await wait_screen(pilot, PathPrompt)
        field = prompt.query_one("#path", Input)
        assert field.placeholder == "the name of a .csv, .xlsx, .xls or .ods file"  # no sheet here: none offered
        await pilot.press("escape")
        await wait_main(pilot)
        for age, name in ((200, "old.xlsx"), (100, "partners.csv"), (300, ".hidden.csv"), (0, "notes.txt")):
            (tmp_path / name).write_text("Name;Country\n", encoding="utf-8")
            os.utime(tmp_path / name, (time.time() - age, time.time() - age))
        await pilot.press("i")
        prompt = await wait_screen(pilot, PathPrompt)
        assert prompt.query_one("#path", Input).placeholder == "partners.csv"  # the newest sheet or CSV
        assert "enter: partners.csv" in screen_text(app)


@pytest.mark.one_size
async def test_a_save_that_cannot_keep_the_files_form_says_so(tmp_path, size, monkeypatch):
    """The writer keeps a hand-written file's comments; where it cannot (a layout tomlkit cannot edit), the
    file was written in the planner's layout with a plain 'Saved': its comments gone without a word."""
    import planner.tomledit

    path = tmp_path / "plan.toml"
    path.write_text("# ask Marta first\n" + (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")

    def cannot(*_args, **_kwargs):
        raise ValueError("a layout the writer cannot edit")

    monkeypatch.setattr(planner.tomledit, "edit_text", cannot)
    app, notes = make_app(path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await lot_switched(pilot)
        await saved_with_ctrl_s(pilot)
        said = next(n for n in notes if n.message.startswith("Saved"))
        assert said.severity == "warning" and "could not be kept" in said.message, said
    assert "# ask Marta first" not in path.read_text(encoding="utf-8")  # the case: the form was not kept
    assert load_plan(path).lot == app.document.plan.lot


@pytest.mark.one_size
async def test_a_plan_renamed_while_open_is_said_gone_and_saved_there_again_knowingly(tmp_path, size):
    """mv plan.toml plan-renamed.toml while it was open: no word, and ctrl+s wrote plan.toml again beside
    the renamed one. The title and a notice now say the file is gone from disk, and what ctrl+s does."""
    path = tmp_path / "plan.toml"
    path.write_bytes((SAMPLES / "lot1-example.toml").read_bytes())
    app, notes = make_app(path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        path.rename(tmp_path / "plan-renamed.toml")
        app.check_disk()  # at intervals, or when the terminal has the focus again
        await wait_for(pilot, lambda: "[gone from disk]" in app.title, "the title says so")
        said = next(n for n in notes if n.title == "Gone from disk")
        assert "plan.toml is no longer in" in said.message and "(moved, renamed or deleted)" in said.message
        await pilot.press("l", "ctrl+s")  # an edit, saved where the file was, as the notice said
        await wait_for(pilot, lambda: path.exists() and not app.document.dirty, "saved again")
        await wait_for(pilot, lambda: "[gone from disk]" not in app.title, "the title back")
