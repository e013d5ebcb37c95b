"""The plan: pydantic models of plan file format 1 (see docs/formats.md, "Plan files"). No rules here."""

# No `from __future__ import annotations` here: pydantic then gets the fields' annotations as objects
# instead of strings it evaluates one by one (the two model modules load 1.3 ms sooner).

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from planner.safetext import describe_control, describe_format, find_control, find_format

FORMAT = 1
ROLES = ("coordinator", "beneficiary", "affiliated-entity", "associated-partner")
Role = Literal["coordinator", "beneficiary", "affiliated-entity", "associated-partner"]

# Bounds of the format itself (spec, "Bad input"), not of a call: a call's caps live in rules/calls/*.toml.
# They keep every figure printable and every sum exact, and a typo of six extra zeros visible.
MAX_EUROS = 1_000_000_000  # no grant or share above EUR 1,000,000,000 (the largest cap is 4 million)
# the spec: a plan file without `call` keeps meaning the 2024 call (rules.DEFAULT_CALL is this)
CALL_WHEN_ABSENT = "2024"
MAX_MONTHS = 120  # no project longer than ten years (the calls allow 24 to 48 months)
MAX_LOT = 99
MAX_SCORE = 100  # a self-assessment score; the call's own maximum per criterion is checked on load
MAX_TEXT = 300  # a name, short name, title, acronym, id or profile title, in characters
MAX_NOTES = 10_000  # notes, in characters: three pages of text
MAX_PERSON_MONTHS = 100_000  # a budget line's person-months (8,000 people for a year): a typo stays visible
# a work package's id (spec, "The budget"): letters, digits, '.' and '-', at most 12 characters
WORK_PACKAGE_ID = r"^[A-Za-z0-9.\-]{1,12}$"
PIC = r"^[0-9]{9}$"
COUNTRY_CODE = r"^[A-Za-z]{2}$"  # what the spec allows, checked before upper-casing ('ß'.upper() is 'SS')

# The characters the loader refuses (safetext.find_control, find_format), as JSON Schema patterns for
# `planner schema` (ECMA-262 regular expressions, which Python's re reads alike; tests/test_plan_schema.py
# holds them equal to safetext's). The schema says them as `"not": {"pattern": ...}`: a search, where an
# anchored `^[^...]*$` would let a final newline through in Python's re (`$` matches before one).
JSON_CONTROL = r"[\u0000-\u001f\u007f-\u009f]"
JSON_CONTROL_IN_NOTES = r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"  # a CR is read as a newline
JSON_CONTROL_OR_FORMAT = r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
# some character that is not white space (str.isspace: what str.strip() takes away), for a title
JSON_NOT_BLANK = (r"[^\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f"
                  r"\u3000]")


def _json(**extra: Any) -> Any:
    """What `planner schema` says of a type beside pydantic's own keywords (the loader's bounds that its
    validators check with their own messages): a Field that only adds to the JSON Schema."""
    return Field(json_schema_extra=extra)


def _no_control(value: str) -> str:
    char = find_control(value)
    if char is not None:
        raise PydanticCustomError("control_character", describe_control(char))
    return value


def _no_control_but_lines(value: str) -> str:
    char = find_control(value, allow_newlines=True)
    if char is not None:
        raise PydanticCustomError("control_character", describe_control(char) + " (only newline and tab are allowed)")
    return value


def _no_format(value: object) -> object:
    # names, short names and PICs identify a partner: a bidi control or an invisible character in one
    # makes two different names look alike, or a line read backwards (spec, "Bad input")
    if isinstance(value, str) and (char := find_format(value)) is not None:
        raise PydanticCustomError("control_character",
                                  describe_format(char) + " (not allowed in names, short names and PICs)")
    return value


