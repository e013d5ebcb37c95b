"""The partners a folder already knows, offered in the partner form: the organisations of its plans
(as `folder.list_folder` judged them, so from the same cache) and of its `partners.toml`, one entry
per distinct copy, and the matching of what is typed against them. Pure core: no Textual.

Keeps nothing: the plans come from `folder`'s cache (see its docstring)."""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from planner.errors import PlanError, validation_problems
from planner.files import decode_plan_bytes, parse_toml, read_user_file
from planner.folder import DIRECTORY_FILE, FolderError, _judged, _one_line, plan_files
from planner.model import Partner, Plan, allowed_keys
from planner.rules import latest_call, load_call


@dataclass(frozen=True)
class Known:
    """One organisation as one or more plans (or partners.toml) have it."""

    name: str
    short_name: str | None
    pic: str | None
    country: str
    kind: str
    eche: bool | None
    sources: tuple[str, ...]  # file names it was found in
    conflict: str = ""  # how the other copies of the same organisation differ ("2 PICs: ...")

    def fields(self) -> dict[str, object]:
        return {"name": self.name, "short_name": self.short_name, "pic": self.pic, "country": self.country,
                "kind": self.kind, "eche": self.eche}


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _directory_partners(folder: Path) -> tuple[list[Partner], list[str]]:
    """The folder's partners.toml: [[partners]] in the plan's format (role optional there)."""
    path = folder / DIRECTORY_FILE
    if not path.exists():
        return [], []
    try:
        data = parse_toml(decode_plan_bytes(path, read_user_file(path, "partners file")), str(path))
    except PlanError as exc:
        return [], [_one_line(str(exc))]
    rows = data.get("partners")
    if not isinstance(rows, list):
        return [], [f"{path}: no [[partners]] tables"]
    found, problems = [], []
    rules = load_call(latest_call())
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append(f"{path}: partners[{i}] is not a table")
            continue
        try:
            partner = Partner.model_validate({"role": "beneficiary", **row})
        except ValidationError as exc:
            first = validation_problems(exc, allowed_keys)[0]
            problems.append(f"{path}: partners[{i}]: {first}")
            continue
        # the ids as a plan's loader checks them, by the most recent call's rules
        country = rules.canonical_country(partner.country)
        if not rules.is_known_country(country):
            problems.append(f"{path}: partners[{i}].country: unknown country code {partner.country!r}")
        elif rules.kind(partner.kind) is None:
            problems.append(f"{path}: partners[{i}].kind: unknown kind {partner.kind!r}")
        else:
            found.append(partner.model_copy(update={"country": country}))
    return found, problems


def known_partners(folder: str | Path, exclude: Path | None = None) -> tuple[list[Known], list[str]]:
    """The organisations of the folder's plans and its partners.toml, one entry per distinct copy.

    Copies of one organisation (the same legal name, or the same PIC) that agree are one entry, with
    every file they came from; copies that differ (two PICs for one name, two countries for one PIC)
    are each an entry of their own, with `conflict` saying how they differ: never merged silently.
    `exclude`: the plan being edited (its own partners are not offered to it). Unreadable plans are
    left out here (the folder view lists them with their reason); problems of partners.toml are returned."""
    folder = Path(folder)
    try:
        files = plan_files(folder)
    except FolderError:
        files = []
    skip = os.path.realpath(exclude) if exclude is not None else None
    copies: dict[tuple, list[str]] = {}  # (name, short, pic, country, kind, eche) -> sources
    for path, name, info in files:
        if info is None or not stat.S_ISREG(info.st_mode) or os.path.realpath(path) == skip:
            continue
        plan = _judged(Path(os.path.realpath(path)), info, path).get("plan")
        if not isinstance(plan, Plan):
            continue
        for p in plan.partners:
            copies.setdefault(_copy_key(p), []).append(name)
    directory, problems = _directory_partners(folder)
    for p in directory:
        copies.setdefault(_copy_key(p), []).append(DIRECTORY_FILE)
    # copies of one organisation: linked by name or by PIC
    by_name: dict[str, list[tuple]] = {}
    by_pic: dict[str, list[tuple]] = {}
    for key in copies:
        by_name.setdefault(norm(key[0]), []).append(key)
        if key[2]:
            by_pic.setdefault(key[2], []).append(key)
    out = []
    for key, sources in copies.items():
        related = {*by_name[norm(key[0])], *(by_pic.get(key[2], []) if key[2] else [])} - {key}
        out.append(Known(key[0], key[1], key[2], key[3], key[4], key[5], tuple(dict.fromkeys(sources)),
                         _conflict(key, related, copies)))
    out.sort(key=lambda k: (norm(k.name), k.pic or ""))
    return out, problems


