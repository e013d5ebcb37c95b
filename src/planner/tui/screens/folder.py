"""The folder view: every plan of a folder at a glance, with its verdict and who has it open.

`planner DIR` starts here, and `ctrl+o` opens it on the plan's folder. One line per plan file:
file, title, acronym, call and lot, verdict ("✗ NOT ELIGIBLE: 3 new partners to go"), partners,
last change, who has it open now (from the recovery files). An unreadable file is a line too, with
its reason under the table when the cursor is on it. As in lazygit or k9s, `/` filters as you type
(every word typed must be found in the line), `s` sorts by the next column (`S` reverses); `enter`
opens the plan (asking about unsaved changes first), `n` starts a new plan in the folder, `c`
copies the plan under the cursor as a variant. The folder field at the top (`ctrl+l`, as in a web
browser: the whole path selected, typing replaces it, `end` keeps it) takes another folder, or a
plan file to open. File names and titles are other people's
data: every cell is literal text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from planner import folder as core
from planner.conflicts import MergeConflict
from planner.document import Document
from planner.errors import PlanError
from planner.tui.actions import ACTIONS, bound
from planner.tui.screens import DIALOG_CSS
from planner.tui.text import literal, plain
from planner.tui.widgets.cut import CutLines
from planner.tui.widgets.fit import Col, FittedTable, cell
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import TextField

if TYPE_CHECKING:
    from textual import getters

    from planner.tui.app import PlannerApp

# (column key, the words of the sort line, the sort key of an entry); the verdict sorts by how far
# each plan is from eligible: eligible first, then fewest partners to go, unreadable last
SORTS: tuple[tuple[str, str, Callable[[core.Entry], object]], ...] = (
    ("file", "file name", lambda e: e.name.casefold()),
    ("changed", "last change (newest first)", lambda e: -(e.modified.timestamp() if e.modified else 0)),
    ("verdict", "verdict (closest to eligible first)",
     lambda e: (e.error is not None, not e.eligible, e.new_full_partners or 0, len(e.failing or ()))),
    ("title", "title", lambda e: (e.title or "").casefold()),
    ("acronym", "acronym", lambda e: (e.acronym or "").casefold()),
    ("partners", "partners (most first)", lambda e: -(e.partners or 0)),
    ("open", "who has it open", lambda e: (e.open_by is None, e.open_by.user if e.open_by else "")),
)
POLL_SECONDS = 5.0  # the folder is read again this often while the view is on top (a few ms for 200 plans)
WIDE = 120  # from here the verdict is in full words in its column
MARKS = {"ELIGIBLE": ("✓ ", "green"), "NOT ELIGIBLE": ("✗ ", "bold red"), "UNREADABLE": ("! ", "yellow")}


def verdict_cell(entry: core.Entry, narrow: bool = False) -> Text:
    """'✓ ELIGIBLE', '✗ NOT ELIGIBLE: 3 new partners to go', '! UNREADABLE'; below 120 columns the ✗
    alone says NOT ELIGIBLE: '✗ 3 partners to go'."""
    mark, style = MARKS[entry.verdict_kind]
    star = core.PROVISIONAL_MARK if entry.provisional and entry.error is None else ""  # the call is expected
    return cell(literal(mark + (entry.short_verdict if narrow else entry.verdict) + star), style)


def when(moment: datetime | None, now: datetime | None = None, full: bool = False) -> str:
    """'14:02' today, '30 Nov' this year, '2025-11-30' before (local time); `full`: with the time always."""
    if moment is None:
        return ""
    local = moment.astimezone()
    today = (now or datetime.now(timezone.utc)).astimezone()
    if local.date() == today.date():
        return f"{local:%H:%M}" if not full else f"today {local:%H:%M}"
    if local.year == today.year:
        return f"{local.day} {local:%b}" + (f" {local:%H:%M}" if full else "")
    return f"{local:%Y-%m-%d}" + (f" {local:%H:%M}" if full else "")


def _seen(entry: core.Entry) -> tuple:
    """What the view shows of an entry: when it differs, the table is redrawn."""
    return (entry.name, entry.modified, entry.open_by, entry.error, entry.title, entry.marked_verdict,
            entry.partners)


def held_by(entry: core.Entry, narrow: bool = False) -> str:
    """'coord on srv1'; below 120 columns the user only (the line under the table names the host). A plan
    nobody has open, with changes a planner left unsaved when it ended: '! unsaved left'."""
    if entry.open_by is None:
        return "! unsaved left" if entry.unsaved_left else ""
    return entry.open_by.user if narrow else entry.open_by.words()


def shown_name(entry: core.Entry) -> str:
    """The file name without .toml: every file listed has it (the line under the table names it in full)."""
    return entry.name.removesuffix(core.SUFFIX)


class PlansTable(FittedTable):
    COLUMNS = (Col("file", "File", middle=True), Col("title", "Title"), Col("acronym", "Acronym"), Col("call", "Call"),
               Col("verdict", "Verdict"), Col("partners", "Partners", "Ptnrs"), Col("changed", "Saved"),
               Col("open", "Open by"))
    FLEX = "title"
    # the title goes first below 120 columns: the line under the table has it in full
    SHRINK = (("title", 24), ("open", 14), ("file", 20), ("title", 0), ("file", 14), ("partners", 5),
              ("acronym", 6), ("open", 8), ("verdict", 16), ("file", 10), ("open", 0), ("verdict", 10))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zebra_stripes = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The table's own enter (Textual's `select_cursor`, never in the footer) is off: the view's open key
        (folder.open, enter as shipped) takes it, and the footer shows it ("⏎ Open")."""
        if action == "select_cursor":
            return False
        return super().check_action(action, parameters)

    @staticmethod
    def row(entry: core.Entry, narrow: bool = False) -> dict[str, Text]:
        if entry.error is not None:
            reason = entry.error.removeprefix(f"{entry.path}: ")
            return {"file": cell(literal(shown_name(entry))), "title": cell(literal(reason), "dim"),
                    "acronym": cell(Text("")), "call": cell(Text("")), "verdict": verdict_cell(entry, narrow),
                    "partners": cell(Text("")), "changed": cell(Text(when(entry.modified))),
                    "open": cell(literal(held_by(entry, narrow)))}
        return {"file": cell(literal(shown_name(entry))), "title": cell(literal(entry.title or "")),
                "acronym": cell(literal(entry.acronym or "")), "call": cell(literal(f"{entry.call} L{entry.lot}")),
                "verdict": verdict_cell(entry, narrow), "partners": cell(Text(str(entry.partners))),
                "changed": cell(Text(when(entry.modified))),
                "open": cell(literal(held_by(entry, narrow)))}


