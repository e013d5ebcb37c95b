"""A three-way merge of plans by meaning: `planner merge BASE OURS THEIRS`, git's merge driver (the spec,
"Merging two colleagues' plans").

The merge works on the parsed TOML data (dicts and lists), never on the model, so that keys this module
does not know (a partner's `budget`, `staff_cost_eur`, `[tool.*]` tables, whatever the format gains)
merge too. Partners (`[[partners]]`) are matched by `short_name` (without case), else `pic`, else
`name`; the items of any other array of tables whose items all have an `id` (`[[work_packages]]`) by
`id`; every other value by its key. A change on one side only is taken; the same change on both sides
once; items added on both sides are all kept, ours first; an item removed on one side and unchanged on
the other is removed. Where both sides changed one value differently, the result holds a `Conflict`
(both values); the file then gets git's markers around the smallest whole lines that differ between the
merge rendered with ours' values and the merge rendered with theirs', theirs' side in theirs' own lines
(its comments and quoting; `with_markers`).

Every merged result is written through `render`, the one seam to the writer (see its docstring).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import PlanError
from planner.files import decode_plan_bytes, read_user_file
from planner.model import short_name_key
from planner.storage import parse_plan, plan_data, render_data, render_plan_kept
from planner.tomledit import line_ending


class _Missing:
    """A key or an item that one version does not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()
OURS_MARK, SEPARATOR, THEIRS_MARK = "<<<<<<< ours", "=======", ">>>>>>> theirs"


@dataclass(frozen=True)
class Conflict:
    """Both sides changed the value at `path` differently ('lot', 'partners[HSNH].country'); `ours` and
    `theirs` are the two values (MISSING where that side removed it)."""

    path: str
    ours: object
    theirs: object

    @property
    def words(self) -> str:
        return f"{self.path}: ours {_shown(self.ours)}, theirs {_shown(self.theirs)}"


def _shown(value: object) -> str:
    if value is MISSING:
        return "removed"
    if isinstance(value, dict):
        return "changed"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


@dataclass
class Merged:
    """The merge: `data` (with `Conflict` nodes where the sides disagree), the conflicts in file order,
    and the bytes to write over OURS (git's markers around each conflict's lines)."""

    data: dict[str, object]
    conflicts: list[Conflict] = field(default_factory=list)
    text: bytes = b""
    # no value changed both ways, but the result is not a valid plan (ours and theirs each are): why, as
    # `planner check` says it; `text` then marks each of their changes as a conflict
    invalid: str = ""
    # False where the merge could not keep OURS's form (its comments, order): written canonically
    form_kept: bool = True


# -- matching items ----------------------------------------------------------------------------------

Key = Callable[[dict[str, object]], object]


def _text_key(name: str, fold: Callable[[str], str] = lambda s: s) -> Key:
    def key(item: dict[str, object]) -> object:
        value = item.get(name)
        return fold(value) if isinstance(value, str) and value.strip() else None
    return key


PARTNER_KEYS: tuple[Key, ...] = (_text_key("short_name", short_name_key), _text_key("pic"), _text_key("name"))
ID_KEYS: tuple[Key, ...] = (_text_key("id"),)


def _keys_for(path: str, *lists: object) -> tuple[Key, ...] | None:
    """How the items of the array at `path` are matched, or None: the array is one value."""
    items = [item for given in lists if isinstance(given, list) for item in given]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    if path == "partners":
        return PARTNER_KEYS
    if all(isinstance(item.get("id"), str) for item in items):
        return ID_KEYS
    return None


