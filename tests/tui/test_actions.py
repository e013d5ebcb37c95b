"""The table of actions (tui/actions.py): one entry gives a key, its place in the footer, a line in the
help and a command in the palette; config.toml remaps it by its id."""

from __future__ import annotations

import pytest

from planner.tui import actions
from planner.tui.actions import Action
from planner.tui.screens.dialogs import PathPrompt
from planner.tui.screens.folder import FolderScreen
from planner.tui.screens.help import HelpScreen

from .helpers import footer_items, help_text, make_app, ready, type_text, wait_for, wait_main, wait_screen

RING = Action("planner.ring", "g", "ring the bell: the call has {lots} lots", "app.notify('Ring rang')", "Ring",
              footer=10, palette="Ring the bell", palette_help="A test entry for call {call}")


def footer_keys(app) -> dict[str, str]:
    return {item.key: item.description for item in footer_items(app.screen) if item.key}


@pytest.fixture
def ring():
    """RING in the table for one test: the very list every module imported, as an entry in the file would be."""
    actions.ACTIONS.append(RING)
    yield RING
    actions.ACTIONS.remove(RING)


async def test_one_new_entry_is_a_key_a_footer_item_a_help_line_and_a_palette_command(draft, ring):
    app, notes = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: footer_keys(app).get("g") == "Ring", "g Ring in the footer")
        assert footer_keys(app)["a"] == "Add"  # the shipped ones are still there

        await pilot.press("g")
        await wait_for(pilot, lambda: any(n.message == "Ring rang" for n in notes), "the key's action")

        await pilot.press("question_mark")
        help_screen = await wait_screen(pilot, HelpScreen)
        shown = help_text(help_screen)
        assert "g ring the bell: the call has 1, 2 lots" in shown  # from the rules, as the others
        await pilot.press("escape")
        await wait_main(pilot)

        notes.clear()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "the palette")

        def found() -> list[str]:
            return [str(o.prompt) for o in app.screen.query_one("CommandList").options]

        await type_text(pilot, "ring the", done=lambda: any("Ring the bell" in p for p in found()))
        assert any("A test entry for call 2024" in p for p in found())
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.message == "Ring rang" for n in notes), "the palette's command")


async def test_the_new_entry_is_remapped_by_its_id(draft, ring, xdg):
    (xdg / "planner").mkdir()
    (xdg / "planner" / "config.toml").write_text('[keys]\n"planner.ring" = "f9"\n', encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: footer_keys(app).get("f9") == "Ring", "f9 Ring in the footer")
        assert ("f9", "ring the bell: the call has 1, 2 lots") in app.key_help()
        await pilot.press("g")  # its old key does nothing now
        await pilot.press("f9")
        await wait_for(pilot, lambda: any(n.message == "Ring rang" for n in notes), "the remapped key's action")
        assert sum(n.message == "Ring rang" for n in notes) == 1


PEEK = Action("folder.peek", "g", "peek at the plan under the cursor", "app.notify('Peeked')", "Peek", footer=8,
              on="folder")


@pytest.fixture
def peek():
    actions.ACTIONS.append(PEEK)
    yield PEEK
    actions.ACTIONS.remove(PEEK)


async def test_a_folder_view_entry_is_a_key_a_footer_item_and_a_line_in_the_helps_folder_section(draft, peek):
    """The folder view's keys come from the same table: one entry with on="folder"."""
    app, notes = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert "g" not in footer_keys(app)  # the folder view's key, not the main screen's
        await pilot.press("ctrl+o")
        view = await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: footer_keys(app).get("g") == "Peek", "g Peek in the folder view's footer")
        assert footer_keys(app)["n"] == "New"  # the shipped ones are still there
        await pilot.press("g")
        await wait_for(pilot, lambda: any(n.message == "Peeked" for n in notes), "the key's action")
        assert app.screen is view
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("question_mark")
        shown = help_text(await wait_screen(pilot, HelpScreen))
        assert "\\x0a" not in shown
        folder = shown.index("ctrl+q quit (asks when there are unsaved changes) "
                             "In the folder view (^o, or planner DIR) enter open the plan under the cursor")
        assert shown.index("g peek at the plan under the cursor") > folder
        assert shown.index("n a new plan in this folder") > folder
        assert shown.index("l the next lot of the call") < folder  # the main screen's keys first


