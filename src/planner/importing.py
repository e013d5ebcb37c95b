"""Partners from a CSV file: columns found by header name, every row accepted or rejected with a reason."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from planner.errors import PlanError
from planner.model import Partner, Plan
from planner.rules import CallRules
from planner.storage import read_bytes

# header names a spreadsheet may use, lower case, for each partner key
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "legal name", "organisation", "organization", "partner", "partner name"),
    "short_name": ("short_name", "short name", "acronym", "short", "abbreviation"),
    "country": ("country", "country code", "country name"),
    "kind": ("kind", "type", "organisation type", "organization type", "kind of organisation"),
    "role": ("role", "participation", "partner role"),
    "pic": ("pic", "pic number", "participant identification code"),
    "grant_eur": ("grant_eur", "grant", "grant (eur)", "grant eur", "eu grant", "share", "budget share"),
    "affiliated_to": ("affiliated_to", "affiliated to", "affiliated with"),
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


@dataclass(frozen=True)
class Row:
    line: int  # the CSV line number, as a spreadsheet shows it (the header is line 1)
    partner: Partner | None
    problems: tuple[str, ...] = ()


@dataclass
class ImportPreview:
    source: str
    columns: dict[str, str]  # partner key -> the header it was read from
    ignored_columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def accepted(self) -> list[Row]:
        return [r for r in self.rows if r.partner is not None]

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.partner is None]

    def apply(self, plan: Plan) -> Plan:
        """The plan with every accepted row added at the end, in the file's order."""
        return plan.model_copy(update={"partners": (*plan.partners, *(r.partner for r in self.accepted))})

    def summary(self) -> str:
        lines = [f"{self.source}: {len(self.accepted)} partner(s) to add, {len(self.rejected)} row(s) rejected"]
        lines.append("columns: " + ", ".join(f"{h!r} -> {k}" for k, h in self.columns.items()))
        if self.ignored_columns:
            lines.append("ignored columns: " + ", ".join(repr(c) for c in self.ignored_columns))
        for row in self.rows:
            if row.partner is None:
                lines.append(f"  REJECT line {row.line}: " + "; ".join(row.problems))
            else:
                p = row.partner
                lines.append(f"  add    line {row.line}: {p.label} ({p.country}, {p.kind}, {p.role})")
        return "\n".join(lines)


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


def _euros(text: str) -> int | None:
    """'120000', '120,000', '120.000', 'EUR 120 000', '€120000' -> 120000; cents or words -> None."""
    text = text.replace("EUR", "").replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text) or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return int(re.sub(r"[.,]", "", text))
    return None


def _read_text(path: Path) -> str:
    data = read_bytes(path, "CSV file")
    for encoding in ("utf-8-sig", "cp1252"):  # spreadsheets on Windows still save cp1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanError(str(path), "not a text file (neither UTF-8 nor Windows-1252)")


def preview_import(path: str | Path, plan: Plan, rules: CallRules) -> ImportPreview:
    """Read a CSV (comma, semicolon or tab separated) and judge every row; the plan is not changed."""
    path = Path(path)
    text = _read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
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
                        f"{', '.join(repr(h) for h in header)}")
    preview = ImportPreview(str(path), columns, ignored)
    taken = {p.short_name for p in plan.partners if p.short_name}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        preview.rows.append(_row(line, cells, positions, rules, taken))
    return preview


def _row(line: int, cells: list[str], positions: dict[str, int], rules: CallRules, taken: set[str]) -> Row:
    raw = {k: (cells[i].strip() if i < len(cells) else "") for k, i in positions.items()}
    problems: list[str] = []
    values: dict[str, object] = {}
    if raw.get("name"):
        values["name"] = raw["name"]
    else:
        problems.append("no name")
    if raw.get("short_name"):
        if raw["short_name"] in taken:
            problems.append(f"short name {raw['short_name']!r} is already used")
        values["short_name"] = raw["short_name"]
    country = _country(raw.get("country", ""), rules) if raw.get("country") else None
    if country is None:
        problems.append(f"unknown country {raw.get('country', '')!r}" if raw.get("country") else "no country")
    values["country"] = country
    kind = _kind(raw.get("kind", ""), rules) if raw.get("kind") else None
    if kind is None:
        allowed = ", ".join(k.id for k in rules.kinds)
        problems.append(f"unknown kind {raw.get('kind', '')!r} (allowed: {allowed})" if raw.get("kind")
                        else "no kind")
    values["kind"] = kind
    role_text = raw.get("role", "").casefold()
    role = ROLE_WORDS.get(role_text) if role_text else "beneficiary"
    if role is None:
        problems.append(f"unknown role {raw['role']!r} (coordinator, beneficiary, affiliated entity, "
                        "associated partner)")
    values["role"] = role
    pic = raw.get("pic", "").replace(" ", "")
    if pic:
        if len(pic) == 9 and pic.isdigit():
            values["pic"] = pic
        else:
            problems.append(f"PIC {raw['pic']!r} is not 9 digits")
    grant = _euros(raw.get("grant_eur", ""))
    if raw.get("grant_eur"):
        if grant is None:
            problems.append(f"grant {raw['grant_eur']!r} is not a whole number of euros")
        else:
            values["grant_eur"] = grant
    for key in ("affiliated_to", "notes"):
        if raw.get(key):
            values[key] = raw[key]
    if problems:
        return Row(line, None, tuple(problems))
    try:
        partner = Partner(**values)
    except ValidationError as exc:
        return Row(line, None, tuple(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors(include_url=False)))
    if partner.short_name:
        taken.add(partner.short_name)
    return Row(line, partner)
