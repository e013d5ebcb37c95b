"""The main screen's toasts, placed so that one coming or going repaints only the corner they use.

Textual docks its toast rack at the bottom of the screen and hides it when it is empty. Both cost
a full repaint of the screen for each toast that comes and goes (about 25 KB at 160x48 and some
50 ms, for a key such as `l` that says what it changed; light on the wire): showing or
hiding a child of the screen shifts the stacking order of every pane in the compositor's map, and
a docked widget of changing height changes the screen's dock spacing, which every pane's geometry
carries. So the main screen's rack stays displayed (it is invisible when empty: Textual gives it
`visibility: hidden`) and is taken out of the dock, with a fixed place and size: the bottom-right
corner, ending 4 lines above the bottom as before (above the verdict bar and the footer), as wide
as a toast, from under the header down (toasts stack up from its bottom; when they fill it, the
oldest go: see _make_room). Its size is fixed: a toast that comes or goes
repaints its own lines only. Other screens keep Textual's rack.

Its toasts are kept mounted, too. Textual mounts a new toast for each notification (in later
message turns than the edit that raised it) and scrolls the rack after it: the toast of `l` came
two frames after the panes it speaks of, 40-60 ms later (the aim: `l` within 50 ms). The main
screen's rack holds a few hidden toasts from the start; a notification raised on the main screen
takes a hidden one at once (`show_now`, not through Textual's Notify message and a later call), so
it shows in the same frame as the edit; an expired or clicked toast is hidden again.
"""

from __future__ import annotations

import threading
from itertools import count

from rich.console import Console
from rich.text import Text
from textual import events
from textual.app import App
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.notifications import Notification, Notifications
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets._toast import Toast, ToastHolder, ToastRack

from planner.tui.widgets.quiet import NoRelayout

TOAST_WIDTH = 60  # Textual's toast width (at most half the screen)
ABOVE_BOTTOM = 4  # the verdict bar, the footer and a spare line (planner.tcss had margin-bottom: 4)
_CONSOLE = Console(width=TOAST_WIDTH, color_system=None)  # measures how a toast's text wraps
POOL = 4  # toasts mounted ahead; more at once are mounted when needed, and kept
_ids = count()


class KeptToast(Toast, NoRelayout):
    """A toast that can be shown again with another notification: hidden when it expires, not removed."""

    def __init__(self, notification: Notification) -> None:
        super().__init__(notification)
        self.timer: Timer | None = None

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # Toast starts its timer on mount: this one starts it when shown

    def present(self, notification: Notification) -> None:
        self.remove_class(f"-{self._notification.severity}")
        self._notification = notification
        self.add_class(f"-{notification.severity}")
        self.refresh(layout=True)  # another text: another height
        self._stop()
        self.timer = self.set_timer(max(notification.time_left, 0.01), self.withdraw)

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def withdraw(self) -> None:
        """Expired or clicked: the app forgets the notification, the toast goes back to the pool."""
        self._stop()
        if self._notification in self.app._notifications:
            self.app._unnotify(self._notification, refresh=False)
        if self.parent is not None:
            self.parent.display = False

    def on_click(self, event: events.Click) -> None:
        event.prevent_default()  # not Toast's own click handler, which removes the toast
        event.stop()
        self.withdraw()


def show_now(app: App, notification: Notification) -> bool:
    """Show a notification on the main screen now; False where Textual's way applies (another
    screen on top, another thread, a screen without a kept rack)."""
    if threading.get_ident() != app._thread_id or not app.screen_stack or app.screen is not app.screen_stack[0]:
        return False
    try:
        rack = app.screen.get_child_by_type(ToastRack)
    except NoMatches:
        return False
    if not getattr(rack, "_keeps_toasts", False):
        return False
    app._notifications.add(notification)  # as App._on_notify
    _show_kept(rack, app._notifications)
    return True


