"""The import preview as a spreadsheet program's import dialog, driven by keys as a user would: a CSV and
an .xlsx made here, rows in partners' own words, the column mapping step, fills, sheets; rejections shown
before anything changes, and enter adds.

Every flow runs twice: with Pilot's paced `press` and as bursts of key events (`post_keys`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from planner.tui.screens.importing import ColumnsTable, ImportScreen
from planner.tui.screens.pick import PickDialog
from planner.tui.widgets.picker import Picker

from .helpers import (
    ask_to_import,
    footer_keys,
    help_text,
    import_rows,
    make_app,
    post_keys,
    ready,
    screen_text,
    static_text,
    wait_for,
    wait_main,
    wait_screen,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pathlib import Path

from spreadsheets import write_xlsx  # noqa: E402  (tests/spreadsheets.py: real files, built here)

HOW = ["press", "burst"]
HEADER = ["Organisation name", "Acronym", "Country", "Organisation type", "PIC"]
OWN_WORDS = [  # as partners fill in a coordinator's sheet
    ["Hochschule Nordwestfalen", "HNWF", "Deutschland", "Hochschule", "999200001"],
    ["Centro Integrado de Formación Profesional Santander", "CIFPS", "España", "Berufsschule", ""],
    ["Svaz průmyslu a dopravy", "SPD", "Czech Republic", "Employers organisation", ""],
    ["Fachhochschule Wien", "FHW", "Österreich", "UAS", ""],
]
# line 3's kind, 'college', may mean two kinds: k asks which (the fill dialog)
COLLEGE_ON_LINE_3 = [HEADER, OWN_WORDS[0], ["Fachhochschule Wien", "FHW", "Österreich", "college", ""]]
EXPECTED = [("HNWF", "DE", "higher-education"), ("CIFPS", "ES", "vet-provider"), ("SPD", "CZ", "trade-association"),
            ("FHW", "AT", "higher-education")]


def said(screen, selector: str) -> str:
    """What a line around the tables says, its lines as wrapped at the screen's width joined by one space."""
    return " ".join(static_text(screen, selector).split())