def _pair(left: list[dict[str, object]], right: list[dict[str, object]], keys: tuple[Key, ...]) -> dict[int, int]:
    """Right index -> left index, each item paired at most once, by the first key both have."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for key in keys:
        index: dict[object, int] = {}
        for i, item in enumerate(left):
            if i not in taken and (k := key(item)) is not None:
                index.setdefault(k, i)
        for j, item in enumerate(right):
            if j in pairs or (k := key(item)) is None:
                continue
            i = index.pop(k, -1)
            if i >= 0:
                pairs[j] = i
                taken.add(i)
    return pairs


def _label(path: str, item: object) -> str:
    if isinstance(item, dict):
        for name in ("short_name", "id", "name", "pic"):
            value = item.get(name)
            if isinstance(value, str) and value:
                return f"{path}[{value}]"
    return path


# -- the merge -----------------------------------------------------------------------------------------

def merge_data(base: dict[str, object], ours: dict[str, object], theirs: dict[str, object]) -> Merged:
    """The three-way merge of three parsed plans (see the module's docstring); nothing is rendered."""
    conflicts: list[Conflict] = []
    data = _merge_table(base, ours, theirs, "", conflicts)
    return Merged(data, conflicts)


def _merge_value(base: object, ours: object, theirs: object, path: str, conflicts: list[Conflict]) -> object:
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return _merge_table(base if isinstance(base, dict) else {}, ours, theirs, path, conflicts)
    if isinstance(ours, list) and isinstance(theirs, list):
        keys = _keys_for(path, base, ours, theirs)
        if keys is not None:
            return _merge_items(base if isinstance(base, list) else [], ours, theirs, keys, path, conflicts)
    conflict = Conflict(path, ours, theirs)
    conflicts.append(conflict)
    return conflict


def _merge_table(base: dict[str, object], ours: dict[str, object], theirs: dict[str, object], path: str,
                 conflicts: list[Conflict]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in (*ours, *(k for k in theirs if k not in ours)):
        value = _merge_value(base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING),
                             f"{path}.{key}" if path else key, conflicts)
        if value is not MISSING:
            out[key] = value
    return out


@dataclass
class _Entry:
    value: object
    new_in_ours: bool = False  # added on our side: a partner theirs added at the same place comes after it


def _merge_items(base: list, ours: list, theirs: list, keys: tuple[Key, ...], path: str,
                 conflicts: list[Conflict]) -> list[object]:
    """Arrays of tables matched by `keys`: in ours' order, theirs' new items after the item that comes
    before them in theirs (and after ours' new items there)."""
    ours_base = _pair(base, ours, keys)  # ours index -> base index
    theirs_base = _pair(base, theirs, keys)
    base_ours = {b: o for o, b in ours_base.items()}
    ours_new = [o for o in range(len(ours)) if o not in ours_base]
    theirs_new = [t for t in range(len(theirs)) if t not in theirs_base]
    new_pairs = _pair([ours[o] for o in ours_new], [theirs[t] for t in theirs_new], keys)
    theirs_to_ours = {theirs_new[j]: ours_new[i] for j, i in new_pairs.items()}
    ours_to_theirs = {o: t for t, o in theirs_to_ours.items()}
    for j, i in theirs_base.items():
        if i in base_ours:
            ours_to_theirs[base_ours[i]] = j

    entries: list[_Entry] = []
    by_theirs: dict[int, _Entry] = {}
    value: object
    for o, item in enumerate(ours):
        b, t = ours_base.get(o), ours_to_theirs.get(o)
        here = _label(path, item)
        if b is not None:
            if t is not None:
                value = _merge_value(base[b], item, theirs[t], here, conflicts)
            else:  # theirs removed it
                value = MISSING if item == base[b] else _conflict(here, item, MISSING, conflicts)
        elif t is not None:  # added on both sides: the same partner, its fields merged
            value = _merge_value({}, item, theirs[t], here, conflicts)
        else:
            value = item
        if value is MISSING:
            continue
        entry = _Entry(value, new_in_ours=b is None)
        entries.append(entry)
        if t is not None:
            by_theirs[t] = entry
    for j, item in enumerate(theirs):
        if j in by_theirs:
            continue
        at_base = theirs_base.get(j)
        if at_base is not None and at_base in base_ours:
            continue  # merged above
        if at_base is not None:  # ours removed it
            if item == base[at_base]:
                continue
            value = _conflict(_label(path, item), MISSING, item, conflicts)
        else:
            value = item
        entry = _Entry(value)
        entries.insert(_place(entries, by_theirs, j), entry)
        by_theirs[j] = entry
    return [e.value for e in entries]


def _place(entries: list[_Entry], by_theirs: dict[int, _Entry], t: int) -> int:
    """Where theirs' item t goes: after the entry of the nearest item before it in theirs, and after
    the items ours added there."""
    at = 0
    for before in range(t - 1, -1, -1):
        if before in by_theirs:
            at = next(i for i, e in enumerate(entries) if e is by_theirs[before]) + 1
            break
    while at < len(entries) and entries[at].new_in_ours:
        at += 1
    return at


def _conflict(path: str, ours: object, theirs: object, conflicts: list[Conflict]) -> Conflict:
    conflict = Conflict(path, ours, theirs)
    conflicts.append(conflict)
    return conflict


def resolve(data: object, side: str) -> object:
    """The merged data with ours' ('ours') or theirs' ('theirs') value at each conflict."""
    if isinstance(data, Conflict):
        return data.ours if side == "ours" else data.theirs
    if isinstance(data, dict):
        return {k: r for k, v in data.items() if (r := resolve(v, side)) is not MISSING}
    if isinstance(data, list):
        return [r for v in data if (r := resolve(v, side)) is not MISSING]
    return data


# -- writing -------------------------------------------------------------------------------------------

def render(data: dict[str, object], ours_bytes: bytes) -> bytes:
    """The merged data's bytes in OURS's form (render_kept, without whether that form was kept)."""
    return render_kept(data, ours_bytes)[0]


def render_kept(data: dict[str, object], ours_bytes: bytes) -> tuple[bytes, bool]:
    """Every merged result is written through here, in OURS's form: `data` is the merged plan as parsed
    TOML data (no conflict in it), `ours_bytes` OURS's file as it was. A plan goes through the writer of
    every save (`storage.render_plan`), which keeps a hand-written file's comments, key order, quoting,
    line endings and byte-order mark and changes only the lines of the values that changed; data the
    model refuses (the merge of two valid plans may still break a rule of the format, say two partners
    with one short name) is written in the canonical layout for any data (`dump_data`), so that
    `planner check` then names what is wrong. The flag: False where OURS's form could not be kept."""
    try:
        plan = parse_plan(dump_data(data), "<merge>")  # the format, and the rules of its call
    except PlanError:
        kept = render_data(data, ours_bytes)
        return (kept, True) if kept is not None else (dump_data(data).encode("utf-8"), False)
    return render_plan_kept(plan, ours_bytes)


def _not_a_plan(data: bytes, name: str) -> str:
    """Why `data` is not a plan, in `planner check`'s words ("" when it is one)."""
    try:
        parse_plan(decode_plan_bytes(name, data), name)
    except PlanError as exc:
        return "; ".join([exc.message, *exc.problems]) if exc.problems else exc.message
    return ""


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key)


