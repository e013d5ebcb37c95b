"""The second hostile corpus (tests/hostile_corpus_own.py) through the TUI, as a user meets it: a plan
opened beside a hostile recovery file, the app started with a hostile config or theme, a save-as onto
a special file, plans with hostile names; and a read-only plan file. Every case ends with the app
running (within the waits' few seconds), at most one message per file, nothing special replaced,
nothing written through a link, no control, bidi or invisible character drawn raw."""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from planner.errors import PlanError
from planner.tui.app import open_document
from planner.tui.screens.dialogs import Choice
from planner.tui.screens.folder import FolderScreen

from .helpers import make_app, post_keys, ready, replace_text, through_path_prompt, wait_for, wait_main, wait_screen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_corpus_own import (  # noqa: E402
    BY_NAME,
    VICTIM,
    VICTIM_TEXT,
    available,
    cases,
    kind_of,
    make,
    recovery_path,
)

# every case: the app answers within this many seconds of event-loop turns. A hang, not slowness: a case
# takes well under a second, but on a loaded machine 5 s passed before the folder view refused a plan
WAIT = 60.0
FORMAT_CHARACTERS = [chr(c) for c in (*range(0x200B, 0x2010), 0x2028, 0x2029, *range(0x202A, 0x202F),
                                      *range(0x2066, 0x206A), 0xFEFF)]


def ids(kind: str) -> list:
    return [pytest.param(case, id=case.name, marks=pytest.mark.skipif(not available(case), reason="not here"))
            for case in cases(kind)]


def question(screen: Choice) -> str:
    return str(screen.query_one(".question", Static).render())


def nothing_raw_drawn(app) -> None:
    drawn = app.export_screenshot()  # an SVG: no escape sequence of its own
    for char in ("\x1b", "\x07", *FORMAT_CHARACTERS):
        assert char not in drawn, repr(char)


async def answer_every_question_with_escape(pilot, questions: list[str]) -> None:
    """Until the main screen is on top: each question read, then escape (the safe answer)."""
    app = pilot.app
    for _ in range(6):
        await wait_for(pilot, lambda: isinstance(app.screen, Choice) or len(app.screen_stack) == 1,
                       "a question or the main screen", timeout=WAIT)
        if not isinstance(app.screen, Choice):
            return
        screen = app.screen
        questions.append(question(screen))
        nothing_raw_drawn(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen, "the question to close", timeout=WAIT)
    raise AssertionError(f"more questions than expected: {questions}")


# --- a hostile recovery file beside the plan ---------------------------------------------------------


@pytest.mark.parametrize("case", ids("recovery"))
async def test_a_plan_beside_a_hostile_recovery_file_opens_and_nothing_is_written_through_it(tmp_path, case):
    target = make(case, tmp_path)
    plan = tmp_path / "plan.toml"
    before = plan.read_bytes()
    link = os.readlink(target) if target.is_symlink() else None
    app, notes = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        questions: list[str] = []
        await answer_every_question_with_escape(pilot, questions)
        await ready(pilot)
        said = "\n".join(questions + [n.message for n in notes])
        if case.says:
            assert case.says in said, said
        assert "Traceback" not in said
        # an edit: our own recovery file is written (never through theirs), then the plan is saved
        post_keys(app, ["2", "down", "enter"])  # the lot pane: the next duration
        await wait_for(pilot, lambda: app.document.dirty, "an edit", timeout=WAIT)
        app.keeper.write()
        ours = app.keeper.path
        assert ours is not None and ours.exists() and not ours.is_symlink()
        assert stat.S_IMODE(ours.lstat().st_mode) == 0o600 and ours.lstat().st_uid == os.geteuid()
        if case.name != "recovery-fifo":
            assert ours != target or kind_of(target) == "regular"
        nothing_raw_drawn(app)
    assert (tmp_path / VICTIM).read_text(encoding="utf-8") == VICTIM_TEXT  # never written through a link
    assert plan.read_bytes() == before
    # nothing written but the plan's own files: the hostile one, and ours beside it (kept: unsaved edits)
    assert {p.name for p in tmp_path.iterdir()} <= {"plan.toml", VICTIM, target.name, ours.name}
    if link is not None:
        assert os.readlink(target) == link  # the link kept to look at (escape), not followed
    elif case.name == "recovery-fifo":
        assert kind_of(target) == "fifo"


