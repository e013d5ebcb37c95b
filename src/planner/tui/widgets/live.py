"""An Input whose owner hears of each change within the keystroke that made it, and of the value it settles on.

Input.Changed is a message: it is handled only after the screen has gone idle and drawn the typed
character, so whatever follows from the change (the grant's hint, the rules, the verdict, a form's
live line) came one or two frames after the character: 20-40 ms later at Textual's 60 frames a
second, and as much again on the wire (the aim: a keystroke's result within 50 ms with 1,000
partners). A LiveInput calls its owner from the value's watcher, in the keystroke's own turn, so the
character and what follows from it are drawn in one frame.

A field whose value is an edit of the plan (the grant, a score) takes `applied` as well: the owner
shows a live check on each keystroke (`changed`) and edits the plan only when the field is confirmed
or left (`applied`): `enter`, `tab` or any focus move, and before a key of the screen or the app
(ctrl+s saves what was typed, not the value before it; quitting asks about it as about any unsaved
change). A half-typed number ("1.4" on the way to "1.45M") never becomes the plan's value, and the
typing is one undo step. Undo (`ctrl+z`, or as remapped) while something typed is not applied yet
puts the field back as it was (the typing is the step it undoes).

The callbacks are not called before the field is mounted (a value given to the constructor) nor while
`quietly()` (the owner putting a value in the field). Input.Changed is still sent; an owner that
takes the callback ignores that message for its live fields.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from textual import events
from textual.message import Message
from textual.widgets import Input

_LINE_BREAKS_AND_TABS = re.compile(r"[\t\r\n]+")
# a terminal's escape sequences (colours, titles: text copied from a coloured terminal carries them) and
# the other control characters, which no field holds
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
                      r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: a window title, a link
                      r"|\x1b[@-_]?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # any other ESC, C0 and C1


def is_text_field(widget) -> bool:
    """An Input or a TextArea (keys type into them), without importing TextArea for the question: only a
    dialog has one, and its import is slow."""
    text_area = sys.modules.get("textual.widgets._text_area")
    return isinstance(widget, Input) or (text_area is not None and isinstance(widget, text_area.TextArea))


def one_line(text: str) -> str:
    """Pasted text as one line of a field: line breaks and tabs as one space each run ('Dissemination<TAB>
    and exploitation<LF>of results' is 'Dissemination and exploitation of results'); a terminal's colour
    codes and other control characters left out (Textual's Input wrote ESC as the four characters \\x1b:
    'Hello \\x1b[31mred' for 'Hello red' copied from a coloured terminal)."""
    return _LINE_BREAKS_AND_TABS.sub(" ", _ESCAPES.sub("", text.strip("\r\n")))


class Pasted(NamedTuple):
    """What a field takes of a paste (TextField's `paste_filter`): the text; a note for the user when
    something was left out or read another way ("" when there is nothing to say); whether the text
    replaces the field's whole value (a PIC is pasted whole, not into the digits already there)."""

    text: str
    note: str = ""
    whole: bool = False


class TextField(Input):
    """The planner's one-line field. Textual's Input kept the first line of a paste and wrote a tab in it
    as the four characters \\x09: a title copied from a document or a spreadsheet lost its end and
    gained text nobody typed. Here a paste is made one line (`one_line`) and nothing of it is lost.

    A field whose value has a form of its own takes `paste_filter` as well: it reads the pasted line
    the way the field's value is written (a PIC's 9 digits out of '999 500 004'; a name without the
    invisible characters a web page left in it, which the plan refuses). What it left out is said in
    a `Noted` message to the owner, never dropped unseen."""

    class Noted(Message):
        """A paste the field took in another form than it came: `note` says what changed."""

        def __init__(self, field: TextField, note: str) -> None:
            self.field = field
            self.note = note
            super().__init__()

    def __init__(self, *args, paste_filter: Callable[[str], Pasted] | None = None, **kwargs) -> None:
        self.paste_filter = paste_filter
        super().__init__(*args, **kwargs)

    # A value longer than the field showed its end ('t management and quality' for 'Project management
    # and quality'): Input keeps the cursor, and the view, at the end. A field not in use shows its start;
    # one taken into use has the cursor at the end as before (or all selected, `select_on_focus`).
    def on_mount(self) -> None:
        if not self.has_focus:
            self.cursor_position = 0

    def on_focus(self, event: events.Focus) -> None:
        if not self.select_on_focus and not event.from_app_focus:
            self.cursor_position = len(self.value)

    def on_blur(self) -> None:
        if self.app.app_focus:  # left for another field, not the terminal for another window
            self.cursor_position = 0

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler (called after this one) would paste it again
        self.take_paste(event.text)
        event.stop()

    def action_paste(self) -> None:
        """ctrl+v: the app's own clipboard (what ctrl+c copied in a field), taken as a paste is."""
        self.take_paste(self.app.clipboard)

    def take_paste(self, text: str) -> None:
        line = one_line(text)
        pasted = self.paste_filter(line) if self.paste_filter is not None and line else Pasted(line)
        if pasted.text:
            if pasted.whole:
                self.replace(pasted.text, 0, len(self.value))
            elif self.selection.is_empty:
                self.insert_text_at_cursor(pasted.text)
            else:
                self.replace(pasted.text, *self.selection)
        if pasted.note:
            self.post_message(self.Noted(self, pasted.note))


class LiveInput(TextField):
    def __init__(self, value: str | None = None, *, changed: Callable[[LiveInput], None],
                 applied: Callable[[LiveInput], None] | None = None, **kwargs) -> None:
        self.changed = changed
        self.applied = applied
        self.quiet = False
        self.settled = value or ""  # the value last applied or set by the owner
        super().__init__(value, **kwargs)

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Set the value without calling the owner (it is the owner who sets it): it counts as applied."""
        self.quiet = True
        try:
            yield
        finally:
            self.quiet = False
            self.settled = self.value

    @property
    def pending(self) -> bool:
        """Typed and not applied yet (only a field with `applied` has anything pending)."""
        return self.applied is not None and self.value != self.settled

    def apply(self) -> None:
        """Hand what was typed to the owner, once: confirmed or left."""
        if self.pending and self.is_mounted and self.applied is not None:  # pending: it is not None
            self.settled = self.value
            self.applied(self)

    def revert(self) -> None:
        """Put back the value last applied; the owner hears of it as of a keystroke (its live check goes)."""
        self.value = self.settled
        self.cursor_position = len(self.value)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if not self.quiet and self.is_mounted:
            self.changed(self)

    async def action_submit(self) -> None:
        self.apply()
        await super().action_submit()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.apply()

    def on_key(self, event: events.Key) -> None:
        """A key the field does not take (ctrl+s, ctrl+o...) goes to the screen or the app, which
        checks its bindings after this: what was typed is applied first. ctrl+z takes the typing back."""
        if not self.pending or event.is_printable or event.key in self._bindings.key_to_bindings:
            return
        bound = self.screen.active_bindings.get(event.key)
        if bound is not None and bound.binding.action.removeprefix("app.") == "undo":  # ctrl+z, or as remapped
            event.stop()
            event.prevent_default()
            self.revert()
            return
        self.apply()