def _is_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _value(value: object) -> str:
    import tomli_w  # when a merge is written

    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    multiline = not (isinstance(value, str) and "\r" in value)
    return tomli_w.dumps({"v": value}, multiline_strings=multiline)[4:-1]


def dump_data(data: dict[str, object]) -> str:
    """Any TOML data in the canonical writer's layout: a table's values first, then its tables, one
    `[[array]]` block per item; arrays of values on one line."""
    return "\n".join(_table_lines([], data)).lstrip("\n") + "\n"


def _table_lines(prefix: list[str], table: dict[str, object]) -> Iterator[str]:
    for key, value in table.items():
        if not isinstance(value, dict) and not _is_tables(value):
            yield f"{_key(key)} = {_value(value)}"
    for key, value in table.items():
        name = ".".join(_key(k) for k in (*prefix, key))
        if isinstance(value, dict):
            if not value or any(not isinstance(v, dict) and not _is_tables(v) for v in value.values()):
                yield ""
                yield f"[{name}]"  # a table of tables only needs no header of its own: [tool.crm] says it
            yield from _table_lines([*prefix, key], value)
        elif _is_tables(value):
            for item in value:  # type: ignore[attr-defined]
                yield ""
                yield f"[[{name}]]"
                yield from _table_lines([*prefix, key], item)


def with_markers(ours_text: str, theirs_text: str, theirs_own: tuple[str, str] | None = None) -> str:
    """Ours' rendering with git's conflict markers around the smallest whole lines where theirs differs.

    `theirs_own`: theirs' file rendered with ours' values and with theirs' (the conflicts' values), whose
    changed lines are the same conflicts written as theirs wrote them (its comments, quoting, its own
    words such as `country = "EL"`): theirs' side of each marker then holds those lines. Used only where
    they pair off one for one with the conflicts here and read as the same values, else theirs' side is
    `theirs_text`'s lines (theirs' values in ours' lines)."""
    a, b = ours_text.splitlines(keepends=True), theirs_text.splitlines(keepends=True)
    newline = line_ending(ours_text)  # the markers end as ours' lines do: CRLF in a CRLF file
    hunks = _hunks(a, b)
    sides = [_ended(b[j1:j2], newline) for _, _, j1, j2 in hunks]
    if theirs_own is not None:
        sides = _own_sides(b, hunks, theirs_own, newline) or sides
    out: list[str] = []
    at = 0
    for (i1, i2, _, _), side in zip(hunks, sides):
        out.extend(a[at:i1])
        out.append(OURS_MARK + newline)
        out.extend(_ended(a[i1:i2], newline))
        out.append(SEPARATOR + newline)
        out.extend(side)
        out.append(THEIRS_MARK + newline)
        at = i2
    out.extend(a[at:])
    return "".join(out)


