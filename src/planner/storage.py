"""The plan format on disk: parse, check against the call's rules, dump canonically, load and save.

Reading, decoding, TOML and atomic writes are `files`; this module knows what a plan is."""

from __future__ import annotations

import hashlib
import re
import weakref
from pathlib import Path

from pydantic import ValidationError

from planner.conflicts import MergeConflict, find_conflicts
from planner.errors import PlanError, validation_problems
from planner.files import (
    MAX_FILE_BYTES,
    Fingerprint,
    decode_plan_bytes,
    parse_toml,
    read_user_file,
    size_words,
    write_bytes_atomically,
)
from planner.model import COUNTRY_CODE, Partner, Plan, allowed_keys
from planner.rules import DEFAULT_CALL, CallRules, load_call


def plan_data(text: str, origin: str = "<plan>") -> dict[str, object]:
    """A plan file's TOML data, not checked yet. A text with git's conflict markers raises
    conflicts.MergeConflict (a PlanError) naming every conflict's lines, not a TOML syntax error."""
    try:
        return parse_toml(text, origin)
    except PlanError:
        if found := find_conflicts(text):
            raise MergeConflict(origin, text, found) from None
        raise


def parse_plan(text: str, origin: str = "<plan>", rules: CallRules | None = None) -> Plan:
    """A plan from TOML text, checked against the format and against its call's rules. A text with git's
    conflict markers raises conflicts.MergeConflict (a PlanError) naming every conflict's lines."""
    data = plan_data(text, origin)
    if not data:  # not three lines of 'missing' keys: what the file is, and what to do
        what = "is empty" if not text.strip() else "holds no plan (only comments)"
        raise PlanError(origin, f"{what}: a plan needs at least format, title and lot ('planner new PATH' "
                                "writes one to start from)")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        problems = _role_problems(validation_problems(exc, allowed_keys), data, rules)
        if len(problems) == 1:
            raise PlanError(origin, problems[0]) from None
        raise PlanError(origin, "not a valid plan (format 1)", problems) from None
    if rules is None:
        rules = load_call_for(plan, origin)
    return check_against_rules(plan, rules, origin)


def load_call_for(plan: Plan, origin: str, beside: Path | None = None) -> CallRules:
    """The rules of the plan's call: the coordinator's own set of that id (a `calls/` folder beside the
    plan, `beside` or the folder of the file `origin` names; the config folder) or the built-in one."""
    if beside is None:
        try:
            path = Path(origin)
            beside = path.parent if path.is_file() else None
        except (OSError, ValueError):
            beside = None
    try:
        return load_call(plan.call or DEFAULT_CALL, beside)
    except PlanError as exc:
        if exc.origin != f"call {plan.call or DEFAULT_CALL!r}":  # a rule set of the user's own: its file says it
            raise
        raise PlanError(origin, "call: " + exc.message) from None


def _unknown_word(what: str, text: str, rules: CallRules) -> str:
    """'unknown country 'Spian': did you mean Spain (ES)?', 'unknown kind 'school': it could be ... (ids,
    which a file takes)': the file format stays strict, the message says what was probably meant."""
    from planner import vocabulary

    found = {"country": vocabulary.match_country, "kind": vocabulary.match_kind,
             "role": vocabulary.match_role}[what](text, rules)
    if what == "country" and len(text.strip()) <= 3:
        what = "country code"
    if found.how == "ambiguous" and len(found.candidates) > 1:
        named = " or ".join(f"{target} ({label})" for target, label in found.candidates[:4])
        return f"unknown {what} {text!r}: it could be {named}; say which"
    return vocabulary.did_you_mean(what, text, found, ids=True)


def _not_a_code(text: str) -> str | None:
    """Why `text` is not the two letters of a country code, where it looks like one: spaces around it
    (' de'), or letters beyond ASCII that upper-case into a code ('ß'.upper() is 'SS', South Sudan;
    'ﬁ' is 'FI'). None for a code, and for text no code was meant by (a name: 'Deutschland', which
    the unknown-country message answers with a guess). Checked before the code is upper-cased."""
    if re.fullmatch(COUNTRY_CODE, text):
        return None
    if re.fullmatch(COUNTRY_CODE, text.strip()):
        return ", without spaces around them"
    if not text.isascii() and len(text) <= 3:
        return " A to Z"
    return None


