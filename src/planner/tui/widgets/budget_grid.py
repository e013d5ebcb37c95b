"""The budget grid and timeline of the budget screen (`b`): partners by work packages, in whole euros.

`grid_cells` turns a plan and its `budget.Estimate` into the grid's columns and cells (pure: plan in,
Text out); `BudgetGrid` shows them and, after an edit, repaints only the rows whose cells changed
(AGENTS.md, "Light on the wire"): a new line repaints its partner's row and the totals. The three
problems a coordinator must see are marks with words in the cells themselves, never colour alone:
`! no lines` (a full partner without a budget line), `! no costs` (a work package nobody costs) and
`✗ 1-30 past 24` (a work package that ends after the project). `Timeline` draws each work package
as a bar over the project's months (`▒` for the months after its end).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Static
from textual.widgets.data_table import ColumnKey

from planner.budget import ASSOCIATED, Estimate, cap_percent
from planner.model import Partner, Plan, WorkPackage
from planner.rules import CallRules
from planner.tui.text import literal
from planner.tui.widgets.fit import Col, FittedTable, cell

PARTNER, COST, PM, SHARE = "partner", "cost", "pm", "share"
MONTHS_ROW, TOTAL_ROW = "months", "total"
NO_LINES, NO_COSTS = "! no lines", "! no costs"
WP_PREFIX = "wp:"  # a work package's column key: "wp:" + its id
BAR_WIDTH = 16


def wp_key(wp_id: str) -> str:
    return WP_PREFIX + wp_id


def partner_key(index: int) -> str:
    return f"p{index}"


def months_text(value: Decimal) -> str:
    """Person-months as people write them: 6.5, 12, 0.25 (sums rounded to 2 decimals)."""
    shown = value.quantize(Decimal("0.01")).normalize()
    return format(shown, "f")


def eur(amount: int | None) -> str:
    return "-" if amount is None else f"EUR {amount:,}"


def holders(plan: Plan, rules: CallRules) -> list[int]:
    """The partners shown as rows: every participant but associated partners, and an associated partner
    with budget lines all the same (they count in no total, and the budget fails until they go: its row,
    marked `NOT_COUNTED` in the Cost column, is where they are seen and removed)."""
    return [i for i, p in enumerate(plan.partners) if p.role != ASSOCIATED or p.budget]


STRAY = "✗ no such WP"  # the months cell of a column of lines for a work package the plan does not have
NOT_COUNTED = "✗ not counted"  # the Cost cell of an associated partner's row: its lines are in no total


def needs_lines(plan: Plan, partner: Partner, rules: CallRules) -> bool:
    """A full partner without a budget line in a plan with a budget: the `budget` criterion warns, the
    grid marks it (a plan without any budget has shares only: nothing to mark)."""
    role = rules.lookup_tables()[1].get(partner.role)
    return plan.has_budget and not partner.budget and role is not None and role.full_partner


def late(wp: WorkPackage, months: int) -> bool:
    return wp.end_month > months


def out_of_range(wp: WorkPackage, months: int) -> bool:
    return not (1 <= wp.start_month <= wp.end_month <= months)


def backwards(wp: WorkPackage) -> bool:
    return wp.end_month < wp.start_month


def month_cell(wp: WorkPackage, months: int) -> str:
    span = f"{wp.start_month}-{wp.end_month}"
    if late(wp, months):
        return f"✗ {span} past {months}"
    if backwards(wp):  # 20-10 is within 1-48: what is wrong is the order (the budget rule's words)
        return f"✗ {span} ends first"
    if out_of_range(wp, months):
        return f"✗ {span} outside 1-{months}"
    return span


Cell = tuple[str, str]  # a cell's text (padded to its column) and style: compared before any Text is made


@dataclass(frozen=True)
class Grid:
    columns: tuple[Col, ...]
    rows: dict[str, dict[str, Cell]]  # row key -> column key -> cell, top to bottom
    rows_of: dict[str, int]  # a partner row's key -> the partner's index in the plan
    widths: dict[str, int]  # each column's widest cell (its label included)


def cell_text(key: str, value: Cell) -> Text:
    """The cell as the table shows it: a partner's name is user text (literal); the rest are figures."""
    text, style = value
    return cell(literal(text) if key == PARTNER else Text(text), style)


