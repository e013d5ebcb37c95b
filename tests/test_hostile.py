"""Every hostile file through the real CLI: exit 2 with one line naming the file and the place, or a
proper verdict; never a traceback, a hang, an ESC byte on screen, or a changed file."""

from __future__ import annotations

import collections
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from forked import run_command
from hostile_corpus import ENTRIES, write_corpus, write_entry
from planner.safetext import visible
from support import SAMPLES

# a hang, not slowness: a file takes well under a second, but on a loaded machine (the suite runs over every
# core, beside other work) starting Python alone took more than 5 s
TIMEOUT = 60


def planner(*args: str | os.PathLike[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The CLI with no terminal (stdin from /dev/null, output captured), as bytes so that an ESC is seen."""
    return run_command(args, env=dict(os.environ, COLUMNS="250"), cwd=cwd, timeout=TIMEOUT, text=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def fingerprint(folder: Path) -> dict[str, tuple[int, int, int, int]]:
    """What any write into `folder` changes: each file's name, inode (a file replaced is a new one), size, mode
    and time of last change. For the shared corpus, which holds an 11 MB file: read whole before and after
    each of some 250 commands, it took 4 s of the suite's CPU, and the commands run 30 ms or more after it
    was written, many ticks of the file system's clock."""
    return {p.name: (s.st_ino, s.st_size, s.st_mode, s.st_mtime_ns)
            for p in sorted(folder.iterdir()) if stat.S_ISREG((s := p.stat()).st_mode)}


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> tuple[str, str]:
    assert b"\x1b" not in result.stdout and b"\x1b" not in result.stderr, (result.stdout[:300], result.stderr[:300])
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert not any("\x80" <= char <= "\x9f" or char == "\x07" for char in out + err), "a C1 control or BEL"
    assert "Traceback" not in out + err, err
    return out, err


def assert_refused(result: subprocess.CompletedProcess[bytes], path: Path, place: str) -> None:
    out, err = assert_clean(result)
    assert result.returncode == 2, (result.returncode, out[:300], err)
    lines = err.splitlines()
    assert len(lines) == 1, err  # one line
    assert lines[0].startswith(f"planner: {visible(str(path))}: "), lines[0]
    assert place in lines[0], (place, lines[0])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, write_corpus(folder)


class Written(dict[str, Path]):
    """The corpus's files in a folder of their own, each written there when a test first asks for it."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> Path:
        path = self[name] = write_entry(self.folder, name)
        return path


@pytest.fixture
def work(tmp_path) -> dict[str, Path]:
    """A fresh copy of the corpus files a test uses, for tests that may write (fmt, import): only those,
    not the whole corpus and its 11 MB file for each of some 60 tests (3 s of the suite's CPU)."""
    return Written(tmp_path / "corpus")


PLANS = sorted(n for n, e in ENTRIES.items() if e.kind == "plan")
CSVS = sorted(n for n, e in ENTRIES.items() if e.kind == "csv")
REFUSED_PLANS = [n for n in PLANS if not ENTRIES[n].valid]
VALID_PLANS = [n for n in PLANS if ENTRIES[n].valid]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for v in value.values() for text in _strings(v)]
    if isinstance(value, list):
        return [text for v in value for text in _strings(v)]
    return []


def _read(path: Path) -> tuple[bytes, str, dict | None]:
    """A written file: its bytes, the text a reader gets from them (the strings of a TOML file that
    parses, escapes decoded; else the bytes as UTF-8, and the file's name) and the TOML, if any."""
    data = path.read_bytes()
    try:
        parsed = tomllib.loads(data.decode("utf-8-sig")) if path.suffix == ".toml" else None
    except (UnicodeDecodeError, ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        parsed = None
    text = " ".join(_strings(parsed)) if parsed is not None else data.decode("utf-8", "replace")
    return data, f"{path.name} {text}", parsed


def _partners(parsed: dict | None) -> list[dict]:
    return [p for p in (parsed or {}).get("partners", []) if isinstance(p, dict)]


def _cells(data: bytes) -> list[str]:
    """The cells of a CSV, near enough: what stands between commas, quotes and line ends."""
    return re.split(r'[,"\r\n]', data.decode("utf-8-sig", "replace"))


# what the issue lists, each checked in the files as written (not in the corpus's descriptions of them)
ISSUE_LISTS = {
    "markup": lambda data, text, parsed: any(name in text for name in ("[/]", "[b]", "[@click=")),
    "osc 52": lambda data, text, parsed: "\x1b]52;" in text,
    "osc 0": lambda data, text, parsed: "\x1b]0;" in text,
    "100,000 deep": lambda data, text, parsed: b"[" * 100_000 in data,
    "5,000 digits": lambda data, text, parsed: re.search(rb"(?<![0-9])[0-9]{5000}(?![0-9])", data) is not None,
    "400 nines": lambda data, text, parsed: re.search(rb"(?<!9)9{400}(?!9)", data) is not None,
    "11 mb": lambda data, text, parsed: len(data) >= 11 * 1024 * 1024,
    "cr-only": lambda data, text, parsed: b"\r" in data and b"\n" not in data,
    "byte order mark": lambda data, text, parsed: data.startswith(b"\xef\xbb\xbf"),
    "utf-16": lambda data, text, parsed: data[:2] in (b"\xff\xfe", b"\xfe\xff"),
    "binary": lambda data, text, parsed: b"\x00" in data,
    "formula": lambda data, text, parsed: any(cell[:1] in ("=", "+", "-", "@") and len(cell) > 1
                                              for cell in _cells(data) + text.split(" ")),
    "does not exist": lambda data, text, parsed: any(
        p.get("affiliated_to") and p["affiliated_to"] not in {q.get("short_name") for q in _partners(parsed)}
        for p in _partners(parsed)),
    "same pic": lambda data, text, parsed: any(
        n > 1 for n in collections.Counter(p["pic"] for p in _partners(parsed) if p.get("pic")).values()),
}


@pytest.fixture(scope="module")
def corpus_read(corpus) -> dict[str, tuple[bytes, str, dict | None]]:
    """Every file of the corpus as written, read once for the checks below."""
    return {name: _read(path) for name, path in corpus[1].items()}


@pytest.mark.parametrize("what", ISSUE_LISTS)
def test_the_corpus_holds_what_the_issue_lists(corpus_read, what):
    holds = ISSUE_LISTS[what]
    found = [name for name, read in corpus_read.items() if holds(*read)]
    assert found, f"no file of the corpus holds {what}"


# --- check, export, compare: read only ---------------------------------------------------------


@pytest.mark.parametrize("name", REFUSED_PLANS)
@pytest.mark.parametrize("command", [("check",), ("check", "--format", "markdown"), ("compare",),
                                     ("export", "--format", "csv"), ("export",)])
def test_a_refused_plan_exits_2_with_one_line_naming_file_and_place(corpus, name, command):
    folder, paths = corpus
    before = fingerprint(folder)
    result = planner(command[0], paths[name], *command[1:])
    assert_refused(result, paths[name], ENTRIES[name].place)
    assert result.stdout == b""
    assert fingerprint(folder) == before


@pytest.mark.parametrize("name", VALID_PLANS)
@pytest.mark.parametrize("command", [("check",), ("check", "--format", "markdown"), ("check", "--format", "json"),
                                     ("compare",), ("export",), ("export", "--format", "csv")])
def test_a_valid_hostile_plan_gets_a_verdict_and_its_text_literally(corpus, name, command):
    folder, paths = corpus
    before = fingerprint(folder)
    result = planner(command[0], paths[name], *command[1:])
    out, err = assert_clean(result)
    assert result.returncode in ((0, 1) if command[0] == "check" else (0,)), err
    assert err == ""
    if command[0] == "export" and len(command) == 1:  # the Markdown report lists every partner
        for text in ENTRIES[name].shows:
            assert text.replace("|", "\\|") in out, text
    assert fingerprint(folder) == before


def test_references_and_pics_are_judged(corpus):
    _, paths = corpus
    for name, status, fragment in (
        ("dangling-reference.toml", "FAIL", "GL (DE) is affiliated to 'NOPE', which is no partner of the plan"),
        ("affiliated-to-associated.toml", "FAIL", "AL (DE) is affiliated to FA (associated partner)"),
        ("duplicate-pic.toml", "WARN", "PIC 999300101 is used by T1, T2"),
    ):
        result = planner("check", paths[name])
        out, _ = assert_clean(result)
        assert result.returncode == (1 if status == "FAIL" else result.returncode)
        row = next(line for line in out.splitlines() if line.startswith(status) and "Affiliations" in line)
        assert fragment in out.replace("\n", " ") or fragment in row, out


def test_csv_export_neutralises_formulas_and_keeps_numbers(corpus):
    import csv
    import io

    _, paths = corpus
    result = planner("export", paths["formula-names.toml"], "--format", "csv")
    out, _ = assert_clean(result)
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    names = [r["name"] for r in rows]
    for formula in ENTRIES["formula-names.toml"].shows:
        assert "'" + formula in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


# --- fmt: never writes what it refuses ---------------------------------------------------------


@pytest.mark.parametrize("name", REFUSED_PLANS)
def test_fmt_refuses_and_leaves_the_file_byte_identical(work, name):
    path = work[name]
    before = snapshot(path.parent)
    for args in (("fmt", path), ("fmt", "--check", path)):
        assert_refused(planner(*args), path, ENTRIES[name].place)
        assert snapshot(path.parent) == before


@pytest.mark.parametrize("name", VALID_PLANS)
def test_fmt_of_a_valid_hostile_plan_keeps_its_text(work, name):
    path = work[name]
    result = planner("fmt", path)
    assert_clean(result)
    assert result.returncode == 0
    again = planner("check", path, "--format", "json")
    assert again.returncode in (0, 1)
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    strings = {data["title"]} | {p.get(k, "") for p in data["partners"] for k in ("name", "short_name")}
    for text in ENTRIES[name].shows:
        assert text in strings, text


# --- import-partners ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_import_of_any_corpus_file(work, name):
    entry, path, plan = ENTRIES[name], work[name], work["base-plan.toml"]
    before = plan.read_bytes()
    result = planner("import-partners", plan, path, "--dry-run")
    out, err = assert_clean(result)
    assert plan.read_bytes() == before
    if entry.kind == "csv" and not entry.valid:
        assert_refused(result, path, entry.place)
    elif entry.kind == "plan":
        # a TOML plan is no CSV: refused in one line (columns, encoding, size), or every row rejected
        assert result.returncode in (1, 2), out + err
        if result.returncode == 2:
            assert_refused(result, path, "")
    else:
        assert result.returncode in (0, 1), err
        if entry.place:  # the rejected row, by its line
            assert f"REJECT {entry.place}:" in out, out


def test_import_rejects_escape_rows_by_line_and_adds_the_clean_one(work):
    plan = work["base-plan.toml"]
    result = planner("import-partners", plan, work["escape.csv"], "--skip-rejected")
    out, _ = assert_clean(result)
    assert result.returncode == 0
    assert "REJECT line 2: short name: control character U+001B" in out
    assert "REJECT line 3: name: control character U+001B" in out
    assert "added 1 partner(s)" in out
    check = planner("check", plan)
    assert check.returncode in (0, 1)


@pytest.mark.parametrize("name, added", [("cr-only.csv", 2), ("crlf.csv", 1), ("bom.csv", 1), ("markup.csv", 4),
                                         ("formula.csv", 4), ("forward-reference.csv", 2), ("duplicate-pic.csv", 2)])
def test_import_reads_line_endings_bom_markup_and_forward_references(work, name, added):
    plan = work["base-plan.toml"]
    result = planner("import-partners", plan, work[name])
    out, err = assert_clean(result)
    assert result.returncode == 0, out + err
    assert f"added {added} partner(s)" in out
    check = planner("export", plan)
    text, _ = assert_clean(check)
    for shown in ENTRIES[name].shows:
        assert shown in text, shown


def test_import_rejects_huge_cells_with_the_line(work):
    plan = work["base-plan.toml"]
    result = planner("import-partners", plan, work["huge-integer.csv"])
    out, _ = assert_clean(result)
    assert result.returncode == 1 and "REJECT line 2: grant '9999" in out and "5,000 digits" in out
    assert len(out) < 2000  # the cell is not printed back in full
    result = planner("import-partners", plan, work["huge-field.csv"])
    out, _ = assert_clean(result)
    assert result.returncode == 1 and "REJECT line 2: notes: longer than 10,000 characters" in out


# --- what is not a regular file ------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    path = tmp_path / "plan.fifo"
    os.mkfifo(path)
    return path


def specials(tmp_path: Path, fifo: Path) -> list[tuple[Path, str]]:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    out = [(fifo, "is a pipe (FIFO)"), (folder, "is a folder")]
    if Path("/dev/zero").exists():
        out.append((Path("/dev/zero"), "is a device"))
    return out


@pytest.mark.parametrize("command", ["check", "compare", "fmt", "export", "import-plan"])
def test_fifo_device_and_folder_are_refused_without_waiting(tmp_path, fifo, command):
    for path, reason in specials(tmp_path, fifo):
        if command == "import-plan":
            result = planner("import-partners", path, SAMPLES / "lot1-example.toml")
        else:
            result = planner(command, path)
        assert_refused(result, path, reason)


def test_fifo_device_and_folder_as_csv_are_refused_without_waiting(tmp_path, fifo):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    before = plan.read_bytes()
    for path, reason in specials(tmp_path, fifo):
        assert_refused(planner("import-partners", plan, path), path, reason)
    assert plan.read_bytes() == before


# --- export -o --------------------------------------------------------------------------------


def test_export_never_writes_over_its_plan_even_through_a_link(tmp_path):
    plan = tmp_path / "plan.toml"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    before = plan.read_bytes()
    link = tmp_path / "link.toml"
    link.symlink_to(plan)
    for target in (plan, link, tmp_path / "." / "plan.toml"):
        for force in ((), ("--force",)):
            result = planner("export", plan, "-o", target, *force)
            assert_refused(result, target, "is the plan being exported")
            assert plan.read_bytes() == before
    result = planner("export", link, "-o", plan, "--force")
    assert_refused(result, plan, "is the plan being exported")
    assert plan.read_bytes() == before


def test_export_replaces_another_file_only_with_force(tmp_path):
    plan, other = tmp_path / "plan.toml", tmp_path / "report.md"
    shutil.copy(SAMPLES / "lot1-example.toml", plan)
    other.write_text("keep me\n", encoding="utf-8")
    result = planner("export", plan, "-o", other)
    assert_refused(result, other, "already exists; add --force")
    assert other.read_text(encoding="utf-8") == "keep me\n"
    result = planner("export", plan, "-o", other, "--force")
    assert result.returncode == 0 and other.read_text(encoding="utf-8").startswith("# ")


def test_csv_export_has_a_bom_unless_asked_not_to(tmp_path):
    plan = SAMPLES / "lot2-example.toml"
    with_bom = planner("export", plan, "--format", "csv").stdout
    without = planner("export", plan, "--format", "csv", "--no-bom").stdout
    assert with_bom.startswith(b"\xef\xbb\xbfname,") and without.startswith(b"name,")
    assert with_bom[3:] == without
    assert "Universidad Técnica del Cantábrico".encode() in without  # UTF-8, accents intact


# --- no terminal -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("rulez",), (str(SAMPLES / "lot1-example.toml"),), ("--sample", "lot2-example")])
def test_without_a_terminal_the_planner_says_so_instead_of_hanging(args):
    result = planner(*args)
    out, err = assert_clean(result)
    assert result.returncode == 2 and out == ""
    assert len(err.splitlines()) == 1
    if args == ("rulez",):  # a command mistyped: said before anything needs a terminal
        assert err.startswith("planner: rulez: not a command: did you mean 'rules'?")
    else:
        assert "needs a terminal" in err and "planner check PLAN" in err


def test_without_a_terminal_a_broken_plan_still_says_what_is_wrong(corpus):
    _, paths = corpus
    path = paths["osc52-short-name.toml"]
    assert_refused(planner(path), path, ENTRIES["osc52-short-name.toml"].place)


def test_a_file_name_with_escapes_is_shown_escaped(corpus):
    _, paths = corpus
    (name,) = [n for n in ENTRIES if "ESC" in n]
    result = planner("check", paths[name])
    assert_refused(result, paths[name], "line 2")
    assert "\\x1b]0;x\\x07" in result.stderr.decode()


# --- any locale ------------------------------------------------------------------------------------


def test_under_the_c_locale_text_output_is_utf8():
    env = dict(os.environ, LANG="C", LC_ALL="C", COLUMNS="250")
    env.pop("PYTHONIOENCODING", None)
    env.pop("PYTHONUTF8", None)
    result = subprocess.run([sys.executable, "-m", "planner", "export", str(SAMPLES / "lot2-example.toml")],
                            stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert "Universidad Técnica del Cantábrico" in result.stdout.decode("utf-8")


def test_a_terminal_that_cannot_encode_a_name_gets_an_escape_not_a_traceback():
    env = dict(os.environ, PYTHONIOENCODING="ascii", COLUMNS="250")
    outputs = {}
    for command in ("export", "check", "compare"):
        result = subprocess.run([sys.executable, "-m", "planner", command, str(SAMPLES / "lot2-example.toml")],
                                stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=TIMEOUT)
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        outputs[command] = result.stdout
    assert b"Universidad T\\xe9cnica del Cant\\xe1brico" in outputs["export"]
