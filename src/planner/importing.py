"""Partners from a CSV file: columns found by header name, every row accepted or rejected with a reason."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from planner.amounts import parse_euros
from planner.errors import PlanError, validation_problems
from planner.files import MAX_FILE_BYTES, read_user_file
from planner.model import Partner, Plan
from planner.rules import CATEGORY_LABELS, CallRules

# header names a spreadsheet may use, lower case, for each partner key
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "legal name", "organisation", "organization", "partner", "partner name"),
    "short_name": ("short_name", "short name", "acronym", "short", "abbreviation"),
    # the words of coordinators' spreadsheets and of the Funding & Tenders forms, too
    "country": ("country", "country code", "country name", "country of establishment",
                "country of registration"),
    "kind": ("kind", "type", "organisation type", "organization type", "kind of organisation",
             "kind of organization", "type of organisation", "type of organization", "partner type",
             "type of partner", "participant type", "organisation category", "organization category"),
    "role": ("role", "participation", "partner role"),
    "pic": ("pic", "pic number", "participant identification code"),
    "grant_eur": ("grant_eur", "grant", "grant (eur)", "grant eur", "eu grant", "share", "budget share"),
    "affiliated_to": ("affiliated_to", "affiliated to", "affiliated with"),
    "eche": ("eche", "erasmus charter", "erasmus charter for higher education", "eche holder", "has eche"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}
ROLE_WORDS = {
    "coordinator": "coordinator", "coordinating organisation": "coordinator", "applicant": "coordinator",
    "beneficiary": "beneficiary", "partner": "beneficiary", "full partner": "beneficiary",
    "affiliated-entity": "affiliated-entity", "affiliated entity": "affiliated-entity",
    "affiliated": "affiliated-entity",
    "associated-partner": "associated-partner", "associated partner": "associated-partner",
    "associated": "associated-partner",
}

# the ECHE column: a blank cell is "not known yet"
ECHE_WORDS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


@dataclass(frozen=True)
class Row:
    line: int  # the CSV line number, as a spreadsheet shows it (the header is line 1)
    partner: Partner | None
    problems: tuple[str, ...] = ()
    unknown: frozenset[str] = frozenset()  # "kind" and/or "role" when the cell named none the rules know
    pending_affiliation: str | None = None  # the 'affiliated to' cell, resolved once every row is read


@dataclass
class ImportPreview:
    source: str
    columns: dict[str, str]  # partner key -> the header it was read from
    ignored_columns: list[str]
    rows: list[Row] = field(default_factory=list)
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "kind"/"role" -> the words to use

    @property
    def accepted(self) -> list[Row]:
        return [r for r in self.rows if r.partner is not None]

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.partner is None]

    def apply(self, plan: Plan) -> Plan:
        """The plan with every accepted row added at the end, in the file's order."""
        return plan.model_copy(update={"partners": (*plan.partners, *(r.partner for r in self.accepted))})

    @property
    def hints(self) -> list[str]:
        """'kinds: ...' / 'roles: ...', once, when a row was rejected for an unknown kind or role."""
        out = []
        for key, plural in (("kind", "kinds"), ("role", "roles")):
            if self.allowed.get(key) and any(key in r.unknown for r in self.rows):
                out.append(f"{plural}: " + ", ".join(self.allowed[key]))
        return out

    def summary(self) -> str:
        lines = [f"{self.source}: {len(self.accepted)} partner(s) to add, {len(self.rejected)} row(s) rejected"]
        lines.append("columns: " + ", ".join(f"{_cell(h)} -> {k}" for k, h in self.columns.items()))
        if self.ignored_columns:
            lines.append("ignored columns: " + ", ".join(_cell(c) for c in self.ignored_columns))
        for row in self.rows:
            if row.partner is None:
                lines.append(f"  REJECT line {row.line}: " + "; ".join(row.problems))
            else:
                p = row.partner
                lines.append(f"  add    line {row.line}: {p.label} ({p.country}, {p.kind}, {p.role})")
        lines.extend(self.hints)
        return "\n".join(lines)


