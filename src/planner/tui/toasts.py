"""The main screen's toasts, placed so that one coming or going repaints only the corner they use.

Textual docks its toast rack at the bottom of the screen and hides it when it is empty. Both cost
a full repaint of the screen for each toast that comes and goes (about 25 KB at 160x48 and some
50 ms, for a key such as `l` that says what it changed; issue 8, "light on the wire"): showing or
hiding a child of the screen shifts the stacking order of every pane in the compositor's map, and
a docked widget of changing height changes the screen's dock spacing, which every pane's geometry
carries. So the main screen's rack stays displayed (it is invisible when empty: Textual gives it
`visibility: hidden`) and is taken out of the dock, with a fixed place and size: the bottom-right
corner, ending 4 lines above the bottom as before (above the verdict bar and the footer), as wide
as a toast, from under the header down (toasts stack up from its bottom; when they fill it, the
oldest scroll out of sight until they expire). Its size is fixed: a toast that comes or goes
repaints its own lines only. Other screens keep Textual's rack.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen
from textual.widgets._toast import ToastRack

TOAST_WIDTH = 60  # Textual's toast width (at most half the screen)
ABOVE_BOTTOM = 4  # the verdict bar, the footer and a spare line (planner.tcss had margin-bottom: 4)


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
    rack.add_class("-placed")  # planner.tcss: its toasts take the rack's whole width
    rack.display = True
    if not getattr(rack, "_stays_displayed", False):
        show = rack.show  # the app calls rack.show(notifications), which hides an empty rack

        def show_and_stay(notifications) -> None:
            show(notifications)
            rack.display = True

        rack.show = show_and_stay  # type: ignore[method-assign]
        rack._stays_displayed = True  # type: ignore[attr-defined]
