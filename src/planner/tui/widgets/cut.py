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


def cut_lines(text: Text, width: int, lines: int, console) -> Text:
    """`text` wrapped to `width`, at most `lines` lines, the last one ending in … when there was more."""
    if width <= 0:
        return text
    wrapped = text.wrap(console, width)
    if len(wrapped) <= lines:
        return Text("\n").join(wrapped)
    kept = list(wrapped[:lines])
    last = kept[-1]
    last.rstrip()
    last.truncate(width - 1)
    last.append("…")
    return Text("\n").join(kept)


class Cut(Visual):
    """`text` as drawn at whatever width Textual gives it: `cut_lines` at that width, then drawn as Textual
    draws a Text (its Content). Textual asks a Visual for its height at a width while it lays the screen out,
    and draws it at the width it laid out; a render that read the widget's own width (`content_size`)
    asked for the screen's layout from inside it: a second, whole one, 5 ms of the first frame."""

    def __init__(self, text: Text, lines: int, console: Console) -> None:
        self.text, self.lines, self.console = text, lines, console
        self._cut: tuple[int, Content] | None = None  # the last width asked for, and the text cut to it

    def at(self, width: int) -> Content:
        if self._cut is None or self._cut[0] != width:
            self._cut = width, Content.from_rich_text(cut_lines(self.text, width, self.lines, self.console),
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

    def __init__(self, lines: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines = lines
        self.full = Text()

    def show(self, text: Text) -> None:
        if text != self.full:  # unchanged: not laid out and drawn again
            self.full = text
            self.refresh(layout=self.styles.height is None or self.styles.height.is_auto)

    def render(self) -> Cut:
        return Cut(self.full, self.lines, self.app.console)
