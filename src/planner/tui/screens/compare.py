"""The what-if comparison: the plan against every lot and duration of its call, side by side.

Every column of the call is in view at once, at 80 columns too: the columns share the width, each
cell says the most that fits (at 160 columns the whole reason, 'FAIL EUR 1.45M > 1M cap'; at 80 the
status and count, 'FAIL 8/12'), anything cut ends in …, and the line under the table gives the
selected cell in full. One mark per meaning: `▸` the plan now (a column title), `*` a provisional
figure (a cell), `≠` a rule whose verdict differs between the columns (a row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from planner.budget import cap_percent, contribution_words
from planner.editing import no_longer_fit, work_packages_after
from planner.model import Plan
from planner.qualify_words import in_sentence
from planner.report import STATUS_WORDS, cell_reason, closed_note, column_title, judged_headline, money, own_column
from planner.rules import CallRules
from planner.scoring import CRITERIA_ORDER, Criterion, Scoreboard, compare
from planner.tui.screens import DIALOG_CSS
from planner.tui.text import literal, plain
from planner.tui.widgets.cut import CutLines
from planner.tui.widgets.fit import Col, FittedTable, cell
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.quiet import Line

if TYPE_CHECKING:
    from textual import getters

    from planner.tui.app import PlannerApp

NOW = "▸ "  # the column of the plan as it is now
LABEL = "criterion"
TINY = 20  # fewer rows than this: the table a smaller share of them, the lines under it in view (dialogs.tcss)
VERDICT, TAKES = "verdict", "takes"  # the two rows on top, kept in view when the rules scroll
MONEY = "money"  # a plan with a budget: its contribution against each column's cap, the work packages too long
LABEL_MIN = 12  # the rule's name gives way first, down to this ("≠ Education …")


@dataclass(frozen=True)
class Both:
    """A cell in full and in short; the table shows the full one where it fits its column."""

    long: Text
    short: Text


def _styled(text: str, style: Style | str) -> Text:
    shown = literal(text)
    shown.style = style  # a theme's Style, or a style name
    return cell(shown)


def _both(long: str, short: str, style: Style | str = "") -> Both:
    return Both(_styled(long, style), _styled(short, style))


def criterion_cell(c: Criterion | None, board: Scoreboard, plan: Plan, rules: CallRules,
                   styles: dict[str, Style]) -> Both:
    if c is None:
        return _both("-", "-")
    star = " *" if c.provisional else ""
    word = STATUS_WORDS[c.status]
    reason = c.count if c.status in ("pass", "info") else cell_reason(c, board, plan, rules)
    short = " ".join(p for p in (word, c.count) if p) + star
    return _both(" ".join(p for p in (word, reason) if p) + star, short, styles[c.status])


def takes_cell(board: Scoreboard, styles: dict[str, Style]) -> Both:
    """What it takes: '+2 partners, 1 ecosystem' where its column has the room (from about 120 columns),
    else '+2 & 1 more', 'ecosystem', '✓ nothing' (the whole answer is under the table)."""
    tq = board.to_qualify
    if tq.eligible:  # '✓ nothing if CH': eligible once Switzerland's association is in force
        return _both(tq.in_words() + board.condition_codes, tq.short() + board.condition_codes, styles["pass"])
    return _both(tq.in_words(), tq.short(), "bold")


def money_cell(plan: Plan, board: Scoreboard, styles: dict[str, Style]) -> Both:
    """The budget against this column's cap and months: '✓ 709k ≤ 1M cap', '✗ 1.26M > 1M cap · WP3 past 24'."""
    est, cap, months = board.estimate, board.cap_eur, board.duration_months
    if est is None:
        return _both("-", "-")
    late = work_packages_after(plan, months)
    said = (f" · ✗ {late[0].id} past {months}" if len(late) == 1 else f" · ✗ {len(late)} WPs past {months}") \
        if late else ""
    short_late = f" ✗ {len(late)} late" if late else ""
    if cap is None:
        return _both(f"{money(est.contribution_eur)}, no cap{said}", f"no cap{short_late}", styles["info"])
    over = est.contribution_eur > cap
    percent = cap_percent(est.contribution_eur, cap)
    long = f"{'✗' if over else '✓'} {money(est.contribution_eur)} {'>' if over else '≤'} {money(cap)} cap{said}"
    short = f"{'✗' if over else '✓'} {percent}%{short_late}"
    return _both(long, short, styles["fail" if over or late else "pass"])


