"""An Input whose owner hears of each change within the keystroke that made it.

Input.Changed is a message: it is handled only after the screen has gone idle and drawn the typed
character, so whatever follows from the change (the grant's hint, the rules, the verdict, a form's
live line) came one or two frames after the character: 20-40 ms later at Textual's 60 frames a
second, and as much again on the wire (the aim: a keystroke's result within 50 ms with 1,000
partners). A LiveInput calls its owner from the value's watcher, in the keystroke's own turn, so the
character and what follows from it are drawn in one frame.

The callback is not called before the field is mounted (a value given to the constructor) nor while
`quietly()` (the owner putting a value in the field). Input.Changed is still sent; an owner that
takes the callback ignores that message for its live fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from textual.widgets import Input


class LiveInput(Input):
    def __init__(self, value: str | None = None, *, changed: Callable[[LiveInput], None], **kwargs) -> None:
        self.changed = changed
        self.quiet = False
        super().__init__(value, **kwargs)

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Set the value without calling the owner (it is the owner who sets it)."""
        self.quiet = True
        try:
            yield
        finally:
            self.quiet = False

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if not self.quiet and self.is_mounted:
            self.changed(self)
