"""Partners from a CSV file or a spreadsheet (.xlsx, .xls, .ods): columns found by header name as people
write them (or as the user maps them), cells read in partners' own words (vocabulary.py), every row
accepted or rejected with a reason."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from planner import vocabulary
from planner.amounts import parse_euros
from planner.errors import PlanError, validation_problems
from planner.files import MAX_FILE_BYTES, read_user_file
from planner.model import Partner, Plan, legal_name_key, organisation_key, pic_digits, short_name_key
from planner.rules import CATEGORY_LABELS, CallRules
from planner.safetext import shown_path

# the ECHE column: a blank cell is "not known yet"
ECHE_WORDS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}

# read as spreadsheets (python-calamine); anything else is read as CSV text
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
# a spreadsheet is a zip of XML: its parts may hold at most this much once unpacked (a 10 MB zip
# could otherwise unpack to gigabytes)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
REQUIRED = ("name", "country", "kind")
# the words a message uses for a partner key, as a header would say it
KEY_WORDS = {"name": "name", "short_name": "short name", "country": "country", "kind": "kind", "role": "role",
             "pic": "PIC", "grant_eur": "grant", "affiliated_to": "affiliated to", "eche": "ECHE", "notes": "notes"}
_COLUMN_WORDS = {"short_name": "short name", "grant_eur": "grant", "affiliated_to": "affiliated to"}
# what a mapping may say for a column that is to be left out
IGNORE_WORDS = ("ignore", "ignored", "skip", "none", "-", "")
# the columns that a fill (for all rows or one row) may give a value
FILLABLE = ("kind", "role", "country")


@dataclass(frozen=True)
class Table:
    """The cells of a CSV file or of one sheet, as text. `lines`: each row's line (row) number, as a
    spreadsheet program shows it; blank rows are left out."""

    source: str
    header: tuple[str, ...]
    header_line: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    sheet: str | None = None  # the sheet read, for a spreadsheet
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in its order
    # line -> why the row is not read (a CSV row with a quote not closed); these rows are in `rows` too
    unread: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Row:
    line: int  # the line (row) number, as a spreadsheet shows it (the header is usually line 1)
    partner: Partner | None
    problems: tuple[str, ...] = ()
    # "kind" and/or "role" when the cell named none the rules know and nothing near ("did you mean" says the rest)
    unknown: frozenset[str] = frozenset()
    pending_affiliation: str | None = None  # the 'affiliated to' cell, resolved once every row is read
    # the cells of this row by partner key (after fills), for a preview that lets the user fill one
    cells: tuple[tuple[str, str], ...] = ()
    # per key, the candidates (id, label) when the cell was not taken as it is ("college": two kinds)
    choices: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # what the row is added without, and why ("PIC 'tbc' is not known yet: added without a PIC")
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unsure:
    """A column the import does not read until the user says what it is: its header's words name
    several keys (`keys`: "Name and type of organisation"), or one key that the words of other headers
    (`others`) name too. Never guessed: `--map 'HEADER=KEY'` (or the preview's `m`) says which."""

    header: str
    keys: tuple[str, ...]
    others: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """"'Name and type of organisation' could be the name or the kind"."""
        if self.others:
            return (f"{_cell(self.header)} and {', '.join(_cell(o) for o in self.others)} could each be the "
                    f"{KEY_WORDS.get(self.keys[0], self.keys[0])}")
        return f"{_cell(self.header)} could be the " + " or the ".join(KEY_WORDS.get(k, k) for k in self.keys)

    @property
    def hint(self) -> str:
        """How to answer on the command line."""
        choices = ", ".join(self.keys)
        return f"say which with --map {_cell(self.header + '=' + self.keys[0])} ({choices} or ignore)"


@dataclass
class ColumnReading:
    """What each column of a table is read as: `keys[position]` a partner key or '' (left out); `words`:
    position -> the header's words that named its key, for a header read by its words; `unsure`: the
    columns asked about."""

    keys: list[str]
    words: dict[int, tuple[str, ...]] = field(default_factory=dict)
    unsure: list[Unsure] = field(default_factory=list)


class MissingColumns(PlanError):
    """A file without a column the import needs (and no fill for it). `table` is what was read, so that
    a caller can map a column (`mapping=`) or fill the value (`fill=`) and judge it again; `unsure` the
    columns that may be it, asked about."""

    def __init__(self, origin: str, message: str, table: Table, missing: tuple[str, ...],
                 unsure: tuple[Unsure, ...] = ()) -> None:
        super().__init__(origin, message)
        self.table = table
        self.missing = missing
        self.unsure = unsure


@dataclass
class ImportPreview:
    source: str
    columns: dict[str, str]  # partner key -> the header it was read from
    ignored_columns: list[str]
    rows: list[Row] = field(default_factory=list)
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "kind"/"role" -> the words to use
    table: Table | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # as given: header -> key ("" leaves it out)
    fill: dict[str, str] = field(default_factory=dict)  # key -> text for every row without one
    fill_rows: dict[int, dict[str, str]] = field(default_factory=dict)  # line -> key -> text
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # "kind"/"role" -> id -> label
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> the header's words that named it
    unsure: list[Unsure] = field(default_factory=list)  # columns asked about, not read

    @property
    def accepted(self) -> list[Row]:
        return [r for r in self.rows if r.partner is not None]

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.partner is None]

    @property
    def sheet(self) -> str | None:
        return self.table.sheet if self.table else None

    def apply(self, plan: Plan) -> Plan:
        """The plan with every accepted row added at the end, in the file's order."""
        return plan.model_copy(update={"partners": (*plan.partners, *(r.partner for r in self.accepted))})

    def again(self, plan: Plan, rules: CallRules, mapping: dict[str, str] | None = None,
              fill: dict[str, str] | None = None,
              fill_rows: dict[int, dict[str, str]] | None = None) -> "ImportPreview":
        """The same file judged again with another mapping or fill (None keeps this preview's); the file
        is not read again."""
        assert self.table is not None
        return preview_table(self.table, plan, rules, self.mapping if mapping is None else mapping,
                             self.fill if fill is None else fill, self.fill_rows if fill_rows is None else fill_rows)

    @property
    def hints(self) -> list[str]:
        """'kinds: ...' / 'roles: ...' in words (the call's labels), once, when a row was rejected for a
        kind or role with nothing near it (a "did you mean" is enough for the others)."""
        out = []
        for key, plural in (("kind", "kinds"), ("role", "roles")):
            if self.allowed.get(key) and any(key in r.unknown for r in self.rows):
                labels = self.labels.get(key, {})
                out.append(f"{plural}: " + "; ".join(labels.get(i, i) for i in self.allowed[key]))
        return out

    def describe(self, partner: Partner, rules: CallRules) -> str:
        """A partner in words: 'UNIG (Austria, Higher education institution, beneficiary)', then its PIC and
        the grant read from its row, when there are ('Zuschuss 1.500' and '1,500' read as EUR 1,500: the
        preview showed neither, so a grant read a thousand times off went unseen); an affiliated entity
        says whose ('affiliated entity of ULIEGE'): its cell may have named it in another case or spacing,
        or by its legal name."""
        kind = rules.kind(partner.kind)
        role = rules.role(partner.role)
        whose = f" of {partner.affiliated_to}" if partner.affiliated_to else ""
        extra = (f", PIC {partner.pic}" if partner.pic else "") + (
            f", grant EUR {partner.grant_eur:,}" if partner.grant_eur is not None else "")
        return (f"{partner.label} ({rules.country_name(partner.country)}, {kind.label if kind else partner.kind}, "
                f"{role.label.lower() if role else partner.role}{whose}){extra}")

    def summary(self, rules: CallRules | None = None) -> str:
        where = shown_path(self.source)
        if self.table is not None and self.table.sheet is not None:
            others = len(self.table.sheets) - 1
            where += f", sheet {_cell(self.table.sheet)}" + (
                f" (of {len(self.table.sheets)}: " + ", ".join(_cell(s) for s in self.table.sheets) + ")"
                if others else "")
        lines = [f"{where}: {len(self.accepted)} partner(s) to add, {len(self.rejected)} row(s) rejected"]
        lines.append("columns: " + ", ".join(f"{_cell(h)} -> {KEY_WORDS.get(k, k)}{self._by_words(k)}"
                                             for k, h in self.columns.items()))
        for unsure in self.unsure:
            lines.append(f"  ASK    column {unsure.words}: {unsure.hint}")
        for key, text in self.fill.items():
            meant = _word(key, text, rules) if rules is not None and key in FILLABLE else None
            named = ""
            if meant is not None and meant.value is not None:
                named = f" ({dict(meant.candidates).get(meant.value, meant.value)})"
            lines.append(f"{'every row' if key not in self.columns else 'rows without one'}: "
                         f"{KEY_WORDS.get(key, key)} {_cell(text)}{named}")
        if self.ignored_columns:
            lines.append("ignored columns: " + ", ".join(_cell(c) for c in self.ignored_columns))
        for row in self.rows:
            if row.partner is None:
                lines.append(f"  REJECT line {row.line}: " + "; ".join(row.problems))
            else:
                p = row.partner
                said = self.describe(p, rules) if rules is not None else f"{p.label} ({p.country}, {p.kind}, {p.role})"
                lines.append(f"  add    line {row.line}: {said}")
                lines.extend(f"  WARN   line {row.line}: {warning}" for warning in row.warnings)
        lines.extend(self.hints)
        return "\n".join(lines)

    def _by_words(self, key: str) -> str:
        words = self.words.get(key)
        return f" (by the words {', '.join(repr(w) for w in words)})" if words else ""