def grid_cells(plan: Plan, rules: CallRules, est: Estimate, months: int) -> Grid:
    """The grid's columns and cells: a months row and a totals row on top, then one row per holder."""
    wps = plan.work_packages
    # the hand-set shares: those of a plan without a budget, or set beside one (the grant rule compares)
    with_shares = not plan.has_budget or any(p.grant_eur is not None for p in plan.partners)
    # lines for a work package the plan does not have (a typo, another case, a package removed by hand):
    # they count in the totals, so they get a column of their own, after the plan's work packages
    known = {wp.id for wp in wps}
    every = (*est.lines, *est.uncounted)  # an associated partner's lines too: in no total, but edited here
    stray = list(dict.fromkeys(line.work_package for line in every if line.work_package not in known))
    columns = (Col(PARTNER, "Partner"), *(Col(wp_key(wp.id), wp.id) for wp in wps),
               *(Col(wp_key(wp_id), f"{wp_id} ✗") for wp_id in stray), Col(COST, "Cost"),
               Col(PM, "PM"), *((Col(SHARE, "Share"),) if with_shares else ()))
    costs: dict[tuple[int, str], int] = {(line.partner_index, line.work_package): line.cost_eur for line in every}
    by_index: dict[int, list[int]] = {}
    months_by: dict[int, Decimal] = {}
    for line in every:
        by_index.setdefault(line.partner_index, []).append(line.cost_eur)
        months_by[line.partner_index] = months_by.get(line.partner_index, Decimal(0)) + line.person_months
    wp_cost = {s.key: s.cost_eur for s in est.by_work_package}
    raw: dict[str, dict[str, Cell]] = {}  # row -> column -> (text, style)
    raw[MONTHS_ROW] = {PARTNER: ("Months", "bold"), COST: ("", ""), PM: ("", ""), SHARE: ("", "")}
    for wp in wps:
        shown = month_cell(wp, months)
        raw[MONTHS_ROW][wp_key(wp.id)] = (shown, "bold" if shown.startswith("✗") else "")
    shares = [p.grant_eur for p in plan.partners if p.grant_eur is not None]
    raw[TOTAL_ROW] = {PARTNER: ("Total", "bold"), COST: (f"{est.cost_eur:,}", "bold"),
                      PM: (months_text(est.person_months), "bold"),
                      SHARE: (f"{sum(shares):,}" if shares else "-", "bold")}
    for wp in wps:
        cost = wp_cost.get(wp.id, 0)
        raw[TOTAL_ROW][wp_key(wp.id)] = (f"{cost:,}", "bold") if cost else (NO_COSTS, "bold")
    for wp_id in stray:
        raw[MONTHS_ROW][wp_key(wp_id)] = (STRAY, "bold")
        raw[TOTAL_ROW][wp_key(wp_id)] = (f"{sum(x.cost_eur for x in est.lines if x.work_package == wp_id):,}",
                                          "bold")
    rows_of: dict[str, int] = {}
    for i in holders(plan, rules):
        p = plan.partners[i]
        key = partner_key(i)
        rows_of[key] = i
        missing = needs_lines(plan, p, rules)
        name = p.label if not p.short_name or p.short_name == p.name else f"{p.short_name} {p.name}"
        mark = "! " if missing else "✗ " if p.role == ASSOCIATED else ""  # see holders
        row = {PARTNER: (mark + name, "bold" if mark else "")}
        for wp_id in [*(wp.id for wp in wps), *stray]:
            amount = costs.get((i, wp_id))
            row[wp_key(wp_id)] = (f"{amount:,}", "") if amount is not None else ("·", "dim")
        total = sum(by_index.get(i, []))
        if p.role == ASSOCIATED:  # the Cost and PM columns add up to the totals: its lines are in neither
            row[COST], row[PM] = (NOT_COUNTED, "bold"), ("-", "dim")
        else:
            row[COST] = (NO_LINES, "bold") if missing else (f"{total:,}", "") if i in by_index else ("·", "dim")
            row[PM] = (months_text(months_by[i]), "") if i in months_by else ("·", "dim")
        row[SHARE] = (f"{p.grant_eur:,}", "") if p.grant_eur is not None else ("-", "dim")
        raw[key] = row
    # the amounts right-aligned: each padded to its column's widest cell (the fast cell render takes
    # left-justified one-line Text only, see FittedTable._render_cell)
    rows: dict[str, dict[str, Cell]] = {key: {} for key in raw}
    widths: dict[str, int] = {}
    for col in columns:
        if col.key == PARTNER:
            widths[PARTNER] = max([cell_len(col.label)] + [cell_len(row[PARTNER][0]) for row in raw.values()])
            for key, row in raw.items():
                rows[key][PARTNER] = row[PARTNER]
            continue
        # figures and marks: one cell a character (cell_len only where a partner's name is)
        width = widths[col.key] = max([len(col.label)] + [len(row[col.key][0]) for row in raw.values()])
        for key, row in raw.items():
            text, style = row[col.key]
            rows[key][col.key] = (text.rjust(width), style)
    return Grid(columns, rows, rows_of, widths)