def _show_kept(rack: ToastRack, notifications: Notifications) -> None:
    """ToastRack.show for the main screen: the notifications shown by kept toasts, newest lowest."""
    rack.display = True  # stays displayed: see the module's text
    shown: set[str] = set()  # by identity: a Notification is not hashable
    free: list[ToastHolder] = []
    for holder in rack.query_children(ToastHolder):
        toast = getattr(holder, "kept", None)  # its toast, mounted or about to be
        if toast is None:
            continue
        if holder.display and toast._notification in notifications and not toast._notification.has_expired:
            shown.add(toast._notification.identity)
        else:
            if holder.display:
                toast.withdraw()
            free.append(holder)
    new = [n for n in notifications if n.identity not in shown and not n.has_expired]
    for notification in new:
        if free:
            holder = free.pop(0)
            holder.kept.present(notification)
            last = rack.children[-1]
            if holder is not last:
                rack.move_child(holder, after=last)
            holder.display = True
        else:  # more at once than the pool holds: one more, kept from now on
            holder = _holder(notification)
            rack.mount(holder)
            holder.kept.call_after_refresh(holder.kept.present, notification)
    if new:
        _make_room(rack)


def _toast_height(notification: Notification, width: int) -> int:
    """Lines a toast takes in a rack `width` wide: its text wrapped (Toast: 1 column of border and
    1 of padding each side), 2 lines of padding, 1 of margin above."""
    text = Text(notification.message)
    lines = len(text.wrap(_CONSOLE, max(width - 3, 1))) if notification.message else 1
    return lines + (1 if notification.title else 0) + 3


def _make_room(rack: ToastRack) -> None:
    """The oldest toasts go when the shown ones would not fit the rack: the newest must be seen.

    The rack cannot scroll its toasts into view (it is `visibility: hidden`, so Textual gives it no
    size), so toasts beyond its height would stack up out of sight above it, the newest pushed
    off the bottom: they go instead, the app forgetting them as if they had expired."""
    width, height = getattr(rack, "_placed", (TOAST_WIDTH, 0))
    shown = [h for h in rack.query_children(ToastHolder) if h.display and getattr(h, "kept", None) is not None]
    heights = [_toast_height(h.kept._notification, width) for h in shown]
    while len(shown) > 1 and sum(heights) > height:
        shown.pop(0).kept.withdraw()
        heights.pop(0)


def place_toasts(screen: Screen, size: Size) -> None:
    try:
        rack = screen.get_child_by_type(ToastRack)
    except Exception:  # noqa: BLE001 - no rack yet (not composed): Textual's default stays
        return
    width = max(min(TOAST_WIDTH, size.width // 2), 1)
    height = max(size.height - ABOVE_BOTTOM - 1, 1)  # under the header line
    styles = rack.styles
    styles.dock = "none"
    styles.position = "absolute"
    styles.margin = 0
    styles.width = width
    styles.height = height
    styles.offset = (size.width - width, max(size.height - ABOVE_BOTTOM - height, 0))
    rack._placed = (width, height)  # type: ignore[attr-defined]  # _make_room fits the toasts in it
    rack.add_class("-placed")  # planner.tcss: its toasts take the rack's whole width
    rack.display = True
    if not getattr(rack, "_keeps_toasts", False):
        # the app calls rack.show(notifications), which hides an empty rack and mounts new toasts
        rack.show = lambda notifications: _show_kept(rack, notifications)  # type: ignore[method-assign]
        rack._keeps_toasts = True  # type: ignore[attr-defined]
        rack.mount_all(_holder() for _ in range(POOL))
    _make_room(rack)  # a smaller terminal: fewer toasts fit


def _holder(notification: Notification | None = None) -> ToastHolder:
    """A holder and its kept toast; without a notification, hidden (in the pool)."""
    toast = KeptToast(notification or Notification("", "", "information", 1))
    holder = ToastHolder(toast, id=f"planner-toast-{next(_ids)}")
    holder.kept = toast  # type: ignore[attr-defined]
    holder.display = notification is not None
    return holder
