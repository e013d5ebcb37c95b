"""Textual's footer, redrawn once per change of the keys on offer rather than once per notice of it.

The footer rebuilds itself (recompose) after the next frame each time the screen says its bindings
changed, and a focus move says so two or three times in a row (the focus, then the bindings of the
widget that got it), often with the same keys as before, and each rebuild takes two or three frames
(old keys removed, new ones mounted, then laid out): `tab` drew the footer three times after the
panes, about 90 ms and 2.6 KB on the wire. Notices that come while a rebuild is waiting
share it, and a rebuild that would show the keys already shown is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class PlannerFooter(Footer):
    _rebuild_waiting = False
    _shown: tuple | None = None  # what the last rebuild showed (see `offer`)

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

    async def _rebuild(self) -> None:
        self._rebuild_waiting = False
        if not self.is_attached:
            return  # its screen closed meanwhile
        offer = self.offer()
        if offer == self._shown and self.children:
            return
        self._shown = offer
        await self.recompose()