def keys_of(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def send(pilot, keys: list[str], burst: bool) -> None:
    if burst:
        post_keys(pilot.app, keys)
    else:
        await pilot.press(*keys)


def partners_csv(tmp_path: Path, rows: list[list[str]] | str) -> Path:
    """tmp_path/partners.csv: `rows` as cells, joined by ';' as a European Excel saves them, or as text."""
    source = tmp_path / "partners.csv"
    text = rows if isinstance(rows, str) else "\n".join(";".join(row) for row in rows) + "\n"
    source.write_text(text, encoding="utf-8")
    return source


async def open_preview(pilot, source: Path) -> ImportScreen:
    await ready(pilot)
    await ask_to_import(pilot, source)
    return await wait_screen(pilot, ImportScreen)


async def kind_asked_for_line_3(pilot, screen: ImportScreen) -> None:
    """In the preview of COLLEGE_ON_LINE_3: down to line 3, whose kind 'college' may mean two, and `k`."""
    await pilot.press("down")
    await wait_for(pilot, lambda: said(screen, "#import-detail").startswith("Line 3: kind 'college'"), "line 3")
    await pilot.press("k")


async def pick(pilot, burst: bool, typed: str, scope_steps: int = 0) -> None:
    """In a PickDialog: type, then (if asked) tab to 'For:' and move down `scope_steps`, then enter."""
    dialog = await wait_screen(pilot, PickDialog)
    keys = keys_of(typed) + (["tab", *["down"] * scope_steps] if scope_steps else []) + ["enter"]
    await send(pilot, keys, burst)
    await wait_for(pilot, lambda: pilot.app.screen is not dialog, "the dialog answered")


def added(app, count: int) -> list[tuple]:
    return [(p.short_name, p.country, p.kind) for p in app.document.plan.partners[-count:]]


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
@pytest.mark.one_size
async def test_a_csv_in_partners_own_words_imports_every_row_shown_in_words(draft, tmp_path, size, burst):
    source = partners_csv(tmp_path, [HEADER, *OWN_WORDS])
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        screen = await open_preview(pilot, source)
        before = len(app.document.plan.partners)
        assert said(screen, "#import-summary").startswith("Import partners.csv: 4 to add, 0 rejected")
        # every fill key in the footer: c (a country for the rows) was left out while it worked
        await wait_for(pilot, lambda: {"k", "r", "c"} <= set(footer_keys(screen)),
                       "k, r and c in the footer")
        # the columns as read: each header and the key it is read as
        columns = screen.query_one(ColumnsTable)
        read = [(str(columns.get_row_at(i)[0]), str(columns.get_row_at(i)[1])) for i in range(columns.row_count)]
        assert read == [("Organisation name", "name"), ("Acronym", "short name"), ("Country", "country"),
                        ("Organisation type", "kind"), ("PIC", "PIC")]
        # the rows in words: country names and kind labels, not codes and ids
        rows = import_rows(screen)
        assert [(r["result"], r["short"], r["country"]) for r in rows] == [
            ("✓ add", "HNWF", "Germany"), ("✓ add", "CIFPS", "Spain"), ("✓ add", "SPD", "Czechia"),
            ("✓ add", "FHW", "Austria")]
        assert rows[0]["kind"] == "Higher education institution" and rows[1]["kind"] == "VET provider"
        # a cell too long for its column ends in … on screen; the line under the rows has it whole
        shown = screen_text(app)
        assert "Centro Integrado de Formación Profesional Santander" not in shown and "…" in shown
        await send(pilot, ["down"], burst)
        await wait_for(pilot, lambda: "Line 3: adds CIFPS" in said(screen, "#import-detail"), "line 3's detail")
        await send(pilot, ["enter"], burst)
        await wait_main(pilot)
        assert len(app.document.plan.partners) == before + 4 and added(app, 4) == EXPECTED
        assert any("Added 4 partner(s) from partners.csv" in n.message for n in notes)


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
@pytest.mark.one_size
async def test_an_xlsx_without_a_type_column_imports_once_the_kinds_are_filled_in(draft, tmp_path, size, burst):
    rows = [[name, short, country, pic or None] for name, short, country, _kind, pic in OWN_WORDS]
    source = write_xlsx(tmp_path / "partners.xlsx", {"Partners": [["Organisation name", "Acronym", "Country", "PIC"],
                                                                  *rows]})
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        screen = await open_preview(pilot, source)
        before = len(app.document.plan.partners)
        # the column mapping step, not an error: what is missing, what was looked for, how to give it
        assert "nothing to add until every row has a kind" in said(screen, "#import-summary")
        assert "✗ No column for kind (looked for 'kind', 'type'" in said(screen, "#import-columns")
        assert {r["result"] for r in import_rows(screen)} == {"· waiting"}
        assert not screen.query_one("#import-sheets").display  # one sheet: no sheet line
        # k: a kind for every row (the column is missing: there is no other choice)
        await send(pilot, ["k"], burst)
        dialog = await wait_screen(pilot, PickDialog)
        assert str(dialog.query_one(".question").render()) == "Kind for every row without one (4):"
        await pick(pilot, burst, "uas")
        await wait_for(pilot, lambda: "4 to add" in said(screen, "#import-summary"), "the rows judged")
        assert "Every row without a kind: Higher education institution." in said(screen, "#import-columns")
        # then one row its own kind: line 3 (CIFPS) is a VET school
        await send(pilot, ["down", "k"], burst)
        dialog = await wait_screen(pilot, PickDialog)
        assert str(dialog.query_one(".question").render()) == "Kind for line 3:"
        await pick(pilot, burst, "Berufsschule")
        await wait_for(pilot, lambda: import_rows(screen)[1]["kind"] == "VET provider", "line 3's kind")
        assert import_rows(screen)[1]["note"] == "kind filled in"
        await send(pilot, ["enter"], burst)
        await wait_main(pilot)
        assert len(app.document.plan.partners) == before + 4
        assert added(app, 4) == [("HNWF", "DE", "higher-education"), ("CIFPS", "ES", "vet-provider"),
                                 ("SPD", "CZ", "higher-education"), ("FHW", "AT", "higher-education")]


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
async def test_the_sheet_is_chosen_and_a_column_mapped_by_keys(draft, tmp_path, burst):
    # the first sheet is not the partner list; the second has a header no one would guess
    source = write_xlsx(tmp_path / "consortium.xlsx", {
        "Contacts": [["Name", "Email"], ["Anna Virtanen", "anna@example.org"]],
        "Partners": [["Organisation name", "Acronym", "Country", "Sector"],
                     ["Agro VET Lyon", "AVL", "France", "VET provider"], ["Kamer Oost", "KO", "Holland", "Kammer"]],
    })
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_preview(pilot, source)
        assert "sheet 'Contacts'" in said(screen, "#import-summary")
        assert static_text(screen, "#import-sheets") == "Sheet 1 of 2: [Contacts]  Partners · s: next sheet"
        await send(pilot, ["s"], burst)
        await wait_for(pilot, lambda: "sheet 'Partners'" in said(screen, "#import-summary"), "the next sheet")
        assert "✗ No column for kind" in said(screen, "#import-columns")
        # shift+tab to the columns, down to 'Sector', m: read it as the kind
        await send(pilot, ["shift+tab", "down", "down", "down"], burst)
        columns = screen.query_one(ColumnsTable)
        await wait_for(pilot, lambda: app.focused is columns and columns.cursor_row == 3, "the Sector column")
        assert said(screen, "#import-detail") == "Column 'Sector': left out · m reads it as something else"
        await send(pilot, ["m"], burst)
        await pick(pilot, burst, "kind")
        await wait_for(pilot, lambda: "2 to add" in said(screen, "#import-summary"), "the kinds read")
        assert str(columns.get_row_at(3)[1]) == "kind"
        assert [(r["country"], r["kind"]) for r in import_rows(screen)] == [("France", "VET provider"),
                                                                           ("Netherlands", "Chamber")]
        await send(pilot, ["enter"], burst)
        await wait_main(pilot)
        assert added(app, 2) == [("AVL", "FR", "vet-provider"), ("KO", "NL", "chamber")]


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
async def test_a_word_of_two_kinds_is_filled_for_every_row_that_says_it(draft, tmp_path, burst):
    # the same word in another case is the same word ('College' on line 3 was left out of 'every row')
    source = partners_csv(tmp_path, "Organisation;Acronym;Country;Type\nCollege One;C1;Ireland;college\n"
                                    "College Two;C2;Malta;College\nGhost;GH;Atlantis;sme\n")
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_preview(pilot, source)
        rows = import_rows(screen)
        assert [r["result"] for r in rows] == ["✗ REJECT"] * 3
        assert rows[0]["kind"] == "? college" and rows[2]["country"] == "? Atlantis"  # marked, not guessed
        assert said(screen, "#import-detail").startswith("Line 2: kind 'college' could be")
        await send(pilot, ["k"], burst)
        dialog = await wait_screen(pilot, PickDialog)
        # what 'college' may mean comes first; the rows it can go to are offered
        assert [i.id for i in dialog.query_one("#pick")._shown][:2] == ["higher-education", "vet-provider"]
        scopes = dialog.query_one("#scope")
        assert [str(scopes.get_option_at_index(i).prompt) for i in range(scopes.option_count)] == \
            ["line 2 only", "every row that says 'college' (2)"]
        await pick(pilot, burst, "vet", scope_steps=1)
        await wait_for(pilot, lambda: [r["result"] for r in import_rows(screen)][:2] == ["✓ add", "✓ add"],
                       "both colleges added")
        assert screen.query_one("#add").label.plain == "Add 2 partners (enter)"
        # the typo'd country: c on its row
        await send(pilot, ["down", "down", "c"], burst)
        await pick(pilot, burst, "Spain")
        await wait_for(pilot, lambda: import_rows(screen)[2]["result"] == "✓ add", "the ghost in Spain")
        await send(pilot, ["escape"], burst)  # and nothing changes after all
        await wait_main(pilot)
        assert not [p for p in app.document.plan.partners if p.short_name in ("C1", "C2", "GH")]


# --- the preview's first steps: rejections shown before anything changes, missing columns asked for ---
CSV = "Organisation;Acronym;Country;Type;Role\nAgro VET Lyon;AVL;France;vet school;partner\nGhost;GH;Atlantis;sme;\n"


async def test_import_preview_shows_rejections_before_anything_changes(draft: Path, tmp_path: Path, size) -> None:
    source = partners_csv(tmp_path, CSV)
    app, notes = make_app(draft)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        before = app.document.plan
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        # the widgets' content, not the wrapped screen: the wrap moves with the temporary folder's path
        assert "1 to add, 1 rejected" in said(screen, "#import-summary")
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
        columns = said(screen, "#import-columns")
        assert "✗ No column for name (looked for 'name'" in columns and "m reads a column as name" in columns
        assert "✗ No column for kind" in columns and "k gives every row one" in columns
        assert "nothing to add until every row has a name and a country and a kind" in \
            said(screen, "#import-summary")
        assert import_rows(screen)[0]["result"] == "· waiting"
        assert "enter" not in screen.active_bindings or not screen.check_action("add", ())
        await pilot.press("enter")  # nothing to add: enter does nothing
        await pilot.press("escape")
        await wait_main(pilot)
        assert app.document.plan == before and not any(n.severity == "error" for n in notes)


async def test_import_preview_enter_adds(draft, tmp_path):
    from planner.tui.screens.importing import ImportScreen

    source = partners_csv(tmp_path, "Organisation;Acronym;Country;Type of organisation\n"
                                    "Agro VET Lyon;AVL;France;vet school\n")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await ask_to_import(pilot, source)
        screen = await wait_screen(pilot, ImportScreen)
        assert "enter" in screen.active_bindings and screen.active_bindings["enter"].binding.show
        # enter on the focused Cancel button is Cancel's (it added the partners: enter is the screen's)
        before = app.document.plan
        cancel = screen.query_one("#cancel")
        cancel.focus()
        await wait_for(pilot, lambda: app.focused is cancel, "Cancel in focus")
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.plan == before
        await ask_to_import(pilot, source)
        await wait_screen(pilot, ImportScreen)
        await pilot.press("enter")
        await wait_main(pilot)
        assert app.document.plan.partners[-1].short_name == "AVL"
        assert app.document.plan.partners[-1].kind == "vet-provider"  # "Type of organisation" is the kind


@pytest.mark.parametrize("burst", [False, True], ids=HOW)
@pytest.mark.one_size
async def test_headers_in_other_words_the_words_shown_an_ambiguous_one_asked(draft, tmp_path, size, burst):
    """Read by their words (the words shown), a header of two keys asked (nothing added until m says which),
    and a PIC not known yet added without it, the row saying so."""
    source = partners_csv(tmp_path, "Full name of the organisation;Acronym;Pays d'établissement;Type;Name and PIC\n"
                                    "Agro VET Lyon;AVL;France;VET provider;999300001\n"
                                    "Kamer Oost;KO;Nederland;Kammer;tbc\n")
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        screen = await open_preview(pilot, source)
        columns = screen.query_one(ColumnsTable)
        read = [str(columns.get_row_at(i)[1]) for i in range(columns.row_count)]
        assert read == ["name (by 'full', 'name')", "short name", "country (by 'pays')", "kind", "? name or PIC"]
        assert "say what the columns marked ? hold" in said(screen, "#import-summary")
        assert "? 'Name and PIC' could be the name or the PIC: m on it says which" in said(screen, "#import-columns")
        assert screen.query_one("#add").disabled
        before = len(app.document.plan.partners)
        await send(pilot, ["enter"], burst)  # not offered: nothing is added while a column is asked
        await send(pilot, ["shift+tab", "down", "down", "down", "down"], burst)
        await wait_for(pilot, lambda: app.focused is columns and columns.cursor_row == 4, "the asked column")
        assert said(screen, "#import-detail") == ("Column 'Name and PIC': could be name or PIC · m reads it "
                                                         "as something else")
        assert len(app.document.plan.partners) == before
        await send(pilot, ["m"], burst)
        dialog = await wait_screen(pilot, PickDialog)
        picker = dialog.query_one(Picker)
        # the two it could be first, the first chosen (it opened on '— left out', both out of view)
        assert picker.value == "name"
        assert [picker.options.get_option_at_index(i).id for i in range(2)] == ["name", "pic"]
        await pick(pilot, burst, "pic")
        await wait_for(pilot, lambda: "2 to add" in said(screen, "#import-summary"), "the column read")
        assert str(columns.get_row_at(4)[1]) == "PIC"
        rows = import_rows(screen)
        assert rows[1]["note"].startswith("PIC 'tbc' is not known yet: added without a PIC")
        await send(pilot, ["enter"], burst)
        await wait_main(pilot)
        assert [(p.short_name, p.pic) for p in app.document.plan.partners[-2:]] == [("AVL", "999300001"),
                                                                                   ("KO", None)]


async def test_enter_in_the_fill_dialog_takes_the_guess_offered_for_a_typo(draft, tmp_path):
    """A row with 'Spian': c opens the country dialog with 'Spain (ES)' offered first; enter (the hint
    says 'enter takes it') took nothing and said nothing until a down and an up chose it."""
    rows = [OWN_WORDS[0], ["Centro Integrado Santander", "CIFPS", "Spian", "Berufsschule", ""]]
    source = partners_csv(tmp_path, [HEADER, *rows])
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_preview(pilot, source)
        await wait_for(pilot, lambda: "1 rejected" in said(screen, "#import-summary"), "the typo's row")
        await pilot.press("down", "c")
        dialog = await wait_screen(pilot, PickDialog)
        await pilot.pause()
        assert "Spain (ES)" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not dialog, "the dialog answered")
        await wait_for(pilot, lambda: import_rows(screen)[1]["country"] == "Spain", "line 3's country")
        assert "2 to add" in said(screen, "#import-summary")


