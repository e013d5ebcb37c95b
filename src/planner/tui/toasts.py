"""Notifications that never hide the work: they stand where they cover no field, button, table row
or verdict.

Textual's toasts stand in the bottom-right corner over whatever is there: "Edited TREDU" over the
scoreboard's rows, "Added TREDU" over the next partner form's buttons, an import error for 15 s over
the next import preview. The planner's notices stand instead:

- on the main screen, on the header's line (the file name and acronym come back when the notice
  goes) and, for a long one, the partners pane's top border under it: two lines that hold no work.
  The newest notice replaces the one before; a longer text is cut with `…` (at 80 columns that is
  past 150 characters). Giving the notices rows of their own would take them from the panes: the
  scoreboard's rules would scroll, which hides rows as surely as a toast over them.
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

from textual import events
from textual.app import App
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.markup import escape
from textual.notifications import Notification
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from planner.tui.text import literal
from planner.tui.widgets.quiet import NoRelayout

MAX_SHOWN = 3
MARKS = {"error": "✗ ", "warning": "! ", "information": ""}  # the meaning without colour (NO_COLOR)


def _two_lines(head: str, message: str, width: int) -> str:
    """`message` cut so that, after `head`, it wraps to at most two lines of `width`, its end marked with
    …: counted by characters, a message that wrapped at word ends lost its last words without a mark
    ('... end after month 24: they no')."""
    import textwrap  # a notice on the main screen: a few hundred characters at most

    width = max(width, 2)
    lines = textwrap.wrap(head + message, width, break_on_hyphens=False, drop_whitespace=True)
    if len(lines) <= 2:
        return message
    kept = textwrap.wrap(head + message, width, break_on_hyphens=False, max_lines=2, placeholder=" …")
    return " ".join(kept)[len(head):] if " ".join(kept).startswith(head) else message[:width - 1] + "…"


class Notice(Static, NoRelayout):
    """One notice: its title and message on one line (wrapped when long); a click takes it away."""

    def __init__(self) -> None:
        super().__init__("", classes="notice")
        self.display = False
        self.notification: Notification | None = None
        self.timer: Timer | None = None

    def present(self, notification: Notification, width: int | None = None) -> None:
        """Show `notification`; with a `width`, on at most two lines of it (cut with …)."""
        if self.notification is not None:
            self.remove_class(f"-{self.notification.severity}")
        self.notification = notification
        self.add_class(f"-{notification.severity}")
        head = MARKS.get(notification.severity, "") + (f"{notification.title}: " if notification.title else "")
        message = notification.message
        if width is not None:
            message = " · ".join(line.strip() for line in message.splitlines() if line.strip())
            message = _two_lines(head, message, width)
        if notification.markup:  # Textual's own ("Press [b]ctrl+q[/b]"), checked by PlannerApp.notify
            self.update(escape(head) + message)
        else:
            self.update(literal(head + message, keep_newlines=True))
        self._stop()
        self.timer = self.set_timer(max(notification.timeout, 0.01), self._expired)
        self.display = True

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


class NoticeLine(Vertical, NoRelayout):
    """The notices of one screen: `slots` at once (the main screen's header line holds one)."""

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
        notice.present(notification, self.line_width if self.slots == 1 else None)
        self.set_class(True, "-shown")

    @property
    def line_width(self) -> int:
        return max(self.app.size.width - 2, 10)  # the notice's padding

    def withdraw(self, notice: Notice) -> None:
        notice._stop()
        notice.display = False
        notice.notification = None
        if not self.shown:
            self.set_class(False, "-shown")

    def clear(self) -> None:
        for notice in self.shown:
            self.withdraw(notice)


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
