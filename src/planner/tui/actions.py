"""The planner's actions, one entry each: the key bindings, the footer, the help's key list and the
command palette are all built from ACTIONS, so a new action is one entry here and its method.

An entry names its Textual action: a method of the main screen (`add_partner` runs
`MainScreen.action_add_partner`, `pane(0)` runs `action_pane(0)`) or of the app (`app.save`). Its
`id` is what config.toml's [keys] section remaps. This module holds data only: it imports no screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from textual.binding import Binding

from planner.report import content_lots
from planner.rules import CallRules, available_calls

PANE_KEYS = Binding.Group("Panes")


@dataclass(frozen=True)
class Action:
    id: str | None  # the binding id config.toml remaps; None: a key of Textual's, listed in the help only
    keys: str  # as shipped, comma-separated as Textual takes them ("d,delete", "question_mark,f1")
    help: str  # the help's line; {lots}, {call}, {calls} and {content} come from the rules in use
    action: str = ""  # the Textual action: a main-screen method, or "app.<method>"
    label: str = ""  # the binding's description (footer and Textual's key panel)
    footer: int | None = None  # the place in the footer (1 first); None: not in the footer
    palette: str = ""  # the palette's title; "" keeps the action out of the palette
    palette_help: str = ""  # the palette's line under the title (the same {placeholders} as `help`)
    help_keys: str = ""  # the keys as the help shows them when not remapped ("? / f1"); default from `keys`
    key_display: str | None = None
    group: Binding.Group | None = None
    priority: bool = False  # taken before any text field (and in every dialog): never a key that types
    # where it is bound: "screen" (the main screen), "table" (the partners table), "app": in every
    # screen, dialogs included, and on the main screen too, where it takes its place in the footer;
    # "folder" (the folder view) or "folder-filter" (its filter field)
    on: str = "screen"

    @property
    def shown_keys(self) -> str:
        return self.help_keys or self.keys.replace(",", " / ")

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.label, show=self.footer is not None, id=self.id,
                       key_display=self.key_display, group=self.group, priority=self.priority)


# in the help's order (the palette's too); the footer's order is `footer`
ACTIONS: list[Action] = [
    Action(None, "tab,shift+tab", "move between panes and their lists (the grant field: g)"),
    Action("planner.pane_partners", "1", "the partners pane (below 120 columns: show it)", "pane(0)", "Partners",
           footer=5, group=PANE_KEYS, palette="Partners pane", palette_help="Show the partners (key 1)"),
    Action("planner.pane_lot", "2", "the lot & ecosystem pane", "pane(1)", "Lot & ecosystem", footer=6,
           group=PANE_KEYS, palette="Lot & ecosystem pane", palette_help="Show the lot, grant and ecosystems (key 2)"),
    Action("planner.pane_scoreboard", "3", "the scoreboard pane", "pane(2)", "Scoreboard", footer=7,
           group=PANE_KEYS, palette="Scoreboard pane", palette_help="Show every rule, one line each (key 3)"),
    Action("planner.add_partner", "a", "add a partner", "add_partner", "Add", footer=2,
           palette="Add partner", palette_help="Add a participant to the consortium"),
    Action(None, "enter", "edit the selected partner"),
    Action("planner.remove_partner", "d,delete", "remove the selected partner (asks first)", "screen.remove_partner",
           "Remove", footer=0, on="table", palette="Remove partner", palette_help="Remove the selected participant"),
    Action("planner.switch_lot", "l", "the next lot of the call ({lots} in call {call})", "switch_lot", "Lot",
           footer=3, palette="Switch lot", palette_help="Move the plan to the next lot of its call"),
    # the grant field is no tab stop (a text field there took ?, 1-3, t... as typing): g goes into it
    Action("planner.grant", "g", "type the requested grant (enter takes it, escape leaves the field)", "grant",
           "Grant", palette="Requested grant", palette_help="Type the grant the plan requests (key g)"),
    Action("planner.compare", "c", "what-if comparison of all lots and durations of the call", "compare",
           "Compare", footer=4, palette="Compare lots", palette_help="What-if: all lots and durations side by side"),
    Action("planner.switch_call", "y", "on a closed call, the one being written (asks first); on the newest call, "
           "the one before it; else the next call ({calls}); asks first when that one has closed: its rules apply",
           "switch_call", "Call",
           palette="Switch call", palette_help="Judge the plan by the next call's rules ({calls})"),
    Action("planner.content", "p", "{content} content: occupational profiles and activities", "content",
           "Profiles", palette="Profiles and activities",
           palette_help="{content} content: occupational profiles, activities"),
    Action("planner.budget", "b", "budget: partners by work packages against the cap (enter edits a line; there "
           "a/e/d add, edit, remove a work package, t timeline, s a partner's share)", "budget", "Budget",
           palette="Budget", palette_help="Work packages, each partner's costs, the grant against the cap"),
    Action("planner.assessment", "s", "award self-assessment", "assessment", "Self-assessment",
           palette="Self-assessment", palette_help="Score the proposal against the award criteria"),
    Action("planner.import", "i", "import partners from a CSV or spreadsheet file (with a preview)",
           "import_partners", "Import", palette="Import partners",
           palette_help="Add partners from a CSV or spreadsheet file (.xlsx, .xls, .ods), with a preview"),
    # the words in the palette's title: it matches titles only, and people search for "title"
    Action("planner.plan_details", "t", "plan details: title, acronym, call, duration, notes", "plan_details",
           "Details", palette="Plan details: title, acronym, call, duration, notes",
           palette_help="Edit the plan's title, acronym, call, duration and notes in one dialog"),
    Action("planner.undo", "ctrl+z", "undo", "app.undo", "Undo", palette="Undo", palette_help="Undo the last edit"),
    Action("planner.redo", "ctrl+y", "redo", "app.redo", "Redo", palette="Redo",
           palette_help="Redo the last undone edit"),
    Action("planner.save", "ctrl+s", "save (atomically)", "app.save", "Save", footer=8, palette="Save",
           palette_help="Save the plan"),
    Action("planner.open", "ctrl+o", "the plans of this folder: open one, a new one, a variant", "app.open", "Open",
           palette="Open", palette_help="The plans of this folder: open one, start a new one, copy one"),
    Action("planner.save_as", "w", "save as another file (the plan goes on there)", "app.save_as", "Save as",
           palette="Save as", palette_help="Save the plan as another file; the plan goes on there"),
    Action("planner.new_plan", "ctrl+n", "a new plan (asks first when there are unsaved changes)", "app.new_plan",
           "New", palette="New plan", palette_help="Start a new, empty plan"),
    Action("planner.export", "e", "export: partners CSV, a report to mail (Markdown or text), for the partners "
           "or internal, or the budget (.xlsx or CSV)", "app.export", "Export",
           palette="Export", palette_help="Partners as CSV, a report to mail (Markdown, text), or the budget"),
    # f2 as help's f1: a cut notice names it while a field has the focus (m types there: '1.5m' is an amount)
    Action("planner.messages", "m,f2", "the notices said so far, in full and newest first (a long one is cut to two "
           "lines, and each goes after a few seconds)", "messages", "Messages", help_keys="m / f2", key_display="m",
           palette="Messages", palette_help="What the notices said, in full: a save's error, what an edit changed"),
    Action(None, "ctrl+p", "command palette: every action and theme"),
    Action("planner.help", "question_mark,f1", "this help", "help", "Help", footer=9, help_keys="? / f1",
           key_display="?", palette="Help", palette_help="Keys, the scoreboard and where the rules come from"),
    # the palette's Quit is Textual's own (PlannerApp.get_system_commands words its help)
    Action("planner.quit", "ctrl+q", "quit (asks when there are unsaved changes)", "quit", "Quit", footer=1,
           priority=True, on="app"),
    # the folder view (ctrl+o, planner DIR): its own keys, in the help's section on it; the actions are
    # FolderScreen's methods (screens/folder.py)
    Action("folder.open", "enter", "open the plan under the cursor", "open", "Open", footer=1, on="folder"),
    Action("folder.new", "n", "a new plan in this folder (asks its name)", "new", "New", footer=2, on="folder"),
    Action("folder.copy", "c", "a variant: a copy of the plan under the cursor, under a new name", "copy",
           "Variant", footer=3, on="folder"),
    Action("folder.filter", "slash", "filter: only the plans whose line has every word typed", "filter", "Filter",
           footer=4, key_display="/", help_keys="/", on="folder"),
    Action("folder.clear_filter", "escape", "in the filter: clear it and go back to the plans", "clear",
           "Clear filter", footer=1, on="folder-filter"),
    Action("folder.sort", "s", "sort by the next column (name, verdict, to go, lot, changed)", "sort", "Sort",
           footer=5, on="folder"),
    Action("folder.reverse", "S", "sort the other way", "sort(-1)", "Reverse", on="folder"),
    Action("folder.refresh", "r", "read the folder again", "refresh", "Refresh", on="folder"),
    Action("folder.path", "ctrl+l", "type another folder, or a plan's path", "folder_field", "Path", footer=6,
           on="folder"),
    Action("folder.close", "escape", "back to the plan (when one is open)", "close", "Back", footer=7, on="folder"),
    Action("folder.help", "question_mark,f1", "this help (the filter's field types ?: f1 there)", "help", "Help",
           help_keys="? / f1", key_display="?", on="folder"),
]

MAIN = ("screen", "table", "app")  # where the main screen's actions are bound (the help's first list)
FOLDER = ("folder", "folder-filter")  # the folder view's (the help's section on it)

# keys that no action may be remapped to: the table's edit key, focus moves, the palette, Textual's copy
RESERVED_KEYS = {"enter": "edit the selected partner", "tab": "move between panes",
                 "shift+tab": "move between panes", "ctrl+p": "the command palette",
                 "ctrl+c": "copy (and Textual's quit hint)", "escape": "close a dialog"}


def bound(actions: list[Action], on: str) -> list[Binding]:
    """The bindings of the actions bound `on` one place, in the footer's order (then the table's)."""
    mine = [a for a in actions if a.id is not None and (a.on == on or (on, a.on) == ("screen", "app"))]
    return [a.binding() for a in sorted(mine, key=lambda a: (a.footer is None, a.footer or 0))]


def shipped_keys(actions: list[Action]) -> dict[str, str]:
    """Each action id's keys as shipped, as config.toml spells them ("?,f1")."""
    return {a.id: a.shown_keys.replace(" / ", ",").replace(" ", "") for a in actions if a.id}


def priority_ids(actions: list[Action]) -> set[str]:
    return {a.id for a in actions if a.id and a.priority}


def known(rules: CallRules) -> dict[str, str]:
    """What the help and the palette fill in from the rules in use (a 2027 call file shows up there
    without a change of code)."""
    return {"lots": ", ".join(str(lot.number) for lot in rules.lots), "call": rules.id,
            "calls": ", ".join(available_calls()), "content": content_lots(rules)}


def key_help(actions: list[Action], remapped: dict[str, str], known: dict[str, str],
             places: tuple[str, ...] = MAIN) -> list[tuple[str, str]]:
    """(keys as remapped, what they do) for the help screen: the actions bound in `places`."""
    return [(remapped[a.id].replace(",", " / ") if a.id in remapped else a.shown_keys, a.help.format(**known))
            for a in actions if a.on in places]


def places(actions: list[Action]) -> dict[str, str]:
    """Each action id's place (see Action.on): keys clash only within one place and with the app's."""
    return {a.id: a.on for a in actions if a.id}


def in_palette(actions: list[Action], known: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(title, help, action) of each action the command palette offers."""
    for a in actions:
        if a.palette:
            yield a.palette, a.palette_help.format(**known), a.action
