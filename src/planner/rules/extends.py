"""Rule sets that build on each other: `extends = "2025"` and a merge of only what differs.

How a child rule set is merged into the one it extends (the parent is resolved first, so a
chain 2026 -> 2025 -> 2024 works; a missing parent or a cycle is refused):

- a scalar (a number, a string, a date) in the child replaces the parent's;
- a table (`[countries]`, `[country_names]`, `[ecosystem_rules]` ...) is merged key by key,
  the same way, all the way down;
- a list of plain values (`countries.associated = [...]`) is replaced as a whole: write the full
  new list;
- an array of tables is merged entry by entry, matched by its key (`MERGE_KEYS`): lots by
  `number`, a lot's durations by `months`, ecosystems, kinds, roles, award criteria, EQF bands,
  activities and third-country regions by `id`. A child entry with a known key is merged into
  the parent's entry (so `[[lots]] number = 2` with one line changes one figure of Lot 2); an
  entry with a new key is added at the end; `remove = true` in an entry drops the parent's;
- the call's dates go with its `status` (`OWN_WITH_STATUS`): a child that gives its own `status`
  ("expected" while the call text is not out, "published" once it is) does not inherit the
  parent's `deadline` or `expected`, only what it gives itself (a call expected next year has
  no deadline yet, and must not show the year before's).

Keeps: the built-in calls' ids and merged data as first read (`lru_cache`; they ship with the code).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.errors import PlanError
from planner.files import decode_plan_bytes, parse_toml, read_user_file

# the key that identifies an entry of each array of tables, by its path in the file
MERGE_KEYS: dict[str, str] = {
    "lots": "number",
    "lots.durations": "months",
    "ecosystems": "id",
    "kinds": "id",
    "roles": "id",
    "award": "id",
    "eqf_bands": "id",
    "activities": "id",
    "third_countries.regions": "id",
}


# keys a child with its own `status` never inherits: the parent's call dates are not the child's
OWN_WITH_STATUS = ("deadline", "expected")


def builtin_folder() -> Path:
    # beside this module in a wheel and in a checkout alike; a Path, not importlib.resources, which
    # costs the start 2 ms (it imports zipfile and its readers) for a folder that is always on disk
    return Path(__file__).parent / "calls"


@lru_cache(maxsize=1)
def _builtin_ids() -> tuple[str, ...]:
    return tuple(sorted(p.name[:-5] for p in builtin_folder().iterdir() if p.name.endswith(".toml")))


def builtin_ids() -> list[str]:
    return list(_builtin_ids())


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        return parse_toml(text, origin)  # refuses what tomllib cannot take (nesting, huge integers) with the line
    except PlanError as exc:
        raise PlanError(origin, f"not a valid rules file (TOML): {exc.message}") from None


def _copy(value: Any) -> Any:
    """A deep copy of TOML data (tables, arrays and immutable scalars): copy.deepcopy's memo and dispatch
    cost 4 ms at the first verdict of a plan on a closed call, which resolves the calls after it."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def merge(parent: dict[str, Any], child: dict[str, Any], path: str = "") -> dict[str, Any]:
    """The child merged into (a copy of) the parent, by the rules in this module's docstring."""
    out = {key: value if key in child else _copy(value) for key, value in parent.items()}  # the parent's order
    for key, value in child.items():
        where = f"{path}.{key}" if path else key
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = merge(old, value, where)
        elif where in MERGE_KEYS and isinstance(value, list) and isinstance(old, list):
            out[key] = _merge_entries(old, value, where, MERGE_KEYS[where])
        else:
            out[key] = _copy(value)
    return out


