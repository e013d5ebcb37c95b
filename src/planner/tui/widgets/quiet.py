"""Setters that leave the screen alone when nothing changed.

Over SSH every byte crosses the link, and Textual repaints a whole widget when its border subtitle is
set, even to the text it already has (a bordered pane is most of the screen). The panes redraw from
the plan after every edit, so they set their subtitle through here.
"""

from __future__ import annotations

from textual.widget import Widget


def set_border_subtitle(widget: Widget, text: str) -> None:
    if getattr(widget, "_quiet_subtitle", None) != text:
        widget._quiet_subtitle = text  # type: ignore[attr-defined]
        widget.border_subtitle = text
