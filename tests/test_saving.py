"""Saving in shared folders: through symlinks, keeping mode, owner and group, read-only folders, killed saves.

Tests run as root here, and root ignores permissions; so every case where permissions matter runs the
save in a subprocess as `nobody` (subprocess's user=/group=/extra_groups=, which needs root), in a
folder under /tmp that `nobody` can reach. Without root those cases are skipped, saying why.

`nobody` may not reach this interpreter or the planner's source either (a checkout inside a folder only
root can enter, as `mktemp -d` makes): then the save runs on an interpreter it can reach, with a copy of
the planner and the packages it requires (by its declared dependencies) in a folder under /tmp
(`nobody_python`).
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from planner.errors import PlanError
from planner.files import _HOST, STALE_TEMP, remove_stale_temp_files
from planner.storage import load_plan, save_plan
from support import make_plan

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and symlinks")

SHARED_GROUP = 4242  # a group number no account uses; numeric ids need no /etc/group entry

SAVE = """
import sys
from planner.errors import PlanError
from planner.model import new_plan
from planner.rules import latest_call
from planner.storage import save_plan
try:
    save_plan(new_plan(latest_call(), title=sys.argv[2]), sys.argv[1])
except PlanError as exc:
    print(exc)
    sys.exit(2)
"""


def nobody() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no 'nobody' account to save as an unprivileged user")
    if os.geteuid() != 0:
        pytest.skip("only root can start a process as another user; these tests need it")
    return entry.pw_uid, entry.pw_gid


# what the save imports (each of these imports more only when it needs it: tomli_w when a plan is
# written); whether `nobody` can run the planner is checked with the save itself
SAVE_IMPORTS = "import planner.errors, planner.model, planner.storage, planner.recovery"


def runtime_distributions(name: str = "planner") -> list[metadata.Distribution]:
    """`name`'s distribution and every one it requires, by their declared dependencies (not by what an
    import happens to load), without extras: what an install of the planner puts beside it."""
    found: dict[str, metadata.Distribution] = {}
    wanted = [name]
    while wanted:
        dist = metadata.distribution(wanted.pop())
        key = canonicalize_name(dist.metadata["Name"])
        if key in found:
            continue
        found[key] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
    return list(found.values())


def copy_distributions(folder: Path) -> None:
    """The planner's source and the installed files of every distribution it requires, into `folder`."""
    import planner

    shutil.copytree(Path(planner.__file__).parent, folder / "planner", ignore=shutil.ignore_patterns("__pycache__"))
    for dist in runtime_distributions():
        if canonicalize_name(dist.metadata["Name"]) == "planner":
            continue  # installed editable: its files point at the source, copied above
        for file in dist.files or []:
            if file.parts[0] == ".." or "__pycache__" in file.parts:
                continue  # scripts in bin/, compiled bytecode
            target = folder / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(str(dist.locate_file(file))), target)


_nobody_python: tuple[list[str], dict[str, str]] | None = None


def _runs_as_nobody(command: list[str], env: dict[str, str] | None = None) -> bool:
    uid, gid = nobody()
    try:
        return subprocess.run(command, user=uid, group=gid, cwd="/", capture_output=True, timeout=60,
                              env={**os.environ, **(env or {})}).returncode == 0
    except OSError:  # PermissionError: the interpreter itself is out of reach
        return False