def _cell(value: str) -> str:
    """A cell quoted in a message: repr (control characters escaped), cut to a readable length with '…'."""
    return repr(value) if len(value) <= 60 else repr(value[:50]) + f"… ({len(value):,} characters)"


def decode_csv(origin: str, data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM) or Windows-1252; UTF-16 and binary files are
    refused with what to do instead."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(origin, "is UTF-16 text (Excel's 'Unicode Text'); save it as 'CSV UTF-8' and import "
                        "that instead")
    if b"\x00" in data:
        nul = data.index(b"\x00")
        if data[1::2].count(0) > len(data) // 4 or data[0::2].count(0) > len(data) // 4:
            raise PlanError(origin, "looks like UTF-16 text without a byte order mark; save it as 'CSV UTF-8' "
                            "and import that instead")
        line = data.count(b"\n", 0, nul) + data.count(b"\r", 0, nul) - data.count(b"\r\n", 0, nul) + 1
        raise PlanError(origin, f"line {line}: holds NUL bytes: a binary file, not CSV text (a spreadsheet? "
                        "export it as CSV)")
    for encoding in ("utf-8-sig", "cp1252"):  # spreadsheets on Windows still save cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanError(origin, "not a text file (neither UTF-8 nor Windows-1252)")


@dataclass(frozen=True)
class Unclosed:
    """A quote that opens a cell of a CSV row and does not close it before the row's line ends (or closes
    it only where no cell can end): the csv module read on through the lines after it as the one cell.
    `line`: where the row starts; `opened`: where the quote is; `column`: the cell's position in the row;
    `cells`: the row read from its lines alone (the open cell from the quote to the line's end)."""

    line: int
    opened: int
    column: int
    next_line: int | None  # the line read next, as a row of its own; None at the end of the file
    cells: tuple[str, ...]


