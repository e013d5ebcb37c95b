"""The import preview, as a spreadsheet program's import dialog: every row of a CSV file or a sheet of a
workbook, added or rejected with the reason, before anything changes.

Above the rows, the file's columns and what each is read as: `m` reads the column under the cursor
as another partner key (or leaves it out), as LibreOffice's text import lets one set a column's type.
On a row, `k`, `r` and `c` fill its kind, role or country: for that row, for every row that says the
same, or for every row without one (a sheet without a type column imports once the kinds are filled
in). `s` goes to the next sheet of a workbook. The rows speak in words (country names, kind labels);
cells too long for their column end in `…`, and so do the lines around the tables where they have not the
room: `space` shows the summary, the notes and the row under the cursor in full, `?` the keys (the footer
has no room for them all at 40 columns). Below 20 rows (a 40x12 terminal) the columns keep one row in view
and the buttons give way to the footer's keys, so that the rows to import keep a few lines.
`enter` adds the accepted rows, `escape` changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from planner import vocabulary
from planner.errors import PlanError
from planner.importing import (
    FILLABLE,
    KEY_WORDS,
    ImportPreview,
    MissingColumns,
    Table,
    preview_import,
    preview_table,
    read_columns,
)
from planner.model import Plan
from planner.rules import CallRules
from planner.tui.screens.dialogs import ClosingOnce
from planner.tui.screens.pick import Fill, PickDialog
from planner.tui.text import literal
from planner.tui.widgets.cut import CutLines
from planner.tui.widgets.fit import Col, FittedTable, cell
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.picker import Item

if TYPE_CHECKING:
    from textual import getters

    from planner.tui.app import PlannerApp

IGNORE = "ignore"
# the keys a column can be read as, in the words a header would use
READ_AS = [(key, words) for key, words in KEY_WORDS.items()] + [(IGNORE, "— left out")]
EXAMPLES = 3  # cells shown per column, from the first rows
SHORT, TINY = 40, 20  # fewer rows than these: the columns a few rows high; and the lines around the tables cut
# the lines each text around the tables takes at most below TINY rows (the rest: space); above, all it needs
LINES = {"#import-summary": 2, "#import-columns": 1, "#import-detail": 2}
UNCUT = 1_000
IN_FULL = Text(" (space: in full)", style="bold")
# the help's line of each key of the screen (`?`), by its action: the footer's words are one or two each
KEYS_HELP = {
    "add": "add the rows marked ✓ to the plan (one undo step)",
    "cancel": "close, changing nothing",
    "full": "the summary, the notes on the columns and the line under the table in full",
    "map": "read the file's column under the cursor (in the table of columns) as another key, or leave it out",
    "fill('kind')": "fill in the kind of the row under the cursor: that row, every row that says the same, "
                    "or every row without one",
    "fill('role')": "fill in the role, likewise",
    "fill('country')": "fill in the country, likewise",
    "next_sheet": "the next sheet of the workbook",
}


class ColumnsTable(FittedTable):
    COLUMNS = (Col("column", "Column in the file", short="Column"), Col("read", "Read as"),
               Col("first", "First rows"))
    FLEX = "first"
    SHRINK = (("first", 10), ("column", 14), ("read", 8), ("first", 0))


class RowsTable(FittedTable):
    COLUMNS = (Col("line", "Line"), Col("result", "Result"), Col("name", "Name"), Col("short", "Short"),
               Col("country", "Country", short="Ctry"), Col("kind", "Kind"), Col("role", "Role"),
               Col("note", "Why not / note", short="Why not"))
    FLEX = "note"
    # at 40 columns, after the minimums, the line, its result and the name: the line under the table says
    # the row under the cursor in full (the columns left out stood cut off at the edge, a scrollbar under them).
    # The name again just before the note: what the note's going frees beyond the need goes back to the name,
    # not two cells to the kind ('Ki')
    SHRINK = (("note", 16), ("name", 16), ("kind", 14), ("country", 10), ("role", 8), ("note", 10),
              ("name", 10), ("kind", 8), ("short", 5), ("country", 6),
              ("short", 0), ("country", 0), ("role", 0), ("kind", 0), ("name", 10), ("note", 0))


def read_as(table: Table, mapping: dict[str, str]) -> list[str]:
    """What each column of `table` is read as (a partner key, or '' when left out), as the import reads
    it (importing.read_columns): the mapping first, then the headers as people write them, as a whole or
    by their words; a key taken keeps its first column; a column asked about is not read."""
    return read_columns(table, mapping).keys


def read_as_words(table: Table, mapping: dict[str, str], position: int) -> str:
    """What the column at `position` is read as, in words: 'name', 'name (by 'full', 'name')', '? name or
    kind' (asked: m says which), or '— left out'."""
    reading = read_columns(table, mapping)
    key = reading.keys[position]
    if key:
        words = reading.words.get(position)
        return KEY_WORDS.get(key, key) + (f" (by {', '.join(repr(w) for w in words)})" if words else "")
    unsure = next((u for u in reading.unsure if u.header == table.header[position]), None)
    if unsure is not None:
        return "? " + " or ".join(KEY_WORDS.get(k, k) for k in unsure.keys)
    return "— left out"