_WORDS = re.compile(r"lot\s+\d+|not\s+eligible|\S+")
VERDICT_WORDS = {"eligible": "ELIGIBLE", "not eligible": "NOT ELIGIBLE"}


def matches(entry: core.Entry, typed: str) -> bool:
    """Every word typed is in the line (file, title, acronym, call, verdict, who has it open), any case;
    'lot 2' is one word (else 'lot' and '2' would match every plan of call 2024); 'eligible' and 'not
    eligible' are the verdict (the field's own hint suggests 'eligible', and it matched NOT ELIGIBLE)."""
    words = [" ".join(word.split()) for word in _WORDS.findall(typed.casefold())]
    if not words:
        return True
    line = " ".join(str(v) for v in (entry.name, entry.title, entry.acronym, entry.call and f"{entry.call}",
                                     entry.lot and f"L{entry.lot} lot {entry.lot}", entry.verdict,
                                     entry.open_by.words() if entry.open_by else "", entry.error,
                                     # '! unsaved left' in its line: 'unsaved' found none
                                     entry.unsaved_left and f"unsaved left {entry.unsaved_left}") if v).casefold()
    verdict = entry.verdict_kind  # 'NOT ELIGIBLE: 3 new partners to go' is NOT ELIGIBLE
    return all(verdict == VERDICT_WORDS[word] if word in VERDICT_WORDS else word in line for word in words)


class FilterInput(TextField):
    """The filter: the table follows each letter; up/down move its cursor, enter or escape go back to it."""

    BINDINGS = [Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # its keys from the table of actions (tui/actions.py), remapped by config.toml like the others
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(bound(ACTIONS, "folder-filter"))])

    def action_move(self, step: int) -> None:
        table = self.screen.query_one(PlansTable)
        table.move_cursor(row=min(max(table.cursor_row + step, 0), max(table.row_count - 1, 0)))

    def action_clear(self) -> None:
        self.value = ""
        self.screen.query_one(PlansTable).focus()


