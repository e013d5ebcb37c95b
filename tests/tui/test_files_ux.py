"""Files without surprises and two copies of one file, driven by keys (bursts too): paths from the
plan's folder, tab, not found naming the folder, a missing plan on the command line, new plan, save as,
export; another copy's save: reload (ours one ctrl+z away), keep mine, save a copy, and the title."""

from __future__ import annotations

import csv as csv_module
import io
import shutil
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from planner.model import Partner
from planner.storage import load_plan, save_plan
from planner.tui.app import PlannerApp, open_document
from planner.tui.screens.dialogs import Choice, PathPrompt

from .helpers import (
    SAMPLES,
    ask_to_import,
    fill_partner,
    make_app,
    post_keys,
    ready,
    type_text,
    wait_for,
    wait_main,
    wait_screen,
)


def question(screen) -> str:
    return str(screen.query_one(".question", Static).render())


async def take_the_suggestion(pilot, folder: Path, name: str) -> Path:
    """The path prompt offers `name` (greyed in its empty field) and enter takes it: the file it names in
    `folder`, once the planner has written it."""
    prompt = await wait_screen(pilot, PathPrompt)
    assert prompt.query_one("#path", Input).placeholder == name
    post_keys(pilot.app, ["enter"])
    await wait_main(pilot)
    written = folder / name
    await wait_for(pilot, written.exists, f"{name} written")
    return written


def another_copy_saves(path):
    """What a second planner on the same file would write: a partner more and another grant."""
    plan = load_plan(path)
    cam = Partner(name="Cambridge Biltong Ltd", short_name="CAM-BIL", country="IE", kind="enterprise",
                  role="beneficiary")
    theirs = plan.model_copy(update={"partners": (*plan.partners, cam), "requested_grant_eur": 3_950_000})
    save_plan(theirs, path)
    return load_plan(path)


@pytest.mark.one_size
async def test_reload_lists_their_changes_and_keeps_mine_one_undo_away(draft, size):
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        post_keys(app, ["l"])  # my edit, not saved
        await wait_for(pilot, lambda: app.document.dirty, "my edit")
        mine = app.document.plan
        theirs = another_copy_saves(draft)
        post_keys(app, ["ctrl+s"])
        dialog = await wait_screen(pilot, Choice)
        text = question(dialog)
        assert "CAM-BIL added" in text and "grant EUR 3,900,000 → 3,950,000" in text
        assert app.focused.id == "choice-cancel"  # enter loses nothing
        post_keys(app, ["left", "left", "left", "left", "enter"])  # Reload (Cancel, Save a copy, Keep, Merge)
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.plan == theirs, "their version")
        assert not app.document.dirty and "CAM-BIL" in [p.short_name for p in app.document.plan.partners]
        assert any("ctrl+z brings your version back" in n.message for n in notes)
        post_keys(app, ["ctrl+z"])
        await wait_for(pilot, lambda: app.document.plan == mine, "mine back")
        post_keys(app, ["ctrl+s"])  # the file is theirs as we read it: saved without a question
        await wait_for(pilot, lambda: not app.document.dirty, "the save")
        assert load_plan(draft) == mine


async def test_save_mine_as_a_copy_leaves_theirs(draft):
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["l"])
        await wait_for(pilot, lambda: app.document.dirty, "my edit")
        mine = app.document.plan
        theirs = another_copy_saves(draft)
        post_keys(app, ["ctrl+s"])
        await wait_screen(pilot, Choice)
        post_keys(app, ["left", "enter"])  # Save a copy
        copy = await take_the_suggestion(pilot, draft.parent, "draft-copy.toml")
        assert load_plan(copy) == mine and load_plan(draft) == theirs
        assert app.document.path == copy and not app.document.dirty


async def test_the_title_says_when_another_copy_saved(draft):
    app, notes = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert "changed on disk" not in app.title
        another_copy_saves(draft)
        app.post_message(events.AppFocus())  # the terminal gets the focus back (the check also runs every 2 s)
        await wait_for(pilot, lambda: "[changed on disk]" in app.title, "the title's mark")
        await wait_for(pilot, lambda: any("saved by someone else" in n.message for n in notes), "the notice")
        assert len(app.screen_stack) == 1  # a notice, no question in the way
        post_keys(app, ["ctrl+s"])
        await wait_screen(pilot, Choice)
        post_keys(app, ["left", "left", "left", "enter"])  # Reload (nothing unsaved: no Merge)
        await wait_main(pilot)
        await wait_for(pilot, lambda: "changed on disk" not in app.title, "the mark gone after the reload")


