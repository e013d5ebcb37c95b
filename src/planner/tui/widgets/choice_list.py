"""A list of choices marked with glyphs, not only colour: (•)/( ) for one choice, [x]/[ ] for many; and
the option list under them whose cursor shows without colour (`CursorList`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.style import Style as VisualStyle
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from planner.tui.text import literal


class CursorList(OptionList):
    """An OptionList that draws the `reverse` of its CSS text-style: under NO_COLOR (planner.tcss,
    `App:nocolor`) reverse video is what shows the highlighted option, as in the tables.

    Textual 8 draws an option with `Widget.get_visual_style`, which keeps bold, dim, italic, underline
    and strike of a text-style and drops reverse: the cursor was a bar of another grey, which a
    monochrome terminal does not show."""

    def get_visual_style(self, *component_classes: str, partial: bool = False) -> VisualStyle:
        style = super().get_visual_style(*component_classes, partial=partial)
        if component_classes and self.get_component_styles(*component_classes).text_style.reverse:
            return style + VisualStyle(reverse=True)
        return style


class ChoiceList(CursorList):
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
