"""Setters and widgets that leave the screen alone when nothing changed.

Over SSH every byte crosses the link, and Textual repaints a whole widget when its border subtitle is
set, even to the text it already has (a bordered pane is most of the screen). The panes redraw from
the plan after every edit, so they set their subtitle through here.

A line of text whose new content is taller or wider (a hint, the rule detail, the verdict) costs
Textual a second layout after the frame that drew it: the layout sets the widget's virtual size as
a reactive that asks for layout again. A widget that scrolls nothing needs no such thing (the aim:
a lot switch in one layout and one frame).
"""

from __future__ import annotations

from textual.app import App
from textual.widget import Widget
from textual.widgets import Header, Static
from textual.widgets._header import HeaderTitle


class NoRelayout(Widget):
    """For widgets that do not scroll: a new size is taken without asking for another layout.

    Mixed in after the widget's own class (`class Line(Static, NoRelayout)`): Textual takes a
    widget's CSS type names and default CSS along the first base only."""

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class Line(Static, NoRelayout):
    """A Static of the panes: a hint, a detail, a verdict."""


def set_border_subtitle(widget: Widget, text: str) -> None:
    if getattr(widget, "_quiet_subtitle", None) != text:
        # the text last set, kept on the widget itself (any widget with a border: no class of ours to declare it in)
        widget._quiet_subtitle = text  # type: ignore[attr-defined]
        widget.border_subtitle = text


def set_titles(app: App, title: str, sub_title: str) -> None:
    """Set the app's title and sub-title and redraw the header lines only.

    Setting App.title the usual way repaints the whole screen (over SSH, 50 KB for a ● that comes
    and goes); set_reactive skips that, so the headers of the open screens are updated here."""
    if (title, sub_title) == (app.title, app.sub_title):
        return
    app.set_reactive(type(app).title, title)
    app.set_reactive(type(app).sub_title, sub_title)
    for screen in app.screen_stack:
        for header in screen.query(Header):
            for line in header.query(HeaderTitle):
                line.update(header.format_title())