class _Lines:
    """The file's lines for csv.reader, which the reader may be moved back in (`at`, counted from 0)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.at = 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.at >= len(self.lines):
            raise StopIteration
        self.at += 1
        return self.lines[self.at - 1]


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


# rows with a quote not closed that a CSV file may have before it is refused: the csv module reads each
# such row on to the end of the file, and the lines after it are read again
MAX_UNCLOSED = 10
# the inside of a quoted cell: anything but a quote, and doubled quotes (an escaped one)
_QUOTED = re.compile(r'[^"]*(?:""[^"]*)*')


def _unclosed_quote(text: str, delimiter: str) -> tuple[int, int] | None:
    """In one record's text (the csv module's reading of it, excel dialect, not strict): the line (counted
    from 0) and the cell position of a quote that opens a cell and is not closed as a cell closes (by a
    quote followed by the separator, a line's end or the file's end) once it has crossed a line's end, or
    not at all before the file ends; None when every quoted cell closes. A quoted cell that holds a line
    break and closes as a cell closes is a cell typed with alt+enter, not a mistake."""
    unquoted = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    i, n, column = 0, len(text), 0
    while i < n:
        if text[i] == '"':
            inside = _QUOTED.match(text, i + 1)
            assert inside is not None  # it matches the empty string
            end = inside.end()
            crossed = "\n" in text[i:end] or "\r" in text[i:end]
            if end >= n or (crossed and end + 1 < n and text[end + 1] not in (delimiter, "\r", "\n")):
                return _line_breaks(text[:i]), column
            i = end + 1  # after the closing quote; text after it (not strict) runs to the cell's end
        cell = unquoted.match(text, i)
        i = cell.end() if cell else i
        if i < n and text[i] == delimiter:
            column += 1
        elif i < n:  # a line's end outside any quote: only at the record's end
            column = 0
        i += 1
    return None


def _records(path: Path, text: str) -> tuple[list[tuple[int, list[str]]], list[Unclosed]]:
    """Every record of the file with the line it starts on, whatever its line endings (LF, CRLF, or CR
    alone from old Mac Excel); and the rows whose quote is not closed (`Unclosed`). The rows after one
    are read from the line after its quote, as rows of their own: the csv module alone would read them
    as the rest of the open cell, and so lose them silently."""
    # the separator is the one the header line uses most; spreadsheets always quote with '"' (csv.Sniffer
    # would guess "'" from the apostrophes `planner export` puts before formula signs)
    header = re.split(r"[\r\n]", text[:65536], maxsplit=1)[0]
    delimiter = max(",;\t", key=header.count)
    # a field may be as large as the file may be (the default is 128 KB)
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    lines = _Lines(io.StringIO(text, newline="").readlines())
    reader = csv.reader(lines, csv.excel, delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    unclosed: list[Unclosed] = []
    while True:
        start = lines.at
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise PlanError(str(path), f"line {lines.at}: not readable as CSV: {exc}") from None
        # the cheap test first: a record that spans lines, or ends the file (where a quote may be open)
        if lines.at - start > 1 or lines.at == len(lines.lines):
            found = _unclosed_quote("".join(lines.lines[start:lines.at]), delimiter)
            if found is not None:
                opened = start + found[0]
                if len(unclosed) == MAX_UNCLOSED:  # each was read on to the file's end, then read again
                    raise PlanError(str(path), f"line {opened + 1}: a quote opens a cell here and is not closed, as "
                                    "on lines " + ", ".join(str(u.opened) for u in unclosed) + ": not read as CSV "
                                    "(a CSV file's quotes come in pairs around a cell: \"a cell; with a separator\")")
                # the row as its lines up to the quote's say it, the open cell up to that line's end
                own = [*lines.lines[start:opened], lines.lines[opened].rstrip("\r\n")]
                cells = next(csv.reader(own, csv.excel, delimiter=delimiter), [])
                lines.at = opened + 1
                unclosed.append(Unclosed(start + 1, opened + 1, found[1],
                                         opened + 2 if lines.at < len(lines.lines) else None, tuple(cells)))
                continue
        records.append((start + 1, row))
    return records, unclosed


def _read_text(path: Path, data: bytes) -> str:
    return decode_csv(str(path), data)


def _text_of(value: object) -> str:
    """A spreadsheet cell as the text a user sees: 999111222.0 -> '999111222', TRUE -> 'true'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _unpacked_size_problem(data: bytes) -> str | None:
    if not data.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return f"not readable as a spreadsheet: {exc}"
    if total > MAX_UNPACKED_BYTES:
        return (f"unpacks to {total / 1024 / 1024:,.0f} MB; a partner list is far smaller "
                f"(at most {MAX_UNPACKED_BYTES // 1024 // 1024} MB)")
    return None


