"""The verdict bar: the overall verdict in words, visible at every size.

'✗ NOT ELIGIBLE under call 2024, closed 7 Mar 2024: 4 rules fail: full partners 9/12, ... ·
2 warnings: ... · 3 new partners to go'. At most three lines: when the whole text is longer, the
middle gives way (the warnings' names, then 'N rules fail', then the counts from the last failing
rule up, then the failing rules beyond the first few), never the verdict, the call it is judged
under, or the total at the end.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from planner.qualify_words import in_sentence
from planner.report import judged_headline, verdict_bar
from planner.scoring import Scoreboard
from planner.tui.text import literal
from planner.tui.widgets.quiet import Line

LINES = 3  # #verdict's max-height in planner.tcss


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def versions(board: Scoreboard):
    """The bar's text, longest first: each one leaves out a little more of the middle."""
    headline = judged_headline(board)
    head = ("✓ " if board.eligible else "✗ ") + headline
    n_warn = len(board.warnings)
    # the total, last: ' · 3 new partners to go' (the report's words, after its headline)
    to_go = verdict_bar(board).removeprefix(headline)

    # the time left while the call is open, at the very end: in full ('40 days left (10 Mar 2027, 17:00
    # Brussels, 16:00 here)') while everything fits, then only '40 days left' before the middle gives way
    when, short_when = _deadline_tail(board)
    tail = when

    def text(failures: list[str], warning_names: bool, head: str = head) -> str:
        out = head
        if failures:
            out += ": " + ", ".join(failures)
        if n_warn:
            out += f" · {n_warn} warning{_s(n_warn)}"
            if warning_names:
                out += ": " + ", ".join(in_sentence(c.label) for c in board.warnings)
        return out + to_go + tail

    counted = [f"{in_sentence(c.label)} {c.count}".rstrip() for c in board.failures]
    names = [in_sentence(c.label) for c in board.failures]
    yield text(counted, True)
    yield text(counted, False)
    if short_when != when:
        tail = short_when
        yield text(counted, True)
        yield text(counted, False)
    # 'NOT ELIGIBLE under call 2024, closed 7 Mar 2024', without '4 rules fail': the list says it
    short = head.partition(": ")[0] if board.failures else head
    for k in range(len(counted), -1, -1):  # the counts of the first k rules, the others by name
        yield text(counted[:k] + names[k:], False, short)
    for k in range(len(names) - 1, 0, -1):
        yield text(names[:k] + [f"{len(names) - k} more"], False, short)
    yield text([], False)


def _deadline_tail(board: Scoreboard) -> tuple[str, str]:
    """(' · 40 days left (10 Mar 2027, 17:00 Brussels, 16:00 here)', ' · 40 days left') while the call is
    open; nothing for a closed call (the headline says 'closed 10 Mar 2026', the lot pane offers the next
    call: the failing rules keep the bar's room) or an expected one (the headline says 'expected')."""
    c = board.get("deadline")
    if c is None or c.days_left is None:
        return "", ""
    return f" · {c.message}", f" · {c.message.partition(' (')[0]}"


def fitted(board: Scoreboard, width: int, console) -> str:
    """The longest version that wraps to at most LINES lines at `width` (the last one otherwise)."""
    last = ""
    for last in versions(board):
        size = cell_len(last)
        if width <= 0 or size <= width:
            break  # one line: no need to wrap it to know
        if size <= width * LINES and len(Text(last).wrap(console, width)) <= LINES:
            break
    return last


class VerdictBar(Line):
    board: Scoreboard | None = None

    def show(self, board: Scoreboard) -> None:
        self.board = board
        width = (self.content_size.width or self.app.size.width - self.styles.gutter.width)
        text = fitted(board, width, self.app.console)
        if text != getattr(self, "_text", None):  # unchanged: not laid out and drawn again
            self._text = text
            self.update(literal(text))
        if self.has_class("-eligible") != board.eligible or not self.classes & {"-eligible", "-not-eligible"}:
            # only on a change: setting a class restyles the bar even when it already had it
            self.set_class(board.eligible, "-eligible")
            self.set_class(not board.eligible, "-not-eligible")

    def on_resize(self) -> None:
        if self.board is not None:
            self.show(self.board)  # another width: perhaps more (or less) of the middle fits
