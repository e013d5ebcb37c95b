"""Notifications that never hide the work: they stand where they cover no field, button, table row
or verdict.

Textual's toasts stand in the bottom-right corner over whatever is there: "Edited TREDU" over the
scoreboard's rows, "Added TREDU" over the next partner form's buttons, an import error for 15 s over
the next import preview. The planner's notices stand instead:

- on the main screen, on the header's line (the file name and acronym come back when the notice
  goes) and, for a long one, the top border of the pane under it, after the pane's title: the
  title names the pane and its key, and stays in view (`HeaderNotices`). The newest notice
  replaces the one before; a longer text is cut with `…` (at 80 columns that is past 130
  characters). Giving the notices rows of their own would take them from the panes: the
  scoreboard's rules would scroll, which hides rows as surely as a toast over them; and panes that
  moved down and back for a notice would move what the user is reading, twice.
- in a dialog, at the bottom of the screen above its footer, outside the dialog box (the box is
  centred in the room left), up to MAX_SHOWN of them, the newest lowest.

A click takes a notice away; a new dialog clears them all (PlannerApp.push_screen): what they said
was about the screen before.

Light on the wire, and in the frame of the edit: the main screen's line is there from the start, at
a fixed place over the header (absolute, on a layer of its own: the panes never move for it), and
invisible while empty; a notification takes it in the same turn as the edit, not through Textual's
Notify message and a later mount (the toast of `l` came two frames after the panes it speaks of).
A dialog's line is mounted with its first notice. Textual's own screens (the command palette) keep
Textual's toasts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import cast

from rich.cells import cell_len
from rich.errors import MarkupError
from rich.markup import escape as rich_escape
from rich.text import Text
from textual import events
from textual.app import App
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.markup import escape
from textual.notifications import Notification
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from planner.tui.text import literal
from planner.tui.widgets.cut import Cut
from planner.tui.widgets.quiet import NoRelayout

MAX_SHOWN = 3
DIALOG_LINES = 4  # the lines of a dialog's notice (planner.tcss: .notice's max-height), the last cut with …
# a main-screen notice's room: the cells of its first line, of each line of the rest, and the rest's rows
Fit = tuple[int, int, int]
MARKS = {"error": "✗ ", "warning": "! ", "information": ""}  # the meaning without colour (NO_COLOR)


def _break(text: str, width: int, words: bool = True) -> tuple[int, int]:
    """Where `text` wrapped at `width` cells breaks: (the end of its first line, where the rest starts).
    After the last word that fits; a word longer than the line (a path), or with `words` false any, is
    cut at the width."""
    if cell_len(text) <= width:
        return len(text), len(text)
    fits, used = 0, 0
    for char in text:
        used += cell_len(char)
        if used > width:
            break
        fits += 1
    space = text.rfind(" ", 0, fits + 1) if words else -1
    if space <= 0 or not text[:space].strip():
        return max(fits, 1), max(fits, 1)
    start = space
    while start < len(text) and text[start] == " ":
        start += 1
    return len(text[:space].rstrip()), start


def _on_two_lines(shown: Text | Content, first: int, second: int, tail: str = "",
                  rows: int = 1) -> tuple[Text | Content, Text | Content]:
    """`shown` as two lines, the first `first` cells wide and the second `second` (the second empty when
    it all fits the first), a longer text cut at a word's end and marked with … and `tail` (where to read
    it all: "m: in full"): counted by characters, a message that wrapped at word ends lost its last words
    without a mark ('... after month 24: they no'). With `rows`, the second line is that many lines of
    `second` cells (joined by newlines), filled at word ends, the last one cut as said."""
    text = shown.plain
    end, start = _break(text, max(first, 2))
    rest = text[start:]
    if start < len(text) and cell_len(rest.split(" ", 1)[0]) > second:
        # a word longer than the second line (a path) is cut anyway: it starts on the first line, filling it
        end = _break(text, max(first, 2), words=False)[0]
        rest = text[end:].lstrip(" ")
        start = len(text) - len(rest)
    lines = []
    for _ in range(rows - 1):  # the rows before the last, each filled up to a word's end
        if cell_len(text[start:]) <= second:
            break
        line_end, next_start = _break(text[start:], max(second, 2))
        lines.append(shown[start:start + line_end])
        start += next_start
    rest = text[start:]
    if cell_len(rest) <= second:
        last = shown[start:]
    else:
        mark = f" … ({tail})" if tail and cell_len(tail) + 14 <= second else " …"
        room = max(second - cell_len(mark), 1)
        cut, _ = _break(rest, room)
        if cell_len(rest[:cut]) < room * 2 // 3:  # a long word (a path) would leave the line a third empty: cut in it
            cut, _ = _break(rest, room, words=False)
        last = shown[start:start + cut] + mark
    if not lines:
        return shown[:end], last
    if isinstance(shown, Content):
        return shown[:end], Content("\n").join(cast("list[Content]", [*lines, last]))
    return shown[:end], Text("\n").join(cast("list[Text]", [*lines, last]))


class Notice(Static, NoRelayout):
    """One notice: its title and message on one line (wrapped when long); a click takes it away."""

    def __init__(self) -> None:
        super().__init__("", classes="notice")
        self.display = False
        self.notification: Notification | None = None
        self.timer: Timer | None = None
        self.rest: NoticeRest | None = None  # the main screen's: its second line (HeaderNotices)

    def present(self, notification: Notification, fit: Fit | None = None) -> None:
        """Show `notification`; with `fit`, the room of its two lines (HeaderNotices.fit), in it (cut with …)."""
        if self.notification is not None:
            self._mark(self.notification.severity, False)
        self.notification = notification
        self._mark(notification.severity, True)
        self.draw(fit)
        self._stop()
        self.timer = self.set_timer(max(notification.timeout, 0.01), self._expired)
        self.display = True

    def draw(self, fit: Fit | None) -> None:
        """The text again: on one line and the `rest` (with `fit`, their room), or wrapped (a dialog's)."""
        notification = self.notification
        if notification is None:
            return
        head = MARKS.get(notification.severity, "") + (f"{notification.title}: " if notification.title else "")
        message = notification.message
        if fit is None or self.rest is None:  # a dialog's: wrapped, cut with … past its lines (a Static cut it mute)
            text = literal(head + message, keep_newlines=True)
            if notification.markup:  # Textual's own ("Press [b]ctrl+q[/b]"), checked by PlannerApp.notify
                try:
                    text = Text.from_markup(rich_escape(head) + message)
                except MarkupError:  # Textual's markup that Rich reads otherwise: its words
                    text = literal(head + Content.from_markup(message).plain, keep_newlines=True)
            self.update(Cut(text, DIALOG_LINES, self.app.console))
            return
        message = " · ".join(line.strip() for line in message.splitlines() if line.strip())
        shown = Content.from_markup(escape(head) + message) if notification.markup else literal(head + message)
        line = self.parent
        tail = line.tail() if isinstance(line, HeaderNotices) else ""
        first_width, rest_width, rows = fit
        first, rest = _on_two_lines(shown, first_width, rest_width, tail=tail, rows=rows)
        self.update(first)
        self.rest.update(rest)
        # one line as wide as its words (and padding): the pane's border goes on after them to its corner;
        # over the small terminal's line, its rows whole
        wide = rest_width + 2 if rows > 1 else min(cell_len(rest.plain) + 2, rest_width + 2)
        if self.rest.styles.width is None or self.rest.styles.width.value != wide:
            self.rest.styles.width = wide
        self.rest.display = bool(rest.plain)

    def _mark(self, severity: str, on: bool) -> None:
        self.set_class(on, f"-{severity}")
        if self.rest is not None:
            self.rest.set_class(on, f"-{severity}")

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def _expired(self) -> None:
        line = self.parent
        if isinstance(line, NoticeLine):
            line.withdraw(self)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self._expired()


class NoticeRest(Static, NoRelayout):
    """The second line of the main screen's notice, on the pane's border after its title; a click takes
    the notice away."""

    def __init__(self, notice: Notice) -> None:
        super().__init__("", classes="notice notice-rest")
        self.display = False
        self.notice = notice

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.notice._expired()


class NoticeLine(Vertical, NoRelayout):
    """The notices of one screen: `slots` at once, each wrapped (a dialog's, above its footer)."""

    def __init__(self, slots: int = MAX_SHOWN, **kwargs) -> None:
        super().__init__(**kwargs)
        self.slots = slots

    def compose(self):
        for _ in range(self.slots):
            yield Notice()

    @property
    def shown(self) -> list[Notice]:
        return [n for n in self.query_children(Notice) if n.display]

    def on_mount(self) -> None:
        for notification in getattr(self, "_pending", ()):
            self.say(notification)
        self._pending: list[Notification] = []

    def say(self, notification: Notification) -> None:
        notices = list(self.query_children(Notice))
        if not notices:  # not composed yet (a dialog's line, mounted with its first notice)
            self._pending = [*getattr(self, "_pending", []), notification]
            return
        free = [n for n in notices if not n.display]
        notice = free[0] if free else notices[0]  # full: the oldest (the top one) goes
        if notice is not notices[-1]:
            self.move_child(notice, after=notices[-1])  # the newest lowest
        notice.present(notification, self.fit())
        self.set_class(True, "-shown")

    def fit(self) -> Fit | None:
        """The room of a notice's two lines; None: wrapped at the width it has."""
        return None

    def withdraw(self, notice: Notice) -> None:
        notice._stop()
        notice.display = False
        notice.notification = None
        if notice.rest is not None:
            notice.rest.display = False
        if not self.shown:
            self.set_class(False, "-shown")

    def clear(self) -> None:
        for notice in self.shown:
            self.withdraw(notice)


class HeaderNotices(NoticeLine):
    """The main screen's notice: on the header's line, and a long one on the top border of the pane under
    it too, after the pane's title (`under_header(size)`: the column where the title and a stroke after it
    end, and 1 row; below 60x18, where the line saying the terminal is small stands there, column 0 and its
    rows, which the notice covers whole while it shows, never half of its words). That second line, `rest`,
    is the screen's child beside this one (the main screen composes it): inside this line's region it would
    blank the title out."""

    def __init__(self, under_header: Callable[[Size], tuple[int, int]], tail: Callable[[], str] = str,
                 **kwargs) -> None:
        """`tail`: where a notice cut with … is read in full ("m: in full"), said after the …"""
        super().__init__(1, **kwargs)
        self.under_header = under_header
        self.tail = tail
        self.notice = Notice()
        self.rest = self.notice.rest = NoticeRest(self.notice)

    def compose(self):
        yield self.notice

    def fit(self, size: Size | None = None) -> Fit:
        """The room for the notice at `size` (the terminal's new size on a resize: the app's is set after
        its handlers ran, and the panes are laid out later still), and the rest placed there."""
        size = size or self.app.size
        width = size.width
        column, rows = self.under_header(size)
        room = min(max(column, 0), width - 12)  # a second line of 10 characters at least
        rows = max(rows, 1)
        styles = self.rest.styles
        if (styles.offset.x.value, styles.height and styles.height.value) != (room, rows):
            styles.offset = (room, 1)
            styles.height = rows
        return max(width - 2, 10), width - room - 2, rows  # less the notice's padding (its width: Notice.draw)

    def refit(self, size: Size | None = None) -> None:
        """The shown notice again, for the size and the pane's title of now (another pane), or `size`."""
        for notice in self.shown:
            notice.draw(self.fit(size))


def _line_of(screen: Screen, mount: bool) -> NoticeLine | None:
    try:
        return screen.query_one(NoticeLine)
    except NoMatches:
        pass
    # the planner's own screens (dialogs, the folder view); Textual's (the command palette) keep its toasts
    if not mount or not type(screen).__module__.startswith("planner."):
        return None
    line = NoticeLine(classes="-docked -shown")
    screen.mount(line)
    return line


def show_now(app: App, notification: Notification) -> bool:
    """Show a notification in the top screen's line of notices now; False where Textual's toasts apply
    (another thread, a screen of Textual's own)."""
    if threading.get_ident() != app._thread_id or not app.screen_stack:
        return False
    screen = app.screen
    line = _line_of(screen, mount=True)
    if line is None:
        return False
    line.say(notification)  # a dialog's line mounted just now says it once it is composed
    return True


def clear_notices(app: App) -> None:
    """Every notice of every screen goes (a new dialog: what they said was about the screen before)."""
    for screen in app.screen_stack:
        try:
            line = screen.query_one(NoticeLine)
        except NoMatches:
            continue
        line.clear()
    app.clear_notifications()  # Textual's own toasts too
