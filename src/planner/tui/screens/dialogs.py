"""Small modal dialogs: a question with choices, and a file path prompt."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from planner.tui.opening import folder_words

if TYPE_CHECKING:
    from planner.model import Plan
    from planner.recovery import Draft
from planner.tui.screens import DIALOG_CSS
from planner.tui.text import literal, plain
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import TextField

# below 60 columns (a 40x12 terminal) a dialog's buttons stand two to a row (dialogs.tcss, -slim): in one
# row, those past the edge were out of sight, and tab moved the focus onto a button nobody could see
SLIM = [(0, "-slim"), (60, "-roomy")]


class ClosingOnce(ModalScreen):
    """A modal screen that closes once: keys typed fast (enter, enter) may ask twice before it is
    gone, and a second dismiss would pop the screen under it too."""
    CSS_PATH = DIALOG_CSS  # see screens/__init__.py and dialogs.tcss
    HORIZONTAL_BREAKPOINTS = SLIM

    def dismiss(self, result=None):
        if getattr(self, "_dismissed", False):
            return None
        self._dismissed = True
        return super().dismiss(result)

    def unsaved_work(self) -> str | None:
        """What the screen holds that is not in the plan yet, in words ('the partner being added'), for
        the question before quitting (Filing.action_quit); None when there is nothing to lose."""
        return None

    def recovery_draft(self) -> Draft | None:
        """What is typed here, kept in the recovery file when the planner ends on a signal (tui/recovering.py);
        None when the screen keeps nothing (only the partner form does)."""
        return None

    def recovery_plan(self) -> Plan | None:
        """The plan with what is typed here taken, where enter would take it, kept as the unsaved plan when
        the planner ends on a signal (the budget's forms: a line typed and not entered was lost); None when
        nothing is typed or it would not be taken."""
        return None

    def ask_to_discard(self, question: str, cancelled: object = None) -> None:
        """Before dropping what was typed: Keep editing (enter's and escape's answer) or Discard, which
        dismisses with `cancelled` (the screen's own result for a cancel)."""

        def answered(answer: str | None) -> None:
            # dismissed, not returned: Textual awaits what a callback returns, and the answer may come
            # back in this screen's own handler (its Cancel button), where awaiting its own dismiss
            # is an error that ended the planner
            if answer == "discard":
                self.dismiss(cancelled)

        self.app.push_screen(Choice(question, [("keep", "Keep editing"), ("discard", "Discard")],
                                    escape="keep", default="keep"), answered)


class FieldError(Static):
    """An error line under a form field: shown while it has something to say, hidden otherwise."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", classes="field-error", **kwargs)
        self.display = False

    _said = ""

    def say(self, message: str, *, note: bool = False) -> None:
        """An error (marked ✗), or with `note` a word on what the field did (marked ·, not in the error
        colour: a paste read another way is not a mistake of the user's)."""
        # the form clears a field's error at each key typed in it: an unchanged line is not laid out again
        if message == self._said and note == self.has_class("-note"):
            return
        self._said = message
        self.set_class(note, "-note")
        # a mark as well as the error colour: without colour an error must not read like a hint
        # literal: a message may quote what was typed (x[/]) or a partner's name
        mark = "· " if note else "✗ "
        self.update(literal(message if not message or message.startswith(mark[0]) else mark + message,
                            keep_newlines=True))
        self.display = bool(message)


class Choice(ModalScreen[str]):
    """A question with buttons; dismisses with the chosen id, or `escape`'s on escape.

    The question often names a partner or a file: it is shown literally, never as markup. `default`
    is the button that has the focus (and so what enter does): give the safe one where an answer
    can lose data.
    """
    CSS_PATH = DIALOG_CSS
    HORIZONTAL_BREAKPOINTS = SLIM

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("left", "app.focus_previous", show=False), Binding("right", "app.focus_next", show=False),
                # a question longer than the screen scrolls (the buttons stay in view under it)
                Binding("up", "scroll_question(-1)", show=False), Binding("down", "scroll_question(1)", show=False),
                Binding("pageup", "scroll_question(-5)", show=False),
                Binding("pagedown", "scroll_question(5)", show=False)]

    def __init__(self, question: str, choices: list[tuple[str, str]], escape: str = "cancel",
                 default: str | None = None, wide: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.wide = wide  # four buttons: the whole width, so that they fit 80 columns
        self.question = question
        self.choices = choices
        self.escape = escape
        # the button enter presses: the safe one. Unless told otherwise, the same answer as escape
        ids = [choice_id for choice_id, _ in choices]
        self.default = default or (escape if escape in ids else ids[0])

    def compose(self):
        # five buttons or more: narrower ones (Textual's are at least 16 wide), so that all fit 80 columns
        many = " -many" if len(self.choices) >= 5 else ""
        with Vertical(classes=("dialog -wide-choice" if self.wide else "dialog") + many):
            with VerticalScroll(classes="question-scroll", can_focus=False):
                yield Static(literal(self.question, keep_newlines=True), classes="question")
            with Horizontal(classes="buttons"):
                for choice_id, label in self.choices:
                    yield Button(label, id=f"choice-{choice_id}", compact=True,
                                 variant="primary" if choice_id == self.default else "default")
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.default}", Button).focus()

    def on_resize(self) -> None:
        # the question takes what the buttons, the frame and the footer leave: it scrolls, they stay
        buttons = 2 * ((len(self.choices) + 1) // 2) if self.has_class("-slim") else 1
        self.query_one(".question-scroll").styles.max_height = max(2, self.app.size.height - buttons - 6)

    def action_scroll_question(self, lines: int) -> None:
        self.query_one(".question-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(self.escape)


class PathPrompt(ModalScreen[Path | None]):
    """Ask for a file path; enter accepts, escape cancels, tab completes the file or folder name.

    A relative path is read from `folder` (the plan's folder; the prompt says which), never from the
    folder the planner was started in. The field starts empty: a `suggestion` (the file name a save
    offers) stands in it greyed and enter on the empty field takes it, so what is typed is never
    replaced by a pre-selected text, and nothing typed is appended to a name that was not asked for.

    tab completes as a shell does: one match is filled in (a folder with its /), several are
    completed to their common start and listed under the field; tab again goes through them in
    turn. The prompt has only its one field, so tab never moves the focus away from it. A reusable
    screen: any question for a file (open, save as, import, export) is one.
    """
    CSS_PATH = DIALOG_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
                Binding("tab", "complete", "Complete name", id="dialog.complete", priority=True)]
    LISTED = 8

    def __init__(self, title: str, suggestion: str = "", folder: Path | None = None, placeholder: str = "",
                 check: Callable[[Path], str | None] | None = None) -> None:
        """`placeholder`: what the empty field shows without a suggestion (an example of what to type);
        `check`: why a path is not taken ('file not found in ~/plans/'), said under the field, which keeps
        what was typed (the prompt closed, and the path had to be typed again)."""
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.suggestion = suggestion
        self.placeholder = placeholder
        self.check = check
        # without a folder (a caller that resolves the path itself), the path comes back as typed
        self.relative_to = Path(folder) if folder is not None else None
        self.folder = self.relative_to or Path.cwd()
        self._cycle: list[str] = []  # the matches tab goes through, while the field shows one of them
        self._cycle_at = -1
        self._cycle_from = ""  # what was typed when the matches were listed

    def compose(self):
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text), classes="question")  # wraps: a Label was cut at 80 columns
            if self.relative_to is not None:
                yield Static(plain(f"in {folder_words(self.folder)} (a relative path starts there)"),
                             id="folder", classes="hint")
            # a caller without a folder (it resolves the path itself) has its text in the field, as before,
            # the cursor after it and nothing selected
            legacy = self.relative_to is None and self.suggestion
            yield TextField(self.suggestion if legacy else "", id="path", select_on_focus=False,
                            placeholder=self.suggestion or self.placeholder or "plan.toml")
            yield Static("", id="matches", classes="hint")
            accept = f"enter: {self.suggestion}" if self.suggestion and not legacy else "enter: accept"
            yield Static(plain(f"{accept} · tab: complete the name · escape: cancel"), classes="hint")
        yield PlannerFooter()

    def resolve(self, text: str) -> Path:
        """What the typed text names: from the prompt's folder unless absolute (or ~)."""
        path = _expanded(text)
        if self.relative_to is None:
            return path
        # ../mine.toml names the file beside the plan's folder (normpath, not resolve: links stay as typed)
        return Path(os.path.normpath(path if path.is_absolute() else self.relative_to / path))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip() or self.suggestion
        matches = self.query_one("#matches", Static)
        if not text:  # nothing typed and nothing offered: say so (enter did nothing, in silence)
            matches.update("✗ type a file's name first (tab completes it)")
            return
        path = self.resolve(text)
        if self.check is not None and (problem := self.check(path)):
            matches.update(plain(f"✗ {problem}"))
            return
        self.dismiss(path)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._cycle and event.value not in self._cycle and event.value != self._cycle_from:
            self._cycle, self._cycle_at = [], -1

    def action_complete(self) -> None:
        field = self.query_one("#path", Input)
        matches_line = self.query_one("#matches", Static)
        if self._cycle and (field.value in self._cycle or field.value == self._cycle_from):
            # tab again: the next match in turn
            self._cycle_at = (self._cycle_at + 1) % len(self._cycle)
            self._set(field, self._cycle[self._cycle_at])
            return
        folder_text, _, prefix = field.value.rpartition("/")
        folder_text = folder_text + "/" if field.value.count("/") else ""
        folder = _expanded(folder_text) if folder_text else self.folder
        folder = folder if folder.is_absolute() else self.folder / folder
        try:
            names = sorted(e.name + ("/" if e.is_dir() else "") for e in folder.iterdir()
                           if e.name.startswith(prefix) and (prefix.startswith(".") or not e.name.startswith(".")))
        except OSError as exc:
            matches_line.update(plain(f"cannot list {folder_words(folder)}: {exc.strerror or exc}"))
            return
        if not names:
            matches_line.update(plain(f"no file or folder in {folder_words(folder)} starts with {prefix!r}"
                                      if prefix else f"{folder_words(folder)} is empty"))
            return
        common = os.path.commonprefix(names)
        if len(names) == 1 or len(common) > len(prefix):
            self._set(field, folder_text + common)
            matches_line.update("" if len(names) == 1 else self._listing(names))
            return
        self._cycle = [folder_text + name for name in names]
        self._cycle_at, self._cycle_from = -1, field.value
        matches_line.update(self._listing(names) + "  (tab again: each in turn)")

    def _listing(self, names: list[str]) -> str:
        shown = "  ".join(names[:self.LISTED])
        more = f"  … and {len(names) - self.LISTED} more" if len(names) > self.LISTED else ""
        return plain(shown + more)

    def _set(self, field: Input, text: str) -> None:
        field.value = text
        field.cursor_position = len(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _expanded(text: str) -> Path:
    """~ and ~user as the shell reads them; as typed when there is no such home (no HOME, no passwd entry)."""
    try:
        return Path(text).expanduser()
    except (RuntimeError, KeyError):
        return Path(text)