def _cell(value: str) -> str:
    """A cell quoted in a message: repr (control characters escaped), cut to a readable length."""
    return repr(value) if len(value) <= 60 else repr(value[:50]) + f"... ({len(value):,} characters)"


def _country(value: str, rules: CallRules) -> str | None:
    code = rules.canonical_country(value)
    if rules.is_known_country(code):
        return code
    wanted = value.strip().casefold()
    for code, name in rules.country_names.items():
        if name.casefold() == wanted:
            return code
    return None


def _kind(value: str, rules: CallRules) -> str | None:
    wanted = value.strip().casefold()
    for kind in rules.kinds:
        if wanted in (kind.id, kind.label.casefold(), *kind.aliases):
            return kind.id
    return None


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


def _read_text(path: Path) -> str:
    return decode_csv(str(path), read_user_file(path, "CSV file"))


def _records(path: Path, text: str) -> list[list[str]]:
    """Every record of the file, whatever its line endings (LF, CRLF, or CR alone from old Mac Excel)."""
    # the separator is the one the header line uses most; spreadsheets always quote with '"' (csv.Sniffer
    # would guess "'" from the apostrophes `planner export` puts before formula signs)
    header = re.split(r"[\r\n]", text[:65536], maxsplit=1)[0]
    delimiter = max(",;\t", key=header.count)
    # a field may be as large as the file may be (the default is 128 KB)
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise PlanError(str(path), f"line {reader.line_num}: not readable as CSV: {exc}") from None