@pytest.mark.one_size
async def test_a_missing_plan_on_the_command_line_is_said_with_similar_names(tmp_path, size):
    real = tmp_path / "my-plan.toml"
    shutil.copyfile(SAMPLES / "lot1-example.toml", real)
    app = PlannerApp(open_document(tmp_path / "my-paln.toml"), ask_if_missing=True)
    async with app.run_test(size=size) as pilot:
        dialog = await wait_screen(pilot, Choice)
        text = question(dialog)
        assert "my-paln.toml does not exist: a new plan will be saved there" in text
        assert "my-plan.toml" in text
        assert [b.id for b in dialog.query("Button")] == ["choice-new", "choice-open0", "choice-quit"]
        post_keys(app, ["right", "enter"])  # Open my-plan.toml
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path == real, "the plan meant")
        assert app.document.plan == load_plan(real)


async def test_a_missing_plan_with_two_similar_names_keeps_every_button_on_screen(tmp_path):
    """Two close names and one that only shares '.toml': the question names the two, and its three
    buttons (New plan, Open the closest, Quit) stay within 80 columns."""
    for name in ("my-plan.toml", "my-plans.toml", "a.toml"):
        shutil.copyfile(SAMPLES / "lot1-example.toml", tmp_path / name)
    app = PlannerApp(open_document(tmp_path / "my-paln.toml"), ask_if_missing=True)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_screen(pilot, Choice)
        text = question(dialog)
        assert "my-plan.toml" in text and "my-plans.toml" in text and "a.toml" not in text.replace("paln.toml", "")
        buttons = list(dialog.query("Button"))
        assert [b.id for b in buttons] == ["choice-new", "choice-open0", "choice-quit"]
        await wait_for(pilot, lambda: all(b.region.width > 0 for b in buttons), "the buttons laid out")
        assert all(0 <= b.region.x and b.region.right <= 80 for b in buttons), [b.region for b in buttons]


async def test_a_missing_plan_becomes_a_new_plan_only_after_enter(tmp_path):
    app = PlannerApp(open_document(tmp_path / "fresh.toml"), ask_if_missing=True)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_screen(pilot, Choice)
        assert "fresh.toml does not exist" in question(dialog)
        assert [b.id for b in dialog.query("Button")] == ["choice-new", "choice-quit"]
        post_keys(app, ["enter"])
        await wait_main(pilot)
        assert app.document.path == tmp_path / "fresh.toml" and not (tmp_path / "fresh.toml").exists()


OULU_CSV = ("Name,Short name,Country,Kind,Role\nOulu University of Applied Sciences,OAMK,FI,higher-education,"
            "beneficiary\n")


@pytest.mark.one_size
async def test_paths_start_in_the_plans_folder_tab_completes_not_found_names_the_folder(
        draft, tmp_path, monkeypatch, size):
    from planner.tui.screens.importing import ImportScreen

    (draft.parent / "partners.csv").write_text(OULU_CSV, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "partners.csv").write_text("not, the, one\n", encoding="utf-8")  # where we started
    monkeypatch.chdir(elsewhere)
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        post_keys(app, ["i", "p", "a", "tab"])  # a burst: the prompt, two letters, tab
        prompt = await wait_screen(pilot, PathPrompt)
        field = prompt.query_one("#path", Input)
        await wait_for(pilot, lambda: field.value == "partners.csv", "tab to complete partners.csv")
        assert str(draft.parent) in str(prompt.query_one("#folder", Static).render())
        post_keys(app, ["enter"])
        preview = await wait_screen(pilot, ImportScreen)  # the plan folder's file, not the one where we started
        assert [r.partner.short_name for r in preview.preview.accepted] == ["OAMK"]
        post_keys(app, ["escape"])
        await wait_main(pilot)

        # a name that is not there: said in the prompt, which keeps what was typed (it closed, and the
        # path had to be typed again)
        await ask_to_import(pilot, "partners2.csv")
        prompt = await wait_screen(pilot, PathPrompt)
        matches = prompt.query_one("#matches", Static)
        await wait_for(pilot, lambda: "partners2.csv" in str(matches.render()), "the reason in the prompt")
        assert str(matches.render()) == f"✗ partners2.csv: file not found in {draft.parent}/"
        assert prompt.query_one("#path", Input).value == "partners2.csv"
        post_keys(app, ["ctrl+u", "enter"])  # nothing typed: the folder's newest sheet or CSV, offered, is taken
        preview = await wait_screen(pilot, ImportScreen)
        assert [r.partner.short_name for r in preview.preview.accepted] == ["OAMK"]
        post_keys(app, ["escape"])
        await wait_main(pilot)
        (draft.parent / "partners.csv").unlink()
        post_keys(app, ["i"])
        prompt = await wait_screen(pilot, PathPrompt)
        matches = prompt.query_one("#matches", Static)
        post_keys(app, ["enter"])  # nothing typed, nothing offered: said too
        await wait_for(pilot, lambda: str(matches.render()).startswith("✗ type a file's name first"), "the empty")
        post_keys(app, ["escape"])
        await wait_main(pilot)