def _spreadsheet(path: Path, data: bytes, sheet: str | None) -> tuple[str, tuple[str, ...], list[list[str]]]:
    """The chosen sheet's name, every sheet's name, and its cells as text."""
    origin = str(path)
    problem = _unpacked_size_problem(data)
    if problem:
        raise PlanError(origin, problem)
    # imported here: only a spreadsheet import pays for it (about a millisecond)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = tuple(book.sheet_names)
        if not names:
            raise PlanError(origin, "the workbook has no sheets")
        if sheet is not None:
            chosen = next((n for n in names if n == sheet), None) or next(
                (n for n in names if n.casefold().strip() == sheet.casefold().strip()), None)
            if chosen is None:
                raise PlanError(origin, f"no sheet {_cell(sheet)}; the sheets are: "
                                + ", ".join(_cell(n) for n in names))
            candidates = [chosen]
        else:
            hidden = {m.name for m in book.sheets_metadata if str(m.visible).rsplit(".", 1)[-1].lower() != "visible"}
            candidates = [n for n in names if n not in hidden] + [n for n in names if n in hidden]
        for name in candidates:
            found = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells = [[_text_of(v) for v in row] for row in found]
            if sheet is not None or any(c.strip() for row in cells for c in row):
                return name, names, cells
    except PlanError:
        raise
    except Exception as exc:  # calamine's errors: a broken, encrypted or foreign file
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "password" in message.casefold() or type(exc).__name__ == "PasswordError":
            raise PlanError(origin, "the workbook is protected by a password; save a copy without one") from None
        raise PlanError(origin, f"not readable as a spreadsheet ({path.suffix or 'no suffix'}): "
                        f"{message[:200]}") from None
    raise PlanError(origin, "every sheet is empty: the first row must name the columns")