def _copy_key(p: Partner) -> tuple:
    return (p.name, p.short_name, p.pic, p.country, p.kind, getattr(p, "eche", None))


_FIELD_WORDS = (("PIC", 2), ("short name", 1), ("country", 3), ("kind", 4), ("ECHE", 5))


def _conflict(key: tuple, related: set[tuple], copies: dict[tuple, list[str]]) -> str:
    """'another copy has PIC 999888777 (lot2.toml)', field by field; '' when no other copy differs."""
    if not related:
        return ""
    parts = []
    for other in sorted(related, key=lambda k: tuple(str(v) for v in k)):
        differs = [f"{word} {_shown(other[i])}" for word, i in _FIELD_WORDS if other[i] != key[i]]
        if norm(other[0]) != norm(key[0]):
            differs.insert(0, f"name {other[0]}")
        if differs:
            parts.append(f"{', '.join(differs)} ({', '.join(dict.fromkeys(copies[other]))})")
    return ("other copies: " if len(parts) > 1 else "another copy has ") + "; ".join(parts) if parts else ""


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


# --- matching what is typed ---------------------------------------------------------------------------


def _within_one_edit(a: str, b: str) -> bool:
    """One letter changed, added, left out, or two swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def match_rank(query: str, known: Known) -> tuple[int, int] | None:
    """How well `query` (a legal name, short name or PIC being typed) finds `known`: lower is better;
    None: not at all. The PIC or short name exactly, then a start, a word's start, anywhere, a word
    start with one typo (`Ould` for `Oulu`), and last the letters in order (`oamk`)."""
    q = norm(query)
    if len(q) < 2:
        return None
    name, short, pic = norm(known.name), norm(known.short_name), known.pic or ""
    if q in (short, pic):
        return (0, 0)
    if name.startswith(q) or short.startswith(q) or (pic and pic.startswith(q)):
        return (1, len(name))
    words = _words(name) + _words(short)
    if any(w.startswith(q) for w in words):
        return (2, len(name))
    if q in name or q in short:
        return (3, len(name))
    if len(q) >= 3 and " " not in q and any(_within_one_edit(q, w[:len(q)]) or _within_one_edit(q, w[:len(q) + 1])
                                            or _within_one_edit(q, w[:max(len(q) - 1, 1)])
                                            for w in words):
        return (4, len(name))
    span = _in_order(q.replace(" ", ""), name)
    if span is not None and len(q) >= 3:
        return (5, span)
    return None


def _in_order(q: str, text: str) -> int | None:
    """The letters of q in order in text, starting at a word's start: the span they take, or None."""
    best = None
    for start in range(len(text)):
        if text[start] != q[0] or (start and text[start - 1].isalnum()):
            continue
        i, pos = 1, start + 1
        while i < len(q) and pos < len(text):
            if text[pos] == q[i]:
                i += 1
            pos += 1
        if i == len(q):
            span = pos - start
            best = span if best is None else min(best, span)
    return best


def matching(query: str, known: list[Known], limit: int = 6) -> list[Known]:
    ranked = [(rank, i, k) for i, k in enumerate(known) if (rank := match_rank(query, k)) is not None]
    return [k for _, _, k in sorted(ranked, key=lambda r: (r[0], r[1]))[:limit]]
