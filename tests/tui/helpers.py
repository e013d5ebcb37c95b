"""Helpers for driving the planner in Pilot: start it, wait on conditions (never on the clock), read it."""

from __future__ import annotations

import html
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from planner.tui.app import PlannerApp, open_document
from planner.tui.screens.budget import BudgetScreen, ShareForm
from planner.tui.widgets.cut import Cut
from planner.tui.widgets.footer import FooterItem, PlannerFooter
from planner.tui.widgets.lot_pane import LotPane
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.scoreboard import ScoreboardView

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

# every flow runs at the smallest supported layout (stacked panes) and at the wide one (side by side)
SIZES = [(80, 24), (160, 48)]

# seconds of event-loop turns before a wait gives up; a passing wait takes a few ms, but on a loaded machine
# (the suite over every core, beside other work) a screen once took more than 10 s to come up
TIMEOUT = 30.0


@dataclass
class Note:
    message: str
    title: str
    severity: str


def make_app(path: Path | None, read_only: bool = False,
             folder: Path | None = None) -> tuple[PlannerApp, list[Note]]:
    """The app on `path` (or, with `folder`, as `planner DIR` starts it: a new plan underneath, the
    folder view on top), and the list that every notification it raises is appended to."""
    app = PlannerApp(open_document(path, read_only=read_only), folder=folder)
    notes: list[Note] = []
    original = app.notify

    def notify(message, *, title="", severity="information", timeout=None, markup=True):
        notes.append(Note(str(message), title, severity))
        original(message, title=title, severity=severity, timeout=timeout, markup=markup)

    app.notify = notify  # type: ignore[method-assign]
    return app, notes


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    """Let the app run until `condition()` is true; fail naming `what` if it never becomes true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()


def keys_pending(app) -> bool:
    """Typed keys the app has not handled yet: held by its key gate (tui/typeahead.py: a key waits
    there while the one before is still being handled, a pane mounted, a dialog opened) or queued."""
    gate = getattr(app, "_key_gate", None)
    if gate is None:  # not the planner
        return False
    queued = any(isinstance(m, events.Key) for m in app._message_queue.values)
    return bool(gate.held) or gate.task is not None or queued


async def keys_handled(pilot: Pilot) -> None:
    """Until every key typed so far has been handled (see `keys_pending`), then one pause more."""
    await wait_for(pilot, lambda: not keys_pending(pilot.app), "the typed keys to be handled")
    await pilot.pause()


async def wait_screen(pilot: Pilot, kind: type[Screen]) -> Screen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), f"a {kind.__name__} on top")
    return pilot.app.screen


async def open_share_form(pilot: Pilot) -> tuple[BudgetScreen, ShareForm]:
    """From the main screen, `b` then `s`: the budget screen, and on it the share form of the partner
    under the grid's cursor (the first one as the screen opens; enter there edits a budget line)."""
    await pilot.press("b")
    budget = await wait_screen(pilot, BudgetScreen)
    await pilot.press("s")
    return cast(BudgetScreen, budget), cast(ShareForm, await wait_screen(pilot, ShareForm))


async def open_budget(pilot: Pilot):
    """From the main screen, `b`: (the budget screen, its grid), once the grid has its rows."""
    from planner.tui.screens.budget import BudgetScreen
    from planner.tui.widgets.budget_grid import BudgetGrid

    await ready(pilot)
    await pilot.press("b")
    screen = await wait_screen(pilot, BudgetScreen)
    grid = screen.query_one("#budget-grid", BudgetGrid)
    await wait_for(pilot, lambda: grid.row_count > 2, "the grid's rows")
    return screen, grid


async def open_budget_form(pilot: Pilot, key: str, form_class):
    """From the main screen, the budget, then `key` (enter: a line; a: a new work package): the form."""
    await open_budget(pilot)
    await pilot.press(key)
    return await wait_screen(pilot, form_class)


async def lot_switched(pilot: Pilot) -> None:
    """`l`, the edit most tests make (the next lot), until the plan has an unsaved change."""
    await pilot.press("l")
    await wait_for(pilot, lambda: pilot.app.document.dirty, "the lot switched")


async def saved_with_ctrl_s(pilot: Pilot) -> None:
    """ctrl+s, until the plan has no unsaved change."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not pilot.app.document.dirty, "the save")


def cell(grid, row: str, column: str) -> str:
    """A budget grid's cell as shown, without its padding."""
    return grid.get_cell(row, column).plain.strip()


async def wait_main(pilot: Pilot) -> None:
    """Until the main screen is on top again (every dialog closed)."""
    await wait_for(pilot, lambda: len(pilot.app.screen_stack) == 1, "the main screen on top")


