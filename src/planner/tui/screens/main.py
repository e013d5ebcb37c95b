"""The main screen: the partners, the lot pane and the scoreboard, and the actions on them.

It shows the app's Document (`self.app.document`) and edits it through `PlannerApp.apply`. Its keys
come from `tui/actions.py`. The layout is sketched in docs/layout.md: from 120 columns the partners
full width on top, the lot pane and the scoreboard side by side under them; below, one pane at a time.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from planner import editing
from planner.errors import PlanError
from planner.files import not_a_regular_file
from planner.heap import freeze_heap
from planner.model import Partner, partner_keys, reference_keys, short_name_key
from planner.rules import CallRules, available_calls, load_call, next_call, replaced_notice
from planner.scoring import Scoreboard, evaluate, now
from planner.tui.actions import ACTIONS, FOLDER, bound
from planner.tui.text import plain
from planner.tui.toasts import MARKS, HeaderNotices
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.live import is_text_field
from planner.tui.widgets.lot_pane import LotPane
from planner.tui.widgets.partners import PartnersPane, PartnersTable
from planner.tui.widgets.quiet import set_titles
from planner.tui.widgets.scoreboard import ScoreboardView
from planner.tui.widgets.verdict import VerdictBar

if TYPE_CHECKING:
    from textual import getters
    from textual.widget import Widget

    from planner.tui.app import PlannerApp

MIN_WIDTH, MIN_HEIGHT = 60, 18
MAX_CHANGES_SHOWN = 8  # the rules' changes in the question before a plan moves to the next call (80x24)
PANES = ("partners-pane", "lot-pane", "scoreboard")  # keys 1, 2, 3; below 120 columns one is shown at a time


PANE_TITLES = (("planner.pane_partners", "Partners"), ("planner.pane_lot", "Lot & ecosystem"),
               ("planner.pane_scoreboard", "Scoreboard"))


def newest_importable(folder: Path) -> str | None:
    """The name of the most recently changed CSV file or spreadsheet in `folder`, or None."""
    from planner.importing import SPREADSHEET_SUFFIXES

    try:
        found = [(entry.stat().st_mtime, entry.name) for entry in folder.iterdir()
                 if entry.suffix.casefold() in (".csv", *SPREADSHEET_SUFFIXES) and not entry.name.startswith(".")
                 and entry.is_file()]
    except OSError:
        return None
    return max(found)[1] if found else None



def small_notice(width: int, height: int) -> str:
    """The line saying the terminal is small, in two rows at most where the words allow: at 40x12 the whole
    sentence took three of the twelve rows, and the partners' table had one left for a partner."""
    full = (f"The terminal is small ({width}x{height}): enlarge it to {MIN_WIDTH}x{MIN_HEIGHT} or more. "
            "Everything scrolls meanwhile.")
    room = max(1, width - 2)  # its padding (planner.tcss)
    if len(textwrap.wrap(full, room)) <= 2:
        return full
    return f"Terminal {width}x{height} is small: enlarge it to {MIN_WIDTH}x{MIN_HEIGHT}. Everything scrolls."