def _header_row(records: list[tuple[int, list[str]]]) -> int:
    """Which of the first rows names the columns: the first with two headers the import knows (a
    title or a note may sit above it), else the first row."""
    for i, (_line, cells) in enumerate(records[:20]):
        if sum(vocabulary.match_header(c).how != "none" for c in cells if c.strip()) >= 2:
            return i
    return 0


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """A CSV file (comma, semicolon or tab separated) or one sheet of a spreadsheet, as text cells.
    `sheet`: its name (any case); default the first sheet that is not empty (visible ones first)."""
    path = Path(path)
    if path.suffix.casefold() == ".toml" and path.is_file():  # a folder or a FIFO so named: its own reason
        # read as a CSV it gave 'Column in the file: format = 1 — left out' and three missing columns
        raise PlanError(str(path), "is a plan file, not a list of partners: open it (ctrl+o, or planner PLAN); "
                        "to take its partners, export them as CSV (e, or planner export --format csv) and import that")
    is_sheet = path.suffix.casefold() in SPREADSHEET_SUFFIXES
    data = read_user_file(path, "spreadsheet" if is_sheet else "CSV file")
    book = None
    unclosed: list[Unclosed] = []  # a CSV's rows with a quote not closed
    if not is_sheet and data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        # a workbook under another name (saved as 'partners.csv', or without a suffix): read it as one
        # if it is one; if not, the CSV reader says what the bytes are
        try:
            book = _spreadsheet(path, data, sheet)
        except PlanError:
            book = None
    elif is_sheet:
        book = _spreadsheet(path, data, sheet)
    if book is not None:
        chosen, names, cells = book
        records = [(i + 1, row) for i, row in enumerate(cells) if any(c.strip() for c in row)]
    else:
        if sheet is not None:
            raise PlanError(str(path), "a CSV file has no sheets (a sheet is chosen in an .xlsx or .ods file)")
        chosen, names = None, ()
        read, unclosed = _records(path, _read_text(path, data))
        records = sorted([*read, *((u.line, list(u.cells)) for u in unclosed)])
        if not records or not any(c.strip() for c in records[0][1]):
            raise PlanError(str(path), "the file is empty: the first line must name the columns")
        kept = {u.line for u in unclosed}  # shown even when blank: the reason is the row's
        records = [records[0], *((line, row) for line, row in records[1:] if any(c.strip() for c in row)
                                 or line in kept)]
    if not records:
        raise PlanError(str(path), "the sheet is empty: the first row must name the columns")
    at = _header_row(records)
    header_line, header = records[at]
    unread = []
    for u in unclosed:
        until = f"line {u.next_line}" if u.next_line is not None else "the end of the file"
        where = "here" if u.opened == u.line else f"on line {u.opened}"
        if u.line == header_line:
            first = "the first line must" if header_line == 1 else f"line {header_line} must"
            raise PlanError(str(path), f"line {u.opened}: a quote opens a cell here and is not closed before "
                            f"{until}: {first} name the columns (close the quote, or take it out)")
        if u.line < header_line:  # above the header, as a title is: not a row
            continue
        title = header[u.column].strip() if u.column < len(header) else ""
        unread.append((u.line, f"a quote opens the {_cell(title) if title else f'cell {u.column + 1}'} cell "
                       f"{where} and is not closed before {until}: the row is not read (close the quote, or "
                       "take it out)" + (f"; line {u.next_line} is read as a row of its own"
                                         if u.next_line is not None else "")))
    return Table(str(path), tuple(header), header_line, tuple((line, tuple(row)) for line, row in records[at + 1:]),
                 chosen, names, tuple(unread))


def mapping_key(word: str) -> str | None:
    """What a mapping's right-hand side names: a partner key ('kind', 'short_name'), a header word for
    one ('type', 'acronym', 'short name'), or '' to leave the column out; None if it names nothing."""
    folded = vocabulary.fold(word)
    if folded in IGNORE_WORDS or word.strip() in IGNORE_WORDS:
        return ""
    for key, said in KEY_WORDS.items():
        if folded in (vocabulary.fold(key), vocabulary.fold(said)):
            return key
    return vocabulary.header_key(word)


def _find_header(header: tuple[str, ...], wanted: str) -> int | None:
    exact = [i for i, h in enumerate(header) if h == wanted]
    if exact:
        return exact[0]
    folded = vocabulary.fold_header(wanted)
    near = [i for i, h in enumerate(header) if vocabulary.fold_header(h) == folded]
    return near[0] if near else None


