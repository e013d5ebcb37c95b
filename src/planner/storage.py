"""Plan files on disk: strict loading with clear errors, canonical and atomic saving."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w
from pydantic import ValidationError

from planner.errors import PlanError, validation_problems
from planner.model import Plan, allowed_keys
from planner.rules import DEFAULT_CALL, CallRules, load_call


@dataclass(frozen=True)
class Fingerprint:
    """What a file looked like when it was read or written, to notice a change by someone else."""

    mtime_ns: int
    size: int
    digest: str

    @classmethod
    def of_bytes(cls, path: Path, data: bytes) -> "Fingerprint":
        stat = path.stat()
        return cls(stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest())


def file_fingerprint(path: str | Path) -> Fingerprint | None:
    path = Path(path)
    try:
        return Fingerprint.of_bytes(path, path.read_bytes())
    except OSError:
        return None


def read_bytes(path: Path, what: str = "plan file") -> bytes:
    """A file's bytes, or a PlanError that says plainly why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PlanError(str(path), "file not found") from None
    except IsADirectoryError:
        raise PlanError(str(path), f"is a folder, not a {what}") from None
    except PermissionError:
        raise PlanError(str(path), "cannot read the file: permission denied") from None
    except OSError as exc:
        raise PlanError(str(path), f"cannot read the file: {exc.strerror or exc}") from None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PlanError(
            str(path), f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None


def parse_plan(text: str, origin: str = "<plan>", rules: CallRules | None = None) -> Plan:
    """A plan from TOML text, checked against the format and against its call's rules."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(origin, _toml_error(exc)) from None
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, allowed_keys)
        raise PlanError(origin, "not a valid plan (format 1)", problems) from None
    if rules is None:
        rules = load_call_for(plan, origin)
    return check_against_rules(plan, rules, origin)


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """'line 3, column 5: not valid TOML: ...' (Python 3.11 keeps the position only in the text)."""
    text = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
    if found:
        return f"line {found[1]}, column {found[2]}: not valid TOML: {text[:found.start()]}"
    found = re.search(r"\s*\(at end of document\)$", text)
    if found:
        return f"at the end of the file: not valid TOML: {text[:found.start()]}"
    return f"not valid TOML: {text}"


def load_call_for(plan: Plan, origin: str) -> CallRules:
    try:
        return load_call(plan.call or DEFAULT_CALL)
    except PlanError as exc:
        raise PlanError(origin, "call: " + exc.message) from None


def check_against_rules(plan: Plan, rules: CallRules, origin: str = "<plan>") -> Plan:
    """Refuse ids the call does not know; normalise country codes (any case, EL and UK aliases)."""
    problems: list[str] = []
    if not rules.has_lot(plan.lot):
        lots = ", ".join(str(lot.number) for lot in rules.lots)
        problems.append(f"lot: call {rules.id} has no lot {plan.lot}; allowed: {lots}")
    for i, eco in enumerate(plan.ecosystems or ()):
        if rules.ecosystem(eco) is None:
            allowed = ", ".join(e.id for e in rules.ecosystems)
            problems.append(f"ecosystems[{i}]: unknown ecosystem {eco!r}; allowed: {allowed}")
    partners = []
    for i, partner in enumerate(plan.partners):
        where = f"partners[{i}]"
        country = rules.canonical_country(partner.country)
        if not rules.is_known_country(country):
            problems.append(
                f"{where}.country: unknown country code {partner.country!r} ({partner.name}); "
                "use an ISO 3166-1 alpha-2 code such as DE, FR, EL or NO"
            )
        if rules.kind(partner.kind) is None:
            allowed = ", ".join(k.id for k in rules.kinds)
            problems.append(f"{where}.kind: unknown kind {partner.kind!r} ({partner.name}); allowed: {allowed}")
        partners.append(partner if country == partner.country else partner.model_copy(update={"country": country}))
    if plan.assessment is not None:
        for criterion in rules.award:
            score = getattr(plan.assessment, criterion.id, None)
            if score is not None and score > criterion.maximum:
                problems.append(
                    f"assessment.{criterion.id}: {score} is above the maximum of {criterion.maximum}"
                )
    if problems:
        raise PlanError(origin, "does not fit the call rules" if len(problems) > 1 else problems.pop(), problems)
    return plan.model_copy(update={"partners": tuple(partners)})


def load_plan(path: str | Path, rules: CallRules | None = None) -> Plan:
    """Read a plan file. Raises PlanError naming the file, and the line or key path."""
    path = Path(path)
    return parse_plan(_decode(path, read_bytes(path)), str(path), rules)


def load_plan_with_fingerprint(path: str | Path, rules: CallRules | None = None) -> tuple[Plan, Fingerprint]:
    path = Path(path)
    data = read_bytes(path)
    plan = parse_plan(_decode(path, data), str(path), rules)
    return plan, Fingerprint.of_bytes(path, data)


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    # tomli-w does the escaping; the layout below is ours, so that diffs stay one hunk per edit.
    # Its multi-line strings turn CRLF into LF, so a string holding a CR stays escaped on one line.
    multiline = not (isinstance(value, str) and "\r" in value)
    return tomli_w.dumps({"v": value}, multiline_strings=multiline)[4:-1]


def _toml_table(table: dict[str, object]) -> list[str]:
    return [f"{key} = {_toml_value(value)}" for key, value in table.items()]


def dump_plan(plan: Plan) -> str:
    """The canonical text: scalars first, then one [[partners]] block per partner, in the spec's key order.

    The same plan gives the same bytes every time; arrays of strings stay on one line and tables
    are never inlined, so that one edit is one hunk in a diff.
    """
    doc = plan.to_document()
    scalars = {k: v for k, v in doc.items() if not isinstance(v, dict) and not (
        isinstance(v, list) and v and isinstance(v[0], dict))}
    blocks = ["\n".join(_toml_table(scalars))]
    for key, value in doc.items():
        if key in scalars:
            continue
        if isinstance(value, dict):
            blocks.append("\n".join([f"[{key}]", *_toml_table(value)]))
        else:
            blocks.extend("\n".join([f"[[{key}]]", *_toml_table(item)]) for item in value)
    return "\n\n".join(blocks) + "\n"


def save_plan(plan: Plan, path: str | Path) -> Fingerprint:
    """Write atomically: a temporary file in the same folder, flushed and synced, renamed over the old one."""
    path = Path(path)
    data = dump_plan(plan).encode("utf-8")
    write_bytes_atomically(path, data)
    return Fingerprint.of_bytes(path, data)


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else None
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except FileNotFoundError:
        raise PlanError(str(path), f"cannot save: folder {folder} does not exist") from None
    except PermissionError:
        raise PlanError(str(path), f"cannot save: no permission to write in folder {folder}") from None
    except OSError as exc:
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except OSError as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, IsADirectoryError):
            raise PlanError(str(path), "cannot save: a folder has that name") from None
        raise PlanError(str(path), f"cannot save: {exc.strerror or exc}") from None
    _sync_folder(folder)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    # the rename is durable only once the folder entry is; not every platform allows this
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