async def ready(pilot: Pilot) -> None:
    """Until every pane is mounted and drawn (the lot pane and scoreboard may be mounted after the first frame)."""
    app = pilot.app

    def drawn() -> bool:
        panes = app.query(LotPane), app.query(ScoreboardView), app.query(PartnersTable)
        if not all(panes):
            return False
        deadline = app.query_one("#deadline", Static)
        table = app.query_one(PartnersTable)
        return bool(str(deadline.render())) and table.row_count == len(app.document.plan.partners) \
            and app.board is not None and bool(verdict(app))

    await wait_for(pilot, drawn, "the panes to be drawn")


def without_budget(path: Path) -> Path:
    """The plan at `path` (a sample's copy) without its estimated budget (work packages, staff costs and
    lines), saved in place: for the tests of typed grants and shares, which a budget replaces."""
    from planner.storage import load_plan, save_plan

    plan = load_plan(path)
    partners = tuple(p.model_copy(update={"staff_cost_eur": None, "budget": None}) for p in plan.partners)
    save_plan(plan.model_copy(update={"work_packages": (), "partners": partners}), path)
    return path


def verdict(app: PlannerApp) -> str:
    return str(app.query_one("#verdict", Static).render())


def static_text(app_or_screen, selector: str) -> str:
    """What the Static `selector` shows; a CutLines' text as cut at the width it has now."""
    widget = app_or_screen.query_one(selector, Static)
    shown = widget.render()
    if isinstance(shown, Cut):
        return shown.at(widget.content_size.width).plain
    return str(shown)


def failing(app: PlannerApp) -> set[str]:
    assert app.board is not None
    return {c.id for c in app.board.failures}


def key_event(key: str) -> events.Key:
    """The Key event Pilot.press sends for `key` (a key name or one character), built the same way."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def post_keys(app, keys) -> None:
    """Queue the key events in order, without waiting for the app between them."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)


async def type_text(pilot: Pilot, text: str, done: Callable[[], object] | None = None) -> None:
    """Type `text`: one key event per character, through the app's own key handling (bindings, focus).

    Pilot.press waits for the app to go idle after every key (~60 ms each here); the events are queued
    in one go instead, in order, and then we wait for `done` (or for the focused Input to show the text).
    """
    app = pilot.app
    target = app.focused
    plain_input = (isinstance(target, Input) and target.type == "text" and not target.restrict
                   and not target.max_length)
    post_keys(app, text)
    if done is not None:
        await wait_for(pilot, done, f"typing {text!r} to take effect")
    elif plain_input:
        await wait_for(pilot, lambda: text in target.value, f"{text!r} in {target}")
    else:
        await pilot.pause()


async def replace_text(pilot: Pilot, text: str) -> None:
    """In the focused Input: go to the end, delete everything before the cursor, type `text`."""
    focused = pilot.app.focused
    assert isinstance(focused, Input), focused
    await pilot.press("end", "ctrl+u")
    assert focused.value == ""
    await type_text(pilot, text)


async def choose(pilot: Pilot, search: str) -> None:
    """On a focused picker (the partner form's country, kind, role...): type `search`, no other key.

    The picker filters from the first letter and its highlighted match is its value; this waits until
    the value's words contain `search` (so a search that matches something else first fails here).
    """
    from planner.tui.widgets.picker import Picker, PickerInput

    field = pilot.app.focused
    if isinstance(field, Select):  # the Selects left elsewhere: enter opens, type to search, enter takes
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(pilot.app.focused).__name__ == "SelectOverlay", "the Select to open")
        overlay = pilot.app.focused

        def found() -> bool:
            index = overlay.highlighted
            return index is not None and search.lower() in str(overlay.get_option_at_index(index).prompt).lower()

        await type_text(pilot, search, done=found)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.focused is field, "the Select to close")
        return
    assert isinstance(field, PickerInput), field
    picker = field.parent
    assert isinstance(picker, Picker)
    await type_text(pilot, search, done=lambda: picker.value is not None and field.value == search)
    assert search.lower() in picker.shown_text().lower() or any(
        search.lower() in w.lower() for w in picker._by_id[picker.value].words), (search, picker.value)


async def fill_partner(pilot: Pilot, form: Screen, name: str, short: str = "", pic: str = "",
                       country: tuple[str, str] | None = None, kind: tuple[str, str] | None = None,
                       press: Callable[..., Awaitable[None]] | None = None) -> None:
    """The partner form's first fields in the order they come, as a user fills them: the legal name, tab,
    the short name, tab, the PIC, tab, the country picked by a search word, tab, the kind likewise:
    country=("ger", "DE"), kind=("sme", "enterprise"). A field left "" is passed with its tab. `press`
    presses the tabs (a counter of keys can); the focus ends on the kind (or the country)."""
    from planner.tui.widgets.picker import Picker

    press = press or pilot.press
    await type_text(pilot, name)
    await press("tab")
    if short:
        await type_text(pilot, short)
    await press("tab")
    if pic:
        await type_text(pilot, pic, done=lambda: form.query_one("#pic", Input).value == pic)
    await press("tab")
    if country is not None:
        word, code = country
        await type_text(pilot, word, done=lambda: form.query_one("#country", Picker).value == code)
    if kind is not None:
        await press("tab")
        word, kind_id = kind
        await type_text(pilot, word, done=lambda: form.query_one("#kind", Picker).value == kind_id)


