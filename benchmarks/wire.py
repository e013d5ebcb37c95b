"""Bytes on the wire and time to result per key: the planner in tmux, beside a bare Textual app.

Over SSH every byte the planner writes to the terminal crosses the link, so a key should redraw
what it changed and no more. This drives the real `planner` in a private tmux server at 160x48,
records everything it writes with `pipe-pane`, and for each key counts the bytes and the time
from `send-keys` until the output goes quiet (the result is on screen). A bare Textual app with
three bordered panes (a table and two lists) takes the same keys in the same run, as the yardstick.

    .venv/bin/python benchmarks/wire.py                 # lot2-example, 1,000 and 10,000 partners
    .venv/bin/python benchmarks/wire.py --quick         # lot2-example and 1,000 partners only
    .venv/bin/python benchmarks/wire.py --runs 5        # more runs per key (median and best)
    .venv/bin/python benchmarks/wire.py --budget-only   # the budget screen (50 partners x 12 work packages)

Targets: `tab` and cursor moves at most what the bare app writes for the same key; `l` at
most 40 KB at 160x48; with 1,000 partners `l` and a keystroke in a field within 50 ms, with 10,000
within 250 ms; an edit in the budget grid of 50 partners by 12 work packages within 50 ms. Times
include tmux's own latency (a few ms) and the quiet window is not counted.
It checks nothing and always exits 0 (a benchmark, not a test). Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

SOCKET = f"planner-wire-{os.getpid()}"
WIDTH, HEIGHT = 160, 48
QUIET = 0.25  # seconds without output: the frame is done
POLL = 0.002

BARE = '''
from textual.app import App
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, OptionList

class Bare(App):
    CSS = """
    .pane { border: round $border-blurred; }
    .pane:focus-within { border: heavy $border; }
    #table-pane { height: 1fr; }
    #below { height: 1fr; }
    OptionList { width: 1fr; height: 1fr; }
    """

    BINDINGS = [Binding("1", "focus_table")]

    def action_focus_table(self):
        self.query_one(DataTable).focus()

    def compose(self):
        yield Header()
        with Vertical(id="table-pane", classes="pane"):
            yield DataTable()
        with Horizontal(id="below"):
            yield OptionList(*[f"Rule {i}: something to check, {i} of 8" for i in range(16)], classes="pane")
            yield OptionList(*[f"{i}. Ecosystem number {i}" for i in range(1, 15)], classes="pane")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.cursor_type = "row"
        table.add_columns("Short", "Ctry", "Kind", "Role", "Counts", "PIC", "Name")
        for i in range(16):
            table.add_row(f"P{i}", "DE", "enterprise", "beneficiary", "yes", "999000000",
                          f"Partner organisation number {i} of the consortium")
        table.focus()

Bare().run()
'''


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True).stdout


class Session:
    """One program in a tmux window whose output is appended to a file."""

    def __init__(self, name: str, command: str, folder: Path) -> None:
        self.name, self.log = name, folder / f"{name}.bytes"
        self.log.write_bytes(b"")
        env = f"env XDG_CONFIG_HOME={folder / 'config'} XDG_STATE_HOME={folder / 'state'} TERM=xterm-256color"
        # the program waits a moment so that pipe-pane is attached before its first byte
        tmux("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT),
             f"sleep 0.5; exec {env} {command}")
        tmux("pipe-pane", "-t", name, "-o", f"cat >> {self.log}")
        self.started_wall = time.time() + 0.5

    def size(self) -> int:
        return self.log.stat().st_size

    def settle(self, since: float, quiet: float = QUIET, first_within: float = 2.0) -> float:
        """Wait for the first byte, then until the output has been quiet for `quiet` seconds.

        Returns the seconds from `since` to the last byte (0 when nothing came within `first_within`)."""
        start_size = last_size = self.size()
        last_change = since
        while True:
            time.sleep(POLL)
            size, now = self.size(), time.perf_counter()
            if size != last_size:
                last_size, last_change = size, now
            elif last_size == start_size:
                if now - since >= first_within:
                    return 0.0
            elif now - last_change >= quiet:
                return last_change - since

    def key(self, *keys: str) -> tuple[int, float]:
        """Bytes written and seconds until the last of them, for one send-keys."""
        before = self.size()
        start = time.perf_counter()
        tmux("send-keys", "-t", self.name, *keys)
        elapsed = self.settle(start)
        return self.size() - before, elapsed

    def resize(self, width: int, height: int) -> None:
        tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))
        self.settle(time.perf_counter())

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", self.name], capture_output=True)


def big_plan(n: int, folder: Path) -> Path:
    from run import build_plan  # the core benchmark's synthetic plans

    from planner.rules import load_call
    from planner.storage import save_plan

    path = folder / f"plan-{n}.toml"
    save_plan(build_plan(n, load_call("2024")), path)
    return path


def budget_big_plan(folder: Path) -> Path:
    from run import budget_plan  # 50 partners by 12 work packages, as the core benchmark counts it

    from planner.rules import load_call
    from planner.storage import save_plan

    path = folder / "plan-budget.toml"
    save_plan(budget_plan(50, 12, load_call("2024")), path)
    return path


@dataclass
class Scenario:
    """Keys from a known focus: `setup` once, then per run `before` (not counted), then each measured key.

    `wait` seconds after each measured key let a notification's toast go (its removal would be
    counted in the next key's bytes); `size` resizes the window first (and back after)."""
    keys: list[tuple[str, str]]  # (label, tmux key name) measured, in this order, every run
    setup: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    teardown: list[str] = field(default_factory=list)
    wait: float = 0.0
    size: tuple[int, int] | None = None


