"""The calls known by id, loaded: the built-in ones (calls/*.toml) and the coordinator's own (rules/own.py);
which call a new plan gets (the one being written now); a user's rules file (--rules FILE).

Keeps: each built-in call's rules once loaded, and each own rule set by path and stat (`lru_cache`;
frozen, shared by every thread)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from planner.errors import PlanError, describe_validation_error
from planner.files import decode_plan_bytes, read_user_file
from planner.model import CALL_WHEN_ABSENT
from planner.rules import own
from planner.rules.extends import builtin_data, builtin_ids, file_data
from planner.rules.schema import CallRules


def available_calls(beside: Path | None = None) -> list[str]:
    """The calls known by id: the built-in ones and the coordinator's own (rules/own.py), sorted."""
    return sorted(set(builtin_ids()) | {f.call_id for f in own.listed(beside)})


def builtin_calls() -> list[CallRules]:
    """The built-in calls' rules (calls/*.toml), by id: the spec's, whatever rule sets of the user's own say
    (`planner schema` takes their kinds, ecosystems, lots and maxima)."""
    return [_load_builtin(call_id) for call_id in sorted(builtin_ids())]


def _year_ids(beside: Path | None) -> list[str]:
    return sorted((i for i in available_calls(beside) if i.isdigit()), key=int)


def latest_call(now: datetime | None = None, beside: Path | None = None) -> str:
    """The call a new plan gets, the one being written at `now` (default the clock's): the first call
    (a year) that is not closed, open or expected (in January 2026 the open 2026, not the expected
    2027), else the newest there is. A call that does not load is passed over."""
    now = now or datetime.now(ZoneInfo("UTC"))
    years = _year_ids(beside) or builtin_ids()
    found: str | None = None  # from the newest down, until a closed call: the oldest one not closed after it
    newest_loaded: str | None = None
    for call_id in reversed(years):
        try:
            rules = load_call(call_id, beside)
        except PlanError:
            continue  # a broken rule set of the user's own: passed over (its file is named where it is used)
        newest_loaded = newest_loaded or call_id
        if rules.status_at(now) == "closed":
            break
        found = call_id
    return found or newest_loaded or max(builtin_ids())


def next_call(call_id: str, now: datetime | None = None, beside: Path | None = None) -> str | None:
    """The call after `call_id` that a plan on it is meant for: the call a new plan gets, when it is
    a later one; None when there is none (or `call_id` is no year)."""
    target = latest_call(now, beside)
    if call_id.isdigit() and target.isdigit() and int(target) > int(call_id):
        return target
    return None


def _validate(data: dict, origin: str) -> CallRules:
    try:
        return CallRules.model_validate(data)
    except ValidationError as exc:
        raise PlanError(origin, "not a valid rules file: " + describe_validation_error(exc, data)) from None


def load_call(call_id: str, beside: Path | None = None) -> CallRules:
    """The rules of one call by id, resolved through `extends`: the coordinator's own set of that id
    (a `calls/` folder beside the plan, then the config folder: rules/own.py) or the built-in one."""
    mine = own.find(call_id, beside)
    if mine is None:
        return _load_builtin(call_id)
    try:
        st = mine.path.stat()
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        key = (0, 0, 0)  # read_user_file says why, naming the file
    return _load_own(str(mine.path), mine.where, key)


@lru_cache(maxsize=None)
def _load_builtin(call_id: str) -> CallRules:
    data = builtin_data(call_id)
    return _validate(data, f"calls/{call_id}.toml")


@lru_cache(maxsize=64)
def _load_own(path: str, where: str, _stamp: tuple[int, int, int]) -> CallRules:
    """A rule set of the coordinator's own, read with the limits of the planner's own files; cached
    by the file's size, time and inode, so that an edited file is read again."""
    call_id = Path(path).name[:-5]
    text = decode_plan_bytes(path, read_user_file(path, "rules file", own.OWN_LIMIT), "rules file")
    data = file_data(Path(path), text)
    if data.get("id") != call_id:
        raise PlanError(path, f"id: the file is named {call_id}.toml, so its id must be {call_id!r} "
                        f"(found {data.get('id')!r})")
    rules = _validate(data, path)
    rules.__pydantic_private__["_origin"] = f"{path} ({where})"
    rules.__pydantic_private__["_replaces_builtin"] = call_id in builtin_ids()
    return rules


def not_published(rules: CallRules) -> str:
    """'not yet published (expected early 2027)': an expected call's deadline, wherever one is shown."""
    return f"not yet published (expected {rules.expected})" if rules.expected else "not yet published"


def replaced_notice(rules: CallRules) -> str:
    """'call 2026: your own rule set (PATH) replaces the built-in one', or '' for any other set."""
    if not rules.replaces_builtin:
        return ""
    return f"call {rules.id}: your own rule set {rules.origin} replaces the built-in one"


def read_rules_file(path: str | Path) -> dict:
    """A user's rules file as data, resolved through `extends` (a built-in id or a file next to it).
    Read with the same limits as a plan: no FIFO, no device, at most 10 MB, no deep nesting."""
    path = Path(path)
    try:
        text = decode_plan_bytes(path, read_user_file(path, "rules file"))
    except PlanError as exc:
        if exc.message == "file not found":
            raise PlanError(str(path), "rules file not found") from None
        raise
    return file_data(path, text)


def load_rules_file(path: str | Path) -> CallRules:
    """A user's own rules file (--rules FILE); it may extend a built-in call (`extends = "2026"`)."""
    return _validate(read_rules_file(path), str(path))


# files without a `call` key keep meaning 2024 (the spec); new plans get latest_call()
DEFAULT_CALL = CALL_WHEN_ABSENT