class ImportScreen(ClosingOnce, ModalScreen["ImportPreview | None"]):
    """Dismisses with the preview whose accepted rows are to be added, or None to change nothing."""

    if TYPE_CHECKING:  # the app as mypy sees it (PlannerApp); at run time Textual's, nothing imported
        app = getters.app(PlannerApp)

    BINDINGS = [
        # enter adds (the footer says so); priority: a table would take enter for its own row
        Binding("enter", "add", "Add", id="import.add", priority=True),
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
        # not in the footer: where its keys do not all fit, the footer ends with "? More keys"
        Binding("question_mark,f1", "help", "Keys", id="import.help", key_display="?", show=False),
        Binding("m", "map", "Column as…", id="import.map"),
        Binding("k", "fill('kind')", "Kind", id="import.fill_kind"),
        Binding("r", "fill('role')", "Role", id="import.fill_role"),
        Binding("c", "fill('country')", "Country", id="import.fill_country"),
        Binding("s", "next_sheet", "Next sheet", id="import.next_sheet"),
        Binding("space", "full", "In full", id="import.full", show=False),
    ]

    def __init__(self, path: Path, plan: Plan, rules: CallRules, read: ImportPreview | MissingColumns) -> None:
        super().__init__(classes="dialog-screen")
        self.path = path
        self.plan = plan
        self.rules = rules
        self.mapping: dict[str, str] = {}
        self.fill: dict[str, str] = {}
        self.fill_rows: dict[int, dict[str, str]] = {}
        self.preview: ImportPreview | None = None
        self.missing: MissingColumns | None = None
        self._take(read)

    @classmethod
    def read(cls, path: Path, plan: Plan, rules: CallRules, sheet: str | None = None) -> "ImportScreen":
        """The preview of a file; raises PlanError for a file that cannot be read at all (a missing column
        is not such an error: the preview asks for it)."""
        return cls(path, plan, rules, _read(path, plan, rules, sheet))

    def _take(self, read: ImportPreview | MissingColumns) -> None:
        if isinstance(read, MissingColumns):
            self.preview, self.missing = None, read
        else:
            self.preview, self.missing = read, None

    @property
    def table(self) -> Table:
        table = self.missing.table if self.missing is not None else self.preview.table if self.preview else None
        assert table is not None  # one of the two is always there (read, above)
        return table

    # --- drawing -----------------------------------------------------------------------------------

    def compose(self):
        # the layout for the terminal's height from the first frame: the first Resize comes after it, and a
        # frame of the 24 rows' layout squashed into 12 came first
        height = self.app.size.height
        self.set_class(height < SHORT, "-short")
        self.set_class(height < TINY, "-tiny")
        lines = {selector: n if height < TINY else UNCUT for selector, n in LINES.items()}
        with Vertical(classes="dialog import"):
            # the file name, the headers and the cells are the sender's text: literal, never markup
            yield CutLines(lines["#import-summary"], id="import-summary", classes="question")
            yield Static(id="import-sheets", classes="hint")
            yield ColumnsTable(id="import-map", zebra_stripes=True)
            yield CutLines(lines["#import-columns"], tail_when_cut=True, id="import-columns", classes="hint")
            yield RowsTable(id="import-rows", zebra_stripes=True)
            yield CutLines(lines["#import-detail"], tail_when_cut=True, id="import-detail", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Add (enter)", id="add", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one(RowsTable).focus()

    def on_resize(self, event) -> None:
        # 24 lines: the columns get a few rows (they scroll), the rows to import the rest; 12 lines: the
        # columns one row, the lines around the tables cut (space: in full), no buttons (the footer's keys)
        self.set_class(event.size.height < SHORT, "-short")
        tiny = event.size.height < TINY
        if tiny != self.has_class("-tiny"):
            self.set_class(tiny, "-tiny")
            for selector, lines in LINES.items():
                widget = self.query_one(selector, CutLines)
                widget.lines = lines if tiny else UNCUT
                widget.refresh(layout=True)

    def show(self) -> None:
        table, p = self.table, self.preview
        where = f"{self.path.name}" + (f", sheet {table.sheet!r}" if table.sheet is not None else "")
        if p is None:
            summary = f"Import {where}: nothing to add until every row has a {self._missing_words()}."
        elif p.unsure:
            summary = (f"Import {where}: say what the columns marked ? hold (m on each) · nothing changes "
                       "until you choose")
        else:
            summary = (f"Import {where}: {len(p.accepted)} to add, {len(p.rejected)} rejected · "
                       "nothing changes until you choose")
        self.query_one("#import-summary", CutLines).show(literal(summary))
        sheets = self.query_one("#import-sheets", Static)
        if len(table.sheets) > 1:
            at = table.sheets.index(table.sheet) if table.sheet in table.sheets else 0
            listed = "  ".join(f"[{name}]" if i == at else name for i, name in enumerate(table.sheets))
            sheets.update(literal(f"Sheet {at + 1} of {len(table.sheets)}: {listed} · s: next sheet"))
        sheets.display = len(table.sheets) > 1
        self._show_columns()
        self._show_rows()
        button = self.query_one("#add", Button)
        count = len(p.accepted) if p is not None else 0
        # 'Add 0 partners (enter)' offered what enter then did not do
        button.label = f"Add {count} partner{'s' if count != 1 else ''} (enter)" if count else "Nothing to add"
        button.disabled = not count or bool(p is not None and p.unsure)
        self.refresh_bindings()

    def _missing_words(self) -> str:
        assert self.missing is not None
        return " and a ".join(KEY_WORDS.get(k, k) for k in self.missing.missing)

    def _show_columns(self) -> None:
        table = self.table
        keys = read_as(table, self.mapping)
        columns = self.query_one(ColumnsTable)
        cursor = columns.cursor_row
        columns.clear()
        widths: dict[str, int] = {}
        for position, (header, key) in enumerate(zip(table.header, keys)):
            first = [cells[position] for _line, cells in table.rows[:EXAMPLES]
                     if position < len(cells) and cells[position].strip()]
            said = read_as_words(table, self.mapping, position)
            row = {"column": literal(header or f"(column {position + 1}, no header)"),
                   "read": literal(said, style="" if key else "bold" if said.startswith("?") else "dim"),
                   "first": literal(" · ".join(first))}
            columns.add_row(*(cell(row[c.key]) for c in ColumnsTable.COLUMNS), key=str(position))
            for k, value in row.items():
                widths[k] = max(widths.get(k, 0), value.cell_len)
        columns.set_natural(widths)
        if table.header:
            columns.move_cursor(row=min(max(cursor, 0), len(table.header) - 1))
        # what was not found, what it looked for, what fills it; the fills made for every row
        notes = []
        if self.missing is not None:
            for key in self.missing.missing:
                looked = ", ".join(repr(w) for w in vocabulary.header_words(key)[:4])
                fill = {"kind": "k", "role": "r", "country": "c"}.get(key)
                how = f"{fill} gives every row one, or " if fill else ""
                notes.append(f"✗ No column for {KEY_WORDS.get(key, key)} (looked for {looked}…): "
                             f"{how}m reads a column as {KEY_WORDS.get(key, key)}.")
        for unsure in read_columns(table, self.mapping).unsure:
            notes.append(f"? {unsure.words}: m on it says which (or leaves it out); nothing is added until then.")
        for key, filled in self.fill.items():
            notes.append(f"Every row without a {KEY_WORDS.get(key, key)}: {self._words(key, filled)}.")
        if self.preview is not None and self.preview.rejected:
            notes.append("? marks what was not understood · on its row, k, r or c fills it")
        hint = self.query_one("#import-columns", CutLines)
        hint.show(literal("\n".join(notes), keep_newlines=True), IN_FULL)
        hint.display = bool(notes)

    def _words(self, key: str, value: str) -> str:
        if key == "country":
            return f"{self.rules.country_name(value)} ({value})"
        found = self.rules.kind(value) if key == "kind" else self.rules.role(value)
        return found.label if found else value

    def _show_rows(self) -> None:
        rows = self.query_one(RowsTable)
        cursor = rows.cursor_row
        rows.clear()
        widths: dict[str, int] = {}
        for line, cells in self._row_cells():
            rows.add_row(*(cell(cells[c.key]) for c in RowsTable.COLUMNS), key=str(line))
            for k, value in cells.items():
                widths[k] = max(widths.get(k, 0), value.cell_len)
        rows.set_natural(widths)
        if rows.row_count:
            rows.move_cursor(row=min(max(cursor, 0), rows.row_count - 1))
        self._detail()

    def on_data_table_row_selected(self, event) -> None:
        """enter where there is nothing to add (the binding is off, the table has it): it did nothing,
        without a word."""
        event.stop()
        if self.preview is not None and not self.preview.accepted:
            self.app.tell("Nothing to add: every row is rejected, each with its reason in the table "
                          "(escape closes)", timeout=6)

    def on_data_table_row_highlighted(self, event) -> None:
        event.stop()
        self._detail()

    def on_descendant_focus(self) -> None:
        self._detail()

    def _detail(self) -> None:
        """The whole of what the focused table's row says, under the rows: its cells may be cut."""
        if not self.is_mounted:
            return
        text = ""
        if isinstance(self.focused, ColumnsTable):
            table, columns = self.table, self.focused
            if table.header:
                position = min(max(columns.cursor_row, 0), len(table.header) - 1)
                said = read_as_words(table, self.mapping, position)
                said = f"read as {said}" if not said.startswith(("?", "—")) else (
                    f"could be {said[2:]}" if said.startswith("?") else "left out")
                text = f"Column {table.header[position]!r}: {said} · m reads it as something else"
        else:
            rows = self.query_one(RowsTable)
            lines = [line for line, _cells in self.table.rows]
            if lines:
                line = lines[min(max(rows.cursor_row, 0), len(lines) - 1)]
                preview = self.preview
                row = next((r for r in preview.rows if r.line == line), None) if preview else None
                if row is None or preview is None:
                    text = f"Line {line}: waiting for the columns above"
                elif row.partner is None:
                    text = f"Line {line}: " + "; ".join(row.problems)
                else:
                    said = preview.describe(row.partner, self.rules)
                    text = f"Line {line}: adds {said}" + "".join(f"; {w}" for w in row.warnings)
        detail = self.query_one("#import-detail", CutLines)
        detail.show(literal(text), IN_FULL)
        detail.display = bool(text)

    def _row_cells(self) -> list[tuple[int, dict[str, Text]]]:
        out = []
        if self.preview is None:  # the column mapping step: the cells as read, nothing judged yet
            keys = read_as(self.table, self.mapping)
            for line, cells in self.table.rows:
                raw = {key: cells[i].strip() for i, key in enumerate(keys) if key and i < len(cells)}
                out.append((line, self._cells(line, Text("· waiting", style="dim"), raw, set(), "")))
            return out
        for row in self.preview.rows:
            p = row.partner
            if p is None:
                # a filled-in value is an id: shown in words, as the accepted rows are
                raw = {k: self._words(k, v) if self._fill_of(row.line, k) == v else v for k, v in row.cells}
                out.append((row.line, self._cells(row.line, Text("✗ REJECT", style="bold red"), raw,
                                                   {k for k, _ in row.choices}, "; ".join(row.problems))))
                continue
            kind, role = self.rules.kind(p.kind), self.rules.role(p.role)
            filled = [KEY_WORDS.get(k, k) for k in FILLABLE
                      if k in self.fill_rows.get(row.line, {}) or (k in self.fill and not dict(row.cells).get(k))]
            words = {"name": p.name, "short_name": p.short_name or "", "country": self.rules.country_name(p.country),
                     "kind": kind.label.split(" (")[0] if kind else p.kind,
                     "role": (role.label if role else p.role) + (f" → {p.affiliated_to}" if p.affiliated_to else "")}
            note = "; ".join([*([f"{', '.join(filled)} filled in"] if filled else []), *row.warnings])
            out.append((row.line, self._cells(row.line, Text("✓ add", style="green"), words, set(), note)))
        return out

    @staticmethod
    def _cells(line: int, result: Text, raw: dict[str, str], unsure: set[str], note: str) -> dict[str, Text]:
        def shown(key: str) -> Text:
            text = raw.get(key, "")
            return literal(f"? {text}", style="bold") if key in unsure and text else literal(text)

        return {"line": Text(str(line)), "result": result, "name": shown("name"), "short": shown("short_name"),
                "country": shown("country"), "kind": shown("kind"), "role": shown("role"), "note": literal(note)}

    # --- judging again ------------------------------------------------------------------------------

    def _again(self, sheet: str | None = None) -> None:
        try:
            if sheet is not None:
                read = _read(self.path, self.plan, self.rules, sheet)
            else:
                read = _judged(self.table, self.plan, self.rules, self.mapping, self.fill, self.fill_rows)
        except PlanError as exc:
            self.app.tell(str(exc), title="Not changed", severity="error", timeout=10)
            return
        self._take(read)
        self.show()

    # --- keys ----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add":
            # nothing to add, or a column asked about: enter is not offered
            return bool(self.preview and self.preview.accepted and not self.preview.unsure)
        if action == "next_sheet":
            return len(self.table.sheets) > 1
        if action == "fill":
            return bool(self.table.rows)
        return True

    def action_add(self) -> None:
        # enter is the screen's (priority: the table's cursor must not take it), but on a focused button it
        # is that button's: on Cancel it added the partners
        if isinstance(self.focused, Button):
            self.focused.press()
            return
        if self.preview is not None and self.preview.accepted and not self.preview.unsure:
            self.dismiss(self.preview)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_full(self) -> None:
        """The summary, the notes on the columns and the line under the table in full, in a question of its
        own that scrolls: each is cut with … where the screen has not the room (below 20 rows, one or two
        lines each)."""
        from planner.tui.screens.dialogs import Choice

        said = [self.query_one(selector, CutLines).full.plain for selector in LINES]
        self.app.push_screen(Choice("\n\n".join(text for text in said if text), [("close", "Close")],
                                    escape="close"))

    def action_help(self) -> None:
        """? and f1: this screen's keys as bound now (remapped ones too, those not on offer now left out),
        and the tables' own: at 40 columns the footer shows the first three or four."""
        from planner.tui.screens.help import HelpScreen

        keys: dict[str, list[str]] = {}
        for node, binding, _, _ in self.active_bindings.values():
            if node is self and binding.action in KEYS_HELP:
                keys.setdefault(binding.action, []).append(self.app.get_key_display(binding))
        own = [(", ".join(keys[action]), what) for action, what in KEYS_HELP.items() if action in keys]
        own += [("↑ ↓", "the row (or the file's column) under the cursor, said in full under the table"),
                ("tab", "from the rows to the file's columns (and the buttons), and back")]
        self.app.push_screen(HelpScreen(self.rules, own, first="Keys here"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add":
            if self.preview is not None and self.preview.accepted and not self.preview.unsure:
                self.dismiss(self.preview)
        else:
            self.action_cancel()

    def action_next_sheet(self) -> None:
        """The next sheet that can be read; an empty one (or one that cannot be read) is passed over, and
        said: stopping at it left `s` refusing on it for ever, the sheets after it out of reach."""
        sheets = self.table.sheets
        if len(sheets) <= 1:
            return
        at = sheets.index(self.table.sheet) if self.table.sheet in sheets else -1
        passed: list[str] = []
        for step in range(1, len(sheets)):
            name = sheets[(at + step) % len(sheets)]
            try:
                read = _read(self.path, self.plan, self.rules, name)
            except PlanError as exc:
                passed.append(f"{name!r} ({exc.message.rsplit(': ', 1)[-1] if ': ' in exc.message else exc.message})")
                continue
            self.mapping, self.fill, self.fill_rows = {}, {}, {}  # another sheet: other columns
            self._take(read)
            self.show()
            if passed:
                self.app.tell(f"Passed over: {'; '.join(passed)}", timeout=6)
            return
        self.app.tell(f"No other sheet can be read: {'; '.join(passed)}", title="Not changed", severity="error",
                      timeout=10)

    def action_map(self) -> None:
        table, columns = self.table, self.query_one(ColumnsTable)
        if not table.header:
            return
        position = min(max(columns.cursor_row, 0), len(table.header) - 1)
        header = table.header[position]
        reading = read_columns(table, self.mapping)
        current: str | None = reading.keys[position] or IGNORE
        items = [Item(key, words, (key,)) for key, words in READ_AS]
        unsure = next((u for u in reading.unsure if u.header == header), None)
        if unsure is not None and not reading.keys[position]:
            # a header the import asks about ('Name and type of organisation': name or kind?): its
            # candidates first, the first of them chosen; it opened on '— left out', them out of view
            first = [i for k in unsure.keys for i in items if i.id == k]
            items = first + [i for i in items if i not in first]
            current = first[0].id if first else current

        def chosen(answer: Fill | None) -> None:
            if answer is not None:
                self.mapping[header] = "ignore" if answer.value == IGNORE else answer.value
                self._again()
                self.query_one(ColumnsTable).focus()

        self.app.push_screen(PickDialog("column", f"Read the column {header!r} as:", items, current, what="key"),
                             chosen)

    def action_fill(self, key: str) -> None:
        from planner.tui.screens.partner_form import country_items, kind_items, role_items, vocabulary_matcher

        rows = self.query_one(RowsTable)
        lines = [line for line, _cells in self.table.rows]
        if not lines:
            return
        line = lines[min(max(rows.cursor_row, 0), len(lines) - 1)]
        said = self._cell_of(line, key)
        words = KEY_WORDS.get(key, key)
        column = key in read_as(self.table, self.mapping)
        blank = [ln for ln in lines if not self._cell_of(ln, key)]
        scopes = []
        if column or key in self.fill:
            scopes.append(("row", f"line {line} only"))
        # the same word in any case and spacing ('Partner', 'partner '): the sheet's own words, typed by hand
        same = [ln for ln in lines if said and vocabulary.fold(self._cell_of(ln, key)) == vocabulary.fold(said)]
        if len(same) > 1:
            scopes.append(("same", f"every row that says {said!r} ({len(same)})"))
        if blank:
            scopes.append(("all", f"every row without a {words} ({len(blank)})"))
        if not scopes:
            scopes.append(("row", f"line {line} only"))
        items = {"kind": kind_items, "role": role_items, "country": country_items}[key](self.rules)
        # what the cell may have meant first ('college': the two kinds it could be)
        row = next((r for r in self.preview.rows if r.line == line), None) if self.preview else None
        offered = [i for i, _label in dict(row.choices).get(key, ())] if row is not None else []
        items = sorted(items, key=lambda item: offered.index(item.id) if item.id in offered else len(offered))
        match = {"kind": vocabulary.match_kind, "role": vocabulary.match_role, "country": vocabulary.match_country}
        rank = {"kind": vocabulary.rank_kinds, "role": vocabulary.rank_roles, "country": vocabulary.rank_countries}
        matcher = vocabulary_matcher(match[key], rank[key], self.rules)
        where = f"line {line}" + (f", which says {said!r}" if said else "")
        start = self._fill_of(line, key)
        question = f"{words.capitalize()} for {where}:" if len(scopes) > 1 or scopes[0][0] != "all" else \
            f"{words.capitalize()} for every row without one ({len(blank)}):"

        def chosen(answer: Fill | None) -> None:
            if answer is None:
                return
            if answer.scope == "all":
                self.fill[key] = answer.value
            else:
                for ln in (same if answer.scope == "same" else [line]):
                    self.fill_rows.setdefault(ln, {})[key] = answer.value
            self._again()
            self.query_one(RowsTable).focus()

        self.app.push_screen(PickDialog(key, question, items, start, scopes, matcher, what=key), chosen)

    def _cell_of(self, line: int, key: str) -> str:
        """What the file says in a row for a key (before fills), '' when blank or not a column."""
        keys = read_as(self.table, self.mapping)
        cells = dict(self.table.rows).get(line, ())
        if key not in keys:
            return ""
        position = keys.index(key)
        return cells[position].strip() if position < len(cells) else ""

    def _fill_of(self, line: int, key: str) -> str | None:
        return self.fill_rows.get(line, {}).get(key) or self.fill.get(key)


def _read(path: Path, plan: Plan, rules: CallRules, sheet: str | None) -> ImportPreview | MissingColumns:
    try:
        return preview_import(path, plan, rules, sheet=sheet)
    except MissingColumns as exc:
        return exc


def _judged(table: Table, plan: Plan, rules: CallRules, mapping, fill, fill_rows) -> ImportPreview | MissingColumns:
    try:
        return preview_table(table, plan, rules, mapping, fill, fill_rows)
    except MissingColumns as exc:
        return exc
