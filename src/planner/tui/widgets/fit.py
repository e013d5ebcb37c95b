"""A DataTable whose columns fit the width: one line per row, cells cut with … rather than wrapped.

Each column has a natural width (its widest cell, given by the table's owner); one column takes the
spare width; when the width runs out, the columns shrink in a given order down to given minimums.
A width change only re-fits the columns: the rows are not rebuilt. Over SSH every byte counts:
`update_row` repaints the one row it changed (DataTable.update_cell repaints the whole table), and a
re-fit that gives every column the width it had repaints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Spacing
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

_JOIN = Text("\n")


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    short: str = ""  # the label when the column is shrunk below the label's width ("Partn" reads as a bug)
    # cut in the middle, not at the end: names that differ at the end (plan-2027-draft-a, plan-2027-draft-b)
    # read alike as 'plan-2027-d…' and apart as 'plan-2…draft-a'
    middle: bool = False


def cell(value: Text, style: str = "") -> Text:
    """A one-line cell that ends in … when cut (a Text: DataTable reads a str cell as markup)."""
    value.no_wrap = True
    value.overflow = "ellipsis"
    if style:
        value.stylize(style)
    return value


def cut_middle(value: Text, width: int) -> Text:
    """`value` in `width` cells, cut in the middle with …: its start and its end (one style over it all)."""
    plain = value.plain
    if cell_len(plain) <= width or width < 3:
        return value
    tail_cells = (width - 1) // 2
    head, used = "", 0
    for char in plain:
        if used + cell_len(char) > width - 1 - tail_cells:
            break
        head, used = head + char, used + cell_len(char)
    tail, used = "", 0
    for char in reversed(plain):
        if used + cell_len(char) > width - 1 - cell_len(head):
            break
        tail, used = char + tail, used + cell_len(char)
    cut = Text(head + "…" + tail, style=value.style, no_wrap=True, overflow=value.overflow)
    for span in value.spans:  # each over the whole text (the only cells cut here)
        cut.stylize(span.style)
    return cut


def allot(natural: dict[str, int], available: int, flex: str,
          shrink: tuple[tuple[str, int], ...]) -> dict[str, int]:
    """Widths for the columns: natural ones, the spare to `flex`; if too wide, shrink in `shrink`'s order."""
    widths = dict(natural)
    spare = available - sum(widths.values())
    if spare >= 0:
        widths[flex] += spare
        return widths
    for i, (key, minimum) in enumerate(shrink):
        # a minimum of 0 means all or nothing: a PIC cut to "9991001…" is no use to anyone
        cut = widths[key] if minimum == 0 else min(-spare, max(widths[key] - minimum, 0))
        widths[key] -= cut
        spare += cut
        if spare >= 0:
            # what an all-or-nothing cut freed beyond the need: to the flexible column, or, when that is the
            # one gone, back to the columns cut before it (it showed as a column of "…" one cell wide)
            if widths[flex] == 0:
                for back, _ in reversed(shrink[:i]):
                    give = min(spare, natural[back] - widths[back])
                    widths[back] += give
                    spare -= give
            widths[flex] += spare
            break
    return widths


