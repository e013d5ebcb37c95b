"""Importing partners from a CSV in the TUI: the preview shows every rejection before anything changes."""

from __future__ import annotations

from pathlib import Path

from planner.tui.screens.importing import ImportScreen

from .helpers import (
    ask_to_import,
    import_rows,
    make_app,
    ready,
    static_text,
    wait_main,
    wait_screen,
)

CSV = "Organisation;Acronym;Country;Type;Role\nAgro VET Lyon;AVL;France;vet school;partner\nGhost;GH;Atlantis;sme;\n"


async def test_import_preview_shows_rejections_before_anything_changes(draft: Path, tmp_path: Path, size) -> None:
    source = tmp_path / "partners.csv"
    source.write_text(CSV, encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        before = app.document.plan
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        # the widgets' content, not the wrapped screen: the wrap moves with the temporary folder's path
        assert "1 to add, 1 rejected" in str(screen.query_one("#import-summary").render())
        rows = import_rows(screen)
        assert rows[1]["result"] == "✗ REJECT" and rows[1]["country"] == "? Atlantis"  # the cell not understood, marked
        assert rows[1]["note"].startswith("unknown country 'Atlantis'")
        # in words: the country's name and the kind's label, not their ids
        assert (rows[0]["result"], rows[0]["short"], rows[0]["country"], rows[0]["kind"], rows[0]["role"]) == \
            ("✓ add", "AVL", "France", "VET provider", "Beneficiary")
        assert app.document.plan == before  # nothing yet
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan == before

        await ask_to_import(pilot, source)
        await wait_screen(pilot, ImportScreen)
        await pilot.click("#add")
        await wait_main(pilot)
        assert [p.short_name for p in app.document.plan.partners] == [p.short_name for p in before.partners] + ["AVL"]
        assert "vet-provider" not in {c.id for c in app.board.failures}
        assert any("Added 1 partner(s)" in n.message for n in notes)


async def test_import_of_a_csv_without_the_needed_columns_asks_for_them_and_keeps_the_plan(draft: Path,
                                                                                          tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("who,where\nX,Y\n", encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        before = app.document.plan
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        # the column mapping step: what is missing, what was looked for, how to give it
        columns = static_text(screen, "#import-columns")
        assert "✗ No column for name (looked for 'name'" in columns and "m reads a column as name" in columns
        assert "✗ No column for kind" in columns and "k gives every row one" in columns
        assert "nothing to add until every row has a name and a country and a kind" in \
            static_text(screen, "#import-summary")
        assert import_rows(screen)[0]["result"] == "· waiting"
        assert "enter" not in screen.active_bindings or not screen.check_action("add", ())
        await pilot.press("enter")  # nothing to add: enter does nothing
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan == before and not any(n.severity == "error" for n in notes)


async def test_import_preview_enter_adds(draft, tmp_path):
    from planner.tui.screens.importing import ImportScreen

    source = tmp_path / "partners.csv"
    source.write_text("Organisation;Acronym;Country;Type of organisation\nAgro VET Lyon;AVL;France;vet school\n",
                      encoding="utf-8")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        assert "enter" in screen.active_bindings and screen.active_bindings["enter"].binding.show
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.plan.partners[-1].short_name == "AVL"
        assert app.document.plan.partners[-1].kind == "vet-provider"  # "Type of organisation" is the kind
