"""A picker that filters as you type: an Input with the matching choices listed under it.

Typing narrows the list from the first letter (no `enter` to open it first); the highlighted
match is the value, so `tab` moves on with it and `enter` saves the form with it. `up`/`down`
move the highlight. The list shows only while the picker has the focus, inside the dialog, at
most a few rows high: it never spills over the dialog or the footer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from planner.tui.text import literal
from planner.tui.widgets.live import LiveInput


@dataclass(frozen=True)
class Item:
    """One choice: `id` is the data, `label` the words shown; `words` are other words it answers to."""

    id: str
    label: str
    words: tuple[str, ...] = ()
    group: int = 0  # shown in group order when nothing is typed, and among equal matches
    note: str = ""  # shown dimmed after the label in the list (e.g. "excluded: cannot take part")
    code: str = ""  # typed exactly, it comes first (country codes: "FI")


def match_rank(query: str, item: Item) -> int | None:
    """How well `query` matches: 0 the code, 1 the label's start, 2 a word's start, 3 anywhere; None not at all."""
    q = " ".join(query.lower().split())
    if not q:
        return 4
    if item.code and q == item.code.lower():
        return 0
    label = item.label.lower()
    if label.startswith(q):
        return 1
    texts = [label, *(w.lower() for w in item.words)]
    if any(t.startswith(q) for t in texts[1:]) or any(
            word.startswith(q) for t in texts for word in _words(t)):
        return 2
    if any(q in t for t in texts):
        return 3
    return None


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def filtered(query: str, items: list[Item]) -> list[Item]:
    ranked = [(rank, item.group, i, item) for i, item in enumerate(items)
              if (rank := match_rank(query, item)) is not None]
    return [item for *_, item in sorted(ranked, key=lambda r: r[:3])]


class PickerInput(LiveInput):
    """The picker's field: the list filters within the keystroke (LiveInput), in the frame of the letter."""

    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(5)", show=False),
        Binding("pageup", "move(-5)", show=False),
    ]

    def action_move(self, step: int) -> None:
        picker = self.parent
        if isinstance(picker, Picker):
            picker.move(step)


class Picker(Vertical):
    """The value is an Item id or None. When it changes: calls `changed(picker)` in that very turn
    (a keystroke's effects drawn with it, see LiveInput), or without `changed` posts Picker.Changed."""

    DEFAULT_CSS = """
    Picker { height: auto; }
    Picker OptionList { display: none; max-height: 7; border: none; padding: 0; }
    """

    class Changed(Message):
        def __init__(self, picker: "Picker", value: str | None) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> "Picker":
            return self.picker

    def __init__(self, items: list[Item], value: str | None = None, *, placeholder: str = "",
                 id: str | None = None, changed: Callable[[Picker], None] | None = None) -> None:
        super().__init__(id=id)
        self.changed = changed
        self.items = items
        self._by_id = {item.id: item for item in items}
        self.value = value if value in self._by_id else None
        self._placeholder = placeholder
        self._shown: list[Item] = []

    def compose(self):
        yield PickerInput(self.shown_text(), changed=self._typed, placeholder=self._placeholder, compact=True,
                          id=f"{self.id}-input")
        options = OptionList(compact=True, id=f"{self.id}-list")
        options.can_focus = False
        yield options

    @property
    def input(self) -> PickerInput:
        return self.query_one(PickerInput)

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def shown_text(self) -> str:
        return self._by_id[self.value].label if self.value in self._by_id else ""

    def on_mount(self) -> None:
        self._fill(self.items)

    def focus(self, scroll_visible: bool = True) -> "Picker":
        self.input.focus(scroll_visible)
        return self

    # --- what the user does ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # handled when typed: _typed

    def _typed(self, field: LiveInput) -> None:
        text = field.value
        if text == self.shown_text() and text:
            return  # the choice as shown (set by code, or typed out in full)
        shown = filtered(text, self.items) if text.strip() else self.items
        self._fill(shown)
        # the highlighted match is the value: tab moves on with it, enter saves with it
        self._set_value(shown[0].id if shown and text.strip() else None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # the form saves on enter; the value is already the highlighted match
        self._show_choice()

    def on_descendant_focus(self) -> None:
        self._fill(self.items)
        self.options.display = True
        # twice: the first refresh lays out the list that was just shown, the second can scroll to it
        self.call_after_refresh(self.call_after_refresh, self._scroll_list_into_view)

    def _scroll_list_into_view(self) -> None:
        # the list opens under the field: scroll the form so that both show (scroll_visible on the
        # picker itself is undone by the input's own scroll to the focus)
        for ancestor in self.ancestors:
            if isinstance(ancestor, ScrollableContainer):
                ancestor.scroll_to_widget(self, animate=False)
                break

    def on_descendant_blur(self) -> None:
        self.options.display = False
        self._show_choice()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._set_value(event.option.id)
            self._show_choice()

    def move(self, step: int) -> None:
        options = self.options
        if not self._shown:
            return
        current = options.highlighted if options.highlighted is not None else -1
        index = min(max(current + step, 0), len(self._shown) - 1)
        options.highlighted = index
        self._set_value(self._shown[index].id)

    # --- set by code ----------------------------------------------------------------------

    def set_value(self, value: str | None) -> None:
        self._set_value(value if value in self._by_id else None)
        self._show_choice()

    def _set_value(self, value: str | None) -> None:
        if value != self.value:
            self.value = value
            if self.changed is not None:
                self.changed(self)
            else:
                self.post_message(self.Changed(self, value))

    def _show_choice(self) -> None:
        text = self.shown_text()
        if self.input.value != text:
            with self.input.quietly():  # set by code, not typed: no filtering
                self.input.value = text
            self.input.cursor_position = len(text)

    def _fill(self, shown: list[Item]) -> None:
        self._shown = shown
        options = self.options
        options.clear_options()
        options.add_options([Option(self._prompt(item), id=item.id) for item in shown])
        if shown:
            index = next((i for i, item in enumerate(shown) if item.id == self.value), 0)
            options.highlighted = index

    @staticmethod
    def _prompt(item: Item) -> Text:
        text = literal(item.label)
        if item.note:
            text.append_text(literal(f"  {item.note}", style="dim"))
        return text
