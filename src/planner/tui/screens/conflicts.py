"""A plan file with git's merge conflicts: each conflict with both versions, one side taken per conflict.

Asked for when the planner opens such a file (`planner PLAN`, the folder view, open). `o` takes our side
(what was in the file before the merge), `t` theirs; `n`/`p` move between conflicts; `enter` opens the
result, once every conflict is decided and it is a valid plan, as an unsaved edit of the file (nothing
is written until the user saves); `escape` leaves it as it is, to be edited in an editor.
Dismisses with the resolved text, or None."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from planner.conflicts import OURS, THEIRS, Conflict, MergeConflict, resolve
from planner.errors import PlanError
from planner.rules import CallRules
from planner.storage import parse_plan
from planner.tui.screens import DIALOG_CSS
from planner.tui.text import literal
from planner.tui.widgets.footer import PlannerFooter

SHORT = 20  # rows: below it, no blank lines between the parts of the dialog


def _side_words(side: str, label: str) -> str:
    who = "ours (the file before the merge)" if side == OURS else "theirs (the branch merged in)"
    return f"{who}, {label}" if label else who


class ConflictScreen(ModalScreen[str | None]):
    CSS_PATH = DIALOG_CSS
    BINDINGS = [
        Binding("o", "take('ours')", "Take ours", id="conflict.ours"),
        Binding("t", "take('theirs')", "Take theirs", id="conflict.theirs"),
        Binding("n,down,right", "move(1)", "Next", id="conflict.next"),
        Binding("p,up,left", "move(-1)", "Previous", id="conflict.previous"),
        Binding("enter", "open", "Open the result", id="conflict.open"),
        Binding("escape,q", "leave", "Leave it (edit it in an editor)", id="conflict.leave"),
    ]

    def __init__(self, path: Path, conflict: MergeConflict, rules: CallRules | None = None,
                 alone: bool = False, question: str = "", sides: tuple[str, str] | None = None) -> None:
        """`question` and `sides` for conflicts that are not a file's: those of a merge with a copy someone
        else saved (filing.Filing.merge_theirs) say what they are in place of the file's name and of
        git's two sides."""
        # alone: at the start (`planner PLAN`) there is no plan under the dialog yet, only an empty
        # stand-in for one; the screen hides it (dialogs.tcss) rather than show its verdict
        super().__init__(classes="dialog-screen -alone" if alone else "dialog-screen")
        self.path = path
        self.question = question
        self.sides_words = sides
        self.text = conflict.text
        self.conflicts: list[Conflict] = conflict.conflicts
        self.rules = rules
        self.sides: list[str | None] = [None] * len(self.conflicts)
        self.at = 0

    def compose(self):
        count = len(self.conflicts)
        spans = ", ".join(c.lines for c in self.conflicts)
        what = "a merge conflict" if count == 1 else f"{count} merge conflicts"
        # scrolls in a small terminal (40x12): each move brings the conflict in hand into view (show);
        # never focused, so that the arrows stay the screen's (next, previous)
        with VerticalScroll(classes="dialog conflicts", can_focus=False):
            question = self.question or f"{self.path.name} has {what} (lines {spans}): take one side of each."
            yield Static(literal(f"{question} Nothing is written until you save."), classes="question")
            yield Static(id="conflict-head")
            yield Static(id="conflict-ours", classes="conflict-side")
            yield Static(id="conflict-theirs", classes="conflict-side")
            yield Static(id="conflict-status")
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.show()

    def on_resize(self) -> None:
        # a short terminal: no blank lines between the parts, so that one conflict's head and both
        # versions fit in 12 rows (the dialog scrolls for the rest: see show)
        self.set_class(self.app.size.height < SHORT, "-short")

    def _room(self) -> int:
        """Lines of each side shown: the rest is cut, with how many more."""
        return max(2, (self.app.size.height - 15) // 2)

    def _side(self, side: str, conflict: Conflict, key: str) -> str:
        lines = conflict.ours if side == OURS else conflict.theirs
        label = conflict.ours_label if side == OURS else conflict.theirs_label
        if self.sides_words is not None:
            label, words = "", self.sides_words[0 if side == OURS else 1]
        else:
            words = _side_words(side, label)
        mark = "(•)" if self.sides[self.at] == side else "( )"
        room = self._room()
        shown = [line.rstrip("\r\n") for line in lines[:room]]
        if len(lines) > room:
            shown[-1:] = [f"… and {len(lines) - room + 1} more lines"]
        body = "\n".join(f"  {line}" for line in shown) if shown else "  (nothing: the lines removed)"
        return f"{mark} {key}: {words}\n{body}"

    def show(self, status: str = "") -> None:
        conflict = self.conflicts[self.at]
        side = self.sides[self.at]
        decided = sum(s is not None for s in self.sides)
        taken = f"taken: {side}" if side else "not decided yet"
        self.query_one("#conflict-head", Static).update(literal(
            # the lines of a file the user opened; a merge with someone else's copy has no such file
            f"Conflict {self.at + 1} of {len(self.conflicts)}{'' if self.question else f', lines {conflict.lines}'}: "
            f"{taken} "
            f"({decided} of {len(self.conflicts)} decided)"))
        self.query_one("#conflict-ours", Static).update(literal(self._side(OURS, conflict, "o"), keep_newlines=True))
        self.query_one("#conflict-theirs", Static).update(literal(self._side(THEIRS, conflict, "t"),
                                                                  keep_newlines=True))
        if not status and decided == len(self.conflicts):
            status = "Every conflict is decided: enter opens the plan (ctrl+s then saves it)."
        self.query_one("#conflict-status", Static).update(literal(status, keep_newlines=True))
        self.call_after_refresh(self._bring_into_view, bool(status))

    def _bring_into_view(self, status: bool) -> None:
        """The conflict in hand from its first line, or what was just said about it (its last line)."""
        if not self.is_attached:
            return
        if status:
            self.query_one("#conflict-status", Static).scroll_visible(animate=False)
        else:
            self.query_one("#conflict-head", Static).scroll_visible(top=True, animate=False)

    def action_take(self, side: str) -> None:
        self.sides[self.at] = side
        undecided = [i for i, s in enumerate(self.sides) if s is None]
        following = [i for i in undecided if i > self.at] or undecided
        if following:
            self.at = following[0]
        self.show()

    def action_move(self, step: int) -> None:
        self.at = (self.at + step) % len(self.conflicts)
        self.show()

    def action_open(self) -> None:
        undecided = [i for i, s in enumerate(self.sides) if s is None]
        if undecided:
            self.at = undecided[0]
            self.show(f"✗ Conflict {self.at + 1} is not decided yet: o takes ours, t theirs.")
            return
        text = resolve(self.text, [s or OURS for s in self.sides])
        try:
            parse_plan(text, str(self.path), self.rules)
        except PlanError as exc:
            self.show(f"✗ With these sides the file is not a valid plan: {exc.message}. Take other sides, "
                      "or escape to edit it in an editor.")
            return
        self.dismiss(text)

    def action_leave(self) -> None:
        self.dismiss(None)