async def test_s_passes_over_an_empty_sheet_to_the_next_one(draft, tmp_path):
    """Sheets 'Leer' (empty), 'Partner' and 'Second': s went to Second, then stopped on Leer for ever
    ('the sheet is empty'), and Partner could not be reached again without starting over."""
    rows = [[name, short, country, kind, pic or None] for name, short, country, kind, pic in OWN_WORDS]
    source = write_xlsx(tmp_path / "partners.xlsx", {"Leer": [], "Partner": [HEADER, *rows[:2]],
                                                     "Second": [HEADER, *rows[2:]]})
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_preview(pilot, source)
        sheet = lambda: static_text(screen, "#import-sheets")  # noqa: E731
        assert sheet().startswith("Sheet 2 of 3")
        await pilot.press("s")
        await wait_for(pilot, lambda: sheet().startswith("Sheet 3 of 3"), "the second sheet")
        await pilot.press("s")
        await wait_for(pilot, lambda: sheet().startswith("Sheet 2 of 3"), "round to Partner, past Leer")
        assert any(n.message.startswith("Passed over: 'Leer'") for n in notes)
        assert [r["short"] for r in import_rows(screen)] == ["HNWF", "CIFPS"]


async def test_the_line_under_the_rows_says_the_pic_and_the_grant_read(draft, tmp_path):
    """'Zuschuss' 1.500 is read as EUR 1,500: the preview showed neither the grant nor the PIC read."""
    source = partners_csv(tmp_path, [
        ["Organisation name", "Acronym", "Country", "Organisation type", "PIC", "Zuschuss"],
        ["Hochschule Nordwestfalen", "HNWF", "Deutschland", "Hochschule", "999200001", "1.500"]])
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_preview(pilot, source)
        await wait_for(pilot, lambda: "Line 2: adds HNWF" in said(screen, "#import-detail"), "line 2")
        assert said(screen, "#import-detail").startswith(
            "Line 2: adds HNWF (Germany, Higher education institution, beneficiary), PIC 999200001, "
            "grant EUR 1,500")