def read_columns(table: Table, mapping: dict[str, str]) -> ColumnReading:
    """What each column is read as. The mapping comes first; then the headers that are a header of
    the vocabulary as a whole; then those read by their words (`vocabulary.match_header`), for the keys
    still free. A key already taken keeps its first column. A header whose words name several keys, or
    a key that the words of two headers name, is asked (`unsure`), never guessed."""
    keys = [""] * len(table.header)
    reading = ColumnReading(keys)
    assigned: dict[int, str] = {}  # position -> key ("" left out), from the mapping
    for wanted, word in mapping.items():
        position = _find_header(table.header, wanted)
        if position is None:
            raise PlanError(table.source, f"no column {_cell(wanted)} to map; the columns are: "
                            + ", ".join(_cell(h) for h in table.header[:30] if h.strip()))
        key = mapping_key(word)
        if key is None:
            raise PlanError(table.source, f"column {_cell(wanted)}: {_cell(word)} is not a partner key; use one of: "
                            + ", ".join(KEY_WORDS) + " (or 'ignore')")
        assigned[position] = key
    taken: set[str] = set()
    for position, key in assigned.items():
        if key and key not in taken:
            keys[position] = key
            taken.add(key)
    matches = {p: vocabulary.match_header(h) for p, h in enumerate(table.header) if p not in assigned}
    for position, found in matches.items():
        if found.how == "whole" and found.key is not None and found.key not in taken:
            keys[position] = found.key
            taken.add(found.key)
    by_words: dict[str, list[int]] = {}
    for position, found in matches.items():
        if found.how == "words" and found.key is not None and found.key not in taken:
            by_words.setdefault(found.key, []).append(position)
        elif found.how == "ambiguous":
            free = tuple(k for k in found.candidates if k not in taken)
            if free:
                reading.unsure.append(Unsure(table.header[position], free))
    for key, positions in by_words.items():
        if len(positions) == 1:
            keys[positions[0]] = key
            reading.words[positions[0]] = matches[positions[0]].words
            continue
        for position in positions:
            others = tuple(table.header[p] for p in positions if p != position)
            reading.unsure.append(Unsure(table.header[position], (key,), others))
    order = {header: i for i, header in enumerate(table.header)}
    reading.unsure.sort(key=lambda u: order.get(u.header, 0))
    return reading


def _columns(table: Table, mapping: dict[str, str]
             ) -> tuple[dict[str, str], dict[str, int], list[str], ColumnReading]:
    """Partner key -> header and -> position (in the file's order), the headers left out, and the reading."""
    reading = read_columns(table, mapping)
    positions = {key: position for position, key in enumerate(reading.keys) if key}
    asked = {u.header for u in reading.unsure}
    ignored = [title for position, title in enumerate(table.header)
               if not reading.keys[position] and title.strip() and title not in asked]
    return {k: table.header[p] for k, p in positions.items()}, positions, ignored, reading


def _looked_for(key: str) -> str:
    words = vocabulary.header_words(key)
    shown = ", ".join(repr(w) for w in words[:5])
    return f"{KEY_WORDS[key]}: {shown}" + (f" (and {len(words) - 5} more)" if len(words) > 5 else "")


def preview_import(path: str | Path, plan: Plan, rules: CallRules, mapping: dict[str, str] | None = None,
                   sheet: str | None = None, fill: dict[str, str] | None = None,
                   fill_rows: dict[int, dict[str, str]] | None = None) -> ImportPreview:
    """Read a CSV or a spreadsheet and judge every row; the plan is not changed.

    `mapping`: header -> partner key (or '' / 'ignore'), before the headers are read as people write
    them. `fill`: key -> text (a kind, role or country in people's words) for every row whose cell is
    blank or whose column is missing. `fill_rows`: line -> key -> text, for one row, over its cell.
    Raises MissingColumns (a PlanError that holds the table read) when a needed column is missing and
    not filled, so that a caller can ask for a mapping and call `preview_table` again."""
    return preview_table(read_table(path, sheet), plan, rules, mapping, fill, fill_rows)


