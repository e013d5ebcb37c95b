"""What a terminal of 16 colours shows: each cell of the screen in the colours the app sends it there, and
how far apart a cell's text and its background are (tests of the 16-colour look: test_sixteen_colours.py).

The app draws in Rich styles; its console turns them into the terminal's colour system as it writes them
(a 24-bit colour becomes the nearest of the 16, `Color.downgrade`). Here the same is done to the cells of a
full frame, so a test reads the colour numbers the terminal gets: 0-7, 8-15 for the bright ones, or None
for the terminal's own default colour."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
import textual.constants
from rich.cells import cell_len
from rich.color import Color
from rich.console import COLOR_SYSTEMS

# the 16 colours as PuTTY and the Linux console draw them (the VGA palette): the basic SSH client's, and the
# strictest of the common palettes for dark colours on black (its blue is 0000AA)
VGA = ("000000", "AA0000", "00AA00", "AA5500", "0000AA", "AA00AA", "00AAAA", "AAAAAA",
       "555555", "FF5555", "55FF55", "FFFF55", "5555FF", "FF55FF", "55FFFF", "FFFFFF")
# what the terminal's default colours stand for here: those of a dark terminal (PuTTY's, tmux's, most SSH
# clients'): light grey on black; `on_a_terminal` makes them those of a light one (macOS Terminal's, black
# on white), where a theme of the terminal's own colours must read as well
TERMINALS = {"dark": (7, 0), "light": (0, 15)}
DEFAULT_FOREGROUND, DEFAULT_BACKGROUND = TERMINALS["dark"]
# the least contrast at which a mark shows: bright black on black (2.8 in this palette), the dimmest one a
# 16-colour theme uses; the same colour twice is 1.0, dark blue on black 1.6, light grey on cyan 1.2
VISIBLE = 2.5


@dataclass(frozen=True)
class Cell:
    text: str
    fg: int | None  # 0-15, None: the terminal's default colour
    bg: int | None
    bold: bool = False

    @property
    def contrast(self) -> float:
        """The text's colour against the background's, as a dark terminal in the VGA palette shows them."""
        return contrast(self.fg, self.bg)


def sixteen_colours(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps made from now on write to a terminal of 16 colours (as under TERM=xterm without COLORTERM, or
    TEXTUAL_COLOR_SYSTEM=standard)."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")


def on_a_terminal(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """The terminal's default colours from now on: those of a `kind` ("dark" or "light") terminal."""
    foreground, background = TERMINALS[kind]
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "DEFAULT_FOREGROUND", foreground)
    monkeypatch.setattr(this, "DEFAULT_BACKGROUND", background)


def _number(colour: Color | None, system) -> int | None:
    if colour is None or colour.is_default:
        return None
    shown = colour.downgrade(system)
    assert shown.number is not None and shown.number < 16, (colour, shown)
    return shown.number


def screen_cells(app) -> list[list[Cell]]:
    """The whole screen (the dialogs and what shows of the screens under them), one Cell per column, in the
    colours the app's terminal gets."""
    system = COLOR_SYSTEMS[app.console.color_system]
    assert app.console.color_system in ("standard", "windows"), app.console.color_system
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows: list[list[Cell]] = []
    for line in update.strips:
        row: list[Cell] = []
        for strip in line:
            for segment in strip:
                if segment.control:
                    continue
                style = segment.style
                fg = _number(style.color if style else None, system)
                bg = _number(style.bgcolor if style else None, system)
                if style is not None and style.reverse:
                    fg, bg = (DEFAULT_BACKGROUND if bg is None else bg), (DEFAULT_FOREGROUND if fg is None else fg)
                bold = bool(style and style.bold)
                for character in segment.text:
                    row.append(Cell(character, fg, bg, bold))
                    row.extend(Cell("", fg, bg, bold) for _ in range(cell_len(character) - 1))
        rows.append(row)
    return rows


def row_text(cells: list[list[Cell]], y: int) -> str:
    return "".join(cell.text for cell in cells[y])


def find(cells: list[list[Cell]], text: str, *, x: int = 0, y: int = 0) -> tuple[int, int]:
    """(column, row) of the first `text` on the screen at or after row `y` (from column `x` on each row)."""
    for row in range(y, len(cells)):
        column = row_text(cells, row).find(text, x)
        if column >= 0:
            return column, row
    raise AssertionError(f"{text!r} is not on the screen")


def text_cell(cells: list[list[Cell]], text: str, **where: int) -> Cell:
    """The first cell of the first `text` on the screen that is not a space (see `find`)."""
    column, row = find(cells, text, **where)
    column += len(text) - len(text.lstrip())
    return cells[row][column]


def _luminance(number: int) -> float:
    def channel(value: int) -> float:
        value_ = value / 255
        return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4

    hex_ = VGA[number]
    red, green, blue = (int(hex_[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(fg: int | None, bg: int | None) -> float:
    """WCAG's contrast ratio of two of the 16 colours (None: the terminal's default) in the VGA palette."""
    lighter, darker = sorted((_luminance(DEFAULT_FOREGROUND if fg is None else fg),
                              _luminance(DEFAULT_BACKGROUND if bg is None else bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