@pytest.mark.one_size
async def test_a_quote_not_closed_refuses_its_row_and_the_next_rows_keep_their_lines(draft, tmp_path, size):
    """Line 4 ended in a quote never closed: line 5 was read into its PIC cell (CKZG vanished) and the row of
    line 6 was shown as line 5."""
    source = partners_csv(tmp_path, [
        ["Organisation name", "Acronym", "Country", "Organisation type", "PIC"],
        ["Hochschule Nordwestfalen", "HNWF", "Deutschland", "Hochschule", "999200001"],
        ["Fachhochschule Wien", "FHW", "Österreich", "UAS", ""],
        ["Fundación Eólica del Cantábrico", "FEC", "España", "fundación", '"'],
        ["Centrum Kształcenia Zawodowego Gdynia", "CKZG", "Polska", "Berufsschule", "987654321"],
        ["Tallinna Tööstushariduskeskus", "TTHK", "Eesti", "kutsekool", ""]])
    app, _ = make_app(draft)
    async with app.run_test(size=size) as pilot:
        screen = await open_preview(pilot, source)
        assert "4 to add, 1 rejected" in said(screen, "#import-summary")
        rows = import_rows(screen)
        assert [(r["line"], r["result"], r["short"]) for r in rows] == [
            ("2", "✓ add", "HNWF"), ("3", "✓ add", "FHW"), ("4", "✗ REJECT", "FEC"), ("5", "✓ add", "CKZG"),
            ("6", "✓ add", "TTHK")]
        assert rows[2]["note"].startswith("a quote opens the 'PIC' cell here and is not closed before line 5")
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: said(screen, "#import-detail").startswith("Line 4: "), "line 4")
        assert said(screen, "#import-detail") == (
            "Line 4: a quote opens the 'PIC' cell here and is not closed before line 5: the row is not read "
            "(close the quote, or take it out); line 5 is read as a row of its own")
        await pilot.press("enter")
        await wait_main(pilot)
        assert [(p.short_name, p.country) for p in app.document.plan.partners[-4:]] == [
            ("HNWF", "DE"), ("FHW", "AT"), ("CKZG", "PL"), ("TTHK", "EE")]