# `1` focuses the partners table (also at 160x48, where all three panes show); from it `tab` goes to
# the lot pane's lot list; `g` goes into the grant field (which selects its text on focus: the
# first digit replaces it, then digit and backspace alternate; escape leaves it, the grant put back).
# `a` opens the partner form with the focus in its name field; escape closes it (unchanged: no
# question). `c` opens the comparison of every lot and duration of the call; escape closes it.
PLANNER = [
    Scenario([("tab (table → lot pane)", "Tab")], before=["1"]),
    Scenario([("cursor down (table)", "Down"), ("cursor up (table)", "Up")], setup=["1"]),
    Scenario([("l (Lot 2 → Lot 1, table focused)", "l"), ("l (back to Lot 2)", "l")], setup=["1"], wait=3.5),
    Scenario([("digit in grant field", "5"), ("backspace in grant field", "BSpace")],
             setup=["1", "g"], teardown=["Escape"]),
    Scenario([("letter in partner form name", "x"), ("backspace in partner form name", "BSpace")],
             setup=["1", "a"], teardown=["Escape"]),
    Scenario([("c (the comparison opens)", "c"), ("escape (it closes)", "Escape")], setup=["1"]),
    Scenario([("2 (lot pane) at 80x24", "2"), ("3 (scoreboard) at 80x24", "3"), ("1 (partners) at 80x24", "1")],
             size=(80, 24)),
]
# the budget screen (`b`) of 50 partners by 12 work packages: it opens with the cursor on the first
# partner's first line; `enter` opens that line's form, `tab` `tab` go to travel, `ctrl+u` empties it and
# `12k` is typed (not counted); the measured `enter` makes the edit (the grid repaints the partner's row
# and the totals, the scoreboard follows), the measured `ctrl+z` takes it back
BUDGET = [
    Scenario([("b (the budget opens)", "b"), ("escape (it closes)", "Escape")], setup=["1"]),
    Scenario([("cursor down (budget grid)", "Down"), ("cursor up (budget grid)", "Up")], setup=["1", "b"],
             teardown=["Escape"]),
    Scenario([("enter: 12k as travel, the edit on screen", "Enter"), ("ctrl+z in the budget", "C-z")],
             setup=["1", "b"], before=["Enter", "Tab", "Tab", "C-u", "1", "2", "k"], teardown=["Escape"], wait=3.5),
]
# the bare app's `1` focuses its table too
BARE_SCENARIOS = [
    Scenario([("tab (table → lot pane)", "Tab")], before=["1"]),
    Scenario([("cursor down (table)", "Down"), ("cursor up (table)", "Up")], setup=["1"]),
]