def preview_table(table: Table, plan: Plan, rules: CallRules, mapping: dict[str, str] | None = None,
                  fill: dict[str, str] | None = None,
                  fill_rows: dict[int, dict[str, str]] | None = None) -> ImportPreview:
    """`preview_import` on a table already read (the preview's column mapping step calls it again)."""
    mapping, fill, fill_rows = dict(mapping or {}), dict(fill or {}), dict(fill_rows or {})
    for key in (*fill, *(k for keys in fill_rows.values() for k in keys)):
        if key not in FILLABLE:
            raise PlanError(table.source, f"{_cell(key)} cannot be filled in; only {', '.join(FILLABLE)}")
    columns, positions, ignored, reading = _columns(table, mapping)
    # a missing column is supplied by a fill for every row or for some rows (the others then say what they lack)
    missing = tuple(k for k in REQUIRED if k not in columns and not fill.get(k, "").strip()
                    and not any(keys.get(k, "").strip() for keys in fill_rows.values()))
    if missing:
        asked = tuple(u for u in reading.unsure if set(u.keys) & set(missing))
        raise MissingColumns(table.source, f"no column for {', '.join(missing)}; the first line has: "
                             + ", ".join(_cell(h) for h in table.header[:30]) + "; "
                             + "".join(f"{u.words}: {u.hint}; " for u in asked) + "looked for "
                             + "; ".join(_looked_for(k) for k in missing), table, missing, asked)
    preview = ImportPreview(table.source, columns, ignored, allowed={
        "kind": tuple(k.id for k in rules.kinds),
        "role": tuple(r.id for r in rules.roles),
    }, table=table, mapping=mapping, fill=fill, fill_rows=fill_rows,
        labels={"kind": {k.id: k.label for k in rules.kinds}, "role": {r.id: r.label for r in rules.roles}},
        words={reading.keys[p]: words for p, words in reading.words.items()}, unsure=reading.unsure)
    seen = _Seen(plan, rules)
    unread = dict(table.unread)
    for line, cells in table.rows:
        raw = {k: _unquoted(cells[i].strip()) if i < len(cells) else "" for k, i in positions.items()}
        if line in unread:  # a quote not closed: what the row says is not known, nothing is taken from it
            preview.rows.append(Row(line, None, (unread[line],), cells=tuple((k, v) for k, v in raw.items() if v)))
            continue
        for key, text in fill.items():
            if not raw.get(key):
                raw[key] = text.strip()
        for key, text in fill_rows.get(line, {}).items():
            raw[key] = text.strip()
        row = _row(line, raw, rules, seen)
        if row.partner is not None:
            seen.add(row.partner, line)
        preview.rows.append(row)
    # affiliated entities are judged once every row is known: a beneficiary may come later in the file
    preview.rows = [_resolve_affiliation(row, seen) for row in preview.rows]
    return preview


def _resolve_affiliation(row: Row, seen: "_Seen") -> Row:
    pending = row.pending_affiliation
    if pending is None:
        return row
    target = seen.label(pending)
    problem = None
    if target is None:
        problem = f"affiliated to {_cell(pending)}, which is no partner in the plan or this file"
    elif not seen.is_full_partner(target):
        problem = (f"affiliated to {_cell(pending)}, which is not the coordinator or a beneficiary "
                   "(an affiliated entity belongs to a full partner)")
    if problem is not None:
        return replace(row, partner=None, problems=(*row.problems, problem))
    if row.partner is None:
        return row
    return replace(row, partner=row.partner.model_copy(update={"affiliated_to": target}))


class _Seen:
    """The partners a row is judged against: the plan's, then every row accepted so far."""

    def __init__(self, plan: Plan, rules: CallRules) -> None:
        self.short_names: dict[str, str] = {}  # model.short_name_key -> the partner's label
        self.names: dict[str, str] = {}  # model.legal_name_key -> the partner's label
        # who holds a short name or an organisation (model.organisation_key), as a row's problem says it
        self.short_name_holders: dict[str, str] = {}  # 'in the plan (Hochschule Nordhafen)', 'by line 2'
        self.organisations: dict[tuple[str, str], str] = {}  # 'is already in the plan as HSNH', 'repeats line 2'

        self.full_partners: set[str] = set()  # labels of the coordinator and beneficiaries
        self.coordinator: str | None = None
        self._rules = rules
        for partner in plan.partners:
            self.add(partner)

    def add(self, partner: Partner, line: int | None = None) -> None:
        if partner.short_name:
            self.short_names.setdefault(short_name_key(partner.short_name), partner.label)
            self.short_name_holders.setdefault(short_name_key(partner.short_name),
                                               f"in the plan ({partner.name})" if line is None else f"by line {line}")
        self.names.setdefault(legal_name_key(partner.name), partner.label)
        key = organisation_key(partner.name, self._rules.canonical_country(partner.country))
        self.organisations.setdefault(key, f"is already in the plan as {partner.label}" if line is None
                                      else f"repeats line {line}")
        role = self._rules.role(partner.role)
        if role is not None and role.full_partner:
            self.full_partners.add(partner.label)
        if partner.role == "coordinator" and self.coordinator is None:
            self.coordinator = partner.label

    def label(self, short_name_or_name: str) -> str | None:
        """The label of the partner a cell names (a short name before another partner's name), or None;
        a legal name as organisations are told apart (any case, spacing, composed or not)."""
        return (self.short_names.get(short_name_key(short_name_or_name))
                or self.names.get(legal_name_key(short_name_or_name)))

    def is_full_partner(self, label: str) -> bool:
        return label in self.full_partners


