"""The call rules' schema: lots, minimums, caps, ecosystems, countries and kinds, loaded from calls/*.toml.

Keeps: each built-in call's rules once loaded (`load_call`'s `lru_cache`; frozen, shared by every thread).
"""

# No `from __future__ import annotations` here: pydantic then gets the fields' annotations as objects
# instead of strings it evaluates one by one (the two model modules load 1.3 ms sooner).

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from planner.errors import PlanError, describe_validation_error
from planner.files import decode_plan_bytes, read_user_file
from planner.model import CALL_WHEN_ABSENT
from planner.rules import own
from planner.rules.extends import builtin_data, builtin_ids, file_data

CATEGORY_LABELS: dict[str, str] = {
    "eu": "EU Member State",
    "associated": "associated third country",
    "third": "third country not associated",
    "excluded": "excluded",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see model._Model


# how sure a figure is: a Commission or EU page, an Erasmus+ national agency, or others only.
# The built-in files give a grade for every figure (a test checks it); a user's own rules file
# may leave it out, and then its figures are taken as the user's own, not provisional.
Grade = Literal["official", "agency", "secondary"]


def is_provisional(grade: str) -> bool:
    """A figure resting on secondary sources only: the planner says so where it shows it."""
    return grade == "secondary"


class Duration(_Strict):
    months: int = Field(gt=0)
    max_grant_eur: int = Field(gt=0)
    source: str
    grade: Grade = "official"


class Lot(_Strict):
    number: int
    code: str
    name: str
    min_full_partners: int = Field(ge=0)
    min_countries: int = Field(ge=0)
    min_labour_market_actors: int = Field(ge=0)
    min_education_providers: int = Field(ge=0)
    requires_higher_education: bool
    requires_vet_provider: bool
    ecosystems: Literal["any", "exactly-one", "none"]
    content_requirements: bool
    source: str
    grade: Grade = "official"  # of the composition figures (minimums, HEI and VET, ecosystem rule)
    durations: tuple[Duration, ...] = Field(min_length=1)

    @property
    def shortest_duration(self) -> int:
        return min(d.months for d in self.durations)

    def duration(self, months: int) -> Duration | None:
        return next((d for d in self.durations if d.months == months), None)

    @property
    def label(self) -> str:
        return f"Lot {self.number}"


class Ecosystem(_Strict):
    number: int
    id: str
    name: str
    priority: bool


class EcosystemRules(_Strict):
    priority_note: str
    # true only where a source for this call says that only one proposal per ecosystem is funded
    one_proposal_per_ecosystem: bool = False
    source: str
    grade: Grade = "official"


class Kind(_Strict):
    id: str
    label: str
    aliases: tuple[str, ...] = ()  # other words for it, lower case, for CSV import
    labour_market_actor: bool
    education_provider: bool
    higher_education: bool
    vet_provider: bool


class Role(_Strict):
    id: str
    label: str
    full_partner: bool


class AwardCriterion(_Strict):
    id: str
    label: str
    maximum: int = Field(gt=0)
    # the least score this criterion needs (a number per criterion: some actions state points, e.g.
    # 13 / 16 / 13 / 11, others "half of each maximum"); a user's own rules file may leave it out and
    # give [award_rules] min_share_of_each_maximum_percent instead
    minimum: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _minimum_within_maximum(self) -> "AwardCriterion":
        if self.minimum is not None and self.minimum > self.maximum:
            raise ValueError(f"award criterion {self.id}: minimum {self.minimum} is above its maximum {self.maximum}")
        return self


class AwardRules(_Strict):
    min_total: int
    # the older form of the per-criterion minimums, for rules files that give no `minimum` per criterion
    min_share_of_each_maximum_percent: int | None = Field(default=None, ge=0, le=100)
    source: str
    grade: Grade = "official"


class EqfBand(_Strict):
    id: str
    label: str
    min: int = Field(ge=1, le=8)
    max: int = Field(ge=1, le=8)


class Activity(_Strict):
    id: str
    label: str


class ContentRules(_Strict):
    source: str
    grade: Grade = "official"


class Countries(_Strict):
    eu: tuple[str, ...]
    associated: tuple[str, ...]
    excluded: tuple[str, ...]
    source: str
    grade: Grade = "official"
    # a country's standing that rests on a condition, in the source's words (CH in 2027: "associated
    # from 2027 subject to ..."): said wherever a partner from it counts
    conditions: dict[str, str] = Field(default_factory=dict)


class Region(_Strict):
    id: str
    name: str
    countries: tuple[str, ...] = Field(min_length=1)


class ThirdCountries(_Strict):
    """From 2025: full partners from third countries not associated only from these regions."""

    regions: tuple[Region, ...]
    source: str
    grade: Grade = "official"


class EcheRule(_Strict):
    """Higher education institutions from EU/associated countries hold an Erasmus Charter (ECHE)."""

    source: str
    grade: Grade = "official"


class CallRules(_Strict):
    """One call's rule set. Look-ups by id are precomputed: scoring runs on every keystroke."""

    id: str
    name: str
    title: str
    # "expected": the call text is not published yet (2027 in December 2026): the rules are carried
    # forward from the year before, every one of them provisional, and there is no deadline to count to
    status: Literal["published", "expected"] = "published"
    expected: str | None = None  # when the call text is expected, in words ("early 2027")
    deadline: datetime | None = None  # required once the call is published
    timezone: str
    deadline_source: str
    deadline_grade: Grade = "official"
    funding_rate_percent: int = Field(gt=0, le=100)
    funding_rate_source: str
    funding_rate_grade: Grade = "official"
    # the flat rate for indirect costs on the budget's direct costs but subcontracting (spec, "The budget")
    indirect_rate_percent: int = Field(ge=0, le=100)
    indirect_rate_source: str
    indirect_rate_grade: Grade = "official"
    lots: tuple[Lot, ...] = Field(min_length=1)
    ecosystems: tuple[Ecosystem, ...]

    @field_validator("deadline")
    @classmethod
    def _deadline_in_range(cls, value: datetime | None) -> datetime | None:
        # a deadline in year 1 or 9999 cannot be shown in every time zone (OverflowError)
        if value is not None and not 2000 <= value.year <= 2999:
            raise ValueError(f"a deadline in the year {value.year}; a call's deadline is between 2000 and 2999")
        return value
    ecosystem_rules: EcosystemRules
    kinds: tuple[Kind, ...] = Field(min_length=1)
    roles: tuple[Role, ...] = Field(min_length=1)
    award: tuple[AwardCriterion, ...]
    award_rules: AwardRules
    eqf_bands: tuple[EqfBand, ...]
    activities: tuple[Activity, ...]
    content_rules: ContentRules
    countries: Countries
    country_aliases: dict[str, str]
    country_names: dict[str, str]
    third_countries: ThirdCountries | None = None  # absent: the 2024 rule (any third country, uncounted)
    eche: EcheRule | None = None

    if TYPE_CHECKING:
        # pydantic declares it Optional for models without private attributes; this one has some,
        # so it is always the dict of them (the look-ups below read it directly, for speed)
        __pydantic_private__: dict[str, Any]

    _categories: dict[str, str] = PrivateAttr(default_factory=dict)
    _kinds: dict[str, Kind] = PrivateAttr(default_factory=dict)
    _roles: dict[str, Role] = PrivateAttr(default_factory=dict)
    _lots: dict[int, Lot] = PrivateAttr(default_factory=dict)
    _ecosystems: dict[str, Ecosystem] = PrivateAttr(default_factory=dict)
    _tables: tuple[dict[str, str], dict[str, Role], dict[str, Kind]] = PrivateAttr(default=({}, {}, {}))
    _regions: dict[str, Region] = PrivateAttr(default_factory=dict)
    # where the set comes from: "built-in", or the file of the coordinator's own (rules/own.py)
    _origin: str = PrivateAttr(default="built-in")
    _replaces_builtin: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _consistent(self) -> "CallRules":
        if self.status == "published" and self.deadline is None:
            raise ValueError("deadline: a published call needs its deadline (or status = \"expected\" while "
                             "the call text is not out)")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        listed = set(self.countries.eu) | set(self.countries.associated) | set(self.countries.excluded)
        missing = sorted(listed - set(self.country_names))
        if missing:
            raise ValueError(f"countries without a name in [country_names]: {', '.join(missing)}")
        for alias, target in self.country_aliases.items():
            if target not in self.country_names:
                raise ValueError(f"alias {alias} points at unknown country {target}")
        member = listed
        for region in self.third_countries.regions if self.third_countries else ():
            odd = sorted(set(region.countries) - set(self.country_names))
            if odd:
                raise ValueError(f"third_countries region {region.id}: unknown countries {', '.join(odd)}")
            odd = sorted(set(region.countries) & member)
            if odd:
                raise ValueError(f"third_countries region {region.id}: {', '.join(odd)} "
                                 "is not a third country that is not associated")
        if self.award_rules.min_share_of_each_maximum_percent is None:
            missing = [c.id for c in self.award if c.minimum is None]
            if missing:
                raise ValueError(f"award criteria without a minimum: {', '.join(missing)} (give each a "
                                 "`minimum`, or [award_rules] min_share_of_each_maximum_percent)")
        for group, items in (
            ("lots", [str(lot.number) for lot in self.lots]),
            ("ecosystems", [e.id for e in self.ecosystems]),
            ("kinds", [k.id for k in self.kinds]),
            ("roles", [r.id for r in self.roles]),
        ):
            dupes = sorted({i for i in items if items.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {group}: {', '.join(dupes)}")
        return self

    def model_post_init(self, _context: object) -> None:
        categories = {code: "third" for code in self.country_names}
        for category in ("eu", "associated", "excluded"):
            for code in getattr(self.countries, category):
                categories[code] = category
        self._categories = categories
        self._kinds = {k.id: k for k in self.kinds}
        self._roles = {r.id: r for r in self.roles}
        self._lots = {lot.number: lot for lot in self.lots}
        self._ecosystems = {e.id: e for e in self.ecosystems}
        self._tables = (self._categories, self._roles, self._kinds)
        self._regions = {code: region for region in (self.third_countries.regions if self.third_countries else ())
                         for code in region.countries}

    # look-ups -------------------------------------------------------------------------

    def lookup_tables(self) -> tuple[dict[str, str], dict[str, Role], dict[str, Kind]]:
        """Country categories, roles and kinds by id, for hot loops (pydantic private attributes are slow)."""
        return self._tables

    # The look-ups below run once per partner in scoring, budget and loading: they read the private
    # tables from __pydantic_private__ directly, as `self._kinds` goes through pydantic's __getattr__
    # (about 5 µs a call: 10,000 partners spent 100 ms there per edit).

    def lot(self, number: int) -> Lot:
        return self.__pydantic_private__["_lots"][number]

    def has_lot(self, number: int) -> bool:
        return number in self.__pydantic_private__["_lots"]

    def kind(self, kind_id: str) -> Kind | None:
        return self.__pydantic_private__["_kinds"].get(kind_id)

    def role(self, role_id: str) -> Role | None:
        return self.__pydantic_private__["_roles"].get(role_id)

    def ecosystem(self, ecosystem_id: str) -> Ecosystem | None:
        return self.__pydantic_private__["_ecosystems"].get(ecosystem_id)

    def canonical_country(self, code: str) -> str:
        """Upper-case and resolve aliases (EL -> GR, UK -> GB); unknown codes come back upper-cased."""
        upper = code.strip().upper()
        return self.country_aliases.get(upper, upper)

    def is_known_country(self, code: str) -> bool:
        return code in self.__pydantic_private__["_categories"]

    def country_category(self, code: str) -> str:
        """eu, associated, third or excluded; a canonical code is expected."""
        return self.__pydantic_private__["_categories"].get(code, "third")

    def counts_for_country_minimum(self, code: str) -> bool:
        return self.__pydantic_private__["_categories"].get(code) in ("eu", "associated")

    def third_country_region(self, code: str) -> Region | None:
        """The region of the call's third_countries rule that `code` is in, if any."""
        return self.__pydantic_private__["_regions"].get(code)

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def deadline_aware(self) -> datetime | None:
        """The deadline in its own time zone; None for an expected call whose deadline is not published."""
        return None if self.deadline is None else self.deadline.replace(tzinfo=ZoneInfo(self.timezone))

    @property
    def is_expected(self) -> bool:
        return self.status == "expected"

    def provisional(self, grade: str) -> bool:
        """A figure to check: from secondary sources only, or any figure of a call not yet published."""
        return self.status == "expected" or is_provisional(grade)

    @property
    def origin(self) -> str:
        """'built-in', or the file of a rule set of the coordinator's own."""
        return self.__pydantic_private__["_origin"]

    @property
    def replaces_builtin(self) -> bool:
        return self.__pydantic_private__["_replaces_builtin"]

    @property
    def zone_city(self) -> str:
        """'Brussels' for Europe/Brussels: how the deadline's own time zone is named on screen."""
        return self.timezone.rsplit("/", 1)[-1].replace("_", " ")

    def status_at(self, now: datetime) -> str:
        """'expected', 'open' or 'closed' at the aware moment `now`."""
        deadline = self.deadline_aware()
        if deadline is None:
            return "expected"
        return "open" if now < deadline else "closed"

    @property
    def award_maximum(self) -> int:
        """The most a proposal can score: the award criteria's maxima added up (100 in 2024)."""
        return sum(c.maximum for c in self.award)

    def award_threshold(self, criterion: AwardCriterion) -> int:
        """The least score a criterion needs: its `minimum`; in a rules file without one, its share of
        the maximum (min_share_of_each_maximum_percent), rounded up (13 of 25 at 50%)."""
        if criterion.minimum is not None:
            return criterion.minimum
        return -(-criterion.maximum * (self.award_rules.min_share_of_each_maximum_percent or 0) // 100)

    def max_grant(self, lot_number: int, months: int) -> int | None:
        duration = self.lot(lot_number).duration(months)
        return duration.max_grant_eur if duration else None


def available_calls(beside: Path | None = None) -> list[str]:
    """The calls known by id: the built-in ones and the coordinator's own (rules/own.py), sorted."""
    return sorted(set(builtin_ids()) | {f.call_id for f in own.listed(beside)})


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