async def test_tab_with_several_matches_lists_them_then_goes_through_them(draft):
    for name in ("plan-a.csv", "plan-b.csv"):
        (draft.parent / name).write_text(OULU_CSV, encoding="utf-8")
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["i", "p", "l", "tab"])
        prompt = await wait_screen(pilot, PathPrompt)
        field = prompt.query_one("#path", Input)
        await wait_for(pilot, lambda: field.value == "plan-", "the common start")
        matches = prompt.query_one("#matches", Static)
        assert "plan-a.csv" in str(matches.render()) and "plan-b.csv" in str(matches.render())
        post_keys(app, ["tab", "tab"])  # as a shell: the list again, then each in turn
        await wait_for(pilot, lambda: field.value == "plan-a.csv", "the first in turn")
        post_keys(app, ["tab"])
        await wait_for(pilot, lambda: field.value == "plan-b.csv", "the next in turn")
        post_keys(app, ["x"])  # typing goes on after what is there: nothing was selected
        await wait_for(pilot, lambda: field.value == "plan-b.csvx", "typed after the name")


@pytest.mark.one_size
async def test_new_plan_and_save_as_offer_a_name_from_the_acronym(draft, size):
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        post_keys(app, ["w"])
        saved = await take_the_suggestion(pilot, draft.parent, "agri-data.toml")
        await wait_for(pilot, lambda: app.document.path == saved, "saved as")
        assert load_plan(saved) == load_plan(draft) and app.title == "agri-data.toml"

        post_keys(app, ["l", "ctrl+n"])  # an edit, then a new plan: asks first
        dialog = await wait_screen(pilot, Choice)
        assert "unsaved changes" in question(dialog)
        post_keys(app, ["left", "enter"])  # Discard (the focus starts on Cancel)
        await wait_main(pilot)
        await wait_for(pilot, lambda: app.document.path is None, "the new plan")
        assert app.document.plan.partners == () and app.title == "new plan"
        assert load_plan(saved).lot == load_plan(draft).lot  # the discarded edit was not written


@pytest.mark.one_size
async def test_export_in_the_app_for_partners_and_as_csv(draft, size):
    app, notes = make_app(draft)
    plan = load_plan(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        post_keys(app, ["e"])
        dialog = await wait_screen(pilot, Choice)
        assert [b.id for b in dialog.query("Button")] == ["choice-markdown", "choice-text", "choice-csv",
                                                          "choice-budget-xlsx", "choice-budget-csv", "choice-cancel"]
        post_keys(app, ["enter"])  # Markdown
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "For whom" in question(app.screen),
                       "for whom")
        post_keys(app, ["enter"])  # for the partners
        report = await take_the_suggestion(pilot, draft.parent, "draft-for-partners.md")
        text = report.read_text(encoding="utf-8")
        assert plan.title in text and plan.partners[0].name in text
        assert plan.notes and plan.notes.splitlines()[0] not in text  # for the partners: no internal notes

        post_keys(app, ["e", "right", "right", "enter"])  # Partners CSV, in a burst
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "separator" in question(app.screen),
                       "which separator")
        post_keys(app, ["enter"])  # a comma, the default
        csv = await take_the_suggestion(pilot, draft.parent, "draft-partners.csv")
        rows = csv.read_text(encoding="utf-8-sig").splitlines()
        assert len(rows) == 1 + len(plan.partners) and plan.partners[0].short_name in rows[1]
        assert rows[0].startswith("name,short_name,country,")
        assert any(n.message.startswith("Exported draft-partners.csv in") for n in notes)