class FolderScreen(Screen[None]):
    """The plans of `folder`. `closable`: escape goes back to the plan underneath (False when the
    planner started on a folder with nothing open)."""

    if TYPE_CHECKING:  # the app as mypy sees it (PlannerApp); at run time Textual's, nothing imported
        app = getters.app(PlannerApp)

    CSS_PATH = DIALOG_CSS

    def __init__(self, folder: Path, closable: bool = True) -> None:
        super().__init__(classes="folder-screen")
        # its keys from the table of actions (tui/actions.py): the footer's, the help's section on the
        # folder view and config.toml's [keys] all come from there
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(bound(ACTIONS, "folder"))])
        self.folder = folder
        self.closable = closable
        self.entries: list[core.Entry] = []
        self.shown: list[core.Entry] = []
        self.sort_by = 0
        self.reverse = False
        self.problem = ""  # why the folder could not be listed
        self._opening: object | None = None  # the document before an open that waits for a question
        self._narrow = False

    def compose(self):
        yield Header(icon="≡")
        with Horizontal(classes="folder-line"):
            yield Label("Folder ", classes="folder-label")
            yield TextField(self._folder_text(), id="folder-path", compact=True,
                        placeholder="a folder of plans, or a plan file; a name alone is read in this folder")
        with Horizontal(classes="folder-line"):
            yield Label("Filter ", classes="folder-label")
            yield FilterInput("", id="filter", compact=True, placeholder=f"{self.app.key_for('folder.filter')} then "
                              "type: a name, an acronym, 'eligible', 'lot 2', a colleague's name")
        yield Static("", id="folder-sort")
        yield PlansTable(id="plans")
        yield CutLines(2, id="folder-detail")  # under its border: two lines, cut with …
        yield PlannerFooter()

    def _folder_text(self) -> str:
        text = str(self.folder)
        return text if text.endswith("/") else text + "/"

    def on_resize(self, event) -> None:
        if (self.app.size.width < WIDE) != self._narrow and self.entries:
            self._show(entry.name if (entry := self.selected()) else None)

    def on_mount(self) -> None:
        self.title = "Plans"
        self.query_one(PlansTable).focus()
        self.query_one("#folder-sort", Static).update(literal(f"Reading the plans in {self.folder} …"))
        # the first reading judges every plan (about 2 ms each): in a thread, the keys stay live
        self.run_worker(self._read_first, thread=True, exclusive=True, group="listing", exit_on_error=False)

    def _read_first(self) -> None:
        folder = self.folder
        try:
            entries, problem = core.list_folder(folder), ""
        except core.FolderError as exc:
            entries, problem = [], str(exc)
        except Exception as exc:  # said in the view, never the app's end
            entries, problem = [], f"{folder}: cannot be listed ({exc})"
        try:
            self.app.call_from_thread(self._first_listed, folder, entries, problem)
        except RuntimeError:
            pass  # the app closed meanwhile

    def _first_listed(self, folder: Path, entries: list[core.Entry], problem: str) -> None:
        # not when another folder was typed meanwhile, or the listing was read again (r)
        if self.is_attached and folder == self.folder and not self.entries and not self.problem:
            self.entries, self.problem = entries, problem
            self._show()
            # started from the app's own queue, not from here: a timer's task keeps the context it was
            # started in, and so does the event loop's handle of its sleep once the timer is stopped,
            # until the sleep's 5 s are over. Here that context holds the listing's worker (this runs
            # through call_from_thread) and the view. A plan opened within those 5 s froze them with
            # the plan (planner.heap.freeze_heap), and only an opening 5 s later freed them: plans opened
            # one after the other from the folder view kept a view and its listing each until then.
            self.app.call_later(self._start_polling)

    def _start_polling(self) -> None:
        if self.is_attached:
            self.set_interval(POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        """Who has which plan open, and what was saved, as it changes: the folder read again (only the
        files that changed are judged again) and the table redrawn only when a line would differ."""
        if self.app.screen is not self or not (self.entries or self.problem):
            return
        try:
            entries, problem = core.list_folder(self.folder), ""
        except core.FolderError as exc:
            entries, problem = [], str(exc)
        if [_seen(e) for e in entries] != [_seen(e) for e in self.entries] or problem != self.problem:
            self.entries, self.problem = entries, problem
            self._show()

    def on_screen_resume(self) -> None:
        # opened after questions (unsaved, recovery): done here. The view is back on top between them too
        # (after 'Save', before the recovery file's question): the plan is not replaced yet then, and
        # the view waits for the next time (it let go at the first, and stayed up over the opened plan)
        if self._opening is not None and self.app.document is not self._opening:
            self._opening = None
            self.dismiss(None)
            return
        if self.is_mounted and (self.entries or self.problem):
            self.refresh_listing()

    # --- the listing ---------------------------------------------------------------------------

    def refresh_listing(self, select: str | None = None) -> None:
        """Read the folder again (only changed files are judged again) and show it, the cursor kept."""
        table = self.query_one(PlansTable)
        current = select or (self.shown[table.cursor_row].name if self.shown and 0 <= table.cursor_row < len(
            self.shown) else None)
        try:
            self.entries = core.list_folder(self.folder)
            self.problem = ""
        except core.FolderError as exc:
            self.entries, self.problem = [], str(exc)
        self._show(current)

    def _show(self, select: str | None = None) -> None:
        """Sort, filter and fill the table; the cursor on `select` (default: the plan it is on, if still shown)."""
        table = self.query_one(PlansTable)
        if select is None and (entry := self.selected()) is not None:
            select = entry.name
        typed = self.query_one("#filter", Input).value
        key, words, sort_key = SORTS[self.sort_by]
        entries = sorted(self.entries, key=lambda e: (sort_key(e), e.name.casefold()), reverse=self.reverse)
        self.shown = [e for e in entries if matches(e, typed)]
        self._narrow = self.app.size.width < WIDE
        rows = [PlansTable.row(e, self._narrow) for e in self.shown]
        table.clear()
        for entry, row in zip(self.shown, rows):
            table.add_row(*(row[c.key] for c in PlansTable.COLUMNS), key=entry.name)
        table.set_natural({c.key: max((cell_len(r[c.key].plain) for r in rows), default=0)
                           for c in PlansTable.COLUMNS})
        index = next((i for i, e in enumerate(self.shown) if e.name == select), 0)
        table.move_cursor(row=index)
        readable = sum(e.error is None for e in self.entries)
        eligible = sum(bool(e.eligible) for e in self.entries)
        held = sum(e.open_by is not None for e in self.entries)
        count = (f"{len(self.shown)} of {len(self.entries)} plans" if typed.strip()
                 else f"{len(self.entries)} plan{'' if len(self.entries) == 1 else 's'}")
        parts = [count, f"{eligible} eligible", *([f"{len(self.entries) - readable} unreadable"]
                                                  if readable < len(self.entries) else []),
                 *(["* provisional: call expected"] if any(e.provisional for e in self.shown) else []),
                 *([f"{held} open elsewhere"] if held else []),
                 f"sorted by {words}{' (reversed)' if self.reverse else ''} ({self.app.key_for('folder.sort')})"]
        self.query_one("#folder-sort", Static).update(literal(" · ".join(parts)))
        self._detail()
        self.sub_title = plain(str(self.folder))

    def on_data_table_row_highlighted(self, event) -> None:
        self._detail()

    def selected(self) -> core.Entry | None:
        table = self.query_one(PlansTable)
        return self.shown[table.cursor_row] if self.shown and 0 <= table.cursor_row < len(self.shown) else None

    def _detail(self) -> None:
        """Under the table: the plan under the cursor in full (what it takes, who has it, the reason)."""
        detail = self.query_one("#folder-detail", CutLines)
        entry = self.selected()
        if self.problem:
            detail.show(literal(self.problem, "bold"))
            return
        if entry is None:
            typed = self.query_one("#filter", Input).value
            key = self.app.key_for  # the keys as config.toml has them
            detail.show(literal(f"No plan matches {typed!r} ({key('folder.clear_filter')} clears the filter)"
                                if typed.strip() else f"No plans here: {key('folder.new')} starts one, or type "
                                f"another folder above ({key('folder.path')})."))
            return
        held = ""
        if entry.open_by is not None:
            since = f" since {when(entry.open_by.since, full=True)}" if entry.open_by.since else ""
            held = f" · open now by {entry.open_by.words()}{since}"
        elif entry.unsaved_left:
            held = (f" · ! changes left unsaved by {entry.unsaved_left} (a planner that ended without saving): "
                    "opening it offers them back")
        if entry.error is not None:
            text = f"{entry.name}{held} · cannot be opened: {entry.error.removeprefix(str(entry.path) + ': ')}"
        else:
            takes = f"what it takes: {entry.summary}" if entry.summary else "eligible as it is"
            if entry.other_steps:
                takes += "; and " + "; ".join(entry.other_steps)
            status = f" (provisional: call {entry.call} is expected, not published)" if entry.provisional else ""
            text = (f"{entry.name}{held} · {entry.title} · {entry.call} Lot {entry.lot}, "
                    f"{entry.duration_months} months{status} · saved {when(entry.modified, full=True)} · {takes}")
        detail.show(literal(text))

    # --- keys ------------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            event.stop()
            self._show()
            if not self.closable:
                self.refresh_bindings()  # escape clears a filter typed: offered only then

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "filter":
            self.query_one(PlansTable).focus()
        elif event.input.id == "folder-path":
            self._go_to(event.value.strip())

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_folder_field(self) -> None:
        self.query_one("#folder-path", Input).focus()

    def action_sort(self, step: int = 1) -> None:
        if step < 0:
            self.reverse = not self.reverse
        else:
            self.sort_by = (self.sort_by + 1) % len(SORTS)
            self.reverse = False
        self._show(entry.name if (entry := self.selected()) else None)

    def action_refresh(self) -> None:
        self.refresh_listing()
        self.app.tell(f"Read {self.folder} again", timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # escape goes back to the plan underneath: not offered when none is open (a filter typed: it clears it)
        if action == "close" and not self.closable:
            return self.is_mounted and bool(self.query_one("#filter", Input).value)
        return super().check_action(action, parameters)

    def on_key(self, event) -> None:
        if event.key == "escape" and not self.closable and not self.check_action("close", ()):
            event.stop()
            self.action_close()  # not in the footer (no plan to go back to), but said when pressed

    def action_help(self) -> None:
        """? and f1: the folder view's keys as bound now, then the main screen's (the footer ended '…' and
        ? did nothing)."""
        from planner.tui.actions import FOLDER
        from planner.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.app.document.rules, self.app.key_help(FOLDER),
                                        [("On the main screen", self.app.key_help())], first="Keys here"))

    def action_close(self) -> None:
        if self.query_one("#filter", Input).value:
            self.query_one("#filter", Input).value = ""
            return
        if self.closable:
            self.dismiss(None)
        else:
            key = self.app.key_for
            self.app.tell(f"No plan is open: {key('folder.open')} opens the plan under the cursor, "
                          f"{key('folder.new')} starts a new one, {key('planner.quit')} quits.", timeout=5)

    def _resolve(self, typed: str) -> Path:
        """The field's own text, edited (`proposals/other/`), is read as written; any other relative path
        (`other.toml`, `../drafts`) from the folder shown, as every path prompt reads from the plan's folder."""
        path = Path(typed).expanduser()
        shown = self._folder_text()
        if path.is_absolute() or typed.startswith(shown) or typed.rstrip("/") == shown.rstrip("/"):
            return path
        return self.folder / path

    def _go_to(self, typed: str) -> None:
        """The folder field: another folder is listed; a plan file is opened. The field holds a path
        as the folder shown is written (relative to where the planner was started, or absolute)."""
        if not typed:
            return
        path = self._resolve(typed)
        if path.is_dir():
            self.folder = Path(os.path.normpath(path))
            field = self.query_one("#folder-path", Input)
            field.value = self._folder_text()
            self.refresh_listing()
            self.query_one(PlansTable).focus()
            return
        if path.exists() or path.is_symlink():
            self._open(path)
            return
        where = path.parent if path.is_absolute() else Path.cwd() / path.parent
        self.app.tell(f"{typed}: no such file or folder (looked in {os.path.normpath(where)})",
                      title="Not opened", severity="error", timeout=8)

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        if entry.error is not None and not _conflicted(entry.path):
            self.app.tell(entry.error, title="This file cannot be opened", severity="error", timeout=10)
            return
        self._open(entry.path)

    def _open(self, path: Path) -> None:
        from planner.tui.opening import open_document

        try:
            document: Document | None = open_document(path, self.app.session_rules)  # refused here, the view stays
        except MergeConflict:
            document = None  # the app offers to take one side of each conflict (Filing.ask_conflicts)
        except PlanError as exc:
            self.app.tell(str(exc), title="Not opened: your current plan is kept", severity="error", timeout=15)
            return
        self._replace(document, path, new=False)

    class OpenPlan(Message):
        """Asks the app to put `document` (read from `path`, or a new plan to be saved there) in place of
        the open plan, after the question about unsaved changes (`document` None: a file with merge
        conflicts, which the app opens by asking about each). The app closes the view once the
        plan is replaced (`PlannerApp.on_folder_screen_open_plan`)."""

        def __init__(self, view: FolderScreen, document: Document | None, path: Path, new: bool) -> None:
            super().__init__()
            self.view, self.document, self.path, self.new = view, document, path, new

    def plan_replaced(self) -> None:
        """The app put the plan asked for in place of the open one: the view closes."""
        self._opening = None
        if self.app.screen is self:
            self.dismiss(None)

    def _replace(self, document: Document | None, path: Path, new: bool) -> None:
        # after a question (unsaved, recovery, held elsewhere) the view is back on top: see on_screen_resume
        self._opening = self.app.document
        self.post_message(self.OpenPlan(self, document, path, new))

    def action_new(self) -> None:
        from planner.tui.screens.dialogs import PathPrompt

        name = core.free_name(self.folder, "new-plan")
        # the folder makes the name a suggestion (greyed, enter takes it) that typing replaces, as in save as
        # a name taken is said under the field, which keeps it (the prompt closed and it was typed again)
        self.app.push_screen(PathPrompt("A new plan (its file name):", name, self.folder,
                                        check=lambda typed: self._taken(self._resolve(str(typed)), "a new plan")),
                             self._new_at)

    def _new_at(self, typed: Path | None) -> None:
        from planner.tui.opening import open_document

        if typed is None:
            return
        path = self._new_file(self._resolve(str(typed)), "a new plan", "No new plan")
        if path is None:
            return
        try:
            document = open_document(path, self.app.session_rules)
        except PlanError as exc:
            self.app.tell(str(exc), title="No new plan", severity="error", timeout=10)
            return
        self._replace(document, path, new=True)

    def action_copy(self) -> None:
        from planner.tui.screens.dialogs import PathPrompt

        entry = self.selected()
        if entry is None:
            return
        stem = Path(entry.name).name.removesuffix(".toml")
        name = core.free_name(entry.path.parent, f"{stem}-variant")
        # the folder makes the name a suggestion (greyed, enter takes it) that typing replaces, as in save as:
        # as the field's text, what was typed was appended to it (plan-variant.tomlplan-lot2.toml)
        def taken(typed: Path) -> str | None:
            given = Path(typed).expanduser()
            return self._taken(given if given.is_absolute() else entry.path.parent / given, "a copy")

        self.app.push_screen(PathPrompt(f"Copy {entry.name} as:", name, entry.path.parent, check=taken),
                             lambda typed: self._copy_to(entry, typed))

    @staticmethod
    def _taken(path: Path, what: str) -> str | None:
        """Why a new plan's or a copy's name cannot be taken (a file is there), or None."""
        path = core.plan_path(path)
        return f"{path.name} exists: choose another name ({what} never replaces a file)" if core.taken(path) else None

    def _new_file(self, path: Path, what: str, title: str) -> Path | None:
        """A new plan's or a copy's path, `.toml` added; None (and said why) when a file is there."""
        path = core.plan_path(path)
        if core.taken(path):
            self.app.tell(f"{path} exists: choose another name ({what} never replaces a file)",
                          title=title, severity="error", timeout=8)
            return None
        return path

    def _copy_to(self, entry: core.Entry, typed: Path | None) -> None:
        if typed is None:
            return
        given = Path(typed).expanduser()
        path = self._new_file(given if given.is_absolute() else entry.path.parent / given, "a copy", "Not copied")
        if path is None:
            return
        try:
            core.copy_plan(entry.path, path)
        except PlanError as exc:
            self.app.tell(str(exc), title="Not copied", severity="error", timeout=10)
            return
        self.query_one("#filter", Input).value = ""
        try:
            select = str(path.relative_to(self.folder))
        except ValueError:
            select = None
        self.refresh_listing(select)
        self.app.tell(f"Copied {entry.name} to {path.name}: {self.app.key_for('folder.open')} opens it", timeout=5)


def _conflicted(path: Path) -> bool:
    """Does the file hold git's merge conflicts (which the planner offers to resolve when it opens it)?"""
    from planner.tui.opening import open_document

    try:
        open_document(path)
    except MergeConflict:
        return True
    except PlanError:
        return False
    return False