def pic_digits(cell: str) -> str:
    """A PIC as partners' sheets and documents write it: '999 500 003', '999-500-004', '999.500.005', or as
    a spreadsheet shows a long number ('9.99500006E8'): its 9 digits. Anything else comes back without its
    spaces. Read by the import (a sheet's PIC cell) and the partner form (a pasted PIC)."""
    text = cell.strip().replace(" ", "")
    grouped = text.replace("-", "").replace(".", "")
    if len(grouped) == 9 and grouped.isdigit():
        return grouped
    # 9.99500006E+08: a spreadsheet's way with a 9-digit number, all nine digits there. With fewer
    # (9.995E+08) the display rounded it: not read as 999500000, which would be another organisation's PIC
    if re.fullmatch(r"\d\.\d{8}[eE]\+?0?8", text):
        return str(int(Decimal(text)))
    return text


def _unix_newlines(value: object) -> object:
    # notes pasted on Windows or old Macs: CRLF and CR mean a new line, stored as LF
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _at_most(limit: int, what: str) -> Callable[[int], int]:
    """A validator that refuses a number above `limit`, saying `what` the limit is."""
    def check(value: int) -> int:
        if value > limit:
            raise PydanticCustomError("too_large", f"more than {what}", {"limit": limit})
        return value
    return check


def _not_blank(value: str) -> str:
    # the spec: `title` is required text, as a partner's name is; spaces alone are no title either
    if not value.strip():
        raise PydanticCustomError("blank", "a plan needs its project title (it is empty or only spaces)")
    return value


def _named(value: str) -> str:
    # the spec: a partner's `name` (its legal name) is required; spaces alone name no organisation
    if not value.strip():
        raise PydanticCustomError("blank", "a partner needs its legal name (it is empty or only spaces)")
    return value


Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_no_control),
                 _json(**{"not": {"pattern": JSON_CONTROL}})]
Name = Annotated[StrictStr, BeforeValidator(_no_format), Field(min_length=1, max_length=MAX_TEXT),
                 AfterValidator(_no_control), _json(**{"not": {"pattern": JSON_CONTROL_OR_FORMAT}})]
OptionalText = Annotated[StrictStr, Field(max_length=MAX_TEXT), AfterValidator(_no_control),
                         _json(**{"not": {"pattern": JSON_CONTROL}})]
Title = Annotated[OptionalText, AfterValidator(_not_blank), _json(minLength=1, pattern=JSON_NOT_BLANK)]
Notes = Annotated[StrictStr, BeforeValidator(_unix_newlines), Field(max_length=MAX_NOTES),
                  AfterValidator(_no_control_but_lines), _json(**{"not": {"pattern": JSON_CONTROL_IN_NOTES}})]
Euros = Annotated[StrictInt, Field(ge=0), AfterValidator(_at_most(MAX_EUROS, f"EUR {MAX_EUROS:,}")),
                  _json(maximum=MAX_EUROS)]
Months = Annotated[StrictInt, Field(gt=0), AfterValidator(_at_most(MAX_MONTHS, f"{MAX_MONTHS} months")),
                   _json(maximum=MAX_MONTHS)]