# --- a 40x12 terminal ------------------------------------------------------------------------------------

SCROLLBAR = " ▁▂▃▄▅▆▇█▔▍▎▏▐"


async def test_at_40x12_every_row_what_it_says_and_every_key_are_on_the_screen(draft, tmp_path):
    """At 40x12 the preview showed its summary and three of the file's columns, nothing more: the rows to
    import (the cursor moved among them out of sight), the line saying why a row is rejected and the buttons
    were under the screen's edge, and r and c were past the footer's, named nowhere. Now each row under the
    cursor is on the screen, its cells cut with …, the line under it says it (cut with … and 'space: in
    full'), space shows it whole, and ? lists the keys the footer has no room for."""
    from planner.tui.screens.dialogs import Choice
    from planner.tui.screens.help import HelpScreen

    source = partners_csv(tmp_path, [HEADER, *OWN_WORDS[:3],
                                     ["Fachhochschule Wien", "FHW", "Österreich", "college", ""],
                                     ["Ghost Org", "GO", "Narnia", "enterprise", ""]])
    app, _ = make_app(draft)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await open_preview(pilot, source)
        preview = screen.preview
        assert preview is not None and preview.rejected and preview.accepted
        names = dict(preview.table.rows)
        before = len(app.document.plan.partners)
        for i, row in enumerate(preview.rows):
            if i:
                await pilot.press("down")
            await wait_for(pilot, lambda: said(screen, "#import-detail").startswith(f"Line {row.line}: "),
                           f"line {row.line} under the cursor")
            # every row of the screen drawn (on a loaded machine the columns' table filled in a frame later)
            await wait_for(pilot, lambda: len(screen_text(app).splitlines()) == 12, "the 12 rows of the screen")
            shown = screen_text(app).splitlines()
            assert all(len(line) <= 40 for line in shown)
            # the row on the screen: its line, its result, its name whole or cut with …
            on_screen = [line for line in shown if line.split()[:1] == [str(row.line)]]
            assert on_screen, (row.line, shown)
            result = "✓ add" if row.partner is not None else "✗ REJECT"
            assert result in on_screen[0], on_screen
            name = on_screen[0].split(result, 1)[1].strip(SCROLLBAR)
            whole = names[row.line][0]
            assert name == whole or (name.endswith("…") and whole.startswith(name[:-1])), (name, whole)
            # what the row says, under it: its start on the screen, and a sign where it is cut
            detail = said(screen, "#import-detail")
            words = f"Line {row.line}: " + ("; ".join(row.problems) if row.partner is None else "adds")
            assert words.startswith(detail.removesuffix(" (space: in full)").removesuffix("…")) \
                or detail.startswith(words), (detail, words)
            text = " ".join(" ".join(shown).split())
            assert " ".join(detail.split()[:4]) in text
            assert detail == words or "(space: in full)" in text
            if row.partner is None:  # a rejected row: its reasons whole, a key away
                await pilot.press("space")
                full = await wait_screen(pilot, Choice)
                question = " ".join(str(full.query_one(".question").render()).split())
                assert " ".join(words.split()) in question, (words, question)
                await pilot.press("escape")
                await wait_for(pilot, lambda: app.screen is screen, "back in the preview")
        # the keys: the footer has room for four; ? lists the others
        footer = screen_text(app).splitlines()[-1]
        assert "⏎ Add" in footer and "esc Cancel" in footer and "? " in footer  # ? names what is left out
        await pilot.press("question_mark")
        keys = " ".join(help_text(await wait_screen(pilot, HelpScreen)).split())
        for key, what in (("k", "fill in the kind"), ("r", "fill in the role"), ("c", "fill in the country"),
                          ("m", "read the file's column"), ("space", "the summary, the notes")):
            assert f"{key} {what}" in keys, (key, keys)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back in the preview")
        await pilot.press("enter")
        await wait_main(pilot)
        assert len(app.document.plan.partners) == before + len(preview.accepted)