def measure(session: Session, scenarios: list[Scenario], runs: int,
            show: bool = False) -> dict[str, tuple[list[int], list[float]]]:
    results: dict[str, tuple[list[int], list[float]]] = {}
    for scenario in scenarios:
        if scenario.size:
            session.resize(*scenario.size)
        for k in scenario.setup:
            session.key(k)
        for _ in range(runs):
            for k in scenario.before:
                session.key(k)
            for label, key in scenario.keys:
                if show:
                    print(f"--- {session.name}, before {label}:\n{session.screen()}")
                size, elapsed = session.key(key)
                sizes, times = results.setdefault(label, ([], []))
                sizes.append(size)
                times.append(elapsed)
                if scenario.wait:
                    time.sleep(scenario.wait)
                    session.settle(time.perf_counter(), first_within=0.3)
        for k in scenario.teardown:
            session.key(k)
        if scenario.size:
            session.resize(WIDTH, HEIGHT)
    return results


def start(name: str, command: str, folder: Path, ready: str) -> tuple[Session, int, float]:
    """Start a program; its startup ends with the last byte once `ready` is on the screen.

    Startup has pauses of its own (imports, loading a big plan, the first frame, the panes'
    contents), longer than any quiet window, so the screen is watched for the text that shows last."""
    session = Session(name, command, folder)
    deadline = time.perf_counter() + 120
    while ready not in session.screen():
        if time.perf_counter() > deadline:
            raise SystemExit(f"{name} did not show {ready!r}:\n{session.screen()}")
        time.sleep(0.02)
    session.settle(time.perf_counter(), quiet=1.0, first_within=0.5)
    # from the start of the program (after the shell's sleep) to its last byte, by the file's clock
    return session, session.size(), session.log.stat().st_mtime - session.started_wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--src", type=Path, help="run the planner from this src folder (another checkout, "
                        "for before/after figures) instead of the installed one")
    parser.add_argument("--screens", action="store_true", help="print the screen before each measured key")
    parser.add_argument("--budget-only", action="store_true", help="only the budget screen's keys, on the plan "
                        "of 50 partners by 12 work packages")
    args = parser.parse_args(argv)
    if not shutil.which("tmux"):
        print("benchmarks/wire.py needs tmux")
        return 0
    planner = str(Path(sys.executable).with_name("planner"))
    rows: list[tuple[str, str, int, float, float]] = []
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        bare_py = folder / "bare.py"
        bare_py.write_text(BARE)
        plans = [] if args.budget_only else [("lot2-example", ROOT / "samples" / "lot2-example.toml", PLANNER)]
        if not args.budget_only:
            plans.append(("1,000 partners", big_plan(1000, folder), PLANNER))
        if not args.quick and not args.budget_only:
            plans.append(("10,000 partners", big_plan(10000, folder), PLANNER))
        plans.append(("budget of 50 partners x 12 work packages", budget_big_plan(folder), BUDGET))
        try:
            session, size, elapsed = start("bare", f"{sys.executable} {bare_py}", folder, "Rule 15")
            rows.append(("bare Textual app", "startup", size, elapsed, elapsed))
            for label, (sizes, times) in measure(session, BARE_SCENARIOS, args.runs, args.screens).items():
                rows.append(("bare Textual app", label, int(statistics.median(sizes)),
                             statistics.median(times), min(times)))
            session.close()
            for i, (name, path, scenarios) in enumerate(plans):
                work = folder / f"work-{i}.toml"
                shutil.copy(path, work)
                source = f"env PYTHONPATH={args.src.resolve()} " if args.src else ""
                session, size, elapsed = start(f"planner{i}", f"{source}{planner} {work}", folder, "participants")
                rows.append((f"planner, {name}", "startup", size, elapsed, elapsed))
                for label, (sizes, times) in measure(session, scenarios, args.runs, args.screens).items():
                    rows.append((f"planner, {name}", label, int(statistics.median(sizes)),
                                 statistics.median(times), min(times)))
                session.close()
        finally:
            subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
            time.sleep(1)  # a planner killed by the hangup writes its recovery file on the way out
    print(f"Bytes written to the terminal and time until the output is complete, {WIDTH}x{HEIGHT}, "
          f"{args.runs} runs per key (median; best in brackets):\n")
    print("| app | key | bytes | ms |\n|---|---|---:|---:|")
    for app, key, size, median, best in rows:
        print(f"| {app} | {key} | {size:,} | {median * 1000:.0f} ({best * 1000:.0f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
