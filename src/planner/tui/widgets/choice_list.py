"""A list of choices marked with glyphs, not only colour: (•)/( ) for one choice, [x]/[ ] for many."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from planner.tui.text import literal


class ChoiceList(OptionList):
    """enter or space toggles the highlighted choice and posts Toggled; show() sets the marks."""

    BINDINGS = [Binding("space", "select", "Toggle", show=False)]

    @dataclass
    class Toggled(Message):
        choice_list: "ChoiceList"
        choice_id: str

    def __init__(self, choices: list[tuple[str, str]], single: bool, **kwargs) -> None:
        self.choices = choices
        self.single = single
        self.chosen: set[str] = set()
        super().__init__(*(Option(self._prompt(cid, label), id=cid) for cid, label in choices), **kwargs)

    def _prompt(self, choice_id: str, label: str) -> Text:
        on = choice_id in self.chosen
        mark = ("(•)" if on else "( )") if self.single else ("[x]" if on else "[ ]")
        # a Text, not a str: "[x]" would be read as markup
        return Text.assemble((mark, "bold" if on else ""), " ", literal(label))

    def show(self, chosen: set[str]) -> None:
        if chosen == self.chosen:
            return
        self.chosen = set(chosen)
        for cid, label in self.choices:
            self.replace_option_prompt(cid, self._prompt(cid, label))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(self, event.option.id))
