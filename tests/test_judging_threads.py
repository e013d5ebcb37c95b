"""Judging in two threads at once, as the folder view does: its worker lists a folder of plans
(`list_folder -> evaluate -> to_qualify`) while the main screen judges the open plan after each edit.
The caches of scoring and qualify are shared by both; every result must be the plan's own."""

from __future__ import annotations

import os
import random
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from folder_plans import write_plans
from planner import folder, qualify
from planner.rules import load_call
from planner.scoring import evaluate
from planner.storage import load_plan
from support import SAMPLES

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
BASE_NS = int(NOW.timestamp()) * 10**9
CACHE_LOOKUPS = ["plan_facts", "_same_partners"]  # qualify's and scoring's


def judged(plan, rules) -> list[tuple[object, ...]]:
    """What the main screen shows of a plan for every lot (as the comparison does, one lot after
    another on the same partners): every criterion and what it takes, in words.

    What it takes is asked of qualify itself, as `Scoreboard.to_qualify` does: that property holds a
    lock of all scoreboards' while it runs on Python 3.11 (`functools.cached_property`'s, gone in
    3.12), which would keep the threads' look-ups of qualify apart here."""
    out = []
    for lot in rules.lots:
        board = evaluate(plan, rules, lot=lot.number, now=NOW)
        needed = qualify.to_qualify(plan, rules, board)
        out.append((board.headline, [c.as_dict() for c in board.criteria], needed.as_dict(), needed.summary()))
    return out


def listed(where: Path) -> list[tuple[object, ...]]:
    return [(e.name, e.verdict, e.failing, e.new_full_partners, e.summary, e.error)
            for e in folder.list_folder(where, now=NOW)]


class Interleaving:
    """Tracers that put a worker's cache look-up between two lines of one of the main thread's.

    CPython switches threads only at some instructions, so a window between two lines of a look-up
    may stay shut for hours and open on a busy day (or at once on a free-threaded Python). Here the
    workers' look-ups wait for their turn, and the main thread gives one at half the lines of its
    look-ups after the first (at random, seeded), and waits until it is done: its entry sometimes
    stays for its next look-up (the lots one after another), and sometimes another plan's entry is
    put in between two of its lines. One look-up (`name`) at a time: a turn given at one look-up
    could go to a worker's other one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.chance = random.Random(name)
        self.turns = 0  # look-ups the workers may start
        self.done = 0  # look-ups the workers have finished
        self.changed = threading.Condition()
        self.stop = threading.Event()

    def main(self, frame, event, arg):
        if frame.f_code.co_name != self.name:
            return None
        first = [True]

        def line(frame, event, arg):
            if event == "line" and not first[0] and self.chance.random() < 0.5:
                with self.changed:
                    self.turns += 1
                    target = self.done + 1
                    self.changed.notify_all()
                    self.changed.wait_for(lambda: self.done >= target or self.stop.is_set(), timeout=5)
            first[0] = first[0] and event != "line"
            return line
        return line

    def worker(self, frame, event, arg):
        if frame.f_code.co_name != self.name:
            return None
        with self.changed:
            self.changed.wait_for(lambda: self.turns > 0 or self.stop.is_set())
            self.turns = max(self.turns - 1, 0)
        return self._count

    def _count(self, frame, event, arg):
        if event == "return":
            with self.changed:
                self.done += 1
                self.changed.notify_all()
        return self._count

    def end(self) -> None:
        with self.changed:
            self.stop.set()
            self.changed.notify_all()


@pytest.mark.parametrize("lookup", CACHE_LOOKUPS)
def test_a_folder_listed_in_threads_never_hands_the_open_plan_another_plans_verdict(tmp_path: Path,
                                                                                    lookup: str) -> None:
    # the open plan: a sample with a third of its partners gone, so that what it takes is its own
    plan = load_plan(SAMPLES / "lot2-example.toml")
    plan = plan.model_copy(update={"partners": plan.partners[: len(plan.partners) * 2 // 3]})
    rules = load_call(plan.call)
    folders = []
    for i in range(2):
        where = tmp_path / f"plans-{i}"
        where.mkdir()
        write_plans(where, 6, broken=1)
        folders.append(where)

    qualify.clear_caches()
    own = judged(plan, rules)
    assert all(lot[2]["steps"] for lot in own), "the open plan must need something: a wrong verdict must show"
    expected = {where: listed(where) for where in folders}
    summaries = {row[4] for rows in expected.values() for row in rows if row[5] is None}
    assert summaries - {lot[3] for lot in own}, "the folder's plans must need something else than the open plan"

    interleaving = Interleaving(lookup)
    wrong: list[object] = []
    listings = [0]

    def list_again(where: Path) -> None:
        sys.settrace(interleaving.worker)
        round_ = 0
        try:
            while not interleaving.stop.is_set():
                round_ += 1
                for path in where.iterdir():  # a new mtime: the listing judges every plan again
                    os.utime(path, ns=(BASE_NS + round_, BASE_NS + round_))
                rows = listed(where)
                listings[0] += 1
                if rows != expected[where]:
                    wrong.append(("listing", where.name, rows))
        except Exception as exc:  # noqa: BLE001 - reported by the main thread's assertion
            wrong.append(("listing raised", exc))
        finally:
            sys.settrace(None)

    workers = [threading.Thread(target=list_again, args=(where,)) for where in folders]
    for worker in workers:
        worker.start()
    sys.settrace(interleaving.main)
    try:
        judgements = 0
        while (judgements < 20 or listings[0] < 4) and not wrong:
            if judged(plan, rules) != own:
                wrong.append(("open plan", judgements))
            judgements += 1
    finally:
        sys.settrace(None)
        interleaving.end()
        for worker in workers:
            worker.join()
    assert interleaving.done > judgements, "the workers looked up nothing while the main thread judged"
    assert wrong == []