def _unquoted(cell: str) -> str:
    """A cell without the apostrophe that `planner export` (and spreadsheet users) put before a formula sign."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _word(key: str, text: str, rules: CallRules) -> vocabulary.Match:
    return {"country": vocabulary.match_country, "kind": vocabulary.match_kind,
            "role": vocabulary.match_role}[key](text, rules)


def _row(line: int, raw: dict[str, str], rules: CallRules, seen: _Seen) -> Row:
    problems: list[str] = []
    warnings: list[str] = []
    unknown: set[str] = set()
    choices: dict[str, tuple[tuple[str, str], ...]] = {}
    values: dict[str, object] = {}
    cells = tuple((k, v) for k, v in raw.items() if v)

    def understood(key: str) -> str | None:
        """The id a country, kind or role cell names, or None with the problem said (did you mean...)."""
        found = _word(key, raw[key], rules)
        if found.value is None:
            problems.append(vocabulary.did_you_mean(key, raw[key], found))
            choices[key] = found.candidates
            if key != "country" and not found.candidates:  # nothing near: the hint lists what the call knows
                unknown.add(key)
        return found.value

    for key in ("name", "short_name"):  # a line break typed in the cell (alt+enter): one line, as pasted
        if raw.get(key) and ("\n" in raw[key] or "\r" in raw[key]):
            raw[key] = " ".join(raw[key].split())
    if raw.get("name"):
        values["name"] = raw["name"]
    else:
        problems.append("no name")
    if raw.get("short_name"):
        if (holder := seen.short_name_holders.get(short_name_key(raw["short_name"]))) is not None:
            problems.append(f"short name {_cell(raw['short_name'])} is already used {holder}")
        values["short_name"] = raw["short_name"]
    country = understood("country") if raw.get("country") else None
    if raw.get("name") and country is not None:
        # the same organisation again (the plan's partners in a list sent round): it would count twice
        if (holder := seen.organisations.get(organisation_key(raw["name"], country))) is not None:
            problems.append(f"{_cell(raw['name'])} ({country}) {holder}: one organisation counts once")
    if not raw.get("country"):
        problems.append("no country")
    elif country is not None and rules.country_category(country) == "excluded":
        problems.append(f"organisations from {rules.country_name(country)} ({country}) may not take part in any role")
    values["country"] = country
    kind = understood("kind") if raw.get("kind") else None
    if not raw.get("kind"):
        problems.append("no kind")
    values["kind"] = kind
    role = understood("role") if raw.get("role") else "beneficiary"
    if role == "coordinator":
        if seen.coordinator is not None:
            problems.append(f"the plan already has a coordinator ({seen.coordinator})")
        if country is not None and rules.country_category(country) == "third":
            problems.append("a coordinator must be in an EU Member State or associated country; "
                            f"{rules.country_name(country)} ({country}) is a {CATEGORY_LABELS['third']}")
    elif role == "affiliated-entity" and not raw.get("affiliated_to"):
        problems.append("an affiliated entity needs the short name of its beneficiary (column 'affiliated to')")
    values["role"] = role
    pic = pic_digits(raw.get("pic", ""))
    if pic and vocabulary.means_not_known("pic", raw["pic"]):
        warnings.append(f"PIC {_cell(raw['pic'])} is not known yet: added without a PIC (set it in the partner "
                        "form once the organisation has one)")
    elif pic:
        if len(pic) == 9 and pic.isdigit():
            values["pic"] = pic
        elif re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", pic):
            problems.append(f"PIC {_cell(raw['pic'])} is a number the spreadsheet rounded: format the column as "
                            "text and type the 9 digits")
        else:
            problems.append(f"PIC {_cell(raw['pic'])} is not 9 digits")
    if raw.get("grant_eur"):
        grant = parse_euros(raw["grant_eur"])
        if isinstance(grant, str):
            problems.append(f"grant {_cell(raw['grant_eur'])} {grant}")
        else:
            values["grant_eur"] = grant
    pending = raw.get("affiliated_to") or None
    if pending:
        # checked as a partner's text now; resolved to its target's label once every row is read
        values["affiliated_to"] = pending
    if raw.get("eche"):
        eche = ECHE_WORDS.get(raw["eche"].casefold())
        if eche is None:
            problems.append(f"ECHE {_cell(raw['eche'])} is not yes, no, true, false, 1 or 0 "
                            "(leave it blank: not known)")
        else:
            values["eche"] = eche
    if raw.get("notes"):
        values["notes"] = raw["notes"]
    said = tuple(choices.items())
    if problems:
        return Row(line, None, tuple(problems), frozenset(unknown), pending, cells, said)
    try:
        partner = Partner(**values)
    except ValidationError as exc:
        problems = [f"{_COLUMN_WORDS.get(p.split(':')[0], p.split(':')[0])}:{p.split(':', 1)[1]}"
                    for p in validation_problems(exc)]
        return Row(line, None, tuple(problems), frozenset(unknown), pending, cells, said)
    return Row(line, partner, (), frozenset(), pending, cells, warnings=tuple(warnings))
