"""The commands on plan files: new, fmt, ls, diff, merge, schema and samples."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.bundled import sample_names, sample_path
from planner.cli.loading import beside, told
from planner.cli.output import EXIT_UNREADABLE, emit, err, out
from planner.errors import PlanError, validation_problems
from planner.files import decode_plan_bytes, read_user_file, write_bytes_atomically
from planner.model import Plan, new_plan
from planner.rules import DEFAULT_CALL, latest_call
from planner.safetext import shown_path
from planner.scoring import evaluate, now
from planner.storage import dump_plan, load_call_for, load_plan, parse_plan, save_plan


def new_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH")
    p.add_argument("--lot", type=int, metavar="N", help="the lot (default 1, or the sample's)")
    p.add_argument("--call", metavar="ID",
                   help="the call (default the one open or expected now: see `planner rules`; a sample keeps its "
                   "own unless --call is given)")
    p.add_argument("--title", help="the project title")
    p.add_argument("--from-sample", metavar="NAME", help=f"start from a sample ({', '.join(sample_names())})")


def new(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.exists():
        raise PlanError(str(path), "already exists; choose another name (planner new never overwrites)")
    if args.from_sample:
        source = sample_path(args.from_sample)
        if source is None:
            raise PlanError(args.from_sample, f"no such sample; samples: {', '.join(sample_names())}")
        plan = load_plan(source)
        if args.call:  # the sample moved to the call asked for, as `y` moves a plan: its lot where it has it
            from planner.editing import set_call
            from planner.storage import check_against_rules

            rules = load_call_for(plan.model_copy(update={"call": args.call}), "--call", beside(path))
            moved = set_call(plan, rules)
            if moved.lot != plan.lot:
                out(f"call {rules.id} has no Lot {plan.lot}: the plan is on Lot {moved.lot}\n")
            plan = check_against_rules(moved, rules, f"sample {args.from_sample} in call {rules.id}")
    else:
        # the call being written now (open or expected, scoring.now() the clock), written in the file: a
        # plan says which call it is for; a `calls/` folder beside it may hold the team's own rule sets
        plan = new_plan(args.call or latest_call(now(), beside(path)))
        told(load_call_for(plan, "--call", beside(path)))  # an unknown call is refused before anything is written
    update: dict[str, object] = {}
    if args.title:
        update["title"] = args.title
    if args.lot is not None:
        rules = load_call_for(plan, str(path), beside(path))
        if not rules.has_lot(args.lot):
            raise PlanError("--lot", f"call {rules.id} has no lot {args.lot}")
        update["lot"] = args.lot
        if plan.duration_months is not None and rules.lot(args.lot).duration(plan.duration_months) is None:
            update["duration_months"] = None
    if update:
        # validated as the loader does (a copy's update is not): a title of spaces or with an escape in it
        # would be written into a file that no command could read
        try:
            plan = Plan.model_validate({**dict(plan), **update})
        except ValidationError as exc:
            raise PlanError("--title", "; ".join(validation_problems(exc))) from None
    save_plan(plan, path)
    call = plan.call or DEFAULT_CALL
    try:
        rules = load_call_for(plan, str(path), beside(path))
        status = {"expected": f", expected {rules.expected or ''}".rstrip() + ", not yet published",
                  "closed": ", closed"}.get(rules.status_at(now()), "")
    except PlanError:
        status = ""
    out(f"created {shown_path(path)} (call {call}{status}, Lot {plan.lot})\n")
    return 0


def fmt_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("plans", metavar="PLAN", nargs="+", help="the plan files to rewrite in the canonical layout")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")


def fmt(args: argparse.Namespace) -> int:
    changed = unreadable = 0
    for name in args.plans:
        try:
            current = read_user_file(name)  # read once: what is judged is what is compared
            plan = parse_plan(decode_plan_bytes(name, current), name)
        except PlanError as exc:
            err(f"planner: {exc}")
            unreadable += 1
            continue
        if dump_plan(plan).encode("utf-8") == current:
            continue
        changed += 1
        if args.check:
            out(f"would reformat {shown_path(name)}\n")
        else:
            save_plan(plan, name)
            out(f"reformatted {shown_path(name)}\n")
    if unreadable:
        return EXIT_UNREADABLE
    return 1 if (args.check and changed) else 0


def ls_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = ("Every *.toml file in the folder is listed, an unreadable one with the reason "
                "(partners.toml, the folder's directory of partners, is not a plan). Exit 0 when "
                "the folder was listed, whatever the verdicts; 2 when it cannot be read.")
    p.add_argument("folder", metavar="DIR", nargs="?", default=".", help="the folder (default: the current one)")
    p.add_argument("--recursive", "-r", action="store_true", help="the plans in subfolders too")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default: a line per plan) or json (the spec's listing, for scripts)")


def ls(args: argparse.Namespace) -> int:
    import json

    from planner import folder

    try:
        entries = folder.list_folder(args.folder, recursive=args.recursive)
    except folder.FolderError as exc:
        err(f"planner: {exc}")
        return EXIT_UNREADABLE
    if args.format == "json":
        text = json.dumps(folder.listing_json(args.folder, entries), ensure_ascii=False, indent=2) + "\n"
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8 (its bytes kept as surrogates): \u escapes
            text = json.dumps(folder.listing_json(args.folder, entries), indent=2) + "\n"
        emit(text, True)
    else:
        out(folder.listing_text(entries))
    return 0


def diff_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = ("As a git diff driver: git config diff.planner.textconv 'planner diff --textconv' and a line "
                "'*.toml diff=planner' in .gitattributes; git diff then shows what changed in words.")
    p.add_argument("plans", metavar="PLAN", nargs="+", help="two plans (A B), or one with --textconv")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default: each change in words) or json (the same as data)")
    p.add_argument("--textconv", action="store_true", help="print one plan as lines of words (for git's textconv)")


def diff(args: argparse.Namespace) -> int:
    from planner import plandiff

    if args.textconv:
        if len(args.plans) != 1:
            raise PlanError("--textconv", f"takes one plan, not {len(args.plans)}")
        path = args.plans[0]
        try:
            plan = load_plan(path)
            board = evaluate(plan, load_call_for(plan, path))
        except PlanError as exc:
            # git shows a file it cannot convert as nothing: show why and the text as it is
            data = read_user_file(path)
            out(f"(not a plan the planner can read: {exc.message})\n" + data.decode("utf-8", "replace"))
            return 0
        out(plandiff.textconv(plan, board))
        return 0
    if len(args.plans) != 2:
        raise PlanError("diff", f"takes two plans (A B), not {len(args.plans)}")
    a, b = args.plans
    plans = [load_plan(a), load_plan(b)]
    boards = tuple(evaluate(plan, load_call_for(plan, path)) for plan, path in zip(plans, args.plans))
    changes = plandiff.describe(plans[0], plans[1], boards)  # type: ignore[arg-type]
    emit(plandiff.as_json(changes, a, b) if args.format == "json" else plandiff.as_text(changes, a, b),
          args.format == "json")
    return 1 if changes else 0


def merge_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = ("Partners are matched by short name, else PIC, else name; work packages by id; every other value "
                "by its key. A change on one side is taken, both sides' new partners are kept (ours first), and "
                "where both sides changed a value differently OURS gets git's conflict markers around both "
                "versions. As git's merge driver: 'planner git-setup' sets it up.")
    p.add_argument("base", metavar="BASE", help="the common ancestor (git's %%O)")
    p.add_argument("ours", metavar="OURS", help="our version, which the merge replaces (git's %%A)")
    p.add_argument("theirs", metavar="THEIRS", help="their version (git's %%B)")
    p.add_argument("--path", metavar="PATH", help="the plan's path in the repository, as the messages name it "
                   "(git's %%P: OURS is then a temporary file of git's)")


def merge_plans(args: argparse.Namespace) -> int:
    from planner import merge

    merged = merge.merge_files(args.base, args.ours, args.theirs)
    write_bytes_atomically(Path(args.ours), merged.text)
    name = shown_path(args.path or args.ours)
    if not merged.form_kept:  # rare: a layout the writer cannot edit in place (never silent)
        err(f"{name}: written in the planner's own layout: its form (comments, key order) could not be kept\n")
    if merged.invalid:
        marked = merged.text.count(merge.OURS_MARK.encode("utf-8"))
        out(f"{name}: the two versions merged are not a valid plan: {merged.invalid}\n"
            f"  Each of their changes ({marked}) is marked in the file as a conflict: take ours or theirs of each "
            "(the planner offers it when it opens the file).\n")
        return 1
    if not merged.conflicts:
        return 0
    out(f"{name}: {len(merged.conflicts)} conflict(s), marked in the file:\n")
    for conflict in merged.conflicts:
        out(f"  {conflict.words}\n")
    return 1


def no_arguments(_p: argparse.ArgumentParser) -> None:
    """schema and samples take none."""


def schema(_args: argparse.Namespace) -> int:
    import json

    print(json.dumps(plan_schema(), indent=2))
    return 0


# What the loader refuses and JSON Schema cannot say (tests/test_plan_schema.py holds each to a refused plan)
SCHEMA_CANNOT_SAY = (
    "Plan file format 1 (TOML; docs/formats.md, \"Plan files\"). The planner refuses more than this schema "
    "can say: a float where an integer is expected (TOML tells 100 from 100.0; JSON Schema's integer takes "
    "both, as JSON has one kind of number); person-months with more than 2 decimals (JSON Schema's multipleOf "
    "is inexact on binary floating point numbers), and nan; two partners with one short name (compared "
    "without case, in Unicode's composed form and without spaces around it), two work packages with one id "
    "(compared without case); and what the plan's call decides, which this schema knows only for the "
    "planner's built-in calls: which calls exist (a coordinator's own rule sets add theirs, and may replace one), "
    "the lots of a call, the country codes it knows, and the maximum of each self-assessment score."
)


def plan_schema() -> dict[str, Any]:
    """The plan format as JSON Schema (draft 2020-12): the model's, with the format's bounds the model's
    types add (model._json), and what the built-in calls' rules decide (kinds, ecosystems, lots, the
    self-assessment's maxima: the spec's lists, which live in rules/calls/*.toml). What it cannot say is
    its description."""
    from pydantic.json_schema import GenerateJsonSchema

    from planner.rules import builtin_calls
    from planner.rules.own import ID_PATTERN

    class FileSchema(GenerateJsonSchema):
        """A plan file's: TOML has no null (an unset key is left out of the file), and a table whose keys
        have a pattern (a partner's budget lines by work package id) refuses keys that do not match it
        (pydantic's patternProperties would let them through unchecked)."""

        def nullable_schema(self, schema: Any) -> Any:
            return self.generate_inner(schema["schema"])

        def default_schema(self, schema: Any) -> Any:
            json_schema = super().default_schema(schema)
            if "default" in json_schema and json_schema["default"] is None:
                del json_schema["default"]
            return json_schema

        def dict_schema(self, schema: Any) -> Any:
            json_schema = super().dict_schema(schema)
            if patterns := json_schema.pop("patternProperties", None):
                ((pattern, values),) = patterns.items()
                json_schema["propertyNames"] = {"pattern": pattern, **json_schema.get("propertyNames", {})}
                json_schema["additionalProperties"] = values
            return json_schema

    schema = Plan.model_json_schema(schema_generator=FileSchema)
    calls = builtin_calls()
    top, partner = schema["properties"], schema["$defs"]["Partner"]["properties"]
    top["call"]["pattern"] = f"^{ID_PATTERN}$"
    top["call"]["description"] = ("the id of a call's rule set: a built-in one (" + ", ".join(r.id for r in calls)
                                  + ") or a coordinator's own; without it, " + DEFAULT_CALL)
    top["lot"]["enum"] = sorted({lot.number for rules in calls for lot in rules.lots})
    # the lots of each built-in call; a plan without `call` is on DEFAULT_CALL
    def on(call_id: str) -> dict[str, Any]:
        named = {"properties": {"call": {"const": call_id}}, "required": ["call"]}
        return named if call_id != DEFAULT_CALL else {"anyOf": [named, {"not": {"required": ["call"]}}]}

    schema["allOf"] = [{"if": on(rules.id), "then": {"properties": {"lot": {"enum": [n.number for n in rules.lots]}}}}
                       for rules in calls]
    top["ecosystems"]["items"]["enum"] = list(dict.fromkeys(e.id for rules in calls for e in rules.ecosystems))
    partner["kind"]["enum"] = list(dict.fromkeys(k.id for rules in calls for k in rules.kinds))
    partner["kind"]["description"] = ("an organisation kind id of the spec; a coordinator's own rule set may add "
                                      "others, which this schema does not know")
    scores = schema["$defs"]["Assessment"]["properties"]
    for criterion in {c.id for rules in calls for c in rules.award} & set(scores):
        scores[criterion]["maximum"] = max(c.maximum for rules in calls for c in rules.award if c.id == criterion)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "planner plan file, format 1"
    schema["description"] = SCHEMA_CANNOT_SAY
    return schema


def samples(_args: argparse.Namespace) -> int:
    for name in sample_names():
        path = sample_path(name)
        assert path is not None
        plan = load_plan(path)
        # the sample's own call (a sample keeps it in a new plan made from it), not the newest one's
        out(f"{name:<20} call {plan.call or DEFAULT_CALL}  Lot {plan.lot}  {plan.title}\n")
    return 0