def money_detail(plan: Plan, board: Scoreboard) -> str:
    """The budget row's cell in full, under the table."""
    est, cap, months = board.estimate, board.cap_eur, board.duration_months
    if est is None:
        return "no budget"
    text = (f"estimated costs EUR {est.cost_eur:,}, the contribution "
            f"{contribution_words(est.contribution_eur, est.funding_rate_percent)}")
    if cap is None:
        text += f"; no cap for {months} months"
    elif est.contribution_eur > cap:
        text += (f" is EUR {est.contribution_eur - cap:,} over the EUR {cap:,} cap: cut EUR {est.cut_to_cap(cap):,} "
                 "of estimated costs")
    else:
        text += f" is within the EUR {cap:,} cap, EUR {cap - est.contribution_eur:,} left"
    late = no_longer_fit(plan, months)
    return text + (f". {late}: {'it does' if len(work_packages_after(plan, months)) == 1 else 'they do'} not fit "
                   f"{months} months" if late else f". Every work package fits {months} months")


def verdict_cell(board: Scoreboard, styles: dict[str, Style]) -> Both:
    if board.eligible:  # '✓ ELIGIBLE if CH' where it rests on a conditional association
        said = "✓ ELIGIBLE" + board.condition_codes
        return _both(said, said, styles["pass"] + Style(bold=True))
    n = len(board.failures)
    return _both(f"✗ NOT ELIGIBLE ({n})", f"✗ {n} failing", styles["fail"])