@pytest.mark.one_size
async def test_export_the_partners_with_semicolons_for_excel(draft, size):
    # Excel in Dutch, German, French or Spanish settings splits a CSV on ';', and reads accents with the mark
    app, notes = make_app(draft)
    plan = load_plan(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        post_keys(app, ["e", "right", "right", "enter"])  # Partners CSV
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "separator" in question(app.screen),
                       "which separator")
        dialog = app.screen
        assert [b.id for b in dialog.query("Button")] == ["choice-comma", "choice-semicolon", "choice-cancel"]
        assert "Excel in Dutch, German, French or Spanish settings" in question(dialog)
        post_keys(app, ["right", "enter"])  # Semicolon
        written = await take_the_suggestion(pilot, draft.parent, "draft-partners.csv")
        raw = written.read_bytes()
        assert raw.startswith("\ufeffname;short_name;country;".encode())  # the UTF-8 mark, then ';'
        rows = list(csv_module.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert [row[0] for row in rows[1:]] == [p.name for p in plan.partners]
        assert all(len(row) == len(rows[0]) for row in rows)
        assert any(n.message.startswith("Exported draft-partners.csv (semicolons)") for n in notes)

        post_keys(app, ["e", "right", "right", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "separator" in question(app.screen),
                       "which separator")
        post_keys(app, ["escape"])  # cancelled: nothing more is asked, nothing written
        await wait_main(pilot)


@pytest.mark.one_size
async def test_export_the_budget_as_a_workbook_and_as_csv(tmp_path, size):
    import json

    from python_calamine import CalamineWorkbook

    from support import run_planner

    from .budget_plans import write_budget_plan

    path = write_budget_plan(tmp_path / "circon.toml", problems=False)
    verdict = json.loads(run_planner("check", path, "--format", "json").stdout)["budget"]
    app, notes = make_app(path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        post_keys(app, ["e"])
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "budget" in question(app.screen),
                       "the export question")
        assert [b.id for b in app.screen.query("Button")][3:5] == ["choice-budget-xlsx", "choice-budget-csv"]
        post_keys(app, ["right", "right", "right", "enter"])  # Budget .xlsx
        written = await take_the_suggestion(pilot, tmp_path, "circon-budget.xlsx")
        book = CalamineWorkbook.from_path(str(written))
        rows = book.get_sheet_by_name("Summary").to_python()
        header = next(row for row in rows if row and row[0] == "Partner")
        total = next(row for row in rows if row and row[0] == "Total")
        assert total[header.index("Total cost")] == verdict["cost_eur"]
        assert total[header.index("EU contribution")] == verdict["contribution_eur"]
        assert any(n.message.startswith("Exported circon-budget.xlsx (the budget)") for n in notes)

        post_keys(app, ["e", "right", "right", "right", "right", "enter"])  # Budget CSV
        written = await take_the_suggestion(pilot, tmp_path, "circon-budget.csv")
        rows = list(csv_module.DictReader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
        assert int(next(r for r in rows if r["row"] == "total")["contribution_eur"]) == verdict["contribution_eur"]


async def test_new_plan_save_as_and_export_are_in_the_palette_and_the_help(draft):
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"New plan", "Save as", "Export"} <= set(titles)
        helped = dict(app.key_help())
        assert "export" in helped["e"] and "save as" in helped["w"] and "new plan" in helped["ctrl+n"]


# --- notices in dialogs: outside the dialog box, and a new dialog clears the old ones -----------


def outside(inner, outer) -> bool:
    return inner.bottom <= outer.y or inner.y >= outer.bottom or inner.right <= outer.x or inner.x >= outer.right


@pytest.mark.one_size
async def test_ctrl_n_says_added_in_the_next_forms_title_and_the_form_keeps_its_room(tmp_path, size):
    """ctrl+n said "Added TREDU" in a notice under the next form: at 80x24 the notice's line came out of
    the form's room, and the country (carried over from the partner before) was scrolled out of view
    until the notice went. The next form's title says it instead, and nothing stands over the form."""
    from planner.tui.screens.partner_form import PartnerForm
    from planner.tui.widgets.picker import Picker

    from .helpers import screen_text, shown_toasts, static_text

    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("a")
        form = await wait_screen(pilot, PartnerForm)
        await fill_partner(pilot, form, "Technical University of Education", "TREDU", country=("ger", "DE"),
                           kind=("sme", "enterprise"))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, PartnerForm) and app.screen is not form, "the next form")
        following = app.screen
        await wait_for(pilot, lambda: "Add partner · TREDU added" in static_text(following, ".question"), "the title")
        await pilot.pause()
        assert not shown_toasts(app)
        # the carried-over country is in view, with the form's buttons
        country = following.query_one("#country", Picker)
        assert country.value == "DE"
        assert country.shown_text() in screen_text(app)
        assert "Save + next (ctrl+n)" in screen_text(app)


