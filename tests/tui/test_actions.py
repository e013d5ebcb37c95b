"""The table of actions (tui/actions.py): one entry gives a key, its place in the footer, a line in the
help and a command in the palette; config.toml remaps it by its id."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from planner.tui import actions
from planner.tui.actions import Action
from planner.tui.screens.help import HelpScreen

from .helpers import make_app, ready, type_text, wait_for, wait_main, wait_screen

RING = Action("planner.ring", "g", "ring the bell: the call has {lots} lots", "app.notify('Ring rang')", "Ring",
              footer=10, palette="Ring the bell", palette_help="A test entry for call {call}")


def footer_keys(app) -> dict[str, str]:
    return {key.key: key.description for key in app.screen.query(FooterKey)}


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
        shown = " ".join(str(help_screen.query_one(Static).render()).split())
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
