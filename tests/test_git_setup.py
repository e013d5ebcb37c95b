"""`planner git-setup [DIR]` in a real git repository: what it would write is shown first, written only
with --yes or a yes at the prompt of a terminal, and a second run changes nothing."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import run_planner

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def new_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})
    return repo


def git_config(repo: Path, key: str) -> str | None:
    found = subprocess.run(["git", "-C", str(repo), "config", "--local", "--get", key], capture_output=True,
                           text=True)
    return found.stdout.strip() if found.returncode == 0 else None


def state(repo: Path) -> tuple:
    return tuple((repo / name).read_bytes() if (repo / name).exists() else None
                 for name in (".gitattributes", ".gitignore", ".git/config"))


def test_it_shows_everything_before_writing_and_writes_nothing_without_a_yes(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    before = state(repo)
    done = run_planner("git-setup", repo / "plans")  # no terminal, no --yes
    assert done.returncode == 0, done.stderr
    shown = done.stdout
    assert ".gitattributes: *.toml diff=planner merge=planner" in shown
    assert ".gitignore: .*.planner" in shown
    assert "git config diff.planner.textconv" in shown and "diff --textconv" in shown
    assert "git config merge.planner.driver" in shown and "merge %O %A %B" in shown
    assert "nothing written" in shown and "--yes" in shown
    assert state(repo) == before


def test_yes_writes_it_all_at_the_top_of_the_repository_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    (repo / ".gitignore").write_text("build/", encoding="utf-8")  # no newline at the end: kept apart
    done = run_planner("git-setup", "--yes", repo / "plans")
    assert done.returncode == 0, done.stderr
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == "*.toml diff=planner merge=planner\n"
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "build/\n.*.planner\n"
    driver, textconv = git_config(repo, "merge.planner.driver"), git_config(repo, "diff.planner.textconv")
    assert driver is not None and driver.endswith("planner merge %O %A %B --path %P")
    assert textconv is not None and textconv.endswith("planner diff --textconv")
    # git now sees the attributes and ignores the recovery files
    checked = subprocess.run(["git", "-C", str(repo), "check-attr", "merge", "diff", "--", "plans/a.toml"],
                             capture_output=True, text=True, check=True).stdout
    assert "merge: planner" in checked and "diff: planner" in checked
    (repo / "plans" / ".a.toml.planner").write_text("x", encoding="utf-8")
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert ".a.toml.planner" not in status

    written = state(repo)
    again = run_planner("git-setup", "--yes", repo)
    assert again.returncode == 0
    assert "already set up; nothing to change" in again.stdout
    assert state(repo) == written


def test_outside_a_git_repository_it_says_so(tmp_path: Path) -> None:
    done = run_planner("git-setup", "--yes", tmp_path)
    assert done.returncode == 2
    assert "not in a git repository" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / ".gitattributes").exists()


def run_in_terminal(args: list[str], answer: bytes, cwd: Path) -> tuple[int, str]:
    """The real command in a pseudo-terminal: waits for the prompt, types the answer."""
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "planner", *args], stdin=slave, stdout=slave, stderr=slave,
                             cwd=cwd, start_new_session=True)
    os.close(slave)
    out = b""
    try:
        deadline = time.monotonic() + 60
        while b"[y/N]" not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                out += os.read(master, 65536)
        os.write(master, answer)
        code = child.wait(timeout=60)
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
    return code, out.decode("utf-8", "replace")


def test_at_a_terminal_it_asks_first(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    code, shown = run_in_terminal(["git-setup", str(repo)], b"n\n", repo)
    assert code == 0 and "Write these? [y/N]" in shown and "nothing written" in shown
    assert not (repo / ".gitattributes").exists()
    code, shown = run_in_terminal(["git-setup", str(repo)], b"y\n", repo)
    assert code == 0 and "done: 5 change(s)" in shown
    assert (repo / ".gitattributes").exists() and git_config(repo, "merge.planner.name")
