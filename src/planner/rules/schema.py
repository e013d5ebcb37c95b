"""The call rules' schema: lots, minimums, caps, ecosystems, countries and kinds (rules/loading.py reads them)."""

# No `from __future__ import annotations` here: pydantic then gets the fields' annotations as objects
# instead of strings it evaluates one by one (the two model modules load 1.3 ms sooner).

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

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

    @property
    def minimums(self) -> str:
        """'4 countries, 8 full partners, 3 labour-market actors, 3 providers': the one order the planner
        writes a lot's minimums in (the Commission's table: countries first), each figure named. Bare
        figures ('8 / 4 / 3 / 3') read both ways, and the call text itself swaps the lots' rules."""
        return (f"{self.min_countries} countries, {self.min_full_partners} full partners, "
                f"{self.min_labour_market_actors} labour-market actors, {self.min_education_providers} providers")


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