async def test_an_import_error_is_gone_when_the_next_import_opens(draft, tmp_path):
    from planner.tui.screens.importing import ImportScreen

    from .helpers import shown_toasts

    (draft.parent / "partners.csv").write_text(OULU_CSV, encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        (draft.parent / "partners2.csv").write_text("", encoding="utf-8")  # there, but empty: a notice
        await ask_to_import(pilot, "partners2.csv")
        await wait_main(pilot)
        await wait_for(pilot, lambda: any("partners2.csv" in str(t.render()) for t in shown_toasts(app)),
                       "the error, shown")
        post_keys(app, ["i"])  # at once: the error (15 s) must not stand over the next prompt and preview
        await wait_screen(pilot, PathPrompt)
        assert not shown_toasts(app) and not app.main.query_one("#notices").has_class("-shown")
        await type_text(pilot, "partners.csv")
        post_keys(app, ["enter"])
        await wait_screen(pilot, ImportScreen)
        await pilot.pause()
        assert not shown_toasts(app)
        assert "partners2.csv" not in "".join(str(t.render()) for t in app.screen.query("Notice"))


@pytest.mark.one_size
async def test_the_folder_views_message_stands_in_a_line_of_its_own(draft, size):
    from planner.tui.screens.folder import FolderScreen

    from .helpers import shown_toasts

    app, notes = make_app(draft)
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        post_keys(app, ["ctrl+o", "ctrl+l"])
        view = await wait_screen(pilot, FolderScreen)
        field = view.query_one("#folder-path", Input)
        await wait_for(pilot, lambda: view.focused is field, "the folder field")
        field.value = str(draft.parent / "nope.toml")
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: shown_toasts(app), "the message")
        await pilot.pause()
        (notice,) = shown_toasts(app)
        assert "nope.toml" in str(notice.render())
        for selector in ("#plans", "#folder-detail", "#folder-path"):
            assert outside(notice.region, view.query_one(selector).region), selector


async def test_a_budget_export_of_a_plan_without_a_budget_says_where_the_budget_is_made(tmp_path):
    """It wrote a workbook of zeros and said 'Exported ... (the budget)'."""
    app, notes = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["e"])
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "budget" in question(app.screen),
                       "the export question")
        post_keys(app, ["right", "right", "right", "enter"])  # Budget .xlsx
        await wait_for(pilot, lambda: any(n.message.startswith("No budget to export yet: b opens the budget")
                                          for n in notes), "the notice")
        assert not isinstance(app.screen, Choice) and not list(tmp_path.glob("*.xlsx"))


async def test_at_40x12_every_button_of_a_question_is_in_view_and_a_long_question_scrolls(draft):
    """At 40x12 the export question showed three of its six buttons (tab went to ones out of sight), and
    the question to move to the next call was taller than the screen: its buttons never came into view."""
    from textual.containers import VerticalScroll

    app, _ = make_app(draft)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        post_keys(app, ["e"])
        await wait_for(pilot, lambda: isinstance(app.screen, Choice), "the export question")
        await pilot.pause()
        screen = app.screen.region
        buttons = list(app.screen.query("Button"))
        assert len(buttons) == 6
        for button in buttons:
            assert screen.contains_region(button.region) and button.region.width >= 8, (button.id, button.region)
        await pilot.press("escape")
        await wait_main(pilot)
        post_keys(app, ["y"])  # call 2024 has closed: the question lists what would change
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) and "Move this plan" in question(app.screen),
                       "the call question")
        await pilot.pause()
        for button in app.screen.query("Button"):
            assert screen.contains_region(button.region), (button.id, button.region)
        scroll = app.screen.query_one(".question-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: scroll.scroll_y == 2, "the question scrolled by down")
        assert app.focused.id == "choice-move"  # the keys scrolled; the answer in focus stays