class BudgetGrid(FittedTable):
    """Partners by work packages; the columns are rebuilt only when the work packages change, and an
    edit repaints the rows whose cells changed (`show`)."""

    def __init__(self, **kwargs) -> None:
        self.COLUMNS = ()
        super().__init__(**kwargs)
        self.cursor_type = "cell"
        self.fixed_rows = 2  # the months and the totals stay in view when the partners scroll
        self.fixed_columns = 1  # the partner's name stays in view when the work packages scroll
        self.shown: dict[str, dict[str, Cell]] = {}
        self.grid: Grid | None = None

    def _available(self) -> int:
        """FittedTable's, with the row a horizontal scrollbar takes: a grid wider than the screen scrolls
        sideways, and with exactly as many rows as lines the scrollbar's row brought a vertical scrollbar
        the fit had not counted (scrolled to the end, the columns then started off their edges)."""
        width = self.size.width
        padding = 2 * self.cell_padding * len(self.COLUMNS)
        height = self._height_to_come()
        if sum(self._natural.values()) + padding > width:
            height -= self.styles.scrollbar_size_horizontal
        if self.row_count + self.show_header * self.header_height > height:
            width -= self.styles.scrollbar_size_vertical
        return width - padding

    def fit_columns(self) -> None:
        """Each column at its natural width (the room left over stays blank, as in a spreadsheet: the
        amounts stay beside their partners); when the width runs out, the partners' names give way
        down to 8 characters, and then the work packages scroll (the names stay: a fixed column)."""
        available = self._width_to_fit()
        if available is None:
            return
        widths = dict(self._natural)
        over = sum(widths.values()) - available
        if over > 0:
            widths[PARTNER] = max(widths[PARTNER] - over, min(8, widths[PARTNER]))
            over = sum(widths.values()) - available
        if over > 0:
            # scrolled to the end, the first column after the names should start whole too: the last
            # column takes the few characters that bring the end of the scroll to a column's start
            start, pad = 0, 2 * self.cell_padding
            for c in self.COLUMNS[1:]:
                if start >= over:
                    break
                start += widths[c.key] + pad
            widths[self.COLUMNS[-1].key] += start - over
        if widths == self._allotted:
            return
        self._allotted = widths
        for c in self.COLUMNS:
            column = self.columns[ColumnKey(c.key)]
            column.width, column.auto_width = widths[c.key], False
        self._require_update_dimensions = True
        self._update_count += 1
        self.refresh()

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Scrolled sideways, the first column after the names starts whole: DataTable scrolls by
        characters, and an amount cut on its left ('…,238,523' as ',238,523') reads as another number."""
        super()._scroll_cursor_into_view(animate=False)
        left = self._get_fixed_offset().left
        target = int(self.scroll_target_x)
        if not target:
            return
        starts = [self._get_column_region(j).x for j in range(self.fixed_columns, len(self.columns))]
        snapped = next((x - left for x in starts if x - left >= target), target)
        if snapped != target:
            self.scroll_to(x=snapped, animate=False, force=True)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """DataTable's line, with a column that is not whole in view left blank (its styles kept: the
        cursor's and the row's). Scrolled sideways, the column at the edge showed the start of its
        amounts, 4,899 for 4,899,025 or 1-4 for months 1-48, and nothing said they were cut."""
        strip = super()._render_line(y, x1, x2, base_style)
        visible = min(self.size.width, self.scrollable_content_region.width)  # not under the scrollbar
        fixed = self.fixed_columns
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        left = sum(widths[:fixed])  # the fixed columns' right edge: scrolled columns pass under it
        start = left
        for width in widths[fixed:]:
            a, b = start - x1, start + width - x1  # on the screen
            start += width
            if a < left < b or a < visible < b:
                strip = _blank(strip, max(a, left), min(b, strip.cell_length))
        return strip

    def show(self, grid: Grid) -> None:
        if grid.columns != self.COLUMNS or list(grid.rows) != list(self.shown):
            self._rebuild(grid)
        else:  # the cells compared as strings; a Text made only for a cell that changed
            for key, row in grid.rows.items():
                shown = self.shown[key]
                changed = {k: cell_text(k, v) for k, v in row.items() if shown.get(k) != v}
                if changed:
                    self.update_row(key, changed)
        self.shown = grid.rows
        self.grid = grid
        self.set_natural(grid.widths)

    def _rebuild(self, grid: Grid) -> None:
        """A work package added, removed or renamed, or a partner more or less: the table anew."""
        row, column = self.cursor_coordinate
        self.clear(columns=True)
        self.COLUMNS = grid.columns
        self._natural = {c.key: cell_len(c.label) for c in self.COLUMNS}
        self._fitted = None
        self._allotted = {}
        for c in self.COLUMNS:
            self.add_column(Text(c.label), key=c.key, width=cell_len(c.label))
        for key, cells in grid.rows.items():
            self.add_row(*(cell_text(c.key, cells[c.key]) for c in self.COLUMNS), key=key)
        self.move_cursor(row=min(row, self.row_count - 1), column=min(column, len(self.COLUMNS) - 1))

    def at_cursor(self) -> tuple[str, str]:
        """(row key, column key) under the cursor."""
        row, column = self.cursor_coordinate
        keys = list(self.shown)
        row_key = keys[min(max(row, 0), len(keys) - 1)] if keys else ""
        col_key = self.COLUMNS[min(max(column, 0), len(self.COLUMNS) - 1)].key if self.COLUMNS else ""
        return row_key, col_key

    def go_to(self, row_key: str, col_key: str) -> None:
        keys = list(self.shown)
        cols = [c.key for c in self.COLUMNS]
        if row_key in keys and col_key in cols:
            self.move_cursor(row=keys.index(row_key), column=cols.index(col_key))


def _blank(strip: Strip, start: int, end: int) -> Strip:
    """`strip` with the cells from `start` to `end` as spaces in the styles they had."""
    if end <= start:
        return strip
    middle = [Segment(" " * cell_len(text), style) for text, style, _ in strip.crop(start, end)]
    return Strip.join([strip.crop(0, start), Strip(middle), strip.crop(end, strip.cell_length)])


def cap_bar(contribution: int, cap: int | None, width: int = BAR_WIDTH, cut: int | None = None) -> str:
    """'█████████████░░░░░░░ 66% of EUR 1,000,000 cap · ✓ EUR 340,000 left', over the cap in words, with
    `cut`, the estimated costs to cut: '✗ OVER by EUR 21,713 · cut EUR 27,142 of costs' (the contribution
    over the cap beside the step, which is in costs: two figures that, alone, read as a contradiction)."""
    if cap is None or cap <= 0:
        return "no cap for this duration: choose an allowed duration (t on the main screen)"
    filled = min(width, contribution * width // cap)
    percent = cap_percent(contribution, cap)  # 99.77% is 99 (left), 100.1% is 101 (OVER): never 100 for both
    bar = "█" * filled + "░" * (width - filled)
    if contribution > cap:
        step = f" · cut EUR {cut:,} of costs" if cut else ""
        return f"{bar} {percent}% of EUR {cap:,} cap · ✗ OVER by EUR {contribution - cap:,}{step}"
    return f"{bar} {percent}% of EUR {cap:,} cap · ✓ EUR {cap - contribution:,} left"


def timeline_text(wps: tuple[WorkPackage, ...], months: int, width: int) -> Text:
    """Each work package as a bar over the project's months; the months after its end as ▒, in words too."""
    if not wps:
        return Text("No work packages yet: a adds one.")
    axis = max([months] + [wp.end_month for wp in wps])
    labels = [f"{wp.id} {wp.lead or '-'}"[:18] for wp in wps]
    ends = [f" {wp.start_month}-{wp.end_month}" + (f" ✗ past {months}" if late(wp, months) else
                                                    " ✗ ends first" if backwards(wp) else
                                                    " ✗ outside" if out_of_range(wp, months) else "") for wp in wps]
    label_w = max(cell_len(t) for t in labels) + 1
    end_w = max(cell_len(t) for t in ends)
    bar_w = max(width - label_w - end_w, 4)
    text = Text()
    ruler = [" "] * bar_w
    for m in sorted({1, months, *range(6, axis + 1, 6)}):
        at = (m - 1) * bar_w // axis
        mark = str(m)
        if at + len(mark) <= bar_w and all(c == " " for c in ruler[max(at - 1, 0):at + len(mark) + 1]):
            ruler[at:at + len(mark)] = list(mark)
    text.append("month".ljust(label_w) + "".join(ruler) + "\n", style="dim")
    for wp, label, end in zip(wps, labels, ends):
        line = Text(label.ljust(label_w))
        for c in range(bar_w):
            lo = c * axis // bar_w + 1
            hi = max(lo, (c + 1) * axis // bar_w)
            inside = lo <= wp.end_month and hi >= wp.start_month
            past = lo > months
            line.append("▒" if inside and past else "█" if inside else "·" if not past else " ",
                        style="bold" if inside and past else "" if inside else "dim")
        line.append(end, style="bold" if "✗" in end else "")
        text.append_text(line)
        text.append("\n")
    text.append(f"█ months 1-{months} of the project · ▒ after its end", style="dim")
    return text


class Timeline(Static):
    """The work packages over the months, drawn to the width it has (again only when its data changed)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._data: tuple[tuple[WorkPackage, ...], int] = ((), 0)

    def show(self, wps: tuple[WorkPackage, ...], months: int) -> None:
        data = (wps, months)
        if data != self._data:
            self._data = data
            self.styles.height = len(wps) + 2 if wps else 1
            self.refresh(layout=True)

    def render(self) -> Text:
        wps, months = self._data
        return timeline_text(wps, months, self.content_size.width)
