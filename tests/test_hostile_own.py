"""The second hostile corpus (tests/hostile_corpus_own.py) through the real CLI, in a subprocess each:
special targets, hostile names, the recovery files beside a plan, and the exit codes. Every case ends
within 5 s with exit 0, 1 or 2 as documented, one message and no traceback on stderr for 2, nothing
special replaced, nothing written outside the plan's own files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from forked import run_command
from hostile_corpus_own import BY_NAME, CASES, FAKE_VERDICT, VICTIM, VICTIM_TEXT, available, cases, kind_of, make
from support import ROOT, SAMPLES

# a hang, not slowness (as in test_hostile.py): on a loaded machine starting Python alone took more than
# 5 s, and the 5 s this was failed a clean run of the suite in CI on 2 shared cores
TIMEOUT = 60
FORMAT_CHARACTERS = [chr(c) for c in (*range(0x200B, 0x2010), 0x2028, 0x2029, *range(0x202A, 0x202F),
                                      *range(0x2066, 0x206A), 0xFEFF)]


def planner(*args: str | os.PathLike[str], stdout=subprocess.PIPE, timeout: float = TIMEOUT,
            **kw) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, COLUMNS="250")
    if stdout is subprocess.PIPE and not kw:  # captured as run_command does: in a child of the forking parent
        return run_command(args, env=env, timeout=timeout, text=False)
    return subprocess.run([sys.executable, "-m", "planner", *map(os.fsencode, args)], stdin=subprocess.DEVNULL,
                          stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=timeout, **kw)


def no_traceback(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8")  # valid UTF-8, whatever the names
    assert "Traceback" not in err and "Exception ignored" not in err, err
    return err


def one_error(result: subprocess.CompletedProcess[bytes], says: str = "") -> str:
    """Exit 2 with one line on stderr (that says `says`), no traceback."""
    err = no_traceback(result)
    assert result.returncode == 2, (result.returncode, err)
    assert len(err.splitlines()) == 1 and err.startswith("planner: "), err
    assert says in err, (says, err)
    return err


def ids(kind: str) -> list:
    return [pytest.param(case, id=case.name, marks=pytest.mark.skipif(not available(case), reason="not here"))
            for case in cases(kind)]


def test_the_corpus_has_each_kind_and_the_cases_the_issue_names():
    kinds = {case.kind for case in CASES}
    assert kinds == {"recovery", "config", "theme", "target", "name", "plan", "duplicate"}
    for name in ("recovery-fifo", "recovery-dev-zero", "recovery-link-to-victim", "recovery-pid-2-32",
                 "recovery-since-year-1", "recovery-since-year-9999", "config-fifo", "config-dev-zero",
                 "config-deep", "config-huge-int", "theme-fifo", "target-fifo-no-reader",
                 "name-newline-fake-verdict", "name-not-utf8", "plan-bidi-name", "plan-zwsp-short-name"):
        assert name in BY_NAME


# --- the plan's recovery file is no business of the commands --------------------------------------


@pytest.mark.parametrize("case", ids("recovery"))
def test_commands_never_read_or_touch_a_hostile_recovery_file(tmp_path, case):
    target = make(case, tmp_path)
    before = (kind_of(target), os.readlink(target) if target.is_symlink() else None)
    for args in (("check", "plan.toml"), ("export", "plan.toml", "--format", "json")):
        result = planner(*args[:1], tmp_path / args[1], *args[2:])
        no_traceback(result)
        assert result.returncode == 0, result.stderr
    result = planner(tmp_path / "plan.toml")  # the TUI without a terminal: says so, reads only the plan
    one_error(result, "needs a terminal")
    assert (kind_of(target), os.readlink(target) if target.is_symlink() else None) == before
    assert (tmp_path / VICTIM).read_text(encoding="utf-8") == VICTIM_TEXT


# --- special targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
@pytest.mark.parametrize("case", ids("target"))
def test_export_writes_into_a_special_target_or_refuses_and_never_replaces_it(tmp_path, case, force):
    target = make(case, tmp_path / "out")
    before = kind_of(Path(os.path.realpath(target)))
    result = planner("export", SAMPLES / "lot1-example.toml", "-o", target, *force)
    if case.accepted:
        no_traceback(result)
        assert result.returncode == 0, result.stderr
    else:
        one_error(result, case.says)
    assert kind_of(Path(os.path.realpath(target))) == before
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_export_into_a_fifo_with_a_reader_gives_it_the_report_and_keeps_the_fifo(tmp_path):
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    try:
        result = planner("export", SAMPLES / "lot1-example.toml", "-o", fifo)
    finally:
        if reader.is_alive():  # the export failed before opening it: let the reader go
            with open(fifo, "wb"):
                pass
        reader.join(TIMEOUT)
    no_traceback(result)
    assert result.returncode == 0 and got and got[0].startswith(b"# Circular Skills"), result.stderr
    assert kind_of(fifo) == "fifo"


@pytest.mark.skipif(not Path(os.devnull).exists() or os.devnull != "/dev/null", reason="no /dev/null")
def test_export_to_dev_null_with_force_leaves_it_a_device():
    result = planner("export", SAMPLES / "lot1-example.toml", "-o", os.devnull, "--force")
    no_traceback(result)
    assert result.returncode == 0 and kind_of(Path(os.devnull)) == "char device"


# --- names -----------------------------------------------------------------------------------------------


def assert_no_raw_format(data: bytes) -> str:
    text = data.decode("utf-8")  # valid UTF-8 (a non-UTF-8 name would make it invalid)
    assert not any(char in text for char in FORMAT_CHARACTERS), text[:300]
    assert "\x1b" not in text
    return text


def run_on_hostile_name(tmp_path: Path, case: str, command: tuple[str, ...]) -> tuple[Path, str]:
    """The command on the plan named by `case`: no traceback, exit 0, and its output (returned with the
    plan's path) valid UTF-8 without a raw bidi, invisible or escape character."""
    path = make(case, tmp_path)
    result = planner(command[0], path, *command[1:])
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    return path, assert_no_raw_format(result.stdout)


@pytest.mark.parametrize("command", [("check",), ("check", "--format", "markdown"), ("compare",),
                                     ("export", "--format", "text"), ("export",)],
                         ids=lambda c: "-".join(c))
@pytest.mark.parametrize("case", ids("name"))
def test_a_hostile_file_name_is_shown_escaped_on_one_line(tmp_path, case, command):
    _, text = run_on_hostile_name(tmp_path, case, command)
    if command == ("check",):
        verdicts = [line for line in text.splitlines() if line.startswith("Verdict:")]
        assert len(verdicts) == 1 and "Lot 1" in verdicts[0], verdicts  # the name's newline forged no other
    assert not any(line.lstrip("*#> ").startswith("Verdict: ELIGIBLE: Lot 9") for line in text.splitlines())


@pytest.mark.parametrize("command", [("check", "--format", "json"), ("compare", "--format", "json"),
                                     ("export", "--format", "json")], ids=lambda c: "-".join(c))
@pytest.mark.parametrize("case", ids("name"))
def test_json_is_valid_utf8_whatever_the_file_name(tmp_path, case, command):
    path, text = run_on_hostile_name(tmp_path, case, command)
    data = json.loads(text)
    shown = data.get("plan") if command[0] != "export" else data["verdict"]["plan"]
    assert isinstance(shown, str)
    # the name itself, which JSON escapes (a script opens the file by it); a name that is not UTF-8 as the
    # text outputs show it (JSON holds no bytes)
    raw = os.fsencode(path.name)
    try:
        assert shown == str(path.parent / raw.decode("utf-8"))
    except UnicodeDecodeError:
        assert shown.endswith(raw.decode("utf-8", "backslashreplace"))
    assert "\u202e" not in text and "\u200b" not in text  # escaped in the JSON text (\\u202e), never raw


def test_the_fake_verdict_name_prints_its_newline_as_an_escape(tmp_path):
    path = make(BY_NAME["name-newline-fake-verdict"], tmp_path)
    out = planner("check", path).stdout.decode("utf-8")
    assert out.splitlines()[0].startswith(str(tmp_path) + "/fake\\x0aVerdict: ELIGIBLE: Lot 9, forever\\x0a.toml")
    assert FAKE_VERDICT not in out.encode()


@pytest.mark.parametrize("case", [c for c in cases("plan") if not c.accepted], ids=lambda c: c.name)
def test_bidi_and_invisible_characters_in_names_and_pics_are_refused_with_the_key_path(tmp_path, case):
    path = make(case, tmp_path)
    before = path.read_bytes()
    for command in (("check",), ("fmt",), ("export", "--format", "csv")):
        result = planner(command[0], path, *command[1:])
        err = no_traceback(result)
        assert result.returncode == 2 and case.says in err, err
        assert "not allowed in names, short names and PICs" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("line, place", [
    ('"BB\u202eZW",,DE,enterprise,beneficiary', "line 2: name"),
    ('Berufsschule,"HS\u200bNH",DE,enterprise,beneficiary', "line 2: short name"),
    ('Berufsschule,X,DE,enterprise,beneficiary,"\u2066999300101"', "line 2: PIC"),
])
def test_the_import_refuses_them_by_line_and_writes_nothing(tmp_path, line, place):
    plan = tmp_path / "plan.toml"
    shutil.copyfile(SAMPLES / "lot1-example.toml", plan)
    csv = tmp_path / "rows.csv"
    csv.write_text("name,short name,country,kind,role,pic\n" + line + "\n", encoding="utf-8")
    result = planner("import-partners", plan, csv)
    no_traceback(result)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 1 and place in out, out
    assert plan.read_bytes() == (SAMPLES / "lot1-example.toml").read_bytes()
    assert_no_raw_format(result.stdout)


def test_bidi_in_a_title_and_notes_is_shown_as_a_code_in_every_text_output(tmp_path):
    path = make(BY_NAME["plan-bidi-title-and-notes"], tmp_path)
    for command in (("check",), ("compare",), ("export",), ("export", "--format", "text"),
                    ("export", "--format", "csv")):
        result = planner(command[0], path, *command[1:])
        assert result.returncode == 0, result.stderr
        text = assert_no_raw_format(result.stdout.removeprefix("\ufeff".encode()) if "csv" in command
                                    else result.stdout)
        if command[0] == "export" and "csv" not in command:
            assert "<U+202E>evil<U+202C>" in text, (command, text[:400])
    csv = planner("export", path, "--format", "csv").stdout
    assert csv.startswith("\ufeffname,".encode())  # the CSV's own byte order mark stays one
    exported = json.loads(planner("export", path, "--format", "json").stdout)
    assert exported["plan"]["title"] == "Title \u202eevil\u202c end"  # the data itself is unchanged


# --- exit codes ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("command", [("check",), ("check", "--format", "json"), ("compare",), ("export",)],
                         ids=lambda c: "-".join(c))