class MainScreen(Screen):
    # the layout's two widths (planner.tcss: Screen.-narrow, Screen.-wide). This screen's own, not the
    # app's: Textual sets an app's breakpoint classes on every screen at its first resize, and each
    # dialog was restyled whole for classes that no rule of it uses (15 ms at each partner form)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    if TYPE_CHECKING:  # the app as mypy sees it (PlannerApp); at run time Textual's, nothing imported
        app = getters.app(PlannerApp)

    def __init__(self) -> None:
        super().__init__()
        # the keys from the table of actions as it is at the start, remapped by config.toml later
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(bound(ACTIONS, "screen"))])
        self.board: Scoreboard | None = None
        self._drawn: tuple | None = None  # what the last redraw showed (see up_to_date)
        self.pane = 0  # the pane shown below 120 columns: the one that holds the focus
        self._pane_focus: dict[int, Widget] = {}  # the widget each pane had the focus on last
        self._typing = False  # a text field has the focus (the grant): a cut notice names f2, not m
        self._built_with: CallRules | None = None  # the rules the lot pane's lists were made from
        self._rebuild_waiting = False
        self._rebuilding = False  # the lot pane's children are being replaced (_rebuild_lot_pane)

    @property
    def document(self):
        return self.app.document

    def compose(self):
        # the layout for the terminal's size from the first frame: Textual sets the breakpoint class on
        # the first resize, after a first frame of the wide layout squashed into 80 columns
        self._fit_breakpoints(self.app.size)
        self._built_with = self.document.rules
        yield Header(icon="≡")
        yield Static("", id="small-notice")
        with Vertical(id="panes", classes="-show-0"):
            yield PartnersPane(id="partners-pane", classes="pane")
            self.lot_pane = LotPane(self.document.rules, self.grant_typed, self.app.key_for("planner.budget"),
                                    id="lot-pane", classes="pane")
            self.scoreboard_view = ScoreboardView(id="scoreboard", classes="pane")
            self._lower = Horizontal(self.lot_pane, self.scoreboard_view, id="lower")
            # below 120 columns the first frame shows the partners alone: the other two panes are
            # mounted right after it (_mount_lower), 20 ms sooner to the partners at 80x24. Keys typed
            # meanwhile wait for them (`complete`, tui/typeahead.py).
            if not self.has_class("-narrow"):
                yield self._lower
        yield VerdictBar(id="verdict")
        # over the header's line (a long one over the pane's border too, after its title), on a layer of
        # its own: invisible while there is nothing to say
        # the key that shows the notices whole, where the focus is (f2 in a field, where m types)
        notices = HeaderNotices(self._under_header, lambda: f"{self.app.key_now('planner.messages')}: in full",
                                id="notices")
        yield notices
        yield notices.rest
        footer = PlannerFooter()
        footer.show_command_palette = self.app.size.width >= 100  # see resized()
        yield footer

    def _under_header(self, size: Size) -> tuple[int, int]:
        """Where a notice's second line goes at `size` (its column, its rows): on the top border of the pane
        under the header (the partners from 120 columns, else the pane shown), after its title and a stroke,
        so that the title stays in view; below 60x18 over the line saying the terminal is small, its rows
        whole (it is back when the notice goes). Reckoned from the size, not from the regions: on a resize
        the panes are laid out after the notice is fitted."""
        if size.width < MIN_WIDTH or size.height < MIN_HEIGHT:
            small = self.query_one("#small-notice", Static)
            return 0, small.get_content_height(size, size, max(size.width - 2, 1))  # less its padding
        pane = self.query_one(f"#{PANES[0 if size.width >= self.HORIZONTAL_BREAKPOINTS[-1][0] else self.pane]}")
        title = pane.border_title
        return (cell_len(str(title)) + 5 if title else 0), 1  # "┏━ 1 Partners ━"

    def _fit_breakpoints(self, size: Size) -> None:
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.set_class(name in self._get_breakpoint_classes(size.width, self.HORIZONTAL_BREAKPOINTS), name)

    def on_mount(self) -> None:
        panes = (self.query_one(PartnersPane), self.lot_pane, self.scoreboard_view)
        for pane, (bid, title) in zip(panes, PANE_TITLES):
            pane.border_title = f"{self.app.key_for(bid)} {title}"
        self.resized(self.app.size)
        self.app.redraw()
        self.watch(self, "focused", self._focus_moved)
        self.query_one(PartnersTable).focus()
        if not self._lower.is_attached:
            self.call_after_refresh(self._mount_lower)
        self.app.main_mounted()

    @property
    def complete(self) -> bool:
        """Every pane is mounted (the lot pane and the scoreboard come after the first frame below 120
        columns) and the lot pane is not being rebuilt: keys typed before wait for it, redraws leave the
        lower panes to the mount or the rebuild, which draws them when it is done."""
        return not self._rebuilding and self.lot_pane.is_mounted and self.scoreboard_view.is_mounted

    async def _mount_lower(self) -> None:
        panes = next(iter(self.query("#panes")), None)
        if panes is None or not panes.is_attached:  # the planner is ending already (a signal at the start)
            return
        await panes.mount(self._lower)
        if not (panes.is_attached and self.app.is_running):  # it began ending meanwhile: the panes may be
            return  # without their widgets (the app's exit prunes them before they are composed)
        if self.board is not None:  # drawn as redraw draws them
            self.lot_pane.show(self.document.plan, self.board)
            self.scoreboard_view.show(self.board, self._rule_keys)
        freeze_heap()  # they are part of the start too (the app froze the rest at the first frame)

    def resized(self, size: Size) -> None:
        """The terminal's new size (the app passes it on, also while a dialog is open)."""
        if not self.query("#small-notice"):
            return  # not composed yet: on_mount calls it
        # the partners' share of the height (45%, as planner.tcss had it) counted from the terminal's
        # size, not from the panes': a notice's line takes its rows from the lower panes, and the
        # partners table keeps its size (a new size would cost it a second layout after the frame)
        wide = size.width >= self.HORIZONTAL_BREAKPOINTS[-1][0]
        self.query_one("#partners-pane").styles.max_height = max(5, (size.height - 3) * 45 // 100) if wide else None
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        notice = self.query_one("#small-notice", Static)
        notice.display = small
        # below 100 columns the footer needs the room of "^p palette" for the keys (help names ctrl+p)
        self.query_one(PlannerFooter).show_command_palette = size.width >= 100
        if small:
            notice.update(plain(small_notice(size.width, size.height)))
        self.query_one(HeaderNotices).refit(size)  # the shown notice's lines at the new size

    # --- drawing ---------------------------------------------------------------------------

    def _compositor_refresh(self) -> None:
        """Under a dialog (the budget, content and assessment screens edit the plan from there), a pane
        that changed repaints its own region of the dialog's screen, and no more. Textual also marks
        the whole screen below for a repaint, which repaints the whole screen on top at the next
        update: about 60 KB at 160x48 for every edit in the budget grid. The screen below is
        repainted in full anyway when it is on top again."""
        app = self.app
        if app.screen is self or app.is_inline or self not in app._background_screens:
            super()._compositor_refresh()
            return
        regions = self._compositor._dirty_regions
        if regions:
            self._set_dirty(*regions)
            app.screen.refresh(*regions)
            regions.clear()
            self._dirty_widgets.clear()
        app._update_mouse_over(self)

    def redraw(self, resync: bool = False) -> None:
        """Every pane from a fresh Scoreboard; `resync` after an undo or redo, which changes typed fields too.
        The screen's own part of `PlannerApp.redraw`, which every change of the plan goes through."""
        doc, app = self.document, self.app
        self.board = evaluate(doc.plan, doc.rules)
        self.query_one(PartnersPane).show(doc.plan, doc.rules, app.key_for("planner.add_partner"),
                                          app.key_for("planner.import"))
        if self.complete:  # else _mount_lower shows them
            self.lot_pane.show(doc.plan, self.board, resync)
            self.scoreboard_view.show(self.board, self._rule_keys)
        self.query_one(VerdictBar).show(self.board)
        marks = (" ●" if doc.dirty else "") + (" [read-only]" if doc.read_only or doc.protected else "") + (
            " [changed on disk]" if getattr(app, "disk_changed", False) else "") + (
            " [gone from disk]" if getattr(app, "disk_gone", False) else "")
        # the header shows them as plain text (Content), but a file name or title may hold an ESC
        set_titles(app, plain(f"{doc.name}{marks}"), plain(doc.plan.acronym or doc.plan.title))
        self._drawn = self._state()

    def _state(self) -> tuple:
        doc = self.document
        return doc, doc.plan, doc.rules, doc.read_only, doc.dirty, doc.path

    @property
    def up_to_date(self) -> bool:
        """Whether the panes show the document as it is (the recovery check at the start may change it)."""
        return self._drawn == self._state()

    @property
    def _rule_keys(self) -> dict[str, str]:
        return {bid: self.app.key_for(bid) for bid in ("planner.content", "planner.budget", "planner.assessment")}

    def select_partner(self, row: int) -> None:
        self.query_one(PartnersTable).move_cursor(row=row)

    # --- the call's rules ------------------------------------------------------------------

    def use_rules(self, rules: CallRules) -> None:
        """Judge the plan by `rules` from the next redraw on; the lot pane's lists (other lots, caps,
        ecosystems, deadline) are rebuilt after it. The one way the rules of the open plan change:
        `y`, the call in the plan details, an undo or redo across a call, another plan opened."""
        if rules is not self.document.rules and (notice := replaced_notice(rules)):
            self.app.tell(notice, title="Your own rules", timeout=10)
        self.document.rules = rules
        self.lot_pane.rules = rules  # the redraw that follows judges by them
        if rules is not self._built_with and not self._rebuild_waiting:
            self._rebuild_waiting = True
            self.call_later(self._rebuild_lot_pane)

    async def _rebuild_lot_pane(self) -> None:
        self._rebuild_waiting = False
        rules = self.document.rules
        if rules is self._built_with:
            return  # switched back before the rebuild (a refused switch)
        pane = self.lot_pane
        pane.rules = rules
        if not pane.is_mounted:  # mounted after the first frame, and maybe composed already: once it is
            self._rebuild_waiting = True
            self.call_after_refresh(self._rebuild_lot_pane)
            return
        self._built_with = rules
        # recompose removes the children, and other tasks run before the new ones are mounted (the app's
        # redraws: a reload, the recovery check, the folder view's re-read): they skip the lower panes
        # meanwhile (`complete`), and the redraw below draws them once the new lists are there
        self._rebuilding = True
        shown, focused = self.pane, self.focused  # the call switched from the lot pane (y, t): it stays
        in_pane = focused is not None and pane in focused.ancestors
        try:
            await pane.recompose()
        finally:
            self._rebuilding = False
        if not (pane.is_attached and self.app.is_running):  # the planner began ending meanwhile: its widgets
            return  # are being removed, the pane's new lists maybe never mounted
        if in_pane or (shown == 1 and self.has_class("-narrow")):
            # its lists were removed with the focus on them: Textual gave the focus to the partners' table,
            # and the screen showed the partners pane in its place
            self._pane_focus.pop(1, None)
            self.action_pane(1)
        self.app.redraw()

    def follow_call(self, plan) -> bool:
        """Use the rules of the plan's call; False (and say why) when the plan does not fit them."""
        from planner.rules import DEFAULT_CALL
        from planner.storage import check_against_rules

        try:
            rules = load_call(plan.call or DEFAULT_CALL, self.app.plan_folder)
            check_against_rules(plan, rules, "the plan")
        except PlanError as exc:
            self.app.tell(str(exc), title="Call not changed", severity="error", timeout=15)
            return False
        self.use_rules(rules)
        return True

    def action_switch_call(self) -> None:
        """The next call: for a plan on a closed call, the call being written now (open or expected),
        asked first with what would change (`planner rules diff`); on the newest call the planner knows,
        the one before it (2027 -> 2026: going round to the oldest, 2024, was no what-if anyone wants, and
        the question did not say why 2024); else the next call the planner knows (2024 -> 2025 -> ...).
        A call that has closed is asked first. Either is one edit, and ctrl+z takes it back."""
        doc = self.document
        beside = self.app.plan_folder
        calls = available_calls(beside)
        current = doc.plan.call or doc.rules.id
        later = next_call(current, now(), beside) if doc.rules.status_at(now()) == "closed" else None
        if later is not None:
            self._offer_call(current, later, beside)
            return
        if current in calls and current == calls[-1] and len(calls) > 1:
            self._ask_closed_call(calls[-2], beside, newest=doc.rules)
            return
        target = calls[calls.index(current) + 1] if current in calls else calls[-1]
        self._ask_closed_call(target, beside) if target != current else self._switch_call(target)

    def _ask_closed_call(self, target: str, beside, newest: CallRules | None = None) -> None:
        """The next call in turn, asked first when it has closed: a plan moved there can no longer be
        submitted, and may lose its lot. `newest`: the plan's call is the newest the planner knows, and
        `target` the one before it: the question says so first."""
        from planner.tui.screens.dialogs import Choice

        try:
            rules = load_call(target, beside)
        except PlanError as exc:
            self.app.tell(str(exc), title="Call not changed", severity="error", timeout=15)
            return
        if rules.status_at(now()) != "closed":
            self._switch_call(target)
            return
        plan = self.document.plan
        closed = rules.deadline_aware()
        when = f" on {closed.day} {closed:%b %Y}" if closed is not None else ""
        moved = editing.set_call(plan, rules)
        lot = (f"\nLot {plan.lot} → Lot {moved.lot}: call {target} has no Lot {plan.lot}."
               if moved.lot != plan.lot else "")
        current = plan.call or self.document.rules.id
        if newest is not None:
            question = (f"Call {current} is the newest call the planner knows ({newest.status_at(now())}). "
                        f"The one before it, call {target}, closed{when}: a plan on it can no longer be submitted. "
                        f"Move this plan back there, to compare?{lot}\nctrl+z takes it back.")
        else:
            question = (f"Call {target} closed{when}: a plan on it can no longer be submitted. Move this plan "
                        f"there anyway, to compare?{lot}\nctrl+z takes it back.")

        def answered(answer: str | None) -> None:
            if answer == "move":
                self._switch_call(target)

        self.app.push_screen(Choice(question, [("move", f"Move to {target}"), ("keep", f"Keep {current}")],
                                    escape="keep", default="keep"), answered)

    def _offer_call(self, current: str, later: str, beside) -> None:
        """'Call 2026 closed on 10 Mar 2026. Move this plan to call 2027 ...?' with the rules' changes."""
        from planner.rules.cli import rule_changes
        from planner.tui.screens.dialogs import Choice

        try:
            rules = load_call(later, beside)
            changes = rule_changes(current, later, beside)
        except PlanError as exc:
            self.app.tell(str(exc), title="Call not changed", severity="error", timeout=15)
            return
        shown = changes[:MAX_CHANGES_SHOWN]
        more = len(changes) - len(shown)
        closed = self.document.rules.deadline_aware()
        when = f" on {closed.day} {closed:%b %Y}" if closed is not None else ""
        status = ((f"expected {rules.expected}" if rules.expected else "expected") + ", deadline not yet published"
                  if rules.is_expected else "open")
        moved = editing.set_call(self.document.plan, rules)
        verdict = evaluate(moved, rules, moved.lot, moved.duration_months).headline
        question = (f"Call {current} closed{when}. Move this plan to call {later} ({status})?\n"
                    f"There it would be {verdict}{' (provisional)' if rules.is_expected else ''}.\n"
                    f"What changes (planner rules diff {current} {later}):\n"
                    + "\n".join(f"- {line}" for line in shown or ["nothing in the rules"])
                    + (f"\n- … {more} more: planner rules diff {current} {later}" if more else "")
                    + "\nctrl+z takes it back.")

        def answered(answer: str | None) -> None:
            if answer == "move":
                self._switch_call(later)

        self.app.push_screen(Choice(question, [("move", f"Move to {later}"), ("keep", f"Keep {current}")],
                                    escape="keep", default="move", wide=True), answered)

    def _switch_call(self, target: str) -> None:
        doc = self.document
        try:
            rules, before = load_call(target, self.app.plan_folder), doc.rules
        except PlanError as exc:
            self.app.tell(str(exc), title="Call not changed", severity="error", timeout=15)
            return
        before_lot = doc.plan.lot
        plan = editing.set_call(doc.plan, rules)
        self.use_rules(rules)
        if self.app.apply(plan, say=False) is not None:  # refused (it said why): the plan keeps its call
            self.use_rules(before)
            self.app.redraw()
            return
        # one toast: the edit's own ("Plan details (call)") would say less, twice
        lot = f"Lot {before_lot} → Lot {plan.lot}" if plan.lot != before_lot else f"Lot {plan.lot}"
        self.app.tell(f"Call {rules.id} ({rules.name}), {lot} (ctrl+z undoes)")

    # --- panes -----------------------------------------------------------------------------

    def action_pane(self, index: int) -> None:
        """Show pane `index` (below 120 columns) and put the focus where it was in it last."""
        if not self.complete:  # a click in the first frames, before the lower panes are there
            self.call_after_refresh(self.action_pane, index)
            return
        pane = self.query_one(f"#{PANES[index]}")
        self._show_pane(index)
        last = self._pane_focus.get(index)
        # not back into the grant field (left by a click elsewhere): it is entered with its own key only
        if last is not None and last.is_attached and pane in last.ancestors and last.focusable \
                and not is_text_field(last):
            last.focus()
            return
        for widget in pane.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def action_grant(self) -> None:
        """Into the grant field (the lot pane shown): tab passes it by, so that every tab stop of the panes
        is a list or a table where the screen's keys work, and typing an amount is asked for by this key."""
        if not self.complete:
            self.call_after_refresh(self.action_grant)
            return
        self._show_pane(1)
        self.lot_pane.query_one("#grant").focus()

    @property
    def focus_chain(self) -> list:
        """Textual's, without the grant field unless it has the focus (then tab leaves it for the next stop)."""
        return [w for w in super().focus_chain if w.id != "grant" or w is self.focused]

    def _show_pane(self, index: int) -> None:
        self.pane = index
        # in one batch: each class changed on its own restyled every widget of the panes again
        self.query_one("#panes").update_classes({f"-show-{i}": i == index for i in range(len(PANES))})
        self.query_one(HeaderNotices).refit()  # clear of this pane's title

    def _focus_moved(self, focused) -> None:
        """The pane shown follows the focus (tab walks through every pane's fields)."""
        if focused is None or focused.screen is not self:
            return
        if is_text_field(focused) != self._typing:  # a cut notice names the key for the notices that works here
            self._typing = not self._typing
            self.query_one(HeaderNotices).refit()
        for index, pane in enumerate(PANES):
            if any(node.id == pane for node in focused.ancestors):
                self._pane_focus[index] = focused
                if index != self.pane:
                    self._show_pane(index)
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows only keys that work here: while a text field has the focus, keys that type
        into it are not offered as bindings; Remove needs a partner."""
        if action == "remove_partner" and not self.document.plan.partners:
            return False
        if is_text_field(self.focused) and action in self._typed_actions():
            # `?` and `m` type, but f1 still helps and f2 shows the notices (PlannerApp.key_now names them)
            return action in ("help", "messages")
        return True

    def _typed_actions(self) -> set[str]:
        typed = set()
        for binding in bound(ACTIONS, "screen"):
            keys = self.app.keys_of(binding.id)
            shown = binding.key_display or keys.split(",")[0]
            if len(shown) == 1 or keys.split(",")[0] in ("question_mark", "space"):
                typed.add(binding.action)
        return typed

    def action_messages(self) -> None:
        """The notices said so far (`PlannerApp.said`), newest first, each whole with its time: a notice
        on the header is cut to two lines and goes after a few seconds."""
        from planner.tui.screens.dialogs import Choice

        today = datetime.now().astimezone().date()  # a notice of another day says its day (a session over night)
        said = [f"{'' if at.date() == today else f'{at.day} {at:%b} '}{at:%H:%M:%S}  "
                f"{MARKS.get(n.severity, '')}{n.title + ': ' if n.title else ''}"
                f"{Content.from_markup(n.message).plain if n.markup else n.message}"  # Textual's are markup
                for at, n in reversed(self.app.said)]
        text = "\n\n".join(said) if said else "No notices yet."
        dropped = self.app.said_in_all - len(said)  # the oldest go past PlannerApp's MAX_SAID: say so
        which = f" (the last {len(said)} of {self.app.said_in_all})" if dropped > 0 else ""
        self.app.push_screen(Choice(f"The notices of this session, newest first{which}\n\n{text}",
                                    [("close", "Close")], escape="close"))

    def action_help(self) -> None:
        from planner.tui.screens.help import HelpScreen

        folder = f"In the folder view ({self.app.key_for('planner.open')}, or planner DIR)"
        self.app.push_screen(HelpScreen(self.document.rules, self.app.key_help(),
                                        [(folder, self.app.key_help(FOLDER))]))

    # --- partners --------------------------------------------------------------------------

    def _selected_index(self) -> int | None:
        table = self.query_one(PartnersTable)
        partners = self.document.plan.partners
        return table.cursor_row if partners and 0 <= table.cursor_row < len(partners) else None

    def open_partner_form(self, index: int | None, fields: dict[str, str]) -> None:
        """The partner form again with what was typed in it when the planner ended (recovery): adding a
        partner, or editing the one at `index` if the plan still has it."""
        if index is None:
            self.action_add_partner(fill=fields)
        else:
            self.edit_partner(index, fill=fields)

    def action_add_partner(self, after: str = "", fill: dict[str, str] | None = None) -> None:
        """The empty partner form; `after`: the partner ctrl+n added before it, named in its title; `fill`:
        a draft's text (recovery)."""
        from planner.tui.screens.partner_form import PartnerForm

        form = PartnerForm(self.document.rules, self.document.plan, after=after, fill=fill)

        def added(partner: Partner | None) -> None:
            if partner is not None:
                plan = editing.add_partner(self.document.plan, partner)
                again = form.again
                if self.app.apply(plan, select_row=len(plan.partners) - 1, say=not again) is None and again:
                    # ctrl+n: saved, and the next empty form, whose title says so. Not a notice: under the
                    # form it took a line from the form's room at 80x24 and hid the country for 3 s
                    self.action_add_partner(after=partner.label)

        self.app.push_screen(form, added)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, PartnersTable):
            self.edit_partner(event.cursor_row)

    def edit_partner(self, index: int, fill: dict[str, str] | None = None) -> None:
        from planner.tui.screens.partner_form import PartnerForm

        partners = self.document.plan.partners
        if not 0 <= index < len(partners):
            return

        def edited(partner: Partner | None) -> None:
            if partner is not None:
                changed = editing.replace_partner(self.document.plan, index, partner)
                if changed == self.document.plan:
                    self.app.tell(f"{partner.label}: nothing changed", timeout=3)
                else:
                    self.app.apply(changed, select_row=index)

        self.app.push_screen(PartnerForm(self.document.rules, self.document.plan, index, fill=fill), edited)

    def action_remove_partner(self) -> None:
        from planner.tui.screens.dialogs import Choice

        index = self._selected_index()
        if index is None:
            self.app.tell("No partner to remove.")
            return
        partner = self.document.plan.partners[index]

        def answered(choice: str | None) -> None:
            if choice == "remove":
                if self.app.apply(editing.remove_partner(self.document.plan, index),
                                  select_row=max(index - 1, 0), say=False) is None:
                    self.app.tell(f"Removed {partner.label} (ctrl+z undoes)")

        plan = self.document.plan
        named = partner_keys(partner)  # as the rules match an affiliation: its short name or legal name
        orphans = [p.label for p in plan.partners
                   if p is not partner and p.affiliated_to and reference_keys(p.affiliated_to) & named]
        warning = (f"\n{', '.join(orphans)} {'is' if len(orphans) == 1 else 'are'} affiliated to it and will point "
                   "to no partner: edit or remove them too." if orphans else "")
        keys = {short_name_key(k) for k in (partner.name, partner.short_name) if k}  # as the rules match a lead
        led = [wp.id for wp in plan.work_packages if wp.lead and short_name_key(wp.lead) in keys]
        if led:
            warning += (f"\nIt leads {', '.join(led)}: name another lead there (b, then e on the work package).")
        if partner.budget:
            est = self.board.estimate if self.board is not None else None
            cost = next((s.cost_eur for s in est.by_partner if s.key == partner.label), None) if est else None
            n = len(partner.budget)
            warning += (f"\nIts budget lines in {n} work package{'s' if n != 1 else ''}"
                        + (f" (EUR {cost:,} of costs)" if cost else "") + " go with it.")
        self.app.push_screen(Choice(f"Remove {partner.label} ({partner.name}) from the plan?{warning}",
                                    [("remove", "Remove"), ("cancel", "Cancel")], default="cancel"), answered)

    def action_import_partners(self) -> None:
        from planner.tui.screens.dialogs import PathPrompt
        from planner.tui.screens.importing import ImportScreen

        def unreadable(path: Path) -> str | None:
            """Said in the prompt, which stays open with the path typed."""
            from planner.tui.opening import not_found

            if problem := not_a_regular_file(path, "file"):
                return f"{path.name}: {problem}"
            return None if path.exists() else f"{path.name}: {not_found(path)}"

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if problem := unreadable(path):  # gone since the prompt looked
                self.app.tell(problem, title="Not imported", severity="error", timeout=15)
                return
            try:  # a missing column is not an error here: the preview asks for it
                screen = ImportScreen.read(path, self.document.plan, self.document.rules)
            except PlanError as exc:
                # the file by its name (the prompt said the folder): a long path first left no room in the
                # notice's line for the name or the reason
                said = str(exc) if exc.origin != str(path) else str(exc).replace(str(path), path.name, 1)
                self.app.tell(said, title="Not imported", severity="error", timeout=15)
                return

            def decided(preview) -> None:
                if preview is not None:
                    plan = preview.apply(self.document.plan)
                    if self.app.apply(plan, select_row=len(plan.partners) - 1, say=False) is None:
                        self.app.tell(f"Added {len(preview.accepted)} partner(s) from {path.name} (ctrl+z undoes)")

            self.app.push_screen(screen, decided)

        # the newest sheet or CSV in the plan's folder, offered (enter takes it); with none, the field's grey
        # text is no file name: 'partners.xlsx' read as one offered, and enter then said to type a name
        newest = newest_importable(self.app.plan_folder)
        self.app.push_screen(PathPrompt("Import partners from a CSV file or a spreadsheet (.xlsx, .xls, .ods):",
                                        folder=self.app.plan_folder, suggestion=newest or "",
                                        placeholder="the name of a .csv, .xlsx, .xls or .ods file",
                                        check=unreadable), chosen)

    # --- lot, call and plan ----------------------------------------------------------------

    def action_switch_lot(self) -> None:
        doc = self.document
        self.app.apply(editing.set_lot(doc.plan, doc.rules, editing.next_lot(doc.plan, doc.rules)))

    def on_lot_pane_scenario_chosen(self, event: LotPane.ScenarioChosen) -> None:
        self.app.apply(editing.set_lot(self.document.plan, self.document.rules, event.lot, event.months))

    def grant_typed(self, amount: int | None, invalid: bool) -> None:
        """The grant field confirmed or left (LotPane): the plan takes the amount, one edit and one undo step."""
        from planner.document import Refused

        pane = self.lot_pane
        pane.refused = None
        if not invalid:
            try:
                self.document.edit(editing.set_requested_grant(self.document.plan, amount))
            except Refused as exc:
                pane.refused = str(exc)
        self.app.redraw()  # changed or not: the hint says why a typed amount is not taken

    def on_lot_pane_ecosystems_changed(self, event: LotPane.EcosystemsChanged) -> None:
        doc = self.document
        ids = event.ids
        if doc.rules.lot(doc.plan.lot).ecosystems == "exactly-one" and event.toggled in ids:
            ids = [event.toggled]  # one ecosystem per proposal: the new one replaces the old
        self.app.apply(editing.set_ecosystems(doc.plan, ids))

    def action_compare(self) -> None:
        from planner.tui.screens.compare import CompareScreen

        def chosen(scenario: tuple[int, int] | None) -> None:
            if scenario is not None:
                lot, months = scenario
                self.app.apply(editing.set_lot(self.document.plan, self.document.rules, lot, months), say=False)
                # a shorter project: the work packages that end after it, by name
                late = editing.no_longer_fit(self.document.plan, months)
                fit = "it no longer fits" if len(editing.work_packages_after(self.document.plan, months)) == 1 \
                    else "they no longer fit"
                self.app.tell(f"Plan set to Lot {lot}, {months} months" + (f". {late}: {fit}" if late else ""),
                              timeout=8 if late else None)

        self.app.push_screen(CompareScreen(self.document.plan, self.document.rules), chosen)

    def action_content(self) -> None:
        from planner.tui.screens.content import ContentScreen

        self.app.push_screen(ContentScreen(self.document.rules))

    def action_budget(self) -> None:
        from planner.tui.screens.budget import BudgetScreen

        self.app.push_screen(BudgetScreen(self.document.rules))

    def action_assessment(self) -> None:
        from planner.tui.screens.assessment import AssessmentScreen

        self.app.push_screen(AssessmentScreen(self.document.rules))

    def action_plan_details(self, then: Callable[[], None] | None = None, why: str = "") -> None:
        """Title, acronym, call, duration and notes; `then` runs after they were applied (the first save)."""
        from planner.tui.screens.plan_details import PlanDetails

        def done(plan) -> None:
            if plan is None:
                return
            if plan.call != self.document.plan.call and not self.follow_call(plan):
                return
            if plan == self.document.plan:
                self.app.tell("Plan details: nothing changed", timeout=3)
            else:
                self.app.apply(plan)
            if then is not None:
                then()

        self.app.push_screen(PlanDetails(self.document.plan, self.document.rules, why), done)