async def test_at_40x12_the_fill_dialog_shows_its_question_its_choices_and_for_whom(draft, tmp_path):
    """At 40x12 the fill dialog's question was cut off at its one line ("which says 'colleg"), and the list of
    choices, seven lines high, ran past the dialog's edge: the choices under it and the rows it goes to
    ("For: line 5 only") were out of sight until tab closed the list."""
    from textual.widgets import OptionList

    source = partners_csv(tmp_path, COLLEGE_ON_LINE_3)
    app, _ = make_app(draft)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await open_preview(pilot, source)
        await kind_asked_for_line_3(pilot, screen)
        dialog = await wait_screen(pilot, PickDialog)
        choices = dialog.query_one("#pick", Picker).query_one(OptionList)
        await wait_for(pilot, lambda: choices.display and choices.region.height > 0, "the choices listed")
        # the screen's lines inside the dialog's frame, read on as one text
        shown = " ".join(" ".join(line.strip(" █▀▄") for line in screen_text(app).splitlines()).split())
        assert "Kind for line 3, which says 'college':" in shown, shown
        assert "For: line 3 only" in shown, shown
        box = dialog.query_one(".dialog").content_region
        assert box.contains_region(choices.region), (choices.region, box)
        assert choices.max_scroll_y > 0 and choices.show_vertical_scrollbar  # more choices: they scroll
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back in the preview")


