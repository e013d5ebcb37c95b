"""The footer: the keys on offer, drawn as one line by one widget, and redrawn once per change of them.

Textual's footer composes a widget for every key (a `FooterKey`, a group of them, a label for the
group) and rebuilds them all (recompose: old ones removed, new ones mounted, styled and laid out, two
or three frames) each time the screen says its bindings changed. A focus move says so two or three
times in a row, often with the same keys as before. Here `KeysLine` draws every key itself, as
`FooterKey` draws one (the same styles, from the same theme variables), and a change of keys is a
repaint of that one line: no widget is mounted. In the TUI tests the footer's widgets were a quarter
of the CPU. Notices that come while a redraw is waiting share it, and one that would show the keys
already shown is skipped. The command palette's key stays Textual's own, docked right.

Every key is shown whole. Textual's footer cuts the row at the terminal's edge, mid-word ("t Timel"
on the budget screen at 80 columns) and with no sign that keys are missing. Here the keys that do
not fit are left out from the end, and the last item names the key that lists them all ("? More
keys"), the screen's help, whose key is then shown even where the footer does not offer it; on a
screen without one (the comparison, the forms) it is "…". A group of keys ("1 2 3 Panes") is shown or
left out whole. The fit is made as the line is drawn, at the width it has then (a resize included).

As on Textual's footer, a click on a key presses it (a disabled one, drawn dim, rings the bell), and the
key under the mouse is highlighted, shows its tooltip and turns the pointer into a hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from planner.tui.keys import types_in_a_field
from planner.tui.widgets.live import is_text_field

MORE = "More keys"  # the last item's words when keys are left out
LEFT_OUT = "…"  # the last item where keys are left out and no key lists them (the screen has no help)


class FooterItem(NamedTuple):
    """One thing the footer shows: a key with its words, a key of a group (`grouped`, no words; `compact`:
    the group's, `Binding.Group(compact=True)`), or the words after a group's keys (`key` empty)."""

    key: str
    key_display: str
    description: str
    action: str = ""
    enabled: bool = True
    tooltip: str = ""
    grouped: bool = False
    compact: bool = False


class _Piece(NamedTuple):
    """An item as drawn: its columns from `start` to `end`."""

    item: FooterItem
    start: int
    end: int


class _Box(NamedTuple):
    """What Textual's footer lays out side by side: a key, a group's words (a label), or a group of keys
    (a container: its keys' margins are inside it, and do not meet its neighbours')."""

    left: int  # margins, from the footer's CSS: the larger of two neighbours' is the space between them
    right: int
    width: int
    items: tuple[tuple[int, FooterItem], ...]  # each item at its column inside the box


def offered(screen: Screen, active: dict | None = None) -> list[list[FooterItem]]:
    """The keys `screen` offers, as Textual's footer groups them: one list per item it shows, a key alone or
    the keys of a group followed by the group's words. The first binding of each action is shown, or while
    a text field has the focus the first whose key types nothing there (help's f1, not ?): the key shown is
    the one a click presses. `active`: the screen's `active_bindings`, when the caller has them already (Textual
    builds them anew at each reading, from the focus up)."""
    app = screen.app
    typing = is_text_field(screen.focused)
    by_action: dict[str, list[tuple[Binding, bool, str]]] = {}
    for _, binding, enabled, tooltip in (screen.active_bindings if active is None else active).values():
        if binding.show:
            by_action.setdefault(binding.action, []).append((binding, enabled, tooltip))

    def shown(bindings: list[tuple[Binding, bool, str]]) -> tuple[Binding, bool, str]:
        return next((b for b in bindings if not (typing and types_in_a_field(b[0].key))), bindings[0])

    units: list[list[FooterItem]] = []
    for group, same in groupby(by_action.values(), lambda bindings: bindings[0][0].group):
        actions = list(same)
        if group is not None and len(actions) > 1:
            units.append([FooterItem(b.key, app.get_key_display(b), "", b.action, enabled, tooltip or b.description,
                                     grouped=True, compact=group.compact)
                          for b, enabled, tooltip in map(shown, actions)]
                         + [FooterItem("", "", group.description)])
        else:
            units.extend([FooterItem(b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip)]
                         for b, enabled, tooltip in map(shown, actions))
    return units


def _text_width(item: FooterItem) -> int:
    if not item.key:
        return cell_len(item.description)
    if item.description:
        return cell_len(item.key_display) + cell_len(item.description) + 3  # " k " and "words "
    return cell_len(item.key_display)


def _boxes(unit: list[FooterItem]) -> list[_Box]:
    """The boxes of a unit, with the margins and padding of Textual's footer CSS (not compact): a key has
    none; a label (FooterLabel) a margin of 1 after it; in a group (KeyGroup) each key a margin of 1 on
    each side, or, in a compact group, none, the group a padding of 1 before its keys and a margin of 1
    after it."""
    boxes: list[_Box] = []
    keys = [item for item in unit if item.grouped]
    if keys:
        compact = keys[0].compact
        placed, x, right = [], 1 if compact else 0, 0
        for item in keys:
            x += 0 if compact else max(right, 1)
            placed.append((x, item))
            x += _text_width(item)
            right = 0 if compact else 1
        boxes.append(_Box(0, 1 if compact else 0, x + right, tuple(placed)))
    for item in unit:
        if not item.grouped:
            boxes.append(_Box(0, 0 if item.key else 1, _text_width(item), ((0, item),)))
    return boxes


def _place(boxes: list[_Box], used: int, right: int) -> tuple[list[_Piece], int, int]:
    """`boxes` laid out after column `used` and a neighbour with the right margin `right`: the pieces, and
    where the row ends and with what margin."""
    pieces: list[_Piece] = []
    for box in boxes:
        start = used + max(right, box.left)
        pieces.extend(_Piece(item, start + x, start + x + _text_width(item)) for x, item in box.items)
        used, right = start + box.width, box.right
    return pieces, used, right


class KeysLine(Widget):
    """The footer's keys, drawn in one line (see the module's docstring)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description", "footer-key--item", "footer-key--hover",
                         "footer-label"}
    # the styles of Textual's FooterKey, FooterKey:hover and the footer's FooterLabel
    DEFAULT_CSS = """
    KeysLine {
        width: 1fr;
        height: 1;
        text-wrap: nowrap;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--item {
            background: $footer-item-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer-label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.units: list[list[FooterItem]] = []
        self.more: FooterItem | None = None  # the last item where keys are left out: "? More keys" or "…"
        self._pieces: list[_Piece] = []  # as last drawn, for the mouse
        self._hover: FooterItem | None = None
        self._hover_pointer = False  # the pointer set to a hand (until the mouse leaves the keys)

    def show(self, units: list[list[FooterItem]], more: FooterItem | None) -> None:
        self.units, self.more = units, more
        self._point_at(None)
        self.refresh()

    def _point_at(self, item: FooterItem | None) -> None:
        """The key under the mouse: highlighted, its tooltip shown and the pointer a hand (FooterKey:hover)."""
        self._hover = item
        tooltip = item.tooltip if item is not None and item.tooltip else None
        if tooltip != self.tooltip:  # (setting it, even to the same, has the screen look at its tooltip)
            self.tooltip = tooltip
        if item is not None or self._hover_pointer:
            self.styles.pointer = "pointer" if item is not None else "default"
            self._hover_pointer = item is not None

    def fitted(self, width: int | None = None) -> list[FooterItem]:
        """The items shown at `width` columns (the line's own by default), the last item included."""
        return [piece.item for piece in self._fit(self.size.width if width is None else width)]

    def _fit(self, room: int) -> list[_Piece]:
        """Whole units from the start while they and, when some are left out, the last item fit in `room`.
        Where not even "? More keys" fits, "…" says that keys are left out."""
        units = [_boxes(unit) for unit in self.units]
        pieces, used, right = _place([box for unit in units for box in unit], 0, 0)
        if used <= room or self.more is None:
            return pieces
        more = self.more
        if _place(_boxes([more]), 0, 0)[1] > room:
            more = FooterItem("", "", LEFT_OUT)
        pieces, used, right = [], 0, 0
        for unit in units:
            placed, after, after_right = _place(unit, used, right)
            if _place(_boxes([more]), after, after_right)[1] > room:
                break
            pieces.extend(placed)
            used, right = after, after_right
        return pieces + _place(_boxes([more]), used, right)[0]

    def render(self) -> Text:
        self._pieces = pieces = self._fit(self.size.width)
        key_style = self.get_component_rich_style("footer-key--key")
        words_style = self.get_component_rich_style("footer-key--description")
        item_style = self.get_component_rich_style("footer-key--item")
        hover_style = self.get_component_rich_style("footer-key--hover")
        label_style = self.get_component_rich_style("footer-label")
        line = Text(no_wrap=True, end="")
        for item, start, end in pieces:
            line.append(" " * (start - line.cell_len))
            if not item.key:
                line.append(item.description, label_style)
                continue
            base = item_style if item is not self._hover else item_style + hover_style
            if not item.enabled:
                base += Style(dim=True)
            if item.description:
                drawn = Text.assemble((f" {item.key_display} ", key_style), (f"{item.description} ", words_style))
            else:
                drawn = Text.assemble((item.key_display, key_style))  # a span, as the words are: under `base`
            if item is self._hover:
                drawn.stylize(Style(bgcolor=hover_style.bgcolor))
            drawn.stylize_before(base)
            line.append_text(drawn)
        return line

    def _at(self, x: int) -> FooterItem | None:
        return next((item for item, start, end in self._pieces if start <= x < end and item.key), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._at(event.x)
        if item is not self._hover:
            self._point_at(item)
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._point_at(None)
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()


class PlannerFooter(Footer):
    _rebuild_waiting = False
    _shown: tuple | None = None  # what the last rebuild showed (see `offer`)
    _palette_shown: tuple | None = None  # the part of it that needs a recompose: the palette's key

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_soon()

    def watch_show_command_palette(self) -> None:
        """The palette's key shown or left out (the main screen's width crossed 100 columns): at once, not at
        the next change of keys (it stood at 80 columns, where the keys needed its room)."""
        if self.is_attached and self._bindings_ready:
            self._rebuild_soon()

    def _rebuild_soon(self) -> None:
        """One rebuild, after the next frame of the footer's own screen, for the notices that come before it.

        Not `call_after_refresh`: that hands the call, when its message is read, to whatever screen is on
        top then, and a dialog opened and closed in between took it along; the footer, still waiting for
        it, then kept its old keys for good (after a remapped key's dialog, in a test). The footer's screen
        keeps the call until it is drawn again, under a dialog too (Textual's `Screen._invoke_later`, the
        end of `call_after_refresh`)."""
        if not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.screen._invoke_later(self._rebuild, self)

    def offer(self) -> tuple:
        """What the footer would show now: the keys, their labels and states, the last item, and the palette."""
        active = self.screen.active_bindings
        units = tuple(tuple(unit) for unit in offered(self.screen, active))
        return units, self._more_item(active), self._palette()

    def _palette(self) -> tuple:
        return self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE

    def _more_item(self, active: dict) -> FooterItem:
        """The last item, for when keys are left out: the screen's key for its help (the list of every key), as
        a user can press it now (`?` unless a text field has the focus, where it would type a '?', else f1);
        "…" on a screen without one."""
        found = [b for _, b, enabled, _ in active.values()
                 if enabled and b.action.rsplit(".", 1)[-1] == "help"]
        typing = is_text_field(self.screen.focused)
        help_key = next((b for b in found if not (typing and b.key == "question_mark")), None)
        if help_key is None:
            return FooterItem("", "", LEFT_OUT)
        return FooterItem(help_key.key, self.app.get_key_display(help_key), MORE, help_key.action)

    @property
    def line(self) -> KeysLine | None:
        return next((child for child in self.children if isinstance(child, KeysLine)), None)

    def shown(self) -> list[FooterItem]:
        """The items the footer shows now, at its width: the keys that fit and the last item if keys are left
        out (the palette's key aside)."""
        line = self.line
        return line.fitted() if line is not None else []

    def compose(self) -> Iterator[Widget]:
        if not self._bindings_ready:
            return
        line = KeysLine()
        units, more, _ = self._shown = self.offer()
        self._palette_shown = self._palette()
        line.units, line.more = [list(unit) for unit in units], more
        yield line
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:  # as Textual's footer does
            try:
                _, binding, enabled, tooltip = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)

    async def _rebuild(self) -> None:
        self._rebuild_waiting = False
        if not self.is_attached:
            return  # its screen closed meanwhile
        offer = self.offer()
        line = self.line
        if offer == self._shown and line is not None:
            return
        if line is None or self._palette() != self._palette_shown:
            await self.recompose()
            return
        self._shown = offer
        units, more, _ = offer
        line.show([list(unit) for unit in units], more)
