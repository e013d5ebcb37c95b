"""A few lines of text cut to the room they have, the last one ending in … when there was more.

A Static cuts what does not fit its height without a mark: a detail line of the comparison or of
the scoreboard would end in mid-sentence and read as whole."""

from __future__ import annotations

from rich.text import Text

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

    def render(self) -> Text:
        return cut_lines(self.full, self.content_size.width, self.lines, self.app.console)
