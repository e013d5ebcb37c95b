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
from rich.text import Text
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


@dataclass(frozen=True)
class Col:
    key: str
    label: str


def cell(value: Text, style: str = "") -> Text:
    """A one-line cell that ends in … when cut (a Text: DataTable reads a str cell as markup)."""
    value.no_wrap = True
    value.overflow = "ellipsis"
    if style:
        value.stylize(style)
    return value


def allot(natural: dict[str, int], available: int, flex: str,
          shrink: tuple[tuple[str, int], ...]) -> dict[str, int]:
    """Widths for the columns: natural ones, the spare to `flex`; if too wide, shrink in `shrink`'s order."""
    widths = dict(natural)
    spare = available - sum(widths.values())
    if spare >= 0:
        widths[flex] += spare
        return widths
    for key, minimum in shrink:
        # a minimum of 0 means all or nothing: a PIC cut to "9991001…" is no use to anyone
        cut = widths[key] if minimum == 0 else min(-spare, max(widths[key] - minimum, 0))
        widths[key] -= cut
        spare += cut
        if spare >= 0:
            widths[flex] += spare  # what an all-or-nothing cut freed beyond the need
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
        self._fitted: tuple[int, dict[str, int]] | None = None
        self._allotted: dict[str, int] = {}

    def on_mount(self) -> None:
        for c in self.COLUMNS:
            self.add_column(c.label, key=c.key, width=cell_len(c.label))

    def set_natural(self, widths: dict[str, int]) -> None:
        """The widest cell of each column (labels included here); re-fits when it changed."""
        natural = {c.key: max(cell_len(c.label), widths.get(c.key, 0)) for c in self.COLUMNS}
        if natural != self._natural:
            self._natural = natural
            self.fit_columns()

    def _available(self) -> int:
        width = self.size.width
        if self.row_count + self.show_header * self.header_height > self.size.height:
            width -= self.styles.scrollbar_size_vertical  # the scrollbar takes its share
        return width - 2 * self.cell_padding * len(self.COLUMNS)

    def fit_columns(self) -> None:
        if not self.columns or not self.size.width:
            return
        available = self._available()
        fitted = (available, dict(self._natural))
        if fitted == self._fitted:
            return
        self._fitted = fitted
        widths = {key: max(width, 0) for key, width in allot(self._natural, available, self.FLEX, self.SHRINK).items()}
        if widths == self._allotted:
            return  # a wider cell in the flexible column, say: the columns stay as they are
        self._allotted = widths
        for key, width in widths.items():
            column = self.columns[ColumnKey(key)]
            column.width, column.auto_width = width, False
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
