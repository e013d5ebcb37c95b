"""Random keys on a copy of a sample never crash the app, and leave it consistent."""

from __future__ import annotations

import random
import string

import pytest

from planner.scoring import evaluate
from planner.tui.screens.dialogs import Choice
from planner.tui.widgets.partners import PartnersTable

from .helpers import keys_handled, make_app, post_keys, ready, wait_main

# fixed seeds whose key sequences reach the forms and make edits (checked at the end of the test)
SEEDS = (2, 3)  # 3 found a crash: Discard asked from the partner form's Cancel button
PRESSES = 300
BURST = 20  # keys sent together, as a fast typist (or a paste) would, before the app may settle

# ctrl+q, ctrl+c (quit) and ctrl+s, ctrl+o, ctrl+p (file prompts, palette) are left out; the rest of the keys
# a user has, with the app's own keys and the keys that move and confirm weighted up
KEYS = (
    list(string.ascii_lowercase) + list(string.digits)
    + ["tab", "shift+tab", "enter", "escape", "space", "up", "down", "left", "right"] * 3
    + ["d", "a", "l", "c", "ctrl+z", "ctrl+y"] * 3
)


@pytest.mark.long
@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_crash(draft, tmp_path, monkeypatch, seed):
    monkeypatch.chdir(tmp_path)  # a path typed into a prompt (i imports a CSV) stays in the test's folder
    rng = random.Random(seed)
    keys = [rng.choice(KEYS) for _ in range(PRESSES)]
    on_disk = draft.read_bytes()
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        original = app.document.plan
        seen: set[str] = set()
        # Pilot.press lets the app go idle after every key (~0.1 s each here): the keys are posted to
        # the app in bursts instead, through the same key handling, and the app settles after each burst
        for start in range(0, PRESSES, BURST):
            post_keys(app, keys[start:start + BURST])
            await keys_handled(pilot)  # on a slow machine a burst is still being handled after one pause
            assert app.is_running, f"the app stopped after keys {keys[:start + BURST]}"
            seen.add(type(app.screen).__name__)
        assert app.return_code is None

        # close whatever is open (escape cancels every dialog; a changed form asks, and is discarded),
        # then check the main screen against the core
        for _ in range(12):
            if len(app.screen_stack) == 1:
                break
            screen = app.screen
            if isinstance(screen, Choice) and "discard" in [choice for choice, _ in screen.choices]:
                await pilot.click("#choice-discard")
            else:
                await pilot.press("escape")
            await keys_handled(pilot)
        await wait_main(pilot)
        await pilot.pause()
        assert app.board is not None
        doc = app.document
        assert [c.id for c in app.board.failures] == [c.id for c in evaluate(doc.plan, doc.rules).failures]
        assert app.query_one(PartnersTable).row_count == len(doc.plan.partners)
        edits = len(doc.undo_stack)

        # every edit the keys made can be undone, back to the file as it was opened
        # one key at a time, from the table: a redraw after an undo may move the focus into a field,
        # where ctrl+z undoes the field's own typing instead (on a slow machine the order of that varies)
        for _ in range(edits + 10):
            if not doc.undo_stack:
                break
            app.query_one(PartnersTable).focus()
            await pilot.press("ctrl+z")
        assert not doc.undo_stack, "every edit undone"
        assert doc.plan == original
        assert not doc.dirty
        assert draft.read_bytes() == on_disk  # no key here saves
        assert app.is_running
    # the keys did something: edits, dialogs (the run is fixed by the seed, so this is stable)
    assert edits > 0, keys
    # at least the partner form (and the edits above); which screen is on top at the end of a burst
    # depends on the run: seed 3's keys now spend most bursts in the import's prompt, which stays open
    # on a name it cannot find
    assert "PartnerForm" in seen, seen
