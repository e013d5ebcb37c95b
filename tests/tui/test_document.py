"""The Document (the open plan: file, saved state, undo history), without a terminal."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.document import HISTORY, Document, Refused
from planner.errors import PlanError
from planner.model import new_plan
from planner.rules import available_calls, latest_call, load_call
from planner.storage import dump_plan, load_plan
from planner.tui.app import open_document

from .helpers import SAMPLES, freeze_clock

RULES = load_call("2024")


def titled(n: int):
    return new_plan(latest_call(), title=f"Plan {n}")


def fresh(path: Path | None = None) -> Document:
    plan = titled(0)
    return Document(plan, RULES, path, plan)


# --- opening -----------------------------------------------------------------------------------


def test_open_an_existing_file(draft):
    doc = open_document(draft)
    assert doc.plan == load_plan(draft)
    assert doc.path == draft and doc.name == "draft.toml"
    assert doc.rules.id == "2024"
    assert not doc.dirty and not doc.read_only
    assert doc.undo_stack == [] and doc.redo_stack == []
    assert doc.fingerprint is not None
    assert not doc.changed_on_disk()


def test_open_read_only_keeps_the_flag(draft):
    doc = open_document(draft, read_only=True)
    assert doc.read_only and not doc.dirty


def test_open_a_path_that_does_not_exist_yet_is_a_new_plan(tmp_path, monkeypatch):
    freeze_clock(monkeypatch, datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc))
    path = tmp_path / "new.toml"
    doc = open_document(path)
    assert doc.path == path and doc.name == "new.toml"
    # a new plan is for the call being written (in December 2026 the expected 2027), named in the plan
    assert doc.plan == new_plan(available_calls()[-1])
    assert doc.plan.call == "2027" and doc.rules.id == "2027"
    assert not doc.dirty
    assert not path.exists()  # nothing written until saved


def test_open_nothing_is_a_new_unnamed_plan(monkeypatch):
    freeze_clock(monkeypatch, datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc))  # 2026 open then
    doc = open_document(None)
    assert doc.path is None and doc.name == "new plan"
    assert doc.plan.call == "2026"
    assert not doc.changed_on_disk()


def test_a_new_plan_with_an_explicit_call_is_for_that_call():
    doc = open_document(None, load_call("2025"))
    assert doc.plan.call == "2025" and doc.rules.id == "2025"


def test_open_in_a_missing_folder_or_a_broken_file_raises_plan_error(tmp_path):
    with pytest.raises(PlanError, match="does not exist"):
        open_document(tmp_path / "nowhere" / "plan.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 1\ntitle = \n", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        open_document(broken)
    assert str(broken) in str(caught.value) and "line 2" in str(caught.value)


# --- edit, undo, redo, dirty --------------------------------------------------------------------


def test_edit_undo_redo_and_dirty():
    doc = fresh()
    original = doc.plan
    assert doc.edit(titled(1))
    assert doc.dirty and doc.plan == titled(1)
    assert doc.edit(titled(2))
    assert doc.undo() and doc.plan == titled(1)
    assert doc.undo() and doc.plan == original
    assert not doc.dirty  # back where it was saved
    assert not doc.undo()  # nothing left
    assert doc.plan == original
    assert doc.redo() and doc.plan == titled(1)
    assert doc.redo() and doc.plan == titled(2)
    assert not doc.redo()
    assert doc.dirty


def test_an_edit_that_changes_nothing_is_not_recorded():
    doc = fresh()
    assert not doc.edit(titled(0))  # equal, even if another object
    assert doc.undo_stack == [] and not doc.dirty


def test_a_new_edit_clears_redo():
    doc = fresh()
    doc.edit(titled(1))
    doc.undo()
    assert doc.redo_stack
    doc.edit(titled(2))
    assert doc.redo_stack == []
    assert not doc.redo()


def test_dirty_is_a_comparison_with_the_saved_plan():
    doc = fresh()
    doc.edit(titled(1))
    doc.edit(titled(0))  # changed back by hand, not by undo
    assert not doc.dirty


def test_history_is_capped():
    doc = fresh()
    for n in range(1, HISTORY + 51):
        doc.edit(titled(n))
    assert len(doc.undo_stack) == HISTORY
    for _ in range(HISTORY):
        assert doc.undo()
    assert doc.plan == titled(50)  # the oldest kept
    assert not doc.undo()


OPS = st.lists(st.one_of(st.tuples(st.just("edit"), st.integers(0, 5)), st.just(("undo",)), st.just(("redo",))),
               max_size=60)


@settings(max_examples=150, deadline=None)
@given(OPS)
def test_undo_redo_behave_like_a_simple_history(ops):
    """Against a model: a list of states and a position in it."""
    doc = fresh()
    states, at = [titled(0)], 0
    for op in ops:
        if op[0] == "edit":
            plan = titled(op[1])
            changed = doc.edit(plan)
            assert changed == (plan != states[at])
            if changed:
                states, at = states[:at + 1] + [plan], at + 1
        elif op[0] == "undo":
            assert doc.undo() == (at > 0)
            at = max(at - 1, 0)
        else:
            assert doc.redo() == (at < len(states) - 1)
            at = min(at + 1, len(states) - 1)
        assert doc.plan == states[at]
        assert doc.dirty == (states[at] != titled(0))
        assert len(doc.undo_stack) == at
        assert len(doc.redo_stack) == len(states) - 1 - at


# --- save and changes on disk -------------------------------------------------------------------


def test_save_writes_and_marks_clean(draft):
    doc = open_document(draft)
    doc.edit(doc.plan.model_copy(update={"title": "Renamed"}))
    assert doc.dirty
    doc.save()
    assert not doc.dirty
    assert load_plan(draft) == doc.plan
    assert draft.read_text(encoding="utf-8") == dump_plan(doc.plan)
    assert not doc.changed_on_disk()
    # undo after a save makes it dirty again
    assert doc.undo() and doc.dirty


def test_save_as_moves_the_document_and_drops_read_only(draft, tmp_path):
    doc = open_document(draft, read_only=True)
    before = draft.read_bytes()
    target = tmp_path / "copy.toml"
    doc.save(target)
    assert doc.path == target and not doc.read_only and not doc.dirty
    assert load_plan(target) == doc.plan
    assert draft.read_bytes() == before


def test_a_failed_save_changes_nothing(draft, tmp_path):
    doc = open_document(draft)
    doc.edit(doc.plan.model_copy(update={"title": "Renamed"}))
    fingerprint = doc.fingerprint
    with pytest.raises(PlanError, match="does not exist"):
        doc.save(tmp_path / "missing" / "plan.toml")
    assert doc.path == draft and doc.dirty and doc.fingerprint == fingerprint


def test_changed_on_disk_follows_the_content(draft):
    doc = open_document(draft)
    original = draft.read_bytes()
    # the same bytes written again (a touch, an editor's save without changes): not a change
    draft.write_bytes(original)
    os.utime(draft, ns=(1, 1))
    assert not doc.changed_on_disk()
    draft.write_bytes(original + b"# someone\n")
    assert doc.changed_on_disk()
    draft.write_bytes(original)
    assert not doc.changed_on_disk()
    draft.write_bytes(original.replace(b"AGRI-DATA", b"OTHER"))
    assert doc.changed_on_disk()
    doc.save()  # we wrote it: ours again
    assert not doc.changed_on_disk()
    draft.unlink()  # gone: nothing to overwrite, the save will recreate it
    assert not doc.changed_on_disk()


def test_a_file_created_by_someone_else_after_opening_a_new_path_counts_as_changed(tmp_path):
    path = tmp_path / "new.toml"
    doc = open_document(path)
    shutil.copyfile(SAMPLES / "lot1-example.toml", path)
    assert doc.changed_on_disk()


# --- the TUI never holds or saves what the loader refuses ------------------------------------

import tempfile  # noqa: E402

from planner import editing  # noqa: E402
from planner.model import ROLES, Partner, Profile  # noqa: E402

# any character a user may type or a CSV may hold: brackets, quotes, backslashes, controls, accents
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
AMOUNT = st.none() | st.integers(-10**12, 10**12) | st.integers(-10, 10)
COUNTRIES = sorted(RULES.country_names) + ["xx", "ZZ", "de"]
KINDS = [k.id for k in RULES.kinds] + ["alien"]


PARTNER = st.builds(
    lambda **f: Partner.model_construct(**{k: v for k, v in f.items() if v is not None}),
    name=TEXT, short_name=st.none() | TEXT, country=st.sampled_from(COUNTRIES), kind=st.sampled_from(KINDS),
    role=st.sampled_from([*ROLES, "boss"]), pic=st.none() | st.text("0123456789", min_size=8, max_size=10),
    grant_eur=AMOUNT, affiliated_to=st.none() | TEXT, notes=st.none() | TEXT,
)
EDITS = st.one_of(
    st.tuples(st.just("grant"), AMOUNT),
    st.tuples(st.just("share"), st.integers(0, 50), AMOUNT),
    st.tuples(st.just("score"), st.sampled_from([c.id for c in RULES.award]), st.none() | st.integers(-5, 200)),
    st.tuples(st.just("lot"), st.sampled_from([lot.number for lot in RULES.lots] + [99]),
              st.sampled_from([None, 0, -1, 12, 24, 36, 48])),
    st.tuples(st.just("ecosystems"), st.lists(st.sampled_from([e.id for e in RULES.ecosystems] + ["nope", ""]),
                                              max_size=3)),
    st.tuples(st.just("add"), PARTNER),
    st.tuples(st.just("replace"), st.integers(0, 50), PARTNER),
    st.tuples(st.just("remove"), st.integers(0, 50)),
    st.tuples(st.just("profile"), TEXT, st.integers(-1, 10)),
    st.tuples(st.just("activity"), st.sampled_from([a.id for a in RULES.activities])),
    st.tuples(st.just("undo")), st.tuples(st.just("redo")),
)


def apply_edit(doc: Document, edit: tuple) -> None:
    plan, kind, args = doc.plan, edit[0], edit[1:]
    n = len(plan.partners)
    if kind == "undo":
        doc.undo()
        return
    if kind == "redo":
        doc.redo()
        return
    if kind in ("share", "replace", "remove") and not n:
        return
    new = {
        "grant": lambda: editing.set_requested_grant(plan, args[0]),
        "share": lambda: editing.set_share(plan, args[0] % max(n, 1), args[1]),
        "score": lambda: editing.set_score(plan, args[0], args[1]),
        "lot": lambda: editing.set_lot(plan, RULES, args[0], args[1]) if RULES.has_lot(args[0])
        else plan.model_copy(update={"lot": args[0]}),
        "ecosystems": lambda: editing.set_ecosystems(plan, args[0]),
        "add": lambda: editing.add_partner(plan, args[0]),
        "replace": lambda: editing.replace_partner(plan, args[0] % max(n, 1), args[1]),
        "remove": lambda: editing.remove_partner(plan, args[0] % max(n, 1)),
        "profile": lambda: editing.set_profiles(plan, (*plan.profiles, Profile.model_construct(
            title=args[0], eqf=args[1]))),
        "activity": lambda: editing.toggle_activity(plan, args[0]),
    }[kind]()
    try:
        doc.edit(new)
    except Refused as exc:
        assert str(exc)  # says why
        assert doc.plan is plan  # and keeps the last good plan


@settings(max_examples=60, deadline=None)
@given(start=st.sampled_from(["lot1-example", "lot2-draft", None]), edits=st.lists(EDITS, max_size=25))
def test_any_edits_through_the_document_save_and_load_back_the_same_plan(start, edits):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        if start:
            shutil.copyfile(SAMPLES / f"{start}.toml", path)
            doc = open_document(path)
        else:
            doc = fresh(path)
        for edit in edits:
            apply_edit(doc, edit)
        doc.save()
        assert load_plan(path) == doc.plan
        assert not doc.dirty


def test_an_edit_trusts_untouched_partners_only_under_the_rules_they_passed():
    """An edit skips the rules' checks for the partners it keeps (speed with big plans), but only
    while the rules are the ones they passed: after the call changes, every partner is checked."""
    from planner import editing

    doc = open_document(SAMPLES / "lot2-example.toml")
    doc.edit(editing.set_requested_grant(doc.plan, 1_000_000))  # now the partners passed doc.rules
    kind = doc.plan.partners[0].kind
    other = doc.rules.model_copy(deep=True)  # the same call without the first partner's kind
    other.__pydantic_private__["_kinds"] = {k: v for k, v in other.__pydantic_private__["_kinds"].items()
                                            if k != kind}
    doc.edit(editing.set_requested_grant(doc.plan, 1_000_001))  # same rules: fine, and fast
    doc.rules = other
    with pytest.raises(Refused) as refused:
        doc.edit(editing.set_requested_grant(doc.plan, 1_000_002))
    assert f"partners[0].kind: unknown kind {kind!r}" in str(refused.value)
    # an undo brings back a plan that did not pass `other` either
    doc.rules = load_call(doc.plan.call)
    doc.undo()
    doc.rules = other
    with pytest.raises(Refused):
        doc.edit(editing.set_requested_grant(doc.plan, 1_000_003))