def _role_problems(problems: list[str], data: dict[str, object], rules: CallRules | None) -> list[str]:
    """A role the format does not know, with what was probably meant ('partner': beneficiary)."""
    partners = data.get("partners")
    out = []
    for problem in problems:
        found = re.fullmatch(r"partners\[(\d+)\]\.role: .*", problem)
        value = None
        if found is not None and isinstance(partners, list) and int(found[1]) < len(partners):
            entry = partners[int(found[1])]
            value = entry.get("role") if isinstance(entry, dict) else None
        if found is None or not isinstance(value, str) or len(value) > 300:
            out.append(problem)
            continue
        try:
            call = data.get("call")
            known = rules or load_call(call if isinstance(call, str) else DEFAULT_CALL)
        except PlanError:
            known = load_call(DEFAULT_CALL)
        allowed = ", ".join(repr(r.id) for r in known.roles)
        out.append(f"partners[{found[1]}].role: {_unknown_word('role', value, known)} (allowed: {allowed})")
    return out


def check_against_rules(plan: Plan, rules: CallRules, origin: str = "<plan>",
                        checked: frozenset[int] = frozenset()) -> Plan:
    """Refuse ids the call does not know; normalise country codes (any case, EL and UK aliases).

    `checked`: ids of partner objects that already passed these very rules (the TUI's current plan,
    whose untouched partners an edit keeps): taken as they are."""
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
        if checked and id(partner) in checked:
            partners.append(partner)
            continue
        where = f"partners[{i}]"
        country = rules.canonical_country(partner.country)
        if (unlike := _not_a_code(partner.country)) is not None:
            problems.append(f"{where}.country: {partner.country!r} is not a country code: a plan file takes two "
                            f"letters{unlike} (ISO 3166-1 alpha-2 such as DE, FR, EL or NO; {partner.name})")
        elif not rules.is_known_country(country):
            problems.append(f"{where}.country: {_unknown_word('country', partner.country, rules)} "
                            f"({partner.name}; a plan file takes ISO 3166-1 alpha-2 codes such as DE, FR, EL or NO)")
        if rules.kind(partner.kind) is None:
            allowed = ", ".join(k.id for k in rules.kinds)
            problems.append(f"{where}.kind: {_unknown_word('kind', partner.kind, rules)} ({partner.name}); "
                            f"allowed: {allowed}")
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
    return parse_plan(decode_plan_bytes(path, read_user_file(path)), str(path), rules)


def load_plan_with_fingerprint(path: str | Path, rules: CallRules | None = None) -> tuple[Plan, Fingerprint]:
    plan, fingerprint, _data = read_plan_file(path, rules)
    return plan, fingerprint


def read_plan_file(path: str | Path, rules: CallRules | None = None) -> tuple[Plan, Fingerprint, bytes]:
    """The plan, its file's fingerprint and the file's bytes (whose form a save keeps: render_plan)."""
    path = Path(path)
    data = read_user_file(path)
    plan = parse_plan(decode_plan_bytes(path, data), str(path), rules)
    # its first save need not parse it again (render_plan); whether it is dump_plan's text is seen then
    _remember(hashlib.sha256(data).hexdigest(), (plan, None, None))
    return plan, Fingerprint.of_bytes(path, data), data


def _toml_value(value: object) -> str:
    import tomli_w  # when a plan is written: the start reads only

    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):  # an inline table, as in an array (another tool's [tool.*] data): tomli-w
        # wrote it as a [table] and the slice below made 'z = 4' of { z = 4 }
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
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
    doc = plan.model_copy(update={"partners": ()}).to_document()  # partners come first of the tables
    scalars = {k: v for k, v in doc.items() if not isinstance(v, dict) and not (
        isinstance(v, list) and v and isinstance(v[0], dict))}
    blocks = ["\n".join(_toml_table(scalars))]
    order = tuple(wp.id for wp in plan.work_packages)
    blocks.extend(_partner_block(p, order) for p in plan.partners)
    for key, value in doc.items():
        if key in scalars:
            continue
        if isinstance(value, dict):
            blocks.append("\n".join([f"[{key}]", *_toml_table(value)]))
        else:
            blocks.extend("\n".join([f"[[{key}]]", *_toml_table(item)]) for item in value)
    if plan.tool:
        blocks.append(_tool_tables(plan.tool))
    return "\n\n".join(blocks) + "\n"


def _tool_tables(tool: dict[str, dict[str, object]]) -> str:
    """Other tools' [tool.NAME] tables, last, as tomli-w writes them (their own form is kept by render_plan)."""
    import tomli_w

    return tomli_w.dumps({"tool": tool}, multiline_strings=True).rstrip("\n")


