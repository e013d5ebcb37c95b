"""Recovery files (planner/recovery.py): layout, who holds a plan, live or stale, what differs; `check` ignores them."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from planner import recovery
from planner.files import this_host
from planner.storage import load_plan, save_plan
from support import SAMPLES, make_plan, partner

SINCE = datetime(2026, 11, 27, 14, 2, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def state(tmp_path_factory, monkeypatch) -> Path:
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder / "planner"


def test_a_holder_file_round_trips_with_the_unsaved_plan(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.toml"
    save_plan(make_plan(), plan_path)
    unsaved = make_plan(title='Edited "title" with \'\'\' and """ in it')
    path = recovery.beside(plan_path)
    assert path == tmp_path / ".plan.toml.planner"
    recovery.write_holder(path, plan_path, SINCE, unsaved)
    holder = recovery.read_holder(path)
    assert holder is not None and holder.problem is None
    assert (holder.file, holder.host, holder.pid, holder.since) == (str(plan_path), this_host(), os.getpid(), SINCE)
    assert holder.mine and holder.alive()
    assert recovery.recovered_plan(holder) == unsaved
    assert path.read_text(encoding="utf-8").startswith("# planner recovery file for plan.toml")

    recovery.write_holder(path, plan_path, SINCE, None)  # after a save: only who holds it
    assert recovery.read_holder(path).unsaved is None
    assert sorted(p.name for p in tmp_path.iterdir()) == [".plan.toml.planner", "plan.toml"]


def test_the_recovery_file_is_private_to_its_user_whatever_the_plans_mode(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.toml"
    save_plan(make_plan(), plan_path)
    plan_path.chmod(0o666)
    old_umask = os.umask(0)  # a lax umask must not widen it either: it holds the unsaved plan
    try:
        recovery.write_holder(recovery.beside(plan_path), plan_path, SINCE, make_plan(title="x"))
    finally:
        os.umask(old_umask)
    info = recovery.beside(plan_path).lstat()
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.geteuid()


def test_a_symlink_where_the_recovery_file_goes_is_replaced_never_followed(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.toml"
    save_plan(make_plan(), plan_path)
    victim = tmp_path / "elsewhere" / "chosen-by-someone-else"
    victim.parent.mkdir()
    victim.write_text("theirs\n", encoding="utf-8")
    rec = recovery.beside(plan_path)
    rec.symlink_to(victim)
    found = recovery.read_holder(rec)
    assert found is not None and "symbolic link" in found.problem and not found.alive()
    recovery.write_holder(rec, plan_path, SINCE, make_plan(title="The unsaved plan"))
    assert victim.read_text(encoding="utf-8") == "theirs\n"  # its target is untouched
    assert not rec.is_symlink() and recovery.read_holder(rec).unsaved is not None


@pytest.mark.parametrize("line, word", [("pid = 4294967296", "pid"), ("pid = -1", "pid"), ("pid = true", "pid"),
                                         ('user = "' + "x" * 400 + '"', "user")])
def test_values_out_of_bounds_make_a_recovery_file_unreadable_not_a_crash(tmp_path: Path, line, word) -> None:
    fields = {"user": 'user = "alice"', "host": 'host = "h"', "pid": "pid = 12"}
    fields[line.split(" ")[0]] = line
    path = tmp_path / ".p.toml.planner"
    path.write_text("format = 1\n" + "\n".join(fields.values()) + "\n", encoding="utf-8")
    found = recovery.read_holder(path)
    assert found.problem is not None and word in found.problem
    assert not found.alive()


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+23:59",
                                    '"yesterday"'])
def test_a_since_in_year_1_or_9999_is_taken_as_unknown(tmp_path: Path, moment) -> None:
    path = tmp_path / ".p.toml.planner"
    path.write_text(f'format = 1\nuser = "alice"\nhost = "h"\npid = 12\nsince = {moment}\nupdated = {moment}\n',
                    encoding="utf-8")
    found = recovery.read_holder(path)
    assert found.problem is None and found.since is None and found.updated is None
    assert found.who() == "alice on h, process 12"
    assert not found.alive()  # another host, no sign of life