@pytest.mark.frames  # reads what reaches the terminal, frame by frame
async def test_at_40x12_the_preview_and_its_fill_dialog_are_drawn_small_from_their_first_frame(
        draft, tmp_path, monkeypatch):
    """Their small layout (the preview without its frame and buttons, the lines around its tables cut; the
    dialog's list of choices two lines high) came with the screen's first Resize, after it had been
    drawn: a frame of the layout for 24 rows came first, the list running past the dialog's edge, and
    now and then a test read it."""
    from textual.app import App

    drawn: list[tuple[str, bool]] = []
    display = App._display

    def record(self, screen, renderable) -> None:
        top = self.screen
        if renderable is not None and isinstance(top, (ImportScreen, PickDialog)):
            drawn.append((type(top).__name__, top.has_class("-tiny")))
        display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", record)
    source = partners_csv(tmp_path, COLLEGE_ON_LINE_3)
    app, _ = make_app(draft)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await open_preview(pilot, source)
        await kind_asked_for_line_3(pilot, screen)
        await wait_screen(pilot, PickDialog)
        await pilot.pause()
        await pilot.pause()
    assert {name for name, _ in drawn} == {"ImportScreen", "PickDialog"}, drawn
    assert all(tiny for _, tiny in drawn), drawn


async def test_a_list_with_nothing_to_add_says_so_and_enter_says_why(draft: Path, tmp_path: Path) -> None:
    """A list whose every row is rejected (imported a second time): the button read 'Add 0 partners
    (enter)', and enter did nothing, without a word."""
    source = partners_csv(tmp_path, "Organisation;Acronym;Country;Type\nGhost;GH;Atlantis;sme\n")
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_preview(pilot, source)
        assert [r["result"] for r in import_rows(screen)] == ["✗ REJECT"]
        assert screen.query_one("#add").label.plain == "Nothing to add"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.message.startswith("Nothing to add: every row is rejected")
                                          for n in notes), "enter's answer")
        assert app.screen is screen