def _person_months(value: object) -> object:
    # the spec: a number with at most 2 decimals (6.5, 12, 0.25). TOML gives an int or a float; the float
    # is kept as the file wrote it (its shortest repr is the text: 6.5 is "6.5") and the budget counts
    # with Decimal(repr(value)), never with the binary float itself
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("person_months", "expected a number of person-months such as 6.5")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("person_months", "expected a number of person-months such as 6.5")
    if value < 0:
        raise PydanticCustomError("person_months", "person-months cannot be negative")
    if value > MAX_PERSON_MONTHS:
        raise PydanticCustomError("too_large", f"more than {MAX_PERSON_MONTHS:,} person-months",
                                  {"limit": MAX_PERSON_MONTHS})
    exponent = Decimal(repr(value)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise PydanticCustomError("person_months", "at most 2 decimals (6.25, not 6.125)")
    return value


def person_months_decimal(value: float | int | None) -> Decimal:
    """A line's person-months as the exact decimal the file wrote (6.5 -> Decimal('6.5')); None -> 0."""
    return Decimal(0) if value is None else Decimal(repr(value))


Score = Annotated[StrictInt, Field(ge=0), AfterValidator(_at_most(MAX_SCORE, f"{MAX_SCORE} points")),
                  _json(maximum=MAX_SCORE)]


class _Model(BaseModel):
    # frozen: an edit makes a new plan, so undo and "unsaved changes" are a comparison away.
    # defer_build: a model's own validator is built when it first validates, not when the module
    # loads: the start validates a Plan (whose validator holds its partners' too), and the planner
    # starts 5 ms sooner without building a Partner's, a Profile's, ... that it does not use yet.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


PersonMonths = Annotated[int | float, BeforeValidator(_person_months), WithJsonSchema({
    "type": "number", "minimum": 0, "maximum": MAX_PERSON_MONTHS,
    # multipleOf 0.01 would refuse 0.07 (0.07 / 0.01 is 7.000000000000001 in binary floating point)
    "description": "at most 2 decimals (6.5, 0.25; not 6.125), which JSON Schema cannot say of binary "
                   "floating point numbers; the planner refuses nan too"})]
def _work_package_id(value: str) -> str:
    if re.fullmatch(WORK_PACKAGE_ID, value) is None:
        raise PydanticCustomError("work_package_id", "a work package id is letters, digits, '.' and '-', "
                                  "at most 12 characters (WP1, T2.3)")
    return value


WorkPackageId = Annotated[StrictStr, AfterValidator(_work_package_id),
                          _json(pattern=WORK_PACKAGE_ID, maxLength=12, **{"not": {"pattern": JSON_CONTROL}})]
# a work package's months: the format's bound only; months outside 1 .. the plan's duration, or an end
# before the start, load and fail the `budget` criterion (the user fixes them on screen, nothing lost)
Month = Annotated[StrictInt, Field(ge=0), AfterValidator(_at_most(MAX_MONTHS, f"month {MAX_MONTHS}")),
                  _json(maximum=MAX_MONTHS)]


class Lines(dict[str, "BudgetLine"]):
    """A partner's budget lines by work package id, in the file's order: a dict that cannot change and
    hashes by its items, so that a Partner stays frozen and hashable (storage caches blocks by partner)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))

    def _frozen(self, *_args: object, **_kwargs: object) -> None:
        raise TypeError("a partner's budget lines do not change: make a new partner (editing.set_budget_line)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _frozen  # type: ignore[assignment]


def _lines(value: dict[str, "BudgetLine"]) -> Lines:
    return value if isinstance(value, Lines) else Lines(value)


class BudgetLine(_Model):
    """One partner's estimated costs in one work package (`[partners.budget.WPID]`). Unset keys are 0
    to the arithmetic and stay unset in the file."""

    person_months: PersonMonths | None = None
    travel_eur: Euros | None = None
    equipment_eur: Euros | None = None
    other_eur: Euros | None = None
    subcontracting_eur: Euros | None = None
    staff_cost_eur: Euros | None = None  # a rate for this work package instead of the partner's


class WorkPackage(_Model):
    """A `[[work_packages]]` entry. `lead` is the short name (or name) of a full partner; a lead that is
    missing or no full partner, and months outside the duration, fail the `budget` criterion."""

    id: WorkPackageId
    title: OptionalText
    lead: Name | None = None
    start_month: Month
    end_month: Month


class Partner(_Model):
    name: Annotated[Name, AfterValidator(_named), _json(pattern=JSON_NOT_BLANK)]
    short_name: Name | None = None
    country: Annotated[Text, _json(pattern=COUNTRY_CODE)] = Field(description=(
        "ISO 3166-1 alpha-2, any case (written upper case); EL and UK are read as GR and GB. Which codes a plan "
        "may use is its call's rules' (`planner rules show CALL`), which this schema does not know"))
    kind: Text
    role: Role
    pic: Annotated[StrictStr, BeforeValidator(_no_format), Field(pattern=PIC),
                   _json(pattern=PIC, minLength=9, maxLength=9)] | None = None
    grant_eur: Euros | None = None
    affiliated_to: Name | None = None
    eche: bool | None = None  # holds an Erasmus Charter for Higher Education; None: not known yet
    notes: Notes | None = None
    staff_cost_eur: Euros | None = None  # average cost of one person-month of this partner's staff
    # estimated costs per work package id, in the file's order; a line for a work package the plan does
    # not have loads and fails the `budget` criterion (so that the user can fix it on screen)
    budget: Annotated[dict[WorkPackageId, BudgetLine],
                      AfterValidator(_lines)] | None = None

    @field_validator("eche", mode="before")
    @classmethod
    def _eche_is_a_boolean(cls, value: object) -> object:
        # the spec says boolean: "yes" or 1 in a file is refused, not read as true
        if value is not None and not isinstance(value, bool):
            raise ValueError("expected true or false (or leave eche out: not known yet)")
        return value

    @property
    def label(self) -> str:
        return self.short_name or self.name


def short_name_key(short_name: str) -> str:
    """What two short names are compared by: 'HSNH' and 'hsnh' are the same partner to an affiliation, and so
    are short names that look the same: 'É' composed and 'E' with a combining accent (compared in Unicode's
    composed form, NFC, after case folding as Unicode's canonical caseless match does), 'A' and 'A '."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", short_name.strip()).casefold())


def legal_name_key(name: str) -> str:
    """What two legal names are compared by: without case, runs of spaces or spaces around them, in
    Unicode's compatible form ('é' composed or 'e' and an accent, as NFKC composes them): the name half
    of `organisation_key`, and how an import finds the partner a cell names by its legal name."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def reference_keys(name: str) -> set[str]:
    """What a partner's name in another field (`affiliated_to`: its short_name or name) is compared by: as a
    short name (`short_name_key`) and as a legal name (`legal_name_key`)."""
    return {short_name_key(name), legal_name_key(name)}


def partner_keys(partner: "Partner") -> set[str]:
    """The keys a reference to `partner` may have (`reference_keys`): its short name's and its legal name's."""
    keys = {legal_name_key(partner.name)}
    if partner.short_name:
        keys.add(short_name_key(partner.short_name))
    return keys


def organisation_key(name: str, country: str) -> tuple[str, str]:
    """What tells one organisation from another: its legal name (`legal_name_key`) and its country
    (canonical: `rules.canonical_country`). Two partners with one key are one organisation in two rows
    (`affiliations` warns, an import refuses the second)."""
    return legal_name_key(name), country


def duplicate_short_names(partners: Sequence[Partner]) -> Iterator[tuple[int, int]]:
    """(index, index of the first partner with that short name) for each later partner that repeats one."""
    seen: dict[str, int] = {}
    for i, partner in enumerate(partners):
        if partner.short_name:
            key = short_name_key(partner.short_name)
            if key in seen:
                yield i, seen[key]
            else:
                seen[key] = i


class Profile(_Model):
    title: Text
    eqf: Annotated[StrictInt, Field(ge=1, le=8)]


class Activities(_Model):
    skills_strategy: StrictBool = False
    cvet_programmes: StrictBool = False
    core_curricula: StrictBool = False
    long_term_action_plan: StrictBool = False


class Assessment(_Model):
    relevance: Score | None = None
    design: Score | None = None
    partnership: Score | None = None
    impact: Score | None = None


class Plan(_Model):
    format: Annotated[StrictInt, _json(const=FORMAT)]
    call: Text = CALL_WHEN_ABSENT  # the spec: a file without `call` means 2024; the writer always writes it
    title: Title
    acronym: OptionalText | None = None
    lot: Annotated[StrictInt, Field(ge=1), AfterValidator(_at_most(MAX_LOT, str(MAX_LOT))), _json(maximum=MAX_LOT)]
    duration_months: Months | None = None
    ecosystems: Annotated[tuple[Text, ...], _json(uniqueItems=True)] | None = None
    requested_grant_eur: Euros | None = None
    notes: Notes | None = None
    partners: tuple[Partner, ...] = ()
    profiles: tuple[Profile, ...] = ()
    activities: Activities | None = None
    assessment: Assessment | None = None
    work_packages: tuple[WorkPackage, ...] = ()
    # other tools' tables, [tool.NAME] (spec, "Other tools' data"): kept as read and written back, never
    # shown, judged or compared as plan fields; only a table of tables is checked
    tool: dict[str, dict[str, Any]] | None = None

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT:
            shown = str(value) if -10**9 < value < 10**9 else "another number"
            raise ValueError(f"this planner reads format {FORMAT}, not {shown}")
        return value

    @field_validator("call", mode="before")
    @classmethod
    def _absent_call_is_2024(cls, value: object) -> object:
        return CALL_WHEN_ABSENT if value is None else value

    @field_validator("ecosystems")
    @classmethod
    def _each_ecosystem_once(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        seen: dict[str, int] = {}
        for i, eco in enumerate(value or ()):
            if eco in seen:
                raise PydanticCustomError("duplicate", "{what} is listed twice (also ecosystems[{first}])",
                                          {"at": f"[{i}]", "what": repr(eco), "first": seen[eco]})
            seen[eco] = i
        return value

    @field_validator("partners")
    @classmethod
    def _short_names_unique(cls, value: tuple[Partner, ...]) -> tuple[Partner, ...]:
        # affiliated entities name their beneficiary by short name: two alike (any case) and one dangles
        for i, first in duplicate_short_names(value):
            raise PydanticCustomError(
                "duplicate", "{what} is already the short name of partners[{first}] ({name}); short names are "
                "compared without case: give each partner its own",
                {"at": f"[{i}].short_name", "what": repr(value[i].short_name), "first": first,
                 "name": value[first].name})
        return value

    @field_validator("work_packages")
    @classmethod
    def _work_package_ids_unique(cls, value: tuple[WorkPackage, ...]) -> tuple[WorkPackage, ...]:
        # budget lines name their work package by id: two alike (any case) and a line is ambiguous
        seen: dict[str, int] = {}
        for i, wp in enumerate(value):
            key = wp.id.casefold()
            if key in seen:
                raise PydanticCustomError(
                    "duplicate", "{what} is already the id of work_packages[{first}]; ids are compared without "
                    "case: give each work package its own", {"at": f"[{i}].id", "what": repr(wp.id),
                                                             "first": seen[key]})
            seen[key] = i
        return value

    @property
    def has_budget(self) -> bool:
        """The plan holds a budget (work packages or budget lines): the spec's `budget` object applies."""
        return bool(self.work_packages) or any(p.budget for p in self.partners)

    def to_document(self) -> dict[str, Any]:
        """The plan as a TOML-ready dict: the spec's key order, unset keys left out; other tools' tables
        (`tool`) too, which are not the plan's (storage.dump_plan writes them back)."""
        doc = self.model_dump(mode="json", exclude_none=True, exclude={"tool"})
        for table in ("partners", "profiles", "work_packages"):
            if not doc[table]:
                del doc[table]
        return doc


SECTIONS: dict[str, type[_Model]] = {
    "partners": Partner,
    "work_packages": WorkPackage,
    "profiles": Profile,
    "activities": Activities,
    "assessment": Assessment,
}


def allowed_keys(loc: tuple[Any, ...]) -> list[str] | None:
    """The keys a table at `loc` may hold, for "unknown key" messages."""
    model: type[_Model] = Plan
    for i, part in enumerate(loc):
        if isinstance(part, str):
            if model is Partner and part == "budget":  # partners[2].budget.WP1.<key>: a line's keys
                return list(BudgetLine.model_fields) if len(loc) == i + 2 else None
            section = SECTIONS.get(part)
            if section is None:
                return None
            model = section
    return list(model.model_fields)


def new_plan(call: str, title: str = "Untitled plan", lot: int = 1) -> Plan:
    """An empty plan for `call`, written in the plan. The rules know which calls exist and the model
    holds none, so the caller names it: `rules.latest_call()` for a new plan, or the call chosen."""
    return Plan(format=FORMAT, call=call, title=title, lot=lot)