async def test_the_folder_views_keys_are_remapped_by_id_and_clash_only_in_the_folder_view(tmp_path, xdg):
    """folder.new on l (the main screen's lot key) is taken: the two never meet; folder.copy on s
    (the folder view's sort) is refused, and c stays its key."""
    (xdg / "planner").mkdir()
    (xdg / "planner" / "config.toml").write_text('[keys]\n"folder.new" = "l"\n"folder.copy" = "s"\n',
                                                 encoding="utf-8")
    plans = tmp_path / "plans"
    plans.mkdir()
    app, notes = make_app(None, folder=plans)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_screen(pilot, FolderScreen)
        await wait_for(pilot, lambda: footer_keys(app).get("l") == "New", "l New in the folder view's footer")
        assert footer_keys(app).get("c") == "Variant" and "s" in footer_keys(app)
        problems = " ".join(n.message for n in notes)
        assert "folder.copy ignored: 's' would also be folder.sort; it keeps c" in problems
        assert "folder.new ignored" not in problems
        await pilot.press("l")
        await wait_screen(pilot, PathPrompt)
        assert ("l", "a new plan in this folder (asks its name)") in app.key_help(actions.FOLDER)


def checked(wanted: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    from planner.tui.keys import checked_keymap

    return checked_keymap(wanted, actions.shipped_keys(actions.ACTIONS), actions.RESERVED_KEYS,
                          actions.priority_ids(actions.ACTIONS), actions.places(actions.ACTIONS))


def test_a_key_of_the_apps_clashes_in_every_place_and_a_screens_keys_only_there():
    """The app's keys (quit) are bound in every screen: a folder view's action cannot take them. The
    main screen and the folder view may give one key to an action each."""
    accepted, problems = checked({"folder.new": "ctrl+q", "folder.refresh": "y", "planner.compare": "n"})
    # y: the main screen's call key; n: the folder view's new plan
    assert accepted == {"folder.refresh": "y", "planner.compare": "n"}
    assert problems == ["[keys] folder.new ignored: 'ctrl+q' would also be planner.quit; it keeps n"]


def test_the_folder_views_filter_field_is_part_of_the_folder_view_and_takes_no_letter():
    accepted, problems = checked({"folder.clear_filter": "ctrl+l"})
    assert accepted == {}
    assert problems == ["[keys] folder.clear_filter ignored: 'ctrl+l' would also be folder.path; it keeps escape"]
    accepted, problems = checked({"folder.clear_filter": "x"})  # the field would type it
    assert accepted == {} and problems == ["[keys] folder.clear_filter ignored, 'x' types a character; "
                                           "folder.clear_filter needs a key such as ctrl+q or f10; it keeps escape"]


def test_an_action_keeps_its_own_keys_beside_new_ones_even_reserved_ones():
    """enter opens a plan in the folder view and escape closes it as shipped, though both are kept
    from remaps elsewhere (enter edits a partner, escape closes a dialog)."""
    accepted, problems = checked({"folder.open": "enter,o", "folder.close": "escape,q", "folder.new": "enter"})
    assert accepted == {"folder.open": "enter,o", "folder.close": "escape,q"}
    assert problems == ["[keys] folder.new ignored, 'enter' is kept for edit the selected partner; it keeps n"]


def test_a_remap_to_a_letter_keeps_the_shipped_key_that_works_in_a_field():
    """Help ships with ? and f1, the notices with m and f2: f1 and f2 are how they are reached while a text
    field has the focus (a letter types there). A remap to letters only kept no key for a field, and a cut
    notice in the grant field named a key that typed a letter. The remap takes the letters, and the key
    for fields stays; a remap that names a key for fields itself is taken as it is."""
    accepted, problems = checked({"planner.messages": "j", "planner.help": "h", "planner.undo": "x"})
    assert problems == []
    assert accepted == {"planner.messages": "j,f2", "planner.help": "h,f1", "planner.undo": "x"}
    accepted, _ = checked({"planner.messages": "j,f6"})
    assert accepted == {"planner.messages": "j,f6"}


async def test_remapped_to_letters_help_and_the_notices_still_open_from_a_field(draft, xdg):
    (xdg / "planner").mkdir(parents=True, exist_ok=True)
    (xdg / "planner" / "config.toml").write_text('[keys]\n"planner.messages" = "j"\n"planner.help" = "h"\n',
                                                  encoding="utf-8")
    from planner.tui.screens.dialogs import Choice
    from planner.tui.screens.help import HelpScreen

    async def the_notices() -> None:
        choice = await wait_screen(pilot, Choice)
        assert "The notices of this session" in str(choice.query_one(".question").render())

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("j")  # the remap
        await the_notices()
        await pilot.press("escape")
        await wait_main(pilot)
        await pilot.press("g")  # into the grant field, where j and h type
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "grant", "the grant field")
        await wait_for(pilot, lambda: footer_keys(app).get("f1") == "Help", "f1 Help in the footer")
        assert app.key_now("planner.messages") == "f2"  # what a cut notice names here
        await pilot.press("f2")
        await the_notices()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "grant", "back in the field")
        await pilot.press("f1")
        await wait_screen(pilot, HelpScreen)
