"""Python's cyclic garbage collector and the planner's big, long-lived heap: the one module that
touches `gc`; the others say when, by calling it:

- `pause_collector`: the `planner` command, before its imports (`__main__.main`);
- `resume_collector`: a command's work begins (`cli.main`, once its parser has read the arguments);
- `freeze_heap`: the TUI's first frame (`PlannerApp.on_ready`, which lets the collector run again),
  the lower panes mounted after it (`MainScreen._mount_lower`) and a plan opened (`Filing`,
  `collect=True`).

Keeps: whether it paused the collector (`_paused`), so that it turns back on only what it turned off.
"""

from __future__ import annotations

import gc

_paused = False  # pause_collector turned the collector off, and nothing has turned it on since


def pause_collector() -> None:
    """No cyclic collection while the program loads (the `planner` command's first step).

    Loading the planner creates some 200,000 objects that live until it ends: modules, classes,
    the models' validators, Textual's widgets and styles. While they pile up the collector walks
    them again and again, a tenth of the time to the first screen, and frees next to nothing.
    `resume_collector` (a command's work begins) or `freeze_heap` (the first screen is drawn)
    turns it back on. A collector some other code had turned off stays off."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    global _paused
    if _paused:
        gc.enable()
        _paused = False


def freeze_heap(collect: bool = False) -> None:
    """Leave what is alive now (the plan, its partners, the panes) out of Python's cyclic collector,
    and let the collector run again if the start paused it.

    A plan of 1,000 partners is some 140,000 objects, and every full collection walked them all:
    about 80 ms, at random, added to whatever key was being answered (the aim: `l` within 50 ms;
    10 times as long with 10,000 partners). They are still freed by reference counting when they
    go (a plan replaced by ctrl+o, say); only a cycle among them would stay, and plans have none.
    `collect`: everything is collected first, what was frozen before included: garbage in cycles
    (the dialog that opened a plan, widgets rebuilt since the last freeze) would otherwise stay
    frozen for good, once per plan opened. At startup there is next to none, and the first screen
    should not wait for a full collection."""
    if collect:
        gc.unfreeze()  # what was frozen before and has become garbage since (the plan's old panes)
        gc.collect()
    gc.freeze()
    resume_collector()