# A partner's block, by partner: partners are immutable and edits keep the objects of the partners
# they do not change, so the recovery file of a plan of 10,000 partners, written after each edit,
# formats one partner instead of 10,000 (0.4 s that the screen would wait for). Equal partners
# share an entry (1 == 1.0, lines in any order: their canonical blocks are the same); an entry holds
# the order of the work packages it was written for, and goes with the last plan that holds its partner.
_BLOCKS: weakref.WeakKeyDictionary[Partner, tuple[tuple[str, ...], str]] = weakref.WeakKeyDictionary()


def _partner_block(partner: Partner, order: tuple[str, ...] = ()) -> str:
    """The partner's keys, then one [partners.budget.WPID] table per line: in `order` (the plan's
    [[work_packages]]), then the lines of work packages the plan does not have, by id. The file's own
    order of the tables is not the plan's: two files of one plan get one canonical text."""
    cached = _BLOCKS.get(partner)
    if cached is not None and cached[0] == order:
        return cached[1]
    fields = partner.model_dump(mode="json", exclude_none=True)
    lines = fields.pop("budget", {})
    block = "\n".join(["[[partners]]", *_toml_table(fields)])
    known = [wp_id for wp_id in order if wp_id in lines]
    others = sorted((wp_id for wp_id in lines if wp_id not in order), key=lambda k: (k.casefold(), k))
    for wp_id in (*known, *others):
        line = {key: _canonical_number(value) for key, value in lines[wp_id].items()}
        block += "\n\n" + "\n".join([f"[partners.budget.{_toml_key(wp_id)}]", *_toml_table(line)])
    _BLOCKS[partner] = (order, block)
    return block