class FittedTable(DataTable):
    COLUMNS: tuple[Col, ...] = ()
    FLEX: str = ""
    # (column, minimum) in the order the columns give up their width when it runs out
    SHRINK: tuple[tuple[str, int], ...] = ()

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self._natural = {c.key: cell_len(c.label) for c in self.COLUMNS}
        self._middle = {c.key for c in self.COLUMNS if c.middle}
        self._fitted: tuple[int, dict[str, int]] | None = None
        self._allotted: dict[str, int] = {}
        self._sized: tuple | None = None  # what the scrollbars were last fitted to

    def on_mount(self) -> None:
        for c in self.COLUMNS:
            # a Text: a str label is read as markup (and its emoji codes loaded, 2 ms of the start)
            self.add_column(Text(c.label), key=c.key, width=cell_len(c.label))

    def set_natural(self, widths: dict[str, int]) -> None:
        """The widest cell of each column (labels included here); re-fits when it changed."""
        natural = {c.key: max(cell_len(c.label), widths.get(c.key, 0)) for c in self.COLUMNS}
        if natural != self._natural:
            self._natural = natural
            self.fit_columns()

    def _height_to_come(self) -> int:
        """The height the next layout gives the table. With `height: auto` it follows the rows (up
        to max-height), so a guess from the present height would fit the columns for a scrollbar
        that will not be there, and the layout after it would fit them again: two frames."""
        height = self.styles.height
        if height is None or not height.is_auto:
            return self.size.height
        rows = self.row_count + self.show_header * self.header_height
        cap, parent = self.styles.max_height, self.parent
        if cap is None or not isinstance(parent, Widget):
            return rows
        return min(rows, int(cap.resolve(parent.content_size, self.app.size)))

    def _available(self) -> int:
        width = self.size.width
        if self.row_count + self.show_header * self.header_height > self._height_to_come():
            width -= self.styles.scrollbar_size_vertical  # the scrollbar takes its share
        return width - 2 * self.cell_padding * len(self.COLUMNS)

    def _width_to_fit(self) -> int | None:
        """The width the columns share now, or None when there is nothing to fit: no columns or no
        width yet, or the same width and natural widths as at the last fit."""
        if not self.columns or not self.size.width:
            return None
        available = self._available()
        fitted = (available, dict(self._natural))
        if fitted == self._fitted:
            return None
        self._fitted = fitted
        return available

    def fit_columns(self) -> None:
        available = self._width_to_fit()
        if available is None:
            return
        widths = {key: max(width, 0) for key, width in allot(self._natural, available, self.FLEX, self.SHRINK).items()}
        if widths == self._allotted:
            return  # a wider cell in the flexible column, say: the columns stay as they are
        self._allotted = widths
        for c in self.COLUMNS:
            column = self.columns[ColumnKey(c.key)]
            column.width, column.auto_width = widths[c.key], False
            label = c.short if c.short and widths[c.key] < cell_len(c.label) else c.label
            if column.label.plain != label:
                column.label = Text(label)
        self._require_update_dimensions = True
        self._update_count += 1  # the cell render cache is keyed on it
        self.refresh()

    def update_row(self, row_key: str, cells: dict[str, Text]) -> None:
        """Put new values in a row's cells and repaint that row only (every row is one line high)."""
        key = RowKey(row_key)
        row = self._data[key]
        for column, value in cells.items():
            row[ColumnKey(column)] = value
        self._update_count += 1  # the render caches are keyed on it: the row is rendered anew
        index = self._row_locations.get(key)
        if index is not None:
            y = index + (self.header_height if self.show_header else 0)
            self._refresh_region(Region(0, y, max(self.size.width, self.virtual_size.width), 1))

    def on_resize(self) -> None:
        self.fit_columns()
        self.keep_cursor_row_in_view()

    def keep_cursor_row_in_view(self) -> None:
        """The row under the cursor back in view when the table got shorter: the scoreboard's detail of four
        lines takes them from the table, and the highlighted last rule (Deadline) was under it."""
        row = self.cursor_row
        if self.cursor_type != "row" or not self.show_cursor or not 0 <= row < self.row_count:
            return
        header = self.header_height if self.show_header else 0
        y = header + sum(r.height for r in self.ordered_rows[:row])
        height = self.ordered_rows[row].height
        # the header is fixed above the rows: the window the row must be in starts under it
        self.scroll_to_region(Region(0, y, 1, height), spacing=Spacing(header, 0, 0, 0), animate=False,
                              force=True)

    def action_scroll_home(self) -> None:
        """home: the first row, in a table of rows (the columns are fitted: DataTable's sideways scroll to
        the left moved nothing, and home and end seemed to do nothing at all)."""
        if self.cursor_type == "row" and self.show_cursor and self.row_count:
            self.move_cursor(row=0)
        else:
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        """end: the last row, in a table of rows (see action_scroll_home)."""
        if self.cursor_type == "row" and self.show_cursor and self.row_count:
            self.move_cursor(row=self.row_count - 1)
        else:
            super().action_scroll_end()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """DataTable's cell render, the same segments, without Rich's general layout for a plain cell.

        DataTable renders every cell through Styled(Padding(cell)) and the console: about 0.15 ms a
        cell, 15-30 ms to redraw the rules table after a lot switch (the aim: `l` within 50 ms).
        A one-line Text in a one-line row (every cell the planner makes, see `cell`) is cut the way
        Text.wrap cuts it and styled the way Styled styles it, here, in a few microseconds. Anything
        else (headers, wrapping, markup strings) goes the framework's way. A test compares the two
        renders segment by segment on many cells, so a Textual upgrade that changes them fails it."""
        if row_index < 0 or column_index < 0 or row_index < self.fixed_rows or column_index < self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # no such cell (the framework's way, as before: no value)
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        value = self._data.get(row_key, {}).get(column_key)
        row = self.rows.get(row_key)
        pad = self.cell_padding
        inner = width - 2 * pad
        if not (type(value) is Text and row is not None and row.height == 1 and not row.auto_height
                and inner >= 2 and value.no_wrap is not False
                and (value.overflow in ("ellipsis", "crop") or not value.plain)
                # one style over the whole text: a style boundary inside a grapheme cluster (a ZWJ
                # emoji) is cut differently by Rich's segments than here
                and all(span.start <= 0 and span.end >= len(value) for span in value.spans)
                and value.justify in (None, "default") and "\n" not in value.plain and "\t" not in value.plain):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pre = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style

        def styled(style: Style | None) -> Style:  # Segment.apply_style(segments, pre, post_style)
            style = pre + style
            return style + post_style if style else post_style

        if column_key.value in self._middle:
            value = cut_middle(value, inner)
        if value.plain:
            line = value.copy()  # as Text.wrap: a copy cut to the width, then joined as Text.__rich_console__
            line.truncate(inner, overflow=value.overflow)
        else:
            line = Text()  # DataTable draws an empty cell as its own unstyled empty Text
        segments = [Segment(text, styled(style)) for text, style, _ in _JOIN.join([line]).render(self.app.console)]
        blank = styled(Style.null())
        used = sum(cell_len(text) for text, _, _ in segments)
        if used < inner:
            segments.append(Segment(" " * (inner - used), styled(None)))
        lines = [[Segment(" " * pad, blank), *segments, Segment(" " * pad, blank)] if pad else segments]
        self._cell_render_cache[cache_key] = lines
        return lines

    def settle(self) -> None:
        """Size the rows added or removed now, not when the table next idles (DataTable._on_idle).

        Sized at idle, the table asks for a second layout after the first frame was drawn: a lot
        switch then costs two frames, the second one a frame period (or more) later."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        """Skip what ScrollView does when nothing changed. It compares the layout's virtual size
        with its own, which differ for every table taller than its region: each layout of the
        screen (any hint that changed) repainted this table's scrollbar in one more frame."""
        sized = (size, self.virtual_size, container_size)
        if sized == self._sized:
            return False
        self._sized = sized
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        # fitted in the layout that gave the width, so that the frame it makes shows the columns fitted;
        # on_resize came after that frame, which showed them at the width of their labels
        self.fit_columns()
        return changed