@pytest.mark.skipif(not available(BY_NAME["recovery-foreign"]), reason="needs root to chown")
async def test_another_users_unsaved_plan_is_offered_as_theirs_and_enter_does_not_take_it(tmp_path):
    target = make(BY_NAME["recovery-foreign"], tmp_path)
    plan = tmp_path / "plan.toml"
    app, _ = make_app(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_screen(pilot, Choice)
        text = question(dialog)
        assert "belongs to the user 4242, not to you" in text and "(the file belongs to 4242)" in text
        await pilot.press("enter")  # the default is to open the saved file, not their changes
        await wait_main(pilot)
        await ready(pilot)
        assert "PLANTED" not in app.document.plan.acronym and not app.document.dirty
    assert target.exists() and target.lstat().st_uid == 4242  # theirs: kept


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to switch users")
def test_an_unreadable_recovery_file_still_says_who_holds_the_plan():
    """Mode 600 of another user: the holder is the file's owner, since its mtime; the rest is not known."""
    import shutil
    import tempfile
    tmp_path = Path(tempfile.mkdtemp())
    try:
        tmp_path.chmod(0o755)
        if not all(os.stat(p).st_mode & stat.S_IXOTH for p in tmp_path.parents):
            pytest.skip("the temporary folder is not reachable by another user here")
        _unreadable_holder(tmp_path)
    finally:
        shutil.rmtree(tmp_path)


def _unreadable_holder(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_bytes((Path(__file__).resolve().parents[2] / "samples" / "lot1-example.toml").read_bytes())
    path = recovery_path(tmp_path)
    path.write_text('format = 1\nuser = "someone"\nhost = "h"\npid = 1\n', encoding="utf-8")
    os.chmod(path, 0o600)
    import subprocess
    script = ("import sys; from pathlib import Path; from planner import recovery; "
              "h = recovery.read_holder(Path(sys.argv[1])); print(h.known, h.problem, h.who())")
    from test_saving import nobody_python  # this interpreter, or one `nobody` can reach (a mode-700 checkout)

    python, python_env = nobody_python()
    done = subprocess.run([*python, "-c", script, str(path)], capture_output=True, text=True, timeout=WAIT,
                          user=65534, group=65534, env={**os.environ, **python_env, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    known, problem, who = done.stdout.strip().split(" ", 2)
    assert (known, problem) == ("False", "None")
    assert who.startswith("root (a private recovery file: host and process not known, last written ")


# --- config.toml and themes ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ids("config") + ids("theme"))
async def test_a_hostile_config_or_theme_is_one_message_and_the_app_runs(xdg, draft, case):
    path = make(case, xdg)
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any(n.title == "Some settings were not loaded" for n in notes),
                       "the settings message", timeout=WAIT)
        said = [n for n in notes if str(path) in n.message]
        assert len(said) == 1 and case.says in said[0].message, [n.message for n in notes]
        post_keys(app, ["2", "down", "enter"])
        await wait_for(pilot, lambda: app.document.dirty, "the app to go on editing", timeout=WAIT)
    if case.name.endswith(("fifo", "dev-zero", "folder")):
        assert kind_of(path) in ("fifo", "link", "folder")


# --- save-as onto a special file ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ids("target"))
async def test_save_as_onto_a_special_file_says_why_and_leaves_it_as_it_was(lot1, tmp_path, case):
    target = make(case, tmp_path / "out")
    real = Path(os.path.realpath(target))
    before = kind_of(real)
    app, notes = make_app(lot1, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await through_path_prompt(pilot, "ctrl+s", target)
        await wait_for(pilot, lambda: any(n.title == "Not saved" for n in notes), "the refusal", timeout=WAIT)
        await wait_main(pilot)
        assert not isinstance(app.screen, Choice)  # no "Replace it?": a plan never replaces one
        assert app.document.path == lot1 and app.document.read_only
    assert kind_of(real) == before
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


# --- hostile names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ids("name"))
async def test_a_plan_with_a_hostile_name_opens_edits_saves_and_keeps_its_recovery_file(tmp_path, case):
    path = make(case, tmp_path)
    app, notes = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "\n" not in app.title and not any(char in app.title for char in FORMAT_CHARACTERS)
        app.title.encode("utf-8")  # no surrogate left: the terminal can draw it
        await wait_for(pilot, lambda: app.keeper.path is not None and app.keeper.path.exists(),
                       "the recovery file, whatever the name's length", timeout=WAIT)
        post_keys(app, ["2", "down", "enter"])
        await wait_for(pilot, lambda: app.document.dirty, "an edit", timeout=WAIT)
        post_keys(app, ["ctrl+s"])
        await wait_for(pilot, lambda: not app.document.dirty, "the save", timeout=WAIT)
        assert not [n for n in notes if n.severity == "error"], [n.message for n in notes]
        nothing_raw_drawn(app)
    assert open_document(path).plan.duration_months != 24  # what was saved loads again, with the edit


@pytest.mark.parametrize("case", [c for c in cases("plan") if not c.accepted], ids=lambda c: c.name)
async def test_ctrl_o_on_a_plan_with_bidi_in_a_name_keeps_the_current_plan(draft, tmp_path, case):
    path = make(case, tmp_path)
    with pytest.raises(PlanError, match=r"not allowed in names"):
        open_document(path)
    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        post_keys(app, ["ctrl+o", "ctrl+l"])  # the folder view, then its path field
        view = await wait_screen(pilot, FolderScreen)
        # ctrl+l waits its turn (KeyGate) until the view is settled: the field has the focus after the view is on top
        await wait_for(pilot, lambda: app.focused is view.query_one("#folder-path"), "the path field focused")
        await replace_text(pilot, str(path))
        post_keys(app, ["enter"])
        await wait_for(pilot, lambda: any(case.says in n.message for n in notes), "the refusal", timeout=WAIT)
        post_keys(app, ["escape"])
        await wait_main(pilot)
        assert app.document.path == draft
        nothing_raw_drawn(app)


async def test_bidi_in_an_acronym_is_drawn_as_a_code(tmp_path):
    path = make(BY_NAME["plan-bidi-title-and-notes"], tmp_path)
    app, _ = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert app.sub_title == "CIRCLE<U+2067>SME"  # the acronym, in the header
        nothing_raw_drawn(app)


# --- a read-only plan file ---------------------------------------------------------------------------------------


async def test_a_read_only_plan_opens_read_only_and_saving_asks_first(lot1):
    lot1.chmod(0o444)
    before = lot1.read_bytes()
    app, _ = make_app(lot1)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "[read-only]" in app.title
        post_keys(app, ["2", "down", "enter"])
        await wait_for(pilot, lambda: app.document.dirty, "an edit")
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, Choice)
        assert "read-only (mode 0444)" in question(dialog)
        await pilot.press("enter")  # the default: cancel
        await wait_main(pilot)
        assert lot1.read_bytes() == before and app.document.dirty
        await pilot.press("ctrl+s")
        await wait_screen(pilot, Choice)
        app.screen.query_one("#choice-save").press()
        await wait_for(pilot, lambda: not app.document.dirty, "the save, once asked for")
        assert lot1.read_bytes() != before and stat.S_IMODE(lot1.stat().st_mode) == 0o444
        assert "[read-only]" in app.title  # still read-only on disk


@pytest.mark.long
async def test_an_import_that_would_make_the_plan_too_large_to_load_is_refused_with_the_reason(draft, tmp_path):
    from planner.tui.screens.importing import ImportScreen

    from .helpers import ask_to_import

    notes = "n" * 9000
    for batch in "AB":  # two imports of 600 rows with long notes: each file loads, the two together would not
        (tmp_path / f"{batch}.csv").write_text("name,short name,country,kind,role,notes\n" + "".join(
            f"Partner {batch}{i},{batch}{i},DE,enterprise,beneficiary,{notes}\n" for i in range(600)),
            encoding="utf-8")
    app, notes_shown = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await ask_to_import(pilot, tmp_path / "A.csv")
        await wait_screen(pilot, ImportScreen)
        await pilot.press("enter")  # add the first 600 rows
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) > 600, "the first import", timeout=30)
        plan = app.document.plan
        await ask_to_import(pilot, tmp_path / "B.csv")
        await wait_screen(pilot, ImportScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("MiB" in n.message for n in notes_shown), "the refusal", timeout=30)
        said = next(n.message for n in notes_shown if "MiB" in n.message)
        # sizes said as reading says them: to the byte, the limit in MiB and bytes
        assert re.search(r"would be 1\d,\d{3},\d{3} bytes, and the planner reads plan files of up to 10 MiB "
                         r"\(10,485,760 bytes\)", said), said
        assert app.document.plan is plan  # the plan as it was after the first import


async def test_editing_the_details_of_a_plan_with_bidi_in_its_title_keeps_the_title_as_it_was(tmp_path):
    """Shown as <U+202E> where it is read; kept as the character where it is edited, so that changing
    another field does not rewrite the title as text."""
    from textual.widgets import Input

    from planner.tui.screens.plan_details import PlanDetails

    path = make(BY_NAME["plan-bidi-title-and-notes"], tmp_path)
    app, _ = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        title, notes = app.document.plan.title, app.document.plan.notes
        await pilot.press("t")
        details = await wait_screen(pilot, PlanDetails)
        await pilot.press("tab")
        await replace_text(pilot, "OTHER")  # the acronym
        await wait_for(pilot, lambda: details.query_one("#acronym", Input).value == "OTHER", "the acronym typed")
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        assert app.document.plan.acronym == "OTHER"
        assert (app.document.plan.title, app.document.plan.notes) == (title, notes)
        assert "\u202e" in title