def test_output_to_a_full_disk_exits_2_with_one_line(command):
    with open("/dev/full", "wb") as full:
        result = planner(command[0], SAMPLES / "lot1-example.toml", *command[1:], stdout=full)
    one_error(result, "could not be written")


def test_output_closed_exits_2_with_one_line():
    result = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); "
                             "from planner.cli import main; sys.exit(main(sys.argv[1:]))",
                             "check", str(SAMPLES / "lot1-example.toml")],
                            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, timeout=TIMEOUT)
    one_error(result, "output")


def test_a_reader_that_closes_the_pipe_gives_exit_2_not_a_verdict():
    """`planner compare PLAN | head -c 1` where the reader has gone before the verdict is written: the
    verdict never reached anyone, so it is exit 2 with one line, never 0 or 1 (a script would take
    them for the verdict). The reader's end is closed before the planner starts, so that no output
    can fit the pipe first (head would close it at a moment of its own)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = planner("compare", SAMPLES / "lot2-example.toml", stdout=write_end)
    finally:
        os.close(write_end)
    one_error(result, "could not be written")


@pytest.mark.parametrize("body, says", [
    ('extends = "2024"\nid = "year-1"\ndeadline = 0001-01-01T00:00:00\n', "deadline"),
    ('extends = "2024"\nid = "year-9999"\ndeadline = 9999-12-31T23:59:59\n', "deadline"),
    ('extends = "2024"\nid = "deep"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", "nested"),
], ids=["year-1", "year-9999", "deep"])
def test_a_bad_rules_file_exits_2_with_one_line(tmp_path, body, says):
    rules = tmp_path / "rules.toml"
    rules.write_text(body, encoding="utf-8")
    for command in ("check", "compare", "export"):
        one_error(planner(command, SAMPLES / "lot1-example.toml", "--rules", rules), says)


def test_a_chain_of_1100_rule_sets_exits_2_with_one_line(tmp_path):
    (tmp_path / "c0.toml").write_text('extends = "2024"\nid = "c0"\n', encoding="utf-8")
    for i in range(1, 1101):
        (tmp_path / f"c{i}.toml").write_text(f'extends = "c{i - 1}.toml"\nid = "c{i}"\n', encoding="utf-8")
    one_error(planner("check", SAMPLES / "lot1-example.toml", "--rules", tmp_path / "c1100.toml"), "chain")


def test_an_internal_error_exits_2_with_one_line_not_a_traceback():
    # a bug stands in for any: the command raises something nobody expected
    result = subprocess.run([sys.executable, "-c", "import sys, planner.cli as cli, planner.cli.judging as judging\n"
                             "def broken(args):\n    raise KeyError('a bug')\n"
                             "judging.check = broken\n"
                             "sys.exit(cli.main(sys.argv[1:]))",
                             "check", str(SAMPLES / "lot1-example.toml")],
                            stdin=subprocess.DEVNULL, capture_output=True, cwd=ROOT, timeout=TIMEOUT)
    one_error(result, "internal error")
    assert result.stdout == b""


@pytest.mark.long
def test_an_import_that_would_make_the_plan_too_large_to_load_is_refused(tmp_path):
    plan = tmp_path / "plan.toml"
    assert planner("new", plan).returncode == 0
    notes = "n" * 9000
    for batch in ("A", "B"):
        rows = "".join(f"Partner {batch}{i},{batch}{i},DE,enterprise,beneficiary,{notes}\n" for i in range(600))
        (tmp_path / f"{batch}.csv").write_text("name,short name,country,kind,role,notes\n" + rows, encoding="utf-8")
    first = planner("import-partners", plan, tmp_path / "A.csv", timeout=60)
    assert first.returncode == 0, first.stderr
    before = plan.read_bytes()
    second = planner("import-partners", plan, tmp_path / "B.csv", timeout=60)
    err = no_traceback(second)
    assert second.returncode == 2 and "nothing written" in err, err
    assert re.search(r"would be 1\d,\d{3},\d{3} bytes, and the planner reads plan files of up to 10 MiB "
                     r"\(10,485,760 bytes\)", err), err
    assert plan.read_bytes() == before
    assert planner("check", plan, timeout=30).returncode in (0, 1)  # what is there still loads