def screen_text(app: PlannerApp) -> str:
    """What the terminal shows, as plain text (one line per row), read from the app's SVG screenshot."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append(
            (float(m.group(1)), html.unescape(m.group(3)).replace("\xa0", " ")))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items()))


def footer_items(screen: Screen) -> list[FooterItem]:
    """What the footer of `screen` shows now, at its width: each key (its key, as shown, and its words), a
    group's words, and the last item when keys are left out; not the palette's key, docked right."""
    footers = screen.query(PlannerFooter)
    return footers.first().shown() if footers else []


def footer_keys(screen: Screen) -> dict[str, str]:
    """The keys the footer of `screen` shows, as shown ("^s", "?", "1"), each with its words."""
    return {item.key_display: item.description for item in footer_items(screen) if item.key}


async def country_matches(pilot: Pilot, typed: str = "ger"):
    """From the main screen, `a`, tab to the country, `typed`: (the partner form, its list of matching countries),
    once it has two matches or more, the first highlighted (ger: Germany, then Niger)."""
    from textual.widgets import OptionList

    from planner.tui.screens.partner_form import PartnerForm

    await pilot.press("a")
    form = await wait_screen(pilot, PartnerForm)
    await pilot.press("tab", "tab", "tab")
    matches = form.query_one("#country-list", OptionList)
    await type_text(pilot, typed, done=lambda: matches.option_count >= 2 and matches.highlighted == 0)
    return form, matches


async def focus(pilot: Pilot, widget) -> None:
    """Move the focus to `widget` (as a click would) and wait until it has it."""
    widget.focus()
    await wait_for(pilot, lambda: pilot.app.focused is widget, f"{widget} to have the focus")


def freeze_clock(monkeypatch, now: datetime) -> None:
    """Make the app's "now" (the scoreboard's and the lot pane's) the aware moment `now`.

    The app reads the clock itself (PlannerApp takes no clock), so the module-level names are replaced.
    """

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)

    monkeypatch.setattr("planner.scoring.datetime", Frozen)
    monkeypatch.setattr("planner.tui.widgets.lot_pane.datetime", Frozen)


def shown_toasts(app) -> list:
    """The notices on screen (tui/toasts.py: a line of their own; the main screen keeps hidden ones
    mounted, ready for the next notification), and any toast of Textual's own."""
    from textual.widgets._toast import Toast

    from planner.tui.toasts import Notice
    notices = [n for n in app.screen.query(Notice) if n.display and n.parent is not None and n.parent.display]
    return notices + [t for t in app.screen.query(Toast) if t.display and t.parent is not None and t.parent.display]


async def through_path_prompt(pilot: Pilot, key: str, path: Path | str) -> None:
    """`key` (i, ctrl+s, w ...), `path` typed into the path prompt it opens, enter: as a user would.
    A relative `path` is read from the plan's folder, as the prompt says."""
    from planner.tui.screens.dialogs import PathPrompt

    await pilot.press(key)
    await wait_screen(pilot, PathPrompt)
    await replace_text(pilot, str(path))
    await pilot.press("enter")


async def ask_to_import(pilot: Pilot, source: Path | str) -> None:
    """i, the CSV's path typed into the prompt, enter."""
    await through_path_prompt(pilot, "i", source)


def import_rows(screen) -> list[dict[str, str]]:
    """The import preview's rows as shown, one dict per row: line, result, name, short, country, kind, role, note."""
    table = screen.query_one("#import-rows")
    keys = [c.key for c in table.COLUMNS]
    return [dict(zip(keys, (str(c) for c in table.get_row_at(i)))) for i in range(table.row_count)]


async def keys_listed(pilot: Pilot, screen: Screen, key: str) -> str:
    """A screen whose footer has no room for its keys: its footer ends with '? More keys' (not '…'), and
    `key` shows its help, whose text this gives (help_text)."""
    from planner.tui.screens.help import HelpScreen

    assert list(footer_keys(screen))[-1] == "?"
    await pilot.press(key)
    return help_text(await wait_screen(pilot, HelpScreen))


def help_text(help_screen) -> str:
    """The help screen's text as drawn at its width (the keys and their wrapped descriptions), on one line:
    every line of it, in view or scrolled."""
    from textual.geometry import Region

    static = help_screen.query_one(Static)
    lines = static.render_lines(Region(0, 0, static.size.width, static.size.height))
    return " ".join(" ".join(strip.text for strip in lines).split())


async def open_screen(pilot: Pilot, key: str, kind: type[Screen]) -> Screen:
    """Press `key` and wait for a `kind` screen on top, laid out: the opening of most screen tests."""
    await pilot.press(key)
    screen = await wait_screen(pilot, kind)
    await pilot.pause()
    return screen
