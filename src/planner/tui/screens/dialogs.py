"""Small modal dialogs: a question with choices, and a file path prompt."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from planner.tui.text import literal


class FieldError(Static):
    """An error line under a form field: shown while it has something to say, hidden otherwise."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", classes="field-error", **kwargs)
        self.display = False

    def say(self, message: str) -> None:
        # a mark as well as the error colour: without colour an error must not read like a hint
        # literal: a message may quote what was typed (x[/]) or a partner's name
        self.update(literal(message if not message or message.startswith("✗") else f"✗ {message}",
                            keep_newlines=True))
        self.display = bool(message)


class Choice(ModalScreen[str]):
    """A question with buttons; dismisses with the chosen id, or `escape`'s on escape.

    The question often names a partner or a file: it is shown literally, never as markup. `default`
    is the button that has the focus (and so what enter does): give the safe one where an answer
    can lose data.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("left", "app.focus_previous", show=False), Binding("right", "app.focus_next", show=False)]

    def __init__(self, question: str, choices: list[tuple[str, str]], escape: str = "cancel",
                 default: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.choices = choices
        self.escape = escape
        # the button enter presses: the safe one. Unless told otherwise, the same answer as escape
        ids = [choice_id for choice_id, _ in choices]
        self.default = default or (escape if escape in ids else ids[0])

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(literal(self.question, keep_newlines=True), classes="question")
            with Horizontal(classes="buttons"):
                for choice_id, label in self.choices:
                    yield Button(label, id=f"choice-{choice_id}", compact=True,
                                 variant="primary" if choice_id == self.default else "default")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.default}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(self.escape)


class PathPrompt(ModalScreen[Path | None]):
    """Ask for a file path; enter accepts, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.value = value

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label(literal(self.title_text), classes="question")
            yield Input(self.value, placeholder="path/to/plan.toml", id="path")
            yield Static("enter: accept   escape: cancel", classes="hint")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.dismiss(Path(text).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)