def preview_import(path: str | Path, plan: Plan, rules: CallRules) -> ImportPreview:
    """Read a CSV (comma, semicolon or tab separated) and judge every row; the plan is not changed."""
    path = Path(path)
    records = iter(_records(path, _read_text(path)))
    header = next(records, None)
    if not header:
        raise PlanError(str(path), "the file is empty: the first line must name the columns")
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored = []
    for position, title in enumerate(header):
        wanted = " ".join(title.strip().casefold().replace("_", " ").split())
        key = next((k for k, names in HEADERS.items() if wanted in {n.replace("_", " ") for n in names}), None)
        if key is None or key in columns:
            if title.strip():
                ignored.append(title)
            continue
        columns[key] = title
        positions[key] = position
    missing = [k for k in ("name", "country", "kind") if k not in columns]
    if missing:
        raise PlanError(str(path), f"no column for {', '.join(missing)}; the first line has: "
                        f"{', '.join(_cell(h) for h in header[:30])}")
    preview = ImportPreview(str(path), columns, ignored, allowed={
        "kind": tuple(k.id for k in rules.kinds),
        "role": tuple(r.id for r in rules.roles),
    })
    seen = _Seen(plan, rules)
    for line, cells in enumerate(records, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = _row(line, cells, positions, rules, seen)
        if row.partner is not None:
            seen.add(row.partner)
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
        return Row(row.line, None, (*row.problems, problem), row.unknown)
    if row.partner is None:
        return Row(row.line, None, row.problems, row.unknown)
    return Row(row.line, row.partner.model_copy(update={"affiliated_to": target}), row.problems, row.unknown)


class _Seen:
    """The partners a row is judged against: the plan's, then every row accepted so far."""

    def __init__(self, plan: Plan, rules: CallRules) -> None:
        self.short_names: dict[str, str] = {}  # case-folded short name -> the partner's label
        self.names: dict[str, str] = {}  # case-folded name -> the partner's label
        self.full_partners: set[str] = set()  # labels of the coordinator and beneficiaries
        self.coordinator: str | None = None
        self._rules = rules
        for partner in plan.partners:
            self.add(partner)

    def add(self, partner: Partner) -> None:
        if partner.short_name:
            self.short_names.setdefault(partner.short_name.casefold(), partner.label)
        self.names.setdefault(partner.name.casefold(), partner.label)
        role = self._rules.role(partner.role)
        if role is not None and role.full_partner:
            self.full_partners.add(partner.label)
        if partner.role == "coordinator" and self.coordinator is None:
            self.coordinator = partner.label

    def label(self, short_name_or_name: str) -> str | None:
        """The label of the partner a cell names (a short name before another partner's name), or None."""
        wanted = short_name_or_name.casefold()
        return self.short_names.get(wanted) or self.names.get(wanted)

    def is_full_partner(self, label: str) -> bool:
        return label in self.full_partners


def _unquoted(cell: str) -> str:
    """A cell without the apostrophe that `planner export` (and spreadsheet users) put before a formula sign."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _role(value: str, rules: CallRules) -> str | None:
    wanted = " ".join(value.casefold().split())
    if wanted in ROLE_WORDS:
        return ROLE_WORDS[wanted]
    return next((r.id for r in rules.roles if wanted in (r.id, r.label.casefold())), None)


def _row(line: int, cells: list[str], positions: dict[str, int], rules: CallRules, seen: _Seen) -> Row:
    raw = {k: _unquoted(cells[i].strip()) if i < len(cells) else "" for k, i in positions.items()}
    problems: list[str] = []
    unknown: set[str] = set()
    values: dict[str, object] = {}
    if raw.get("name"):
        values["name"] = raw["name"]
    else:
        problems.append("no name")
    if raw.get("short_name"):
        if raw["short_name"].casefold() in seen.short_names:
            problems.append(f"short name {_cell(raw['short_name'])} is already used")
        values["short_name"] = raw["short_name"]
    country = _country(raw.get("country", ""), rules) if raw.get("country") else None
    if country is None:
        problems.append(f"unknown country {_cell(raw.get('country', ''))}" if raw.get("country") else "no country")
    elif rules.country_category(country) == "excluded":
        problems.append(f"organisations from {rules.country_name(country)} ({country}) may not take part in any role")
    values["country"] = country
    kind = _kind(raw.get("kind", ""), rules) if raw.get("kind") else None
    if kind is None:
        if raw.get("kind"):
            problems.append(f"unknown kind {_cell(raw['kind'])}")
            unknown.add("kind")
        else:
            problems.append("no kind")
    values["kind"] = kind
    role = _role(raw["role"], rules) if raw.get("role") else "beneficiary"
    if role is None:
        problems.append(f"unknown role {_cell(raw['role'])}")
        unknown.add("role")
    elif role == "coordinator":
        if seen.coordinator is not None:
            problems.append(f"the plan already has a coordinator ({seen.coordinator})")
        if country is not None and rules.country_category(country) == "third":
            problems.append("a coordinator must be in an EU Member State or associated country; "
                            f"{rules.country_name(country)} ({country}) is a {CATEGORY_LABELS['third']}")
    elif role == "affiliated-entity" and not raw.get("affiliated_to"):
        problems.append("an affiliated entity needs the short name of its beneficiary (column 'affiliated to')")
    values["role"] = role
    pic = raw.get("pic", "").replace(" ", "")
    if pic:
        if len(pic) == 9 and pic.isdigit():
            values["pic"] = pic
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
            problems.append(
                f"ECHE {_cell(raw['eche'])} is not yes, no, true, false, 1 or 0 (leave it blank: not known)")
        else:
            values["eche"] = eche
    if raw.get("notes"):
        values["notes"] = raw["notes"]
    if problems:
        return Row(line, None, tuple(problems), frozenset(unknown), pending)
    try:
        partner = Partner(**values)
    except ValidationError as exc:
        problems = [f"{_COLUMN_WORDS.get(p.split(':')[0], p.split(':')[0])}:{p.split(':', 1)[1]}"
                    for p in validation_problems(exc)]
        return Row(line, None, tuple(problems), frozenset(unknown), pending)
    return Row(line, partner, (), frozenset(), pending)


# the words a validation problem uses for a column, as the header of the CSV would say it
_COLUMN_WORDS = {"short_name": "short name", "grant_eur": "grant", "affiliated_to": "affiliated to"}
