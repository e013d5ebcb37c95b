"""A picker that filters as you type: an Input with the matching choices listed under it.

Typing narrows the list from the first letter (no `enter` to open it first); a sure match (the
code or name typed in full, or the start of one) is highlighted and is the value, so `tab` moves
on with it and `enter` saves the form with it. `up`/`down` move the highlight and pick. The list
shows only while the picker has the focus, inside the dialog, at most a few rows high: it never
spills over the dialog or the footer.

A picker never empties a field silently. Text that matches nothing for sure (a typo, `Spian`, or a
word that could be several kinds) stays in the field, with no value, and the line under it says so
and offers the close matches ("? Spian: did you mean Spain (ES)?"), until the user picks one. Who
ranks is the owner's `matcher` (the partner form asks the vocabulary); by default the items' labels
and words.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from planner.tui.text import literal
from planner.tui.widgets.choice_list import CursorList
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
    """How well `query` matches: 0 the code or a word in full, 1 the label's start, 2 a word's start,
    3 anywhere; None not at all."""
    q = " ".join(query.lower().split())
    if not q:
        return 4
    if (item.code and q == item.code.lower()) or any(q == w.lower() for w in item.words):
        return 0  # a code or another word typed in full: EL is Greece, not El Salvador
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


@dataclass(frozen=True)
class Ranked:
    """What a matcher makes of the typed text: the ids to list, best first, and the value if it is sure.

    `how`: "exact", "prefix" or "contains" (sure: `value` is the first id), "close" (typos: offered,
    not taken), "ambiguous" (several, equally good: asked, not guessed) or "none"."""

    ids: list[str] = field(default_factory=list)
    value: str | None = None
    how: str = "none"


SURE = ("exact", "prefix", "contains")


def rank_items(query: str, items: list[Item]) -> Ranked:
    """The default matcher: the items' codes, labels and words; a typo gets the close labels or words."""
    shown = filtered(query, items)
    if shown:
        how = {0: "exact", 1: "prefix", 2: "prefix"}.get(match_rank(query, shown[0]) or 0, "contains")
        return Ranked([item.id for item in shown], shown[0].id, how)
    q = " ".join(query.lower().split())
    names: dict[str, str] = {}
    for item in items:
        for text in (item.label, item.label.split(" (")[0], *item.words):  # "Spain (ES)": "Spain" too
            names.setdefault(text.lower(), item.id)
    scored = sorted(((difflib.SequenceMatcher(None, q, name).ratio(), name) for name in names), reverse=True)
    best = scored[0][0] if scored else 0
    # the close ones, and only those nearly as close as the best: Spian is Spain, not Iran as well
    ids = list(dict.fromkeys(names[name] for ratio, name in scored if ratio >= max(0.6, best - 0.1)))[:3]
    return Ranked(ids, None, "close" if ids else "none")


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
    Picker .picker-mark { display: none; height: auto; color: $text-warning; }
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
                 id: str | None = None, changed: Callable[[Picker], None] | None = None,
                 matcher: Callable[[str], Ranked] | None = None, what: str = "choice") -> None:
        """`what` names a choice in the line under the field ("no country matches 'Xy'")."""
        super().__init__(id=id)
        self.changed = changed
        self.items = items
        self._by_id = {item.id: item for item in items}
        self.value = value if value in self._by_id else None
        self._placeholder = placeholder
        self._shown: list[Item] = []
        self.matcher = matcher or (lambda text: rank_items(text, self.items))
        self.what = what
        self.ranked = Ranked()  # what the matcher made of the text typed last

    def compose(self):
        yield PickerInput(self.shown_text(), changed=self._typed, placeholder=self._placeholder, compact=True,
                          id=f"{self.id}-input")
        options = CursorList(compact=True, id=f"{self.id}-list")  # its cursor shows under NO_COLOR too
        options.can_focus = False
        yield options
        yield Static("", classes="picker-mark", id=f"{self.id}-mark")

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

    @property
    def typed(self) -> str:
        """What is in the field when it is not the choice shown: text waiting for a pick."""
        text = self.input.value.strip() if self.is_mounted else ""
        return "" if self.value is not None or not text else text

    def _typed(self, field: LiveInput) -> None:
        text = field.value
        if text == self.shown_text() and text:
            self._mark()
            return  # the choice as shown (set by code, or typed out in full)
        if not text.strip():
            self.ranked = Ranked()
            self._fill(self.items)
            self._set_value(None)
        else:
            self.ranked = self.matcher(text)
            # a sure match is the value: tab moves on with it, enter saves with it; a close or
            # ambiguous one is only offered (up/down pick it). The value first, then the list: filled
            # while the last word's sure match ('un') was still the value, the list highlighted its
            # first entry for 'uni', which no longer was one, and ↓ then picked the second
            self._set_value(self.ranked.value if self.ranked.how in SURE and self.ranked.value in self._by_id
                            else None)
            self._fill([self._by_id[i] for i in self.ranked.ids if i in self._by_id])
        self._mark()

    def question(self, short: bool = False) -> str:
        """What is asked about typed text that is not a choice ('' when nothing): in full for an error
        ("'Spian' is not a country: did you mean Spain (ES)?"), `short` for the line under the field
        ("Spian — did you mean Spain (ES)?")."""
        text = self.typed
        if not text:
            return ""
        offered = [self._by_id[i].label for i in self.ranked.ids[:3] if i in self._by_id]
        if not offered:
            return f"{text} — no {self.what} matches" if short else f"no {self.what} matches {text!r}"
        if self.ranked.how == "ambiguous":
            if short and self.options.display and len(self._shown) > 1:  # the list under it names them
                return f"{text} — {len(self._shown)} match: which one?"
            return f"{text} — which one: {' or '.join(offered)}?" if short else \
                f"{text!r} could be {' or '.join(offered)}: which one?"
        return f"{text} — did you mean {' or '.join(offered)}?" if short else \
            f"{text!r} is not a {self.what}: did you mean {' or '.join(offered)}?"

    def _mark(self) -> None:
        question = self.question(short=True)
        mark = self.query_one(".picker-mark", Static)
        if question:  # a mark, not only a colour: it reads the same without colour (NO_COLOR)
            keys = "" if not self.options.display else " (↓ picks)" if self._shown else " (type another word)"
            mark.update(literal(f"? {question}{keys}"))
        mark.display = bool(question)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # the form saves on enter; the value is already the highlighted match
        self._show_choice()

    def on_descendant_focus(self) -> None:
        # back in a field with text waiting for a pick: its matches, not every item
        self._fill([self._by_id[i] for i in self.ranked.ids if i in self._by_id] if self.typed else self.items)
        self.options.display = True
        self._mark()
        # twice: the first refresh lays out the list that was just shown, the second can scroll to it
        self.call_after_refresh(self.call_after_refresh, self._scroll_list_into_view)

    def _scroll_list_into_view(self, tries: int = 5) -> None:
        # the list opens under the field: scroll the form so that both show (scroll_visible on the
        # picker itself is undone by the input's own scroll to the focus). On a busy machine the
        # layout that holds the list may come a frame later than the two waited for: look again after
        # each frame, a few times, until the field and its list are in view
        form = next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)
        if form is None or not self.options.display or not self.is_attached:
            return
        if self.options.region.height and form.region.contains_region(self.region):
            return
        form.scroll_to_widget(self, animate=False)
        if tries:
            self.call_after_refresh(self._scroll_list_into_view, tries - 1)

    def on_descendant_blur(self) -> None:
        self.options.display = False
        self._show_choice()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._set_value(event.option.id)
            self._show_choice()

    def move(self, step: int) -> None:
        """up/down: highlight and pick (the typed text, if it was no choice, gives way to the pick)."""
        options = self.options
        if not self._shown:
            return
        current = options.highlighted if options.highlighted is not None else -1
        index = min(max(current + step, 0), len(self._shown) - 1)
        options.highlighted = index
        self._set_value(self._shown[index].id)
        self._mark()

    # --- set by code ----------------------------------------------------------------------

    def type_in(self, text: str) -> None:
        """`text` in the field as if typed (a draft given back by recovery): matched as typing matches it."""
        with self.input.quietly():
            self.input.value = text
        self.input.cursor_position = len(text)
        self._typed(self.input)

    def set_value(self, value: str | None) -> None:
        self._set_value(value if value in self._by_id else None)
        self._show_choice(clear=True)

    def _set_value(self, value: str | None) -> None:
        if value != self.value:
            self.value = value
            if self.changed is not None:
                self.changed(self)
            else:
                self.post_message(self.Changed(self, value))

    def _show_choice(self, clear: bool = False) -> None:
        """The field shows the choice; text that is no choice stays (marked) unless `clear`."""
        if self.value is None and not clear:
            self._mark()
            return
        text = self.shown_text()
        if self.input.value != text:
            with self.input.quietly():  # set by code, not typed: no filtering
                self.input.value = text
            self.input.cursor_position = len(text)
        self._mark()

    def _fill(self, shown: list[Item]) -> None:
        self._shown = shown
        options = self.options
        options.clear_options()
        options.add_options([Option(self._prompt(item), id=item.id) for item in shown])
        if shown:
            index = next((i for i, item in enumerate(shown) if item.id == self.value), None)
            # nothing sure: nothing highlighted, so that the list does not look like a choice
            options.highlighted = index if index is not None or self.typed else 0

    @staticmethod
    def _prompt(item: Item) -> Text:
        text = literal(item.label)
        if item.note:
            text.append_text(literal(f"  {item.note}", style="dim"))
        return text