def _hunks(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """The line ranges (a from, a to, b from, b to) where `a` and `b` differ, their common ends left out."""
    hunks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            continue
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:  # the smallest lines: common ends stay outside
            i1, j1 = i1 + 1, j1 + 1
        while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
        hunks.append((i1, i2, j1, j2))
    return hunks


def _own_sides(b: list[str], hunks: list[tuple[int, int, int, int]], theirs_own: tuple[str, str],
               newline: str) -> list[list[str]] | None:
    """Theirs' own lines for each hunk (see with_markers), ending in ours' `newline`; None where they do not
    pair off with `hunks`, or, put in place of theirs' lines in `b`, do not read as the same plan."""
    c, d = (text.removeprefix("\ufeff").splitlines(keepends=True) for text in theirs_own)
    own = _hunks(c, d)
    if len(own) != len(hunks):
        return None
    sides = [[line.rstrip("\r\n") + newline for line in d[j1:j2]] for _, _, j1, j2 in own]
    rebuilt: list[str] = []
    at = 0
    for (_, _, j1, j2), side in zip(hunks, sides):
        rebuilt += [*b[at:j1], *side]
        at = j2
    rebuilt += b[at:]
    return sides if _same_values("".join(b), "".join(rebuilt)) else None


def _same_values(text: str, other: str) -> bool:
    """The two texts hold the same TOML data, or the same plan (`country = "EL"` is Greece's "GR")."""
    import tomllib

    try:
        if tomllib.loads(text.removeprefix("\ufeff")) == tomllib.loads(other.removeprefix("\ufeff")):
            return True
        return parse_plan(text.removeprefix("\ufeff")) == parse_plan(other.removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, PlanError):
        return False


def _ended(lines: list[str], newline: str) -> list[str]:
    """The lines, the last one ended too (the file's last line may have no line break)."""
    return [line if line.endswith("\n") else line + newline for line in lines]


def merge_bytes(base: bytes, ours: bytes, theirs: bytes, names: tuple[str, str, str] = ("BASE", "OURS", "THEIRS")
                ) -> Merged:
    """The merge of three plan files' bytes: the result's text is what OURS becomes. A file that is not
    TOML raises PlanError naming it."""
    texts = [decode_plan_bytes(name, data) for name, data in zip(names, (base, ours, theirs))]
    parsed = [plan_data(text, name) for name, text in zip(names, texts)]
    for name, data in zip(names, parsed):
        if (where := _huge_number(data)) is not None:
            # TOML reads 0xFFFF... of any length; no plan holds such a number, and Python will not write it
            raise PlanError(name, f"{where}: a number far larger than any in a plan (at most {MAX_NUMBER:,})")
    merged = merge_data(*parsed)
    if not merged.conflicts:
        # nothing of theirs to take: ours stays byte for byte (its comments and layout too)
        if merged.data == parsed[1]:
            merged.text = ours
            return merged
        merged.text, merged.form_kept = render_kept(merged.data, ours)
        if (problem := _not_a_plan(merged.text, names[1])) and not _not_a_plan(ours, names[1]):
            # each side a plan, the two together not (a short name both given to different partners, a lot
            # the other side's call does not have): exit 0 would let git commit what `check` refuses.
            # Each of their changes becomes a conflict: ours without it, theirs with it
            merged.invalid = problem
            merged.text = with_markers(ours.decode("utf-8"), merged.text.decode("utf-8")).encode("utf-8")
        return merged
    ours_data: dict[str, object] = resolve(merged.data, "ours")  # type: ignore[assignment]
    theirs_data: dict[str, object] = resolve(merged.data, "theirs")  # type: ignore[assignment]
    ours_side, theirs_side = render(ours_data, ours).decode("utf-8"), render(theirs_data, ours).decode("utf-8")
    # theirs' side of each conflict in theirs' own lines: theirs' file with ours' values, and with theirs'
    theirs_own = render(ours_data, theirs).decode("utf-8"), render(theirs_data, theirs).decode("utf-8")
    merged.text = with_markers(ours_side, theirs_side, theirs_own).encode("utf-8")
    return merged


MAX_NUMBER = 2**63 - 1  # TOML's own bound for integers; the format's are far smaller


def _huge_number(value: object, path: str = "") -> str | None:
    """The key path of an integer beyond TOML's 64 bits (read from hexadecimal, it may have any length), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return path or "value" if not -MAX_NUMBER - 1 <= value <= MAX_NUMBER else None
    items: list[tuple[str, object]] = []
    if isinstance(value, dict):
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    for where, item in items:
        if isinstance(item, (dict, list, int)) and (found := _huge_number(item, where)) is not None:
            return found
    return None


def merge_files(base: str | Path, ours: str | Path, theirs: str | Path) -> Merged:
    """`planner merge`: the three files read (PlanError when one cannot be), merged; nothing written."""
    names = (str(base), str(ours), str(theirs))
    base_bytes, ours_bytes, theirs_bytes = (read_user_file(Path(name)) for name in names)
    return merge_bytes(base_bytes, ours_bytes, theirs_bytes, names=names)