def nobody_python() -> tuple[list[str], dict[str, str]]:
    """The command that starts Python as `nobody` with the planner importable, and the environment it needs.

    This interpreter when `nobody` can run it and read the planner; else the first interpreter `nobody` can
    run (3.11 or newer), with the planner and the packages it requires copied to a folder under /tmp (once per
    test process, removed at its exit)."""
    global _nobody_python
    if _nobody_python is not None:
        return _nobody_python
    if _runs_as_nobody([sys.executable, "-c", SAVE_IMPORTS]):
        _nobody_python = ([sys.executable], {})
        return _nobody_python
    base = getattr(sys, "_base_executable", sys.executable)
    candidates = [os.path.realpath(base), shutil.which("python3"), "/usr/bin/python3", "/usr/local/bin/python3"]
    version_check = "import sys; sys.exit(sys.version_info < (3, 11))"
    python = next((c for c in candidates if c and _runs_as_nobody([c, "-c", version_check])), None)
    if python is None:
        pytest.skip("no Python 3.11+ that the user 'nobody' can run (this one is in a folder it cannot enter)")
    folder = Path(tempfile.mkdtemp(prefix="planner-nobody-python-", dir="/tmp"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    copy_distributions(folder)
    for place in [folder, *folder.rglob("*")]:
        place.chmod(0o755 if place.is_dir() else 0o644)
    env = {"PYTHONPATH": str(folder), "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if not _runs_as_nobody([python, "-c", SAVE_IMPORTS], env):
        pytest.skip(f"{python} cannot load the planner as 'nobody', even from a copy in {folder}")
    _nobody_python = ([python], env)
    return _nobody_python


def save_as_nobody(path: Path, title: str, groups: tuple[int, ...] = (),
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    uid, gid = nobody()
    python, python_env = nobody_python()
    # the test's own XDG folders are root's: only those the test passes are for `nobody`
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    return subprocess.run([*python, "-c", SAVE, str(path), title], user=uid, group=gid, cwd="/",
                          extra_groups=list(groups), capture_output=True, text=True, timeout=60,
                          env={**inherited, **python_env, **(env or {}), "HOME": "/nonexistent"})


@pytest.fixture
def shared(tmp_path: Path):
    """A folder under /tmp that every user can reach (pytest's tmp_path is root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="planner-shared-", dir="/tmp"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def title_of(path: Path) -> str:
    return load_plan(path).title


# --- symlinks ---------------------------------------------------------------------------------


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "projects" / "plan.toml"
    real.parent.mkdir()
    save_plan(make_plan(title="Before"), real)
    links = tmp_path / "desk"
    links.mkdir()
    (links / "hop.toml").symlink_to("../projects/plan.toml")  # relative, and a link to a link
    (links / "plan.toml").symlink_to(links / "hop.toml")
    save_plan(make_plan(title="After"), links / "plan.toml")
    assert (links / "plan.toml").is_symlink() and (links / "hop.toml").is_symlink()
    assert title_of(real) == "After"
    assert sorted(p.name for p in links.iterdir()) == ["hop.toml", "plan.toml"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["plan.toml"]  # the temp file went there, and away


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    (tmp_path / "plan.toml").symlink_to("real.toml")
    save_plan(make_plan(title="New"), tmp_path / "plan.toml")
    assert (tmp_path / "plan.toml").is_symlink() and title_of(tmp_path / "real.toml") == "New"


# --- owner, group, mode -----------------------------------------------------------------------


def test_root_keeps_a_colleagues_owner_group_and_mode(shared: Path) -> None:
    uid, gid = nobody()
    plan = shared / "plan.toml"
    save_plan(make_plan(title="Theirs"), plan)
    os.chown(plan, uid, SHARED_GROUP)
    plan.chmod(0o640)
    save_plan(make_plan(title="Mine"), plan)
    info = plan.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (uid, SHARED_GROUP, 0o640)
    assert title_of(plan) == "Mine"


def test_a_group_member_saving_a_colleagues_plan_keeps_its_group_and_mode(shared: Path) -> None:
    uid, gid = nobody()
    folder = shared / "consortium"
    folder.mkdir()
    os.chown(folder, 0, SHARED_GROUP)
    folder.chmod(0o775)  # group-writable, no setgid bit: keeping the group is the planner's doing
    plan = folder / "plan.toml"
    save_plan(make_plan(title="Alice's"), plan)
    os.chown(plan, 1, SHARED_GROUP)  # another user's file, in the shared group
    plan.chmod(0o664)
    result = save_as_nobody(plan, "Bob's", groups=(SHARED_GROUP,))
    assert result.returncode == 0, result.stdout + result.stderr
    info = plan.stat()
    assert (info.st_gid, stat.S_IMODE(info.st_mode)) == (SHARED_GROUP, 0o664)
    assert info.st_uid == uid  # the owner cannot be given away by an ordinary user: the saver's now
    assert title_of(plan) == "Bob's"
    assert sorted(p.name for p in folder.iterdir()) == ["plan.toml"]


def test_not_in_the_files_group_the_save_still_works_and_says_nothing(shared: Path) -> None:
    uid, gid = nobody()
    folder = shared / "open"
    folder.mkdir()
    folder.chmod(0o777)
    plan = folder / "plan.toml"
    save_plan(make_plan(title="Alice's"), plan)
    os.chown(plan, 1, SHARED_GROUP)
    plan.chmod(0o666)
    result = save_as_nobody(plan, "Bob's")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    info = plan.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (uid, gid, 0o666)
    assert title_of(plan) == "Bob's"


# --- a folder that refuses new files --------------------------------------------------------------


def locked_folder_with_writable_plan(shared: Path) -> Path:
    uid, gid = nobody()
    folder = shared / "locked"
    folder.mkdir()
    folder.chmod(0o755)  # root's: nobody may not create files here
    plan = folder / "plan.toml"
    save_plan(make_plan(title="Before"), plan)
    os.chown(plan, uid, gid)
    plan.chmod(0o644)
    return plan


def state_home(shared: Path) -> Path:
    uid, gid = nobody()
    state = shared / "state"
    state.mkdir()
    os.chown(state, uid, gid)
    return state


def test_a_writable_file_in_a_locked_folder_is_written_in_place_after_a_backup(shared: Path) -> None:
    plan = locked_folder_with_writable_plan(shared)
    state = state_home(shared)
    inode = plan.stat().st_ino
    result = save_as_nobody(plan, "After", env={"XDG_STATE_HOME": str(state)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert title_of(plan) == "After"
    assert plan.stat().st_ino == inode  # the same file, overwritten
    assert sorted(p.name for p in plan.parent.iterdir()) == ["plan.toml"]
    assert list((state / "planner" / "backups").iterdir()) == []  # the copy is dropped once the save worked


def test_no_backup_possible_means_no_write_and_says_why(shared: Path) -> None:
    plan = locked_folder_with_writable_plan(shared)
    before = plan.read_bytes()
    result = save_as_nobody(plan, "After", env={"XDG_STATE_HOME": str(shared / "locked" / "state")})
    assert result.returncode == 2
    assert f"no permission to write in folder {plan.parent}, and no backup copy could be made in" in result.stdout
    assert "nothing was changed" in result.stdout
    assert plan.read_bytes() == before


def test_a_read_only_file_in_a_locked_folder_is_refused_exactly(shared: Path) -> None:
    plan = locked_folder_with_writable_plan(shared)
    os.chown(plan, 0, 0)
    before = plan.read_bytes()
    result = save_as_nobody(plan, "After", env={"XDG_STATE_HOME": str(state_home(shared))})
    assert result.returncode == 2
    assert result.stdout.strip() == f"{plan}: cannot save: no permission to write in folder {plan.parent}, " \
                                    "nor to the file itself"
    assert plan.read_bytes() == before


def test_a_new_file_in_a_locked_folder_is_refused(shared: Path) -> None:
    folder = shared / "locked"
    folder.mkdir()
    result = save_as_nobody(folder / "plan.toml", "New")
    assert result.returncode == 2
    assert result.stdout.strip() == f"{folder / 'plan.toml'}: cannot save: no permission to write in folder {folder}"


# --- temporary files of a killed save ----------------------------------------------------------------

HANG_IN_SAVE = """
import os, sys, time
from planner.model import new_plan
from planner.rules import latest_call
from planner.storage import save_plan
os.replace = lambda *args: time.sleep(600)  # killed here: the temp file is written, not yet renamed
save_plan(new_plan(latest_call(), title="Killed"), sys.argv[1])
"""


def test_the_temp_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    save_plan(make_plan(title="Before"), plan)
    child = subprocess.Popen([sys.executable, "-c", HANG_IN_SAVE, str(plan)])
    try:
        deadline = time.monotonic() + 30
        while not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]:
            assert time.monotonic() < deadline and child.poll() is None, "the save never started"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    (left,) = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert left.name.startswith(f".plan.toml.{_HOST}-{child.pid}.")
    assert title_of(plan) == "Before"
    save_plan(make_plan(title="After"), plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]
    assert title_of(plan) == "After"


def test_only_our_stale_temp_files_are_removed(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    save_plan(make_plan(), plan)
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        names = {
            "live": f".plan.toml.{_HOST}-{sleeper.pid}.abcd1234.tmp",        # a save in progress here: kept
            "other-host": ".plan.toml.elsewhere-1.abcd1234.tmp",            # another host's, fresh: kept
            "old-format-fresh": ".plan.toml.k3j4h5g6.tmp",                  # fresh, no pid: kept
            "old-format-stale": ".plan.toml.q1w2e3r4.tmp",                  # older than STALE_TEMP: removed
            "other-host-stale": ".plan.toml.elsewhere-2.zzzz1234.tmp",     # removed
            "other-file": ".notes.toml.k3j4h5g6.tmp",                       # another file's: kept
            "not-ours": ".plan.toml.draft.tmp",                             # not our pattern: kept
        }
        for name in names.values():
            (tmp_path / name).write_text("x", encoding="utf-8")
        old = time.time() - STALE_TEMP - 10
        for key in ("old-format-stale", "other-host-stale"):
            os.utime(tmp_path / names[key], (old, old))
        gone = subprocess.Popen(["true"])
        gone.wait()
        (tmp_path / f".plan.toml.{_HOST}-{gone.pid}.dead1234.tmp").write_text("x", encoding="utf-8")
        removed = remove_stale_temp_files(plan)
        assert sorted(p.name for p in removed) == sorted(
            [names["old-format-stale"], names["other-host-stale"], f".plan.toml.{_HOST}-{gone.pid}.dead1234.tmp"])
        kept = {"live", "other-host", "old-format-fresh", "other-file", "not-ours"}
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["plan.toml", *(names[k] for k in kept)])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_folder_in_the_way_is_still_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plan.toml").mkdir()
    with pytest.raises(PlanError, match="a folder has that name"):
        save_plan(make_plan(), tmp_path / "plan.toml")


def test_a_save_landing_right_after_ours_is_noticed_by_the_check_at_intervals(tmp_path, monkeypatch) -> None:
    """Two planners saving in the same instant: the file's time and size were read after our rename,
    so when the other save landed in between they were theirs, beside our content's digest, and the
    check at intervals (time and size) never saw that our edit was gone: both said 'Saved'."""
    import planner.files.writing as writing
    from planner import editing
    from planner.tui.opening import open_document

    path = tmp_path / "plan.toml"
    path.write_text((Path(__file__).parent.parent / "samples" / "lot1-example.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    doc = open_document(path)
    theirs = path.read_bytes().replace(b'title = "', b'title = "Their ', 1)
    replace = os.replace

    def ours_then_theirs(source, target) -> None:
        replace(source, target)
        other = Path(str(target) + ".theirs")
        other.write_bytes(theirs)
        replace(other, target)  # their save, right after ours, before we look at the file again

    monkeypatch.setattr(writing.os, "replace", ours_then_theirs)
    doc.edit(editing.set_lot(doc.plan, doc.rules, 2))
    doc.save()
    monkeypatch.setattr(writing.os, "replace", replace)
    assert path.read_bytes() == theirs
    assert doc.maybe_changed_on_disk() and doc.changed_on_disk()
