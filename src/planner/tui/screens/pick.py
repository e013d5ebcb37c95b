"""The pick dialog: a value chosen by typing (a Picker, with the vocabulary's words) and, for a fill,
the rows it goes to. The import preview asks with it which key a column is read as and what fills a
row's kind, role or country."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from planner.tui.screens import DIALOG_CSS
from planner.tui.text import literal
from planner.tui.widgets.choice_list import CursorList
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.picker import Item, Picker

TINY = 20  # fewer rows than this: the list of choices a few lines high (it scrolls)


@dataclass(frozen=True)
class Fill:
    """What a fill dialog answered: the text to fill in, and where ('row', 'same' or 'all')."""

    key: str
    value: str
    scope: str



class PickDialog(ModalScreen["Fill | None"]):
    """Choose a value by typing (a Picker, with the vocabulary's words) and, for a fill, where it goes."""
    CSS_PATH = DIALOG_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]

    def __init__(self, key: str, question: str, items: list[Item], value: str | None = None,
                 scopes: list[tuple[str, str]] | None = None, matcher=None, what: str = "choice") -> None:
        super().__init__(classes="dialog-screen")
        self.key = key
        self.question = question
        self.items = items
        self.value = value
        self.scopes = scopes or []
        self.matcher = matcher
        self.what = what

    def compose(self):
        self.set_class(self.app.size.height < TINY, "-tiny")  # from the first frame (the first Resize comes after it)
        with Vertical(classes="dialog pick"):
            yield Label(literal(self.question), classes="question")
            yield Picker(self.items, self.value, id="pick", placeholder="type to choose", matcher=self.matcher,
                         what=self.what)
            if self.scopes:
                yield Label("For:", classes="field-label")
                scopes = CursorList(*[Option(literal(label), id=scope) for scope, label in self.scopes],
                                    id="scope", compact=True)
                yield scopes
            hint = "enter takes it · tab: for which rows · escape cancels" if len(self.scopes) > 1 else \
                "enter takes it · escape cancels"
            yield Static(hint, classes="hint")
        yield PlannerFooter()

    def on_resize(self, event) -> None:
        # below 20 rows (a 40x12 terminal) the list under the field was cut off at the dialog's edge, with no
        # sign of the choices under it, and the line of keys under the rows for which it goes with it
        self.set_class(event.size.height < TINY, "-tiny")

    def on_mount(self) -> None:
        if self.scopes:
            self.query_one("#scope", OptionList).highlighted = 0
        self.query_one(Picker).focus()

    def _answer(self) -> None:
        picker = self.query_one(Picker)
        options = picker.options
        if picker.value is None and options.display and options.highlighted is not None:
            # the guess highlighted in the list ('Spain (ES)' for 'Spian'): enter takes it, as the hint says
            picker.move(0)
        if picker.value is None:
            return  # its line says why (no match, or which one)
        scope = ""
        if self.scopes:
            options = self.query_one("#scope", OptionList)
            scope = self.scopes[options.highlighted or 0][0]
        self.dismiss(Fill(self.key, picker.value, scope))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "scope":
            event.stop()
            self._answer()

    def action_cancel(self) -> None:
        self.dismiss(None)
