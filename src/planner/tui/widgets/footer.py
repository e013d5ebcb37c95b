"""Textual's footer, redrawn once per change of the keys on offer rather than once per notice of it.

The footer rebuilds itself (recompose) after the next frame each time the screen says its bindings
changed, and a focus move says so two or three times in a row (the focus, then the bindings of the
widget that got it), often with the same keys as before, and each rebuild takes two or three frames
(old keys removed, new ones mounted, then laid out): `tab` drew the footer three times after the
panes, about 90 ms and 2.6 KB on the wire. Notices that come while a rebuild is waiting
share it, and a rebuild that would show the keys already shown is skipped.

Every key is shown whole. Textual's footer cuts the row at the terminal's edge, mid-word ("t Timel"
on the budget screen at 80 columns) and with no sign that keys are missing. Here the keys that do
not fit are left out from the end, and the last item names the key that lists them all ("? More
keys"), the screen's help, whose key is then shown even where the footer does not offer it; on a
screen without one (the comparison, the forms) it is "…". A group of keys ("1 2 3 Panes") is shown or
left out whole.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.cells import cell_len
from textual.binding import Binding
from textual.events import Resize
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

from planner.tui.widgets.live import is_text_field

MORE = "More keys"  # the last item's words when keys are left out
LEFT_OUT = "…"  # the last item where keys are left out and no key lists them (the screen has no help)


class PlannerFooter(Footer):
    _rebuild_waiting = False
    _shown: tuple | None = None  # what the last rebuild showed (see `offer`)
    _more: Widget | None = None  # the last item, "? More keys" (or "…"), shown when keys are left out (`_fit`)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.call_after_refresh(self._rebuild)

    def offer(self) -> tuple:
        """What Footer.compose would show now: the keys, their labels and states, and the palette key."""
        app = self.app
        keys = tuple((b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip,
                      (b.group.description, b.group.compact) if b.group else None)
                     for _, b, enabled, tooltip in self.screen.active_bindings.values() if b.show)
        return keys, self.show_command_palette, self.compact, app.ENABLE_COMMAND_PALETTE

    def compose(self) -> Iterator[Widget]:
        # a FooterKey starts compact (its own default) and a key of a binding is then bound to the footer's
        # style: mounted, it took the class -compact and dropped it again, two restyles of each key at
        # every rebuild (7 s of 150 in the TUI tests); set before the mount, its style is computed once.
        # The palette's key is not bound: it stays compact, as Textual draws it
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
        self._more = None  # made by _fit when keys are left out

    def _help_binding(self) -> Binding | None:
        """The screen's key for its help (the list of every key), as a user can press it now: `?` unless
        a text field has the focus (it would type a '?'), else f1."""
        found = [b for _, b, enabled, _ in self.screen.active_bindings.values()
                 if enabled and b.action.rsplit(".", 1)[-1] == "help"]
        typing = is_text_field(self.screen.focused)
        return next((b for b in found if not (typing and b.key == "question_mark")), None)

    def _fit(self) -> None:
        """Keys left out from the end until the rest and "? More keys" fit the footer's width; where the
        screen has no help key, "…" says that keys are left out. A group of keys ("1 2 3") goes with its
        words ("Panes"): left out together."""
        more = self._more
        items = [child for child in self.children if child is not more and not child.has_class("-command-palette")]
        room = (self.size.width or self.app.size.width) - sum(
            _outer_width(child) for child in self.children if child.has_class("-command-palette"))
        if sum(_at_most(item) for item in items) <= room:  # the usual case, counted without drawing a key
            for item in items:
                item.display = True
            if more is not None:
                more.display = False
            return
        widths = _widths(items)
        fits = sum(widths) <= room
        if not fits and more is None:
            help_key = self._help_binding()
            if help_key is not None:
                more = FooterKey(help_key.key, self.app.get_key_display(help_key), MORE, help_key.action,
                                 classes="-more")
                more.set_reactive(FooterKey.compact, self.compact)
                more.set_class(self.compact, "-compact", update=False)
            else:  # nothing lists the screen's keys: at least say that some are left out
                more = FooterLabel(LEFT_OUT, classes="-more")
            self._more = more
            self.mount(more)
        if not fits and more is not None:
            room -= _width_beside(more, items)  # (it may not be styled yet: reckoned from its neighbours)
        used, cut = 0, fits
        for unit in _units(items, widths):
            used += sum(width for _, width in unit)
            cut = cut or used > room
            for item, _ in unit:
                item.display = fits or not cut
        if more is not None:
            more.display = not fits

    def on_resize(self, event: Resize) -> None:
        self._fit()

    async def _rebuild(self) -> None:
        self._rebuild_waiting = False
        if not self.is_attached:
            return  # its screen closed meanwhile
        offer = self.offer()
        if offer == self._shown and self.children:
            return
        self._shown = offer
        await self.recompose()
        self._fit()


def _units(items: list[Widget], widths: list[int]) -> list[list[tuple[Widget, int]]]:
    """The items as they are shown or left out, each with its width: one key, or a group of keys and the
    words after it (Textual composes "1 2 3" and "Panes" as two siblings)."""
    units: list[list[tuple[Widget, int]]] = []
    for item, width in zip(items, widths):
        if isinstance(item, FooterLabel) and units and isinstance(units[-1][-1][0], KeyGroup):
            units[-1].append((item, width))
        else:
            units.append([(item, width)])
    return units


def _width_beside(more: Widget, items: list[Widget]) -> int:
    """The columns the last item ("? More keys", "…") takes after the keys: a key's as its styled neighbours
    are drawn (their padding and margins, from the footer's CSS), from its words alone where it has none."""
    if isinstance(more, FooterLabel):
        return cell_len(LEFT_OUT) + 1  # its character and the margin after it (Textual's FooterLabel)
    if isinstance(more, FooterKey):
        words = cell_len(more.key_display) + cell_len(more.description)
        for item in items:
            if isinstance(item, FooterKey) and item.is_mounted:
                return _widths([item])[0] - cell_len(item.key_display) - cell_len(item.description) + words
    return _at_most(more)


def _outer_width(widget: Widget) -> int:
    """The columns `widget` takes in the footer's row, its margins aside: its text, padding and border."""
    if widget.children:  # a group of keys ("1 2 3 Panes")
        inner = sum(_widths(list(widget.children)))
    else:
        inner = widget.get_content_width(Size(0, 0), Size(0, 0))
    return inner + widget.styles.gutter.width


def _widths(widgets: list[Widget]) -> list[int]:
    """Each widget's columns in a row, its margin included as Textual lays out a row: the space between two
    neighbours is the larger of their two margins."""
    widths, right = [], 0
    for widget in widgets:
        margin = widget.styles.margin
        widths.append(max(right, margin.left) + _outer_width(widget))
        right = margin.right
    if widths:
        widths[-1] += right
    return widths


def _at_most(widget: Widget) -> int:
    """At least the columns `widget` takes in the row, from its words alone: a key, its label, and room for
    the widest padding and margins of the footer's CSS (Textual's: 1 on each side of a key, 1 after its
    label, a margin of 1 on each side)."""
    if isinstance(widget, FooterKey):
        return cell_len(widget.key_display) + cell_len(widget.description) + 5
    if widget.children:  # a group of keys and its label
        return sum(_at_most(child) for child in widget.children) + 2
    return cell_len(str(getattr(widget, "content", ""))) + 4
