"""The plan: pydantic models of plan file format 1 (see docs/formats.md, "Plan files"). No rules here."""

# No `from __future__ import annotations` here: pydantic then gets the fields' annotations as objects
# instead of strings it evaluates one by one (the two model modules load 1.3 ms sooner).

from collections.abc import Callable, Iterator, Sequence
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


Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_no_control)]
Name = Annotated[StrictStr, BeforeValidator(_no_format), Field(min_length=1, max_length=MAX_TEXT),
                 AfterValidator(_no_control)]
OptionalText = Annotated[StrictStr, Field(max_length=MAX_TEXT), AfterValidator(_no_control)]
Notes = Annotated[StrictStr, BeforeValidator(_unix_newlines), Field(max_length=MAX_NOTES),
                  AfterValidator(_no_control_but_lines)]
Euros = Annotated[StrictInt, Field(ge=0), AfterValidator(_at_most(MAX_EUROS, f"EUR {MAX_EUROS:,}"))]
Months = Annotated[StrictInt, Field(gt=0), AfterValidator(_at_most(MAX_MONTHS, f"{MAX_MONTHS} months"))]
Score = Annotated[StrictInt, Field(ge=0), AfterValidator(_at_most(MAX_SCORE, f"{MAX_SCORE} points"))]


class _Model(BaseModel):
    # frozen: an edit makes a new plan, so undo and "unsaved changes" are a comparison away.
    # defer_build: a model's own validator is built when it first validates, not when the module
    # loads: the start validates a Plan (whose validator holds its partners' too), and the planner
    # starts 5 ms sooner without building a Partner's, a Profile's, ... that it does not use yet.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Partner(_Model):
    name: Name
    short_name: Name | None = None
    country: Text
    kind: Text
    role: Role
    pic: Annotated[StrictStr, BeforeValidator(_no_format), Field(pattern=r"^[0-9]{9}$")] | None = None
    grant_eur: Euros | None = None
    affiliated_to: Name | None = None
    eche: bool | None = None  # holds an Erasmus Charter for Higher Education; None: not known yet
    notes: Notes | None = None

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
    """What two short names are compared by: 'HSNH' and 'hsnh' are the same partner to an affiliation."""
    return short_name.casefold()


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
    format: StrictInt
    call: Text = CALL_WHEN_ABSENT  # the spec: a file without `call` means 2024; the writer always writes it
    title: OptionalText
    acronym: OptionalText | None = None
    lot: Annotated[StrictInt, Field(ge=1), AfterValidator(_at_most(MAX_LOT, str(MAX_LOT)))]
    duration_months: Months | None = None
    ecosystems: tuple[Text, ...] | None = None
    requested_grant_eur: Euros | None = None
    notes: Notes | None = None
    partners: tuple[Partner, ...] = ()
    profiles: tuple[Profile, ...] = ()
    activities: Activities | None = None
    assessment: Assessment | None = None
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

    def to_document(self) -> dict[str, Any]:
        """The plan as a TOML-ready dict: the spec's key order, unset keys left out; other tools' tables
        (`tool`) too, which are not the plan's (storage.dump_plan writes them back)."""
        doc = self.model_dump(mode="json", exclude_none=True, exclude={"tool"})
        for table in ("partners", "profiles"):
            if not doc[table]:
                del doc[table]
        return doc


SECTIONS: dict[str, type[_Model]] = {
    "partners": Partner,
    "profiles": Profile,
    "activities": Activities,
    "assessment": Assessment,
}


def allowed_keys(loc: tuple[Any, ...]) -> list[str] | None:
    """The keys a table at `loc` may hold, for "unknown key" messages."""
    model: type[_Model] = Plan
    for part in loc:
        if isinstance(part, str):
            section = SECTIONS.get(part)
            if section is None:
                return None
            model = section
    return list(model.model_fields)


def new_plan(call: str, title: str = "Untitled plan", lot: int = 1) -> Plan:
    """An empty plan for `call`, written in the plan. The rules know which calls exist and the model
    holds none, so the caller names it: `rules.latest_call()` for a new plan, or the call chosen."""
    return Plan(format=FORMAT, call=call, title=title, lot=lot)