class CompareTable(FittedTable):
    """One column per board after the rules' names; the columns share the width (see `fit_columns`)."""

    # the status colours from the theme, as the scoreboard's (they hold up under NO_COLOR and ansi-16)
    COMPONENT_CLASSES = FittedTable.COMPONENT_CLASSES | {"status-pass", "status-fail", "status-warn", "status-info"}

    def __init__(self, columns: tuple[Col, ...], **kwargs) -> None:
        self.COLUMNS = columns
        super().__init__(**kwargs)
        self.cursor_type = "cell"
        self.cells: dict[str, dict[str, Both]] = {}  # row key -> column key -> both forms
        self.titles: dict[str, Text] = {}
        self._shown: dict[str, dict[str, Text]] = {}

    def set_titles(self, titles: dict[str, Text]) -> None:
        """The board columns' titles as Text (FittedTable adds the columns with its labels)."""
        self.titles = titles
        for key, title in titles.items():
            self.columns[ColumnKey(key)].label = title

    def add(self, key: str, label: Text, cells: dict[str, Both]) -> None:
        self.cells[key] = cells
        self._shown[key] = {k: b.short for k, b in cells.items()}
        self.add_row(cell(label), *self._shown[key].values(), key=key)

    def fit_columns(self) -> None:
        """The rules' names take what they need up to what the boards leave them; the board columns
        share the rest evenly. Long cells when every long cell fits so, else the short widths."""
        available = self._width_to_fit() if self.cells else None
        if available is None:
            return
        boards = [c.key for c in self.COLUMNS if c.key != LABEL]
        label_natural = self._natural[LABEL]

        def natural(form: str) -> dict[str, int]:
            return {k: max([cell_len(self.titles[k].plain)] +
                           [cell_len(getattr(row[k], form).plain) for row in self.cells.values()]) for k in boards}

        widths = natural("long")
        if sum(widths.values()) + min(label_natural, LABEL_MIN * 2) > available:
            widths = natural("short")
        label = max(min(label_natural, available - sum(widths.values())), min(LABEL_MIN, label_natural))
        spare = available - label - sum(widths.values())
        if spare < 0:  # not even the short cells: each board column gives up the same share (cut with …)
            cut, extra = divmod(-spare, len(boards))
            widths = {k: max(w - cut - (i < extra), 1) for i, (k, w) in enumerate(widths.items())}
        else:  # the spare shared between the boards, so that the columns look alike
            even = (sum(widths.values()) + spare) // len(boards)
            if all(w <= even for w in widths.values()):
                widths = dict.fromkeys(boards, even)
            # what an even share cannot give goes to the last column
            widths[boards[-1]] += available - label - sum(widths.values())
        widths[LABEL] = label
        self._show_forms(widths)
        if widths == self._allotted:
            return
        self._allotted = widths
        for key, width in widths.items():
            column = self.columns[ColumnKey(key)]
            column.width, column.auto_width = max(width, 1), False
        self._require_update_dimensions = True
        self._update_count += 1
        self.refresh()

    def _show_forms(self, widths: dict[str, int]) -> None:
        """Each cell in full where it fits its column, else in short (cut with … if even that is too wide)."""
        for key, row in self.cells.items():
            shown = {k: (b.long if cell_len(b.long.plain) <= widths[k] else b.short) for k, b in row.items()}
            if shown != self._shown[key]:
                self._shown[key] = shown
                self.update_row(key, shown)

    def action_cursor_left(self) -> None:
        if self.cursor_column > 1:  # the rules' names are no cell to select
            super().action_cursor_left()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Fit the columns as soon as the layout gives the table its width, before the frame that draws
        it: fitted at the Resize event, the first frame showed default widths and a second one the fit."""
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if size.width:
            self.fit_columns()
            self.settle()
        return changed


class CompareScreen(ModalScreen[tuple[int, int] | None]):
    """Dismisses with (lot, months) of the column to apply, or None."""
    if TYPE_CHECKING:  # the app as mypy sees it (PlannerApp); at run time Textual's, nothing imported
        app = getters.app(PlannerApp)

    CSS_PATH = DIALOG_CSS

    BINDINGS = [
        Binding("escape,c", "close", "Close", id="compare.close"),
        Binding("enter", "apply", "Apply column", id="compare.apply", priority=True),
        Binding("space", "full", "Cell in full", id="compare.full"),
        # its own keys and the main screen's: the footer ended '…' at 40 columns, and ? did nothing
        Binding("question_mark,f1", "help", "Help", show=False, id="compare.help"),
        Binding("1", "apply_number(0)", "Apply 1", show=False),
        Binding("2", "apply_number(1)", "Apply 2", show=False),
        Binding("3", "apply_number(2)", "Apply 3", show=False),
        Binding("4", "apply_number(3)", "Apply 4", show=False),
    ]

    def __init__(self, plan: Plan, rules: CallRules) -> None:
        super().__init__(classes="dialog-screen")
        self.plan = plan
        self.rules = rules
        self.boards = compare(plan, rules)
        self.rows: list[str] = []  # row keys, top to bottom

    def compose(self):
        self.set_class(self.app.size.height < TINY, "-tiny")  # from the first frame (the first Resize comes after it)
        with Vertical(classes="dialog compare") as dialog:
            call = self.rules.id
            closed = closed_note(self.boards[0]).removeprefix(f"under call {call}, ") if self.boards else ""
            dialog.border_title = plain(f"What if: every lot and duration of call {call}"
                                        + (f", {closed}" if closed else ""))
            columns = (Col(LABEL, "Criterion"),) + tuple(Col(str(i), column_title(b))
                                                         for i, b in enumerate(self.boards))
            table = CompareTable(columns, id="comparison")
            table.fixed_rows = 2
            yield table
            # its height in screens/dialogs.tcss; a cell longer than its three lines says how to read it all
            yield CutLines(3, tail_when_cut=True, id="compare-detail")
            yield Line(f"{NOW.strip()} the plan now · * provisional figure · ≠ rules that differ · "
                       f"arrows: a cell below (space: in full) · enter or 1-{len(self.boards)}: apply that column · "
                       "escape closes", classes="hint")
        yield PlannerFooter()

    def on_resize(self, event: events.Resize) -> None:
        # below 20 rows (a 40x12 terminal) the table at 65% of the rows pushed the lines under it past the
        # dialog's edge: one showed, cut with no '…' and no '(space: in full)' (screens/dialogs.tcss)
        self.set_class(event.size.height < TINY, "-tiny")

    def on_mount(self) -> None:
        table = self.query_one(CompareTable)
        keys = [str(i) for i in range(len(self.boards))]
        now = self._current_index()
        table.set_titles({k: cell(Text((NOW if i == now else "") + column_title(b), style="bold" if i == now else ""))
                          for i, (k, b) in enumerate(zip(keys, self.boards))})
        table.columns[ColumnKey(LABEL)].label = cell(Text("Criterion"))
        self.styles_of = {s: table.get_component_rich_style(f"status-{s}", partial=True)
                          for s in ("pass", "fail", "warn", "info")}
        styles = self.styles_of
        table.add(VERDICT, Text("  Verdict", style="bold"),
                  {k: verdict_cell(b, styles) for k, b in zip(keys, self.boards)})
        self.rows.append(VERDICT)
        table.add(TAKES, Text("  What it takes", style="bold"),
                  {k: takes_cell(b, styles) for k, b in zip(keys, self.boards)})
        self.rows.append(TAKES)
        if self.plan.has_budget:
            table.add(MONEY, Text("  Budget vs cap", style="bold"),
                      {k: money_cell(self.plan, b, styles) for k, b in zip(keys, self.boards)})
            self.rows.append(MONEY)
        labels = {c.id: c.label for b in self.boards for c in b.criteria}
        for cid in CRITERIA_ORDER:
            if cid not in labels:
                continue
            cells = [b.get(cid) for b in self.boards]
            differs = len({c.status if c else None for c in cells}) > 1
            table.add(cid, Text(plain(("≠ " if differs else "  ") + labels[cid]), style="bold" if differs else ""),
                      {k: criterion_cell(c, b, self.plan, self.rules, styles)
                       for k, c, b in zip(keys, cells, self.boards)})
            self.rows.append(cid)
        table.set_natural({LABEL: max(cell_len(table.get_cell(k, LABEL).plain) for k in self.rows)})
        # the plan's own column, on what it takes: the answer in full right under the table
        table.move_cursor(row=self.rows.index(TAKES), column=now + 1)
        table.focus()
        self._detail()

    def _current_index(self) -> int:
        own = own_column(self.boards, self.plan)  # the text format's '▸' column too
        return 0 if own is None else own

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._detail()

    def selected(self) -> tuple[str, int]:
        """(row key, board index) of the cell under the cursor; the rules' names column counts as
        the plan's own column."""
        table = self.query_one(CompareTable)
        row = self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]
        column = table.cursor_column - 1
        return row, column if 0 <= column < len(self.boards) else self._current_index()

    def detail(self) -> Text:
        """The selected cell in full: which column, which rule, its whole message."""
        row, index = self.selected()
        board = self.boards[index]
        text = Text.assemble((column_title(board), "bold"), " · ")
        if row == VERDICT:
            text.append(judged_headline(board), style="bold")
            if not board.eligible:
                text.append(": " + ", ".join(in_sentence(c.label) for c in board.failures))
            return text
        if row == TAKES:
            tq = board.to_qualify
            text.append("What it takes: ", style="bold")
            if tq.eligible:
                only = f" (only{board.condition})" if board.condition else ""
                text.append(f"nothing, the plan is eligible as it is{only}")
                return text
            # the answer in short, then every step in words (they name partners: user text); a
            # single change is its own summary
            text.append_text(literal(tq.summary()))
            if tq.new_full_partners or len(tq.steps) > 1:
                text.append(". Steps: ", style="bold")
                text.append_text(literal("; ".join(tq.steps)))
            return text
        if row == MONEY:
            text.append("Budget vs cap: ", style="bold")
            text.append_text(literal(money_detail(self.plan, board)))  # work package ids: user text
            return text
        c = board.get(row)
        if c is None:
            label = next(x.label for b in self.boards for x in b.criteria if x.id == row)
            text.append(label, style="bold")
            text.append(f": not a rule of Lot {board.lot}")
            return text
        text.append_text(Text.assemble((STATUS_WORDS[c.status], self.styles_of[c.status]), " ", (c.label, "bold"),
                                       f" {c.count}" if c.count else "", ": "))
        text.append_text(literal(c.message))  # messages name partners: user text
        if c.provisional:
            text.append("  * provisional figure: check the call document", style="bold")
        return text

    def _detail(self) -> None:
        self.query_one("#compare-detail", CutLines).show(self.detail(), Text(" (space: in full)", style="bold"))

    def action_full(self) -> None:
        """The cell under the cursor in full, in a question of its own that scrolls (the line under the
        table holds three lines: 'What it takes' and a budget's rule often need more)."""
        from planner.tui.screens.dialogs import Choice

        self.app.push_screen(Choice(self.detail().plain, [("close", "Close")], escape="close"))

    def action_apply(self) -> None:
        column = self.query_one(CompareTable).cursor_column - 1
        self.action_apply_number(max(column, 0))

    def action_apply_number(self, index: int) -> None:
        if 0 <= index < len(self.boards):
            board = self.boards[index]
            self.dismiss((board.lot, board.duration_months))

    def action_help(self) -> None:
        from planner.tui.screens.help import HelpScreen, own_keys

        keys = [*own_keys(self), ("1 2 3 4", "apply that column")]
        self.app.push_screen(HelpScreen(self.rules, keys, [("On the main screen", self.app.key_help())],
                                        first="Keys here"))

    def action_close(self) -> None:
        self.dismiss(None)