def _canonical_number(value: object) -> object:
    """One text for one number: a whole float is written as the integer (person_months = 1.0, 1e0, 25.0 and
    2.5e1 are `1`, `1`, `25` and `25`), as the spec writes whole person-months (`"person_months": 0` in its
    budget object; "6.5, 12" in the model's words) and as the format writes every other number, whole
    euros and months; any other float as its shortest repr (6.50 is `6.5`), which is what tomli-w writes.
    The value is the same one (1 == 1.0, and the budget counts Decimal(repr) of either alike)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _toml_key(key: str) -> str:
    """A bare key where TOML allows one (WP1), else quoted ("WP1.2": a dot would make two keys), on one
    line whatever it holds (a key of another tool's data may hold a line break)."""
    import tomli_w

    if re.fullmatch(r"[A-Za-z0-9_-]+", key):
        return key
    return tomli_w.dumps({"v": key}, multiline_strings=False)[4:-1]


def size_problem(plan: Plan, text: str | None = None) -> str | None:
    """Why the plan's file would be too large for the loader to read back (over MAX_FILE_BYTES), or None."""
    text = dump_plan(plan) if text is None else text
    if len(text) * 4 <= MAX_FILE_BYTES:  # UTF-8 takes at most 4 bytes a character: no need to encode
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_FILE_BYTES:
        return None
    return _too_large(size)


def _too_large(size: int) -> str:
    """Sizes said as reading says them (files.size_words): to the byte, the limit in MiB and bytes."""
    return (f"the plan's file would be {size_words(size)}, and the planner reads plan files of up to "
            f"{size_words(MAX_FILE_BYTES)}: shorten notes or split the consortium")


# --- the file's own form -----------------------------------------------------------------------
#
# A plan the planner wrote is byte-identical to dump_plan of its own plan: it stays on dump_plan. Any
# other (a person's, another tool's) keeps its form through tomledit. Whether an original is the
# planner's own, and the plan it holds, are kept for the last few originals (by digest): a save of a
# large plan, then the next, parse the original once.
_ORIGINALS: dict[str, tuple[Plan | None, dict[str, object] | None, bool | None]] = {}


def _original(original: bytes) -> tuple[Plan | None, dict[str, object] | None, bool]:
    """(the plan the original holds, or None; its raw TOML data, or None; is it dump_plan's own text)."""
    digest = hashlib.sha256(original).hexdigest()
    if digest in _ORIGINALS:
        known, raw, own = _ORIGINALS[digest]
        if own is None and known is not None:  # read by read_plan_file: is it the planner's own text?
            own = dump_plan(known).encode("utf-8") == original  # its partners' blocks are cached: a few ms
            _ORIGINALS[digest] = (known, raw, own)
        return known, raw, bool(own)
    plan: Plan | None = None
    data: dict[str, object] | None = None
    try:
        text = decode_plan_bytes("<original>", original)
        data = parse_toml(text, "<original>")
        plan = parse_plan(text, "<original>")
    except (PlanError, ValueError, RecursionError, OverflowError):
        pass
    own = plan is not None and dump_plan(plan).encode("utf-8") == original
    _remember(digest, (plan, data, own))
    return plan, data, own


def _remember(digest: str, found: tuple[Plan | None, dict[str, object] | None, bool | None]) -> None:
    if len(_ORIGINALS) >= 4:
        del _ORIGINALS[next(iter(_ORIGINALS))]
    _ORIGINALS[digest] = found


def _document(plan: Plan) -> dict[str, object]:
    doc = plan.to_document()
    if plan.tool is not None:
        doc["tool"] = plan.tool
    return doc


def render_plan(plan: Plan, original: bytes | None = None) -> bytes:
    """The bytes to write for `plan` over a file that held `original` (render_plan_kept, without whether
    the file's own form was kept)."""
    return render_plan_kept(plan, original)[0]


def render_plan_kept(plan: Plan, original: bytes | None = None) -> tuple[bytes, bool]:
    """The bytes to write for `plan` over a file that held `original` (None: a new file), and False when
    the file had a form of its own that could not be kept (its comments are then gone). Pure.

    Every save goes through here: the TUI's save and save as, a recovered plan's save, the commands
    that write a plan, `planner merge` (which writes the merged plan in OURS's form). A new file, and
    a file the planner wrote itself (byte-identical to dump_plan of its plan), get dump_plan's
    canonical text. Any other keeps its own form (spec, "Rules for the writer"): comments, blank lines,
    key order, quoting, inline tables, CRLF or LF, the byte-order mark; only the lines of the values
    that changed change; new keys and partners are written in dump_plan's style where they belong; a
    removed partner takes its comments with it. The result is read back: should it not hold `plan`
    exactly (a layout tomlkit cannot edit), the canonical text is returned instead.
    """
    canonical = dump_plan(plan).encode("utf-8")
    if original is None or original == canonical:
        return canonical, True
    old, data, own = _original(original)
    if own or (old is None and data is None):
        return canonical, True
    from planner.tomledit import edit_text  # a hand-written plan's first save: tomlkit loads there

    before: dict[str, object] = _document(old) if old is not None else data or {}
    for whole in (False, True):  # the entries cut out of the text (fast), else the whole text through tomlkit
        try:
            text = edit_text(original.decode("utf-8"), before, _document(plan), _toml_value, whole=whole)
            if parse_plan(text.removeprefix("\ufeff"), "<plan>") == plan:
                break
        except Exception:  # noqa: BLE001 - whatever tomlkit refuses: tried whole, then written canonically
            continue
    else:
        return canonical, False
    data_out = text.encode("utf-8")
    _remember(hashlib.sha256(data_out).hexdigest(), (plan, None, False))  # the next save's original
    return data_out, True


def render_data(data: dict[str, object], original: bytes) -> bytes | None:
    """TOML `data` that need not be a valid plan (a merge of two plans that breaks a rule) written over
    the file that held `original` in its form, as render_plan writes a plan: its comments, order and
    layout kept, only the lines of the values that changed changed. None when the form cannot be kept
    (the caller writes the data canonically)."""
    from planner.tomledit import edit_text

    try:
        text = decode_plan_bytes("<original>", original)
        before = parse_toml(text, "<original>")
    except PlanError:
        return None
    bom = "\ufeff" if original.startswith(b"\xef\xbb\xbf") else ""
    for whole in (False, True):
        try:
            out = edit_text(bom + text, before, data, _toml_value, whole=whole)
            if parse_toml(out.removeprefix("\ufeff"), "<merge>") == data:
                return out.encode("utf-8")
        except Exception:  # noqa: BLE001 - whatever tomlkit refuses: the caller writes canonically
            continue
    return None


def write_plan_bytes(path: str | Path, data: bytes) -> Fingerprint:
    """Write a plan's bytes (from render_plan) atomically; refused (PlanError) when too large to load again."""
    path = Path(path)
    if len(data) > MAX_FILE_BYTES:
        raise PlanError(str(path), f"not saved: {_too_large(len(data))}")
    written = write_bytes_atomically(path, data)
    return Fingerprint.of_bytes(path, data, written)


def save_plan(plan: Plan, path: str | Path, original: bytes | None = None) -> Fingerprint:
    """Write atomically (see write_bytes_atomically): through a symlink, keeping mode, owner and group.
    `original`: the bytes the file held when the plan was read, whose form the save keeps (render_plan).
    A plan whose file would be too large to load again is refused (PlanError), nothing written."""
    path = Path(path)
    text = dump_plan(plan)
    if problem := size_problem(plan, text):
        raise PlanError(str(path), f"not saved: {problem}")
    return write_plan_bytes(path, render_plan(plan, original))