def _merge_entries(old: list[Any], new: list[Any], where: str, key: str) -> list[Any]:
    entries = [_copy(e) for e in old]
    for i, entry in enumerate(new):
        if not isinstance(entry, dict) or key not in entry:
            raise ValueError(f"{where}[{i}]: every entry needs its {key!r} to be merged with the rule set it extends")
        found = next((j for j, e in enumerate(entries) if isinstance(e, dict) and e.get(key) == entry[key]), None)
        if entry.get("remove") is True:
            if found is None:
                raise ValueError(f"{where}[{i}]: {key} = {entry[key]!r} cannot be removed: the rule set it "
                                 "extends has no such entry")
            del entries[found]
        elif found is None:
            entries.append(_copy(entry))
        else:
            entries[found] = merge(entries[found], entry, where)
    return entries


MAX_CHAIN = 50  # rule sets in one chain of extends: each level recurses, and real calls use a handful


def resolve(data: dict[str, Any], origin: str, folder: Path | None, chain: tuple[str, ...]) -> dict[str, Any]:
    """`data` with everything it extends merged in, `extends` itself removed."""
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise PlanError(origin, f"extends: expected the id of a rule set (such as \"2025\") or a file, "
                        f"found {parent_ref!r}")
    if len(chain) >= MAX_CHAIN:
        raise PlanError(origin, f"extends a chain of more than {MAX_CHAIN} rule sets; a call builds on a few "
                        "years before it at most")
    parent_id, parent_text, parent_folder = _find_parent(parent_ref, origin, folder)
    if parent_id in chain:
        cycle = " -> ".join([*chain, parent_id])
        raise PlanError(origin, f"extends {parent_ref!r} makes a cycle ({cycle}): a rule set cannot build on itself")
    if parent_folder is None:  # a built-in call: resolved once per process (2026 builds on 2025 on 2024)
        parent = _builtin_resolved(parent_ref)
    else:
        parent = resolve(_parse(parent_text, parent_id), parent_id, parent_folder, (*chain, parent_id))
    child = {k: v for k, v in data.items() if k != "extends"}
    if "status" in child:
        parent = {k: v for k, v in parent.items() if k not in OWN_WITH_STATUS}
    try:
        return merge(parent, child)
    except ValueError as exc:
        raise PlanError(origin, f"cannot be merged with {parent_ref!r}: {exc}") from None


def _find_parent(ref: str, origin: str, folder: Path | None) -> tuple[str, str, Path | None]:
    """(identity, text, folder) of the rule set `ref` names: a built-in id, or a file next to the child."""
    if ref in builtin_ids():
        return f"calls/{ref}.toml", builtin_folder().joinpath(f"{ref}.toml").read_text(encoding="utf-8"), None
    looks_like_file = ref.endswith(".toml") or "/" in ref
    if not looks_like_file or folder is None:
        raise PlanError(origin, f"extends {ref!r}: no such rule set; known calls: {', '.join(builtin_ids())}"
                        + ("" if folder is None else " (or a .toml file next to this one)"))
    path = (folder / ref).resolve()
    try:
        text = decode_plan_bytes(path, read_user_file(path, "rules file"))
    except PlanError as exc:
        reason = "not found" if exc.message == "file not found" else exc.message
        raise PlanError(origin, f"extends {ref!r}: the file {path} {reason}") from None
    return str(path), text, path.parent


@lru_cache(maxsize=None)
def _builtin_resolved(call_id: str) -> dict[str, Any]:
    origin = f"calls/{call_id}.toml"
    text = builtin_folder().joinpath(f"{call_id}.toml").read_text(encoding="utf-8")
    return resolve(_parse(text, origin), origin, None, (origin,))


def builtin_data(call_id: str) -> dict[str, Any]:
    """The built-in rule set `call_id`, resolved (a copy: the caller may change it)."""
    if call_id not in builtin_ids():
        raise PlanError(f"call {call_id!r}", f"no rules for call {call_id!r}; known calls: {', '.join(builtin_ids())}")
    return _copy(_builtin_resolved(call_id))


def file_data(path: Path, text: str) -> dict[str, Any]:
    """A user's rules file (--rules FILE), resolved; it may extend a built-in set or another file."""
    identity = str(path.resolve())
    return resolve(_parse(text, str(path)), str(path), path.resolve().parent, (identity,))