def test_a_symlinked_plan_has_its_recovery_file_beside_the_real_file(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "plan.toml"
    real.parent.mkdir()
    save_plan(make_plan(), real)
    (tmp_path / "mine.toml").symlink_to(real)
    assert recovery.beside(tmp_path / "mine.toml") == real.parent / ".plan.toml.planner"


def holder(path: Path, host: str, pid: int, updated: datetime, **kw) -> recovery.Holder:
    return recovery.Holder(path, user="alice", host=host, pid=pid, since=updated, updated=updated, **kw)


def test_live_and_stale_holders(tmp_path: Path) -> None:
    now = datetime.now(timezone.utc)
    sleeper = subprocess.Popen(["sleep", "30"])
    gone = subprocess.Popen(["true"])
    gone.wait()
    try:
        assert holder(tmp_path, this_host(), sleeper.pid, now - timedelta(days=9)).alive()  # here: the process
        assert not holder(tmp_path, this_host(), gone.pid, now).alive()
        assert holder(tmp_path, "elsewhere", 1, now - timedelta(hours=23)).alive(now)  # elsewhere: its age
        assert not holder(tmp_path, "elsewhere", 1, now - timedelta(hours=25)).alive(now)
        assert not recovery.Holder(tmp_path, problem="cannot be read").alive()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_who_says_user_host_process_and_since(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    import time
    time.tzset()
    try:
        today = datetime.now(timezone.utc).replace(hour=14, minute=2, second=0, microsecond=0)
        h = holder(Path("x"), "server", 1234, today)
        assert h.who() == "alice on server, process 1234, since 14:02"
        assert holder(Path("x"), "server", 1234, SINCE.replace(year=2020)).who() == \
            "alice on server, process 1234, since 2020-11-27 14:02"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_unreadable_recovery_files_say_so(tmp_path: Path) -> None:
    (tmp_path / "a.planner").write_bytes(b"\xff not text")
    (tmp_path / "b.planner").write_text('user = "x"\n', encoding="utf-8")
    assert "cannot be read" in recovery.read_holder(tmp_path / "a.planner").problem
    assert "not a planner recovery file" in recovery.read_holder(tmp_path / "b.planner").problem
    assert recovery.read_holder(tmp_path / "none.planner") is None


def test_holder_files_and_free_slots(tmp_path: Path, state: Path) -> None:
    plan_path = tmp_path / "plan.toml"
    save_plan(make_plan(), plan_path)
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        other = recovery.beside(plan_path)
        other.write_text(f'format = 1\nuser = "alice"\nhost = "{this_host()}"\npid = {sleeper.pid}\n',
                         encoding="utf-8")
        (tmp_path / ".other.toml.planner").write_text("", encoding="utf-8")  # another plan's
        assert recovery.free_slot(plan_path) == tmp_path / ".plan.toml.1.planner"
        recovery.write_holder(tmp_path / ".plan.toml.1.planner", plan_path, SINCE, None)
        assert recovery.holder_files(plan_path) == [other, tmp_path / ".plan.toml.1.planner"]
        assert recovery.free_slot(plan_path) == tmp_path / ".plan.toml.1.planner"  # ours already
    finally:
        sleeper.kill()
        sleeper.wait()
    assert recovery.free_slot(None).parent == state
    assert recovery.free_slot(None).name == f"new-{this_host()}-{os.getpid()}.planner"


def test_differences_name_keys_and_partners() -> None:
    saved = make_plan(partners=[partner("A"), partner("B"), partner("C")])
    edited = saved.model_copy(update={
        "title": "New title", "requested_grant_eur": 1000,
        "partners": (saved.partners[0], saved.partners[1].model_copy(update={"country": "FR"}), partner("D"))})
    assert recovery.differences(saved, edited) == [
        "title changed", "requested_grant_eur added",
        "partners added: D", "partners removed: C", "partners changed: B"]
    assert recovery.differences(None, edited) == ["a new plan: New title, 3 partner(s)"]


def test_check_never_reads_recovery_files(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.toml"
    shutil.copyfile(SAMPLES / "lot1-example.toml", plan_path)
    (tmp_path / ".plan.toml.planner").write_bytes(b"\xff\xfe broken [[[")
    os.chmod(tmp_path / ".plan.toml.planner", 0)  # not even readable (for anyone but root)
    before = load_plan(plan_path)
    result = subprocess.run([sys.executable, "-m", "planner", "check", str(plan_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "ELIGIBLE" in result.stdout and ".planner" not in result.stdout + result.stderr
    assert load_plan(plan_path) == before


def test_unsaved_edits_reach_the_disk_before_the_rename_and_a_holder_alone_does_not_wait(tmp_path: Path,
                                                                                        monkeypatch) -> None:
    """An unsaved plan is synced (a crash of the machine leaves the old file or the new one); who holds
    the plan is not worth the wait: a sync on a shared server's network disk takes tens of ms, at
    every start."""
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    plan_path = tmp_path / "plan.toml"
    path = recovery.beside(plan_path)
    recovery.write_holder(path, plan_path, SINCE, None)
    assert synced == [] and recovery.read_holder(path).unsaved is None
    recovery.write_holder(path, plan_path, SINCE, make_plan(title="edited"))
    assert len(synced) == 1 and recovery.read_holder(path).unsaved is not None


def test_a_partner_form_s_draft_round_trips_and_a_bad_one_is_left_out_not_the_plan(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.toml"
    save_plan(make_plan(), plan_path)
    unsaved = make_plan(title="Edited")
    path = recovery.beside(plan_path)
    draft = recovery.Draft(None, {"name": "Oulu '''UAS''' \"x\"", "country": "fin", "notes": "a\nb"})
    recovery.write_holder(path, plan_path, SINCE, unsaved, draft=draft)
    holder = recovery.read_holder(path)
    assert holder.draft == draft and recovery.recovered_plan(holder) == unsaved
    text = path.read_text(encoding="utf-8")
    for bad in ('form = "budget"', "index = -2", 'index = "1"'):  # not what a planner writes: no draft
        key = bad.split(" = ")[0]
        broken = "\n".join(bad if line.startswith(f"{key} = ") else line for line in text.splitlines()) + "\n"
        path.write_text(broken, encoding="utf-8")
        holder = recovery.read_holder(path)
        assert holder.problem is None and holder.draft is None and recovery.recovered_plan(holder) == unsaved
    path.write_text(text.replace("fin", "f" * (recovery.MAX_DRAFT_TEXT + 1)), encoding="utf-8")
    assert recovery.read_holder(path).draft.fields.keys() == {"name", "notes"}  # the field too long left out
