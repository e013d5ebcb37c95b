"""A few lines of text cut to the room they have, the last one ending in … when there was more.

A Static cuts what does not fit its height without a mark: a detail line of the comparison or of
the scoreboard would end in mid-sentence and read as whole."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from planner.tui.widgets.quiet import Line


def cut_lines(text: Text, width: int, lines: int, console, tail: Text | None = None,
              tail_when_cut: bool = False) -> Text:
    """`text` wrapped to `width`, at most `lines` lines, the last one ending in … when there was more.
    `tail` (a key to press: '(enter or b: edit)') follows the text and is kept whole when the text is cut,
    after its …, where it takes at most two thirds of the width; with `tail_when_cut`, only then (a key
    that shows the rest: '(space: in full)')."""
    if tail_when_cut and width > 0 and len(wrapped := text.wrap(console, width)) <= lines:
        return Text("\n").join(wrapped)
    whole = text if tail is None else Text.assemble(text, tail)
    if width <= 0:
        return whole
    wrapped = whole.wrap(console, width)
    if len(wrapped) <= lines:
        return Text("\n").join(wrapped)
    keep_tail = tail is not None and tail.cell_len <= width * 2 // 3
    kept = list((text if keep_tail else whole).wrap(console, width)[:lines])
    last = kept[-1]
    last.rstrip()
    last.truncate(width - 1 - (tail.cell_len if keep_tail and tail is not None else 0))
    last.append("…")
    if keep_tail and tail is not None:
        last.append_text(tail)
    return Text("\n").join(kept)


class Cut(Visual):
    """`text` as drawn at whatever width Textual gives it: `cut_lines` at that width, then drawn as Textual
    draws a Text (its Content). Textual asks a Visual for its height at a width while it lays the screen out,
    and draws it at the width it laid out; a render that read the widget's own width (`content_size`)
    asked for the screen's layout from inside it: a second, whole one, 5 ms of the first frame."""

    def __init__(self, text: Text, lines: int, console: Console, tail: Text | None = None,
                 tail_when_cut: bool = False) -> None:
        self.text, self.lines, self.console, self.tail = text, lines, console, tail
        self.tail_when_cut = tail_when_cut
        self._cut: tuple[int, Content] | None = None  # the last width asked for, and the text cut to it

    def __str__(self) -> str:
        """What it says, whole (as str() of the Text or Content a Static renders)."""
        return self.text.plain

    def at(self, width: int) -> Content:
        if self._cut is None or self._cut[0] != width:
            self._cut = width, Content.from_rich_text(cut_lines(self.text, width, self.lines, self.console,
                                                                self.tail, self.tail_when_cut),
                                                      console=self.console)
        return self._cut[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self.at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.at(container_width).get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return Content.from_rich_text(self.text, console=self.console).get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width).get_height(rules, width)


class CutLines(Line):
    """At most `lines` lines (its height in the CSS, fixed or a max-height), cut with …"""

    def __init__(self, lines: int, tail_when_cut: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines = lines
        self.full = Text()
        self.tail: Text | None = None
        self.tail_when_cut = tail_when_cut

    def show(self, text: Text, tail: Text | None = None) -> None:
        """`tail`: kept whole after the … when `text` is cut (see cut_lines)."""
        if (text, tail) != (self.full, self.tail):  # unchanged: not laid out and drawn again
            self.full, self.tail = text, tail
            self.refresh(layout=self.styles.height is None or self.styles.height.is_auto)

    def render(self) -> Cut:
        return Cut(self.full, self.lines, self.app.console, self.tail, self.tail_when_cut)
