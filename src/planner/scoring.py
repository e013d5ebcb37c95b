"""The scoring engine: a plan judged against one lot of a call, criterion by criterion.

Keeps: the last result of each pass over the partners (`_LAST_PASS`, by the identity of the partners
tuple and rules), so a result depends only on the arguments; safe from any thread (`_same_partners`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from planner.budget import Estimate, budget, budget_problems, contribution_words, estimate, share_totals
from planner.model import Partner, Plan, organisation_key, partner_keys, reference_keys
from planner.rules import CATEGORY_LABELS, CallRules, Lot, is_provisional, load_call, next_call, not_published

if TYPE_CHECKING:
    from planner.qualify import ToQualify

Status = Literal["pass", "fail", "warn", "info"]

# the spec's order of criteria; a lot may leave some out (Lot 1 has no content requirements), and
# a call's rule set may not have some (third-countries is from 2025 on)
CRITERIA_ORDER = (
    "coordinator", "full-partners", "countries", "labour-market-actors", "education-providers",
    "higher-education", "vet-provider", "excluded-countries", "third-countries", "eche", "affiliations",
    "duration", "ecosystem", "grant", "budget", "occupational-profiles", "activities", "award", "deadline",
)


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    status: Status
    message: str
    actual: int | None = None
    required: int | None = None
    provisional: bool = False  # the verdict rests on a figure from secondary sources only
    # the deadline criterion while the call is open: whole days to the deadline, rounded down (0 on
    # its last day); None once closed, and where there is no deadline yet (an expected call). In JSON
    # an optional key, as the spec allows.
    days_left: int | None = None

    @property
    def count(self) -> str:
        """'3/4' where a count applies, else ''."""
        if self.actual is None or self.required is None:
            return ""
        return f"{self.actual}/{self.required}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "label": self.label, "status": self.status}
        if self.actual is not None and self.required is not None:
            out["actual"] = self.actual
            out["required"] = self.required
        out["message"] = self.message
        if self.provisional:
            out["provisional"] = True
        if self.days_left is not None:
            out["days_left"] = self.days_left
        return out


@dataclass(frozen=True)
class Scoreboard:
    call: str
    lot: int
    lot_name: str
    duration_months: int
    criteria: tuple[Criterion, ...]
    # "Lot 3's minimums (4 countries, 8 full partners, ...) are provisional: check the call document", one per
    # provisional figure
    provisional_notes: tuple[str, ...] = ()
    failures: tuple[Criterion, ...] = field(init=False)
    # what the board judged, for `to_qualify` (computed on first use: evaluate stays one pass)
    plan: Plan | None = field(default=None, repr=False, compare=False)
    rules: CallRules | None = field(default=None, repr=False, compare=False)
    # the call's deadline (Brussels time) when it had passed at the moment the plan was judged, else None
    closed_at: datetime | None = None
    # the call's text is not published yet (status "expected"): every rule is provisional
    expected: bool = False
    # the plan's estimated budget when it has one (work packages or budget lines), and this lot and
    # duration's cap: the spec's `budget` object (`budget_dict`)
    estimate: Estimate | None = field(default=None, repr=False, compare=False)
    cap_eur: int | None = None
    # the countries whose conditional standing ([countries] conditions: CH in 2027, associated "subject
    # to ...") an ELIGIBLE verdict depends on: without their association it would not be eligible
    depends_on: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "failures", tuple(c for c in self.criteria if c.status == "fail"))

    @property
    def eligible(self) -> bool:
        return not self.failures

    @property
    def warnings(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.status == "warn")

    @cached_property
    def to_qualify(self) -> ToQualify:
        """The least that makes the plan eligible for this lot and duration (qualify.to_qualify)."""
        from planner.qualify import to_qualify

        if self.plan is None or self.rules is None:
            raise ValueError("this scoreboard was made without its plan and rules")
        return to_qualify(self.plan, self.rules, self)

    @property
    def cut_to_cap(self) -> int | None:
        """The estimated costs to cut to bring the budget's contribution to the cap; None without a
        budget over the cap."""
        if self.estimate is None or self.cap_eur is None or self.estimate.contribution_eur <= self.cap_eur:
            return None
        return self.estimate.cut_to_cap(self.cap_eur)

    def budget_dict(self) -> dict[str, object] | None:
        """The spec's `budget` object for this verdict, None when the plan has no budget."""
        return None if self.estimate is None else self.estimate.as_dict(self.cap_eur)

    def get(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    @property
    def headline(self) -> str:
        """'ELIGIBLE: Lot 2, 48 months' or 'NOT ELIGIBLE: 3 rules fail'; 'ELIGIBLE if Switzerland is
        associated: Lot 3, 24 months' when the verdict depends on a conditional association."""
        if self.eligible:
            return f"ELIGIBLE{self.condition}: Lot {self.lot}, {self.duration_months} months"
        n = len(self.failures)
        return f"NOT ELIGIBLE: {n} rule{'s' if n != 1 else ''} fail{'s' if n == 1 else ''}"

    @property
    def condition(self) -> str:
        """' if Switzerland is associated' when the eligible verdict depends on it (depends_on), else ''."""
        if not (self.eligible and self.depends_on):
            return ""
        names = " and ".join(self.rules.country_name(c) if self.rules else c for c in self.depends_on)
        return f" if {names} {'is' if len(self.depends_on) == 1 else 'are'} associated"

    @property
    def condition_codes(self) -> str:
        """The condition in a table's cell: ' if CH' (see condition), else ''."""
        return f" if {' and '.join(self.depends_on)}" if self.eligible and self.depends_on else ""

    def as_dict(self, plan_path: str | None = None) -> dict[str, object]:
        return {
            "plan": plan_path,
            "call": self.call,
            "lot": self.lot,
            "duration_months": self.duration_months,
            "eligible": self.eligible,
            "criteria": [c.as_dict() for c in self.criteria],
            **({"to_qualify": self.to_qualify.as_dict()} if self.plan is not None and self.rules is not None else {}),
            **({"budget": self.budget_dict()} if self.estimate is not None else {}),
            # optional: the countries whose conditional association the eligible verdict needs (CH in 2027)
            **({"conditional_on": list(self.depends_on)} if self.depends_on else {}),
        }


@dataclass(frozen=True)
class Composition:
    """The counts every composition rule needs, made in one pass over the partners."""

    coordinators: tuple[Partner, ...]
    full_partners: int
    countries: frozenset[str]
    uncounted_countries: frozenset[str]
    labour_market_actors: int
    education_providers: int
    higher_education: int
    vet_providers: int
    excluded: tuple[Partner, ...]


# the last result of each pass over the partners, with the partners tuple and rules it was for
_LAST_PASS: dict[str, tuple[tuple[Partner, ...], CallRules, object]] = {}


def _same_partners(name: str, plan: Plan, rules: CallRules, compute):
    """compute(plan, rules) for a pass that reads only the partners and the rules; its last result
    again when both are the very same objects (a lot switch, the grant or the title keep the
    partners tuple as it is). Partners and rules are frozen, and the tuple is held here, so the
    same object means the same values. With 1,000 partners the two passes are most of evaluate.
    Safe from any thread without a lock: the entry is one tuple, read once and checked here, and
    replaced whole (another thread's entry in between costs a recount, never a wrong result)."""
    last = _LAST_PASS.get(name)
    if last is not None and last[0] is plan.partners and last[1] is rules:
        return last[2]
    result = compute(plan, rules)
    _LAST_PASS[name] = (plan.partners, rules, result)
    return result


def composition(plan: Plan, rules: CallRules) -> Composition:
    return _same_partners("composition", plan, rules, _composition)


def _composition(plan: Plan, rules: CallRules) -> Composition:
    coordinators: list[Partner] = []
    excluded: list[Partner] = []
    countries: set[str] = set()
    uncounted: set[str] = set()
    full = lma = providers = he = vet = 0
    # the rules' look-up tables, read once: this loop runs on every keystroke for every partner
    categories, roles, kinds = rules.lookup_tables()
    for partner in plan.partners:
        country = partner.country
        if country not in categories:
            # a plan edited in memory may still say "el", "UK" or "ru": judge the canonical code
            country = rules.canonical_country(country)
        category = categories.get(country, "third")
        if category == "excluded":
            excluded.append(partner)
            continue  # may not take part at all, so counts for nothing
        if partner.role == "coordinator":
            coordinators.append(partner)
        role = roles.get(partner.role)
        if role is None or not role.full_partner:
            continue
        full += 1
        if category == "eu" or category == "associated":
            countries.add(country)
        else:
            uncounted.add(country)
        kind = kinds.get(partner.kind)
        if kind is None:
            continue
        lma += kind.labour_market_actor
        providers += kind.education_provider
        he += kind.higher_education
        vet += kind.vet_provider
    return Composition(
        tuple(coordinators), full, frozenset(countries), frozenset(uncounted - countries),
        lma, providers, he, vet, tuple(excluded),
    )


def resolve_duration(plan: Plan, lot: Lot, lot_switched: bool, duration: int | None) -> int:
    """The duration to judge: an explicit one; else the plan's, unless a what-if lot does not allow it."""
    if duration is not None:
        return duration
    if plan.duration_months is None:
        return lot.shortest_duration
    if lot_switched and lot.duration(plan.duration_months) is None:
        return lot.shortest_duration
    return plan.duration_months


def evaluate(
    plan: Plan,
    rules: CallRules,
    lot: int | None = None,
    duration: int | None = None,
    now: datetime | None = None,
    _comp: Composition | None = None,
) -> Scoreboard:
    """Every criterion of the spec, in the spec's order, for the plan's lot or a what-if `lot`."""
    lot_number = plan.lot if lot is None else lot
    the_lot = rules.lot(lot_number)
    months = resolve_duration(plan, the_lot, lot_number != plan.lot, duration)
    comp = composition(plan, rules) if _comp is None else _comp
    criteria = [
        _coordinator(comp, rules),
        _minimum("full-partners", "Full partners", comp.full_partners, the_lot.min_full_partners,
                 "full partners (coordinator and beneficiaries)", "add {n} more full partner{s}"),
        _countries(comp, the_lot, rules),
        _minimum("labour-market-actors", "Labour-market actors", comp.labour_market_actors,
                 the_lot.min_labour_market_actors, "labour-market actors as full partners",
                 "add {n} more labour-market actor{s} (enterprise, chamber, union or association)"),
        _minimum("education-providers", "Education and training providers", comp.education_providers,
                 the_lot.min_education_providers, "VET or higher education providers as full partners",
                 "add {n} more VET or higher education provider{s}"),
        _presence("higher-education", "Higher education institution", comp.higher_education,
                  the_lot.requires_higher_education, "higher education institution"),
        _presence("vet-provider", "VET provider", comp.vet_providers, the_lot.requires_vet_provider,
                  "VET provider"),
        _excluded(comp, rules),
        *third_countries_criteria(plan, rules),
        *eche_criteria(plan, rules),
        _same_partners("affiliations", plan, rules, _affiliations),
        _duration(months, the_lot),
        _ecosystem(plan, the_lot, rules),
        _grant(plan, rules, the_lot, months),
        _budget(plan, rules, months),
    ]
    if the_lot.content_requirements:
        criteria.append(_profiles(plan, rules))
        criteria.append(_activities(plan, rules))
    criteria.append(_award(plan, rules))
    now = now or datetime.now(timezone.utc).astimezone()
    criteria.append(_deadline(rules, now))
    marked, notes = mark_provisional(criteria, rules, the_lot, months, with_budget=plan.has_budget)
    deadline = rules.deadline_aware()
    board = Scoreboard(rules.id, lot_number, the_lot.name, months, marked, notes, plan=plan, rules=rules,
                       closed_at=deadline if deadline is not None and deadline <= now else None,
                       expected=rules.is_expected,
                       estimate=estimate(plan, rules) if plan.has_budget else None,
                       cap_eur=rules.max_grant(lot_number, months))
    depends = _depends_on(plan, rules, lot_number, months, now) if board.eligible else ()
    return replace(board, depends_on=depends) if depends else board


def _depends_on(plan: Plan, rules: CallRules, lot: int, months: int, now: datetime) -> tuple[str, ...]:
    """The conditionally associated countries (CH in 2027) whose full partners the eligible verdict needs:
    the plan judged again as if their association had not come (only when it has such a full partner)."""
    conditional = rules.countries.conditions
    if not conditional:
        return ()
    _, roles, _ = rules.lookup_tables()
    used = sorted({code for p in plan.partners if (role := roles.get(p.role)) is not None and role.full_partner
                   and (code := rules.canonical_country(p.country)) in conditional})
    if not used:
        return ()
    without = _unassociated(rules, tuple(used))
    if without is None:
        return ()
    return () if evaluate(plan, without, lot, months, now).eligible else tuple(used)


def _unassociated(rules: CallRules, codes: tuple[str, ...]) -> CallRules | None:
    """The rules with `codes` third countries not associated, without conditions (None if they do not load)."""
    data = rules.model_dump()
    data["countries"]["associated"] = [c for c in data["countries"]["associated"] if c not in codes]
    data["countries"]["conditions"] = {}
    try:
        return CallRules.model_validate(data)
    except Exception:  # noqa: BLE001 - scoring never raises; without the other judgement, no condition said
        return None


def compare(plan: Plan, rules: CallRules, now: datetime | None = None) -> list[Scoreboard]:
    """The plan against every lot and duration of its call (Lot 1 24m, Lot 1 36m, Lot 2 48m ...)."""
    comp = composition(plan, rules)  # the same for every lot: count once
    return [
        evaluate(plan, rules, lot=lot.number, duration=d.months, now=now, _comp=comp)
        for lot in rules.lots
        for d in lot.durations
    ]


# --- criteria ------------------------------------------------------------------------------


def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def _names(partners: Iterable[Partner]) -> str:
    return ", ".join(f"{p.label} ({p.country})" for p in partners)


def _coordinator(comp: Composition, rules: CallRules) -> Criterion:
    # exactly one coordinator among every participant marked so, whatever its country: one from an
    # excluded country counts for nothing else, but it is still a second coordinator (and fails here)
    coordinators = comp.coordinators + tuple(p for p in comp.excluded if p.role == "coordinator")
    n = len(coordinators)
    label = "Coordinator"
    if n == 0:
        return Criterion("coordinator", label, "fail", "no coordinator: make one full partner the coordinator", 0, 1)
    if n > 1:
        return Criterion("coordinator", label, "fail",
                         f"{n} coordinators ({_names(coordinators)}): exactly one allowed", n, 1)
    coordinator = coordinators[0]
    country = rules.canonical_country(coordinator.country)
    if not rules.counts_for_country_minimum(country):
        category = CATEGORY_LABELS[rules.country_category(country)]
        # no count: '✗ FAIL Coordinator 1/1' read as satisfied, where the one coordinator is the problem
        return Criterion("coordinator", label, "fail",
                         f"{coordinator.label} is in {rules.country_name(country)} ({category}): "
                         "the coordinator must be in an EU Member State or associated country")
    return Criterion("coordinator", label, "pass",
                     f"{coordinator.label} ({coordinator.country}) coordinates{_conditions((country,), rules)}", 1, 1)


def _conditions(codes: Iterable[str], rules: CallRules) -> str:
    """'; Switzerland (CH): associated from 2027 subject to ...' for the countries whose standing rests on
    a condition the source gives ([countries] conditions), else ''."""
    conditions = rules.countries.conditions
    return "".join(f"; {rules.country_name(c)} ({c}): {conditions[c]}" for c in sorted(set(codes)) if c in conditions)


def _minimum(cid: str, label: str, actual: int, required: int, what: str, todo: str) -> Criterion:
    if actual >= required:
        return Criterion(cid, label, "pass", f"{actual} {what}, at least {required} needed", actual, required)
    n = required - actual
    return Criterion(cid, label, "fail", f"{actual} of {required} {what}: {todo.format(n=n, s=_plural(n))}",
                     actual, required)


def _countries(comp: Composition, lot: Lot, rules: CallRules) -> Criterion:
    actual, required = len(comp.countries), lot.min_countries
    listed = " ".join(sorted(comp.countries)) or "none"
    extra = ""
    if comp.uncounted_countries:
        extra = f"; not counted (not associated): {' '.join(sorted(comp.uncounted_countries))}"
    extra += _conditions(comp.countries, rules)
    if actual >= required:
        return Criterion("countries", "Countries covered", "pass",
                         f"{actual} EU/associated countries ({listed}), at least {required} needed{extra}",
                         actual, required)
    n = required - actual
    return Criterion("countries", "Countries covered", "fail",
                     f"{actual} of {required} EU/associated countries: add a full partner from {n} more{extra}",
                     actual, required)


def _presence(cid: str, label: str, actual: int, required: bool, what: str) -> Criterion:
    if not required:
        return Criterion(cid, label, "info", f"not required for this lot ({actual} present)")
    if actual >= 1:
        return Criterion(cid, label, "pass", f"{actual} {what}{_plural(actual)} among the full partners", actual, 1)
    return Criterion(cid, label, "fail", f"no {what} as full partner: add one (associated partners do not count)",
                     0, 1)


def _excluded(comp: Composition, rules: CallRules) -> Criterion:
    label = "Excluded countries"
    codes = " ".join(rules.countries.excluded)
    if comp.excluded:
        return Criterion("excluded-countries", label, "fail",
                         f"{_names(comp.excluded)}: organisations from {codes} may not take part in any role; "
                         "remove them")
    return Criterion("excluded-countries", label, "pass", f"no participant from an excluded country ({codes})")


def _one_pic_apart(owners: list[Partner]) -> bool:
    """Rows of one name and country whose PICs all differ: two organisations the portal tells apart
    (two faculties registered each with a PIC of its own), not one organisation twice."""
    pics = [p.pic for p in owners]
    return all(pics) and len(set(pics)) == len(pics)


def _affiliations(plan: Plan, rules: CallRules) -> Criterion:
    """Every affiliated entity names the coordinator or a beneficiary of the plan (fail); no two
    participants share a PIC (warn: one organisation in two rows, or a typo)."""
    label = "Affiliations and PICs"
    problems = []
    affiliated = [p for p in plan.partners if p.role == "affiliated-entity"]
    # the partners by short name and legal name, for the names the affiliated entities give only: a short
    # name compared as the loader compares them (model.short_name_key: without case, composed, spaces around
    # ignored), a legal name as organisations are told apart (model.legal_name_key: runs of spaces too)
    wanted = {key for p in affiliated if p.affiliated_to for key in reference_keys(p.affiliated_to)}
    by_label: dict[str, list[Partner]] = {}
    if wanted:
        for p in plan.partners:
            for folded in partner_keys(p) & wanted:
                by_label.setdefault(folded, []).append(p)
    for p in affiliated:
        if not p.affiliated_to:
            problems.append(f"{p.label} ({p.country}) names no partner it is affiliated to: set 'affiliated to' "
                            "to its coordinator or beneficiary")
            continue
        named = {id(t) for key in reference_keys(p.affiliated_to) for t in by_label.get(key, [])}
        targets = [t for t in plan.partners if id(t) in named]  # in the plan's order
        if not targets:
            problems.append(f"{p.label} ({p.country}) is affiliated to {p.affiliated_to!r}, which is no partner "
                            "of the plan")
        elif not any(_is_full(t, rules) for t in targets):
            target = targets[0]
            role = rules.role(target.role)
            problems.append(f"{p.label} ({p.country}) is affiliated to {target.label} "
                            f"({(role.label if role else target.role).lower()}): an affiliated entity belongs to "
                            "the coordinator or a beneficiary")
    pics: dict[str, list[Partner]] = {}
    organisations: dict[tuple[str, str], list[Partner]] = {}
    for p in plan.partners:
        if p.pic:
            pics.setdefault(p.pic, []).append(p)
        organisations.setdefault(organisation_key(p.name, rules.canonical_country(p.country)), []).append(p)
    shared = [f"PIC {pic} is used by {', '.join(p.label for p in owners)}" for pic, owners in pics.items()
              if len(owners) > 1]
    # one legal name in one country twice: the same organisation, counted twice towards every minimum
    # (an imported list that repeats the plan's partners made a plan one partner short ELIGIBLE)
    twice = [f"{' and '.join(p.label for p in owners)} are both {owners[0].name} "
             f"({rules.canonical_country(owners[0].country)})"
             for owners in organisations.values() if len(owners) > 1 and not _one_pic_apart(owners)]
    if problems:
        return Criterion("affiliations", label, "fail", "; ".join(problems + shared + twice))
    if shared or twice:
        said = []
        if shared:
            said.append("; ".join(shared) + ": each organisation has one PIC, so two rows with the same PIC are "
                        "one organisation twice, or a typo")
        if twice:
            said.append("; ".join(twice) + ": one organisation in two rows counts twice towards the minimums; "
                        "remove one, or give each its own legal name if they are two organisations")
        return Criterion("affiliations", label, "warn", "; ".join(said))
    n = len(affiliated)
    what = {0: "no affiliated entities", 1: "1 affiliated entity, attached to a full partner"}.get(
        n, f"{n} affiliated entities, each attached to a full partner")
    return Criterion("affiliations", label, "pass", f"{what}; no PIC used twice")


def _is_full(partner: Partner, rules: CallRules) -> bool:
    role = rules.role(partner.role)
    return bool(role and role.full_partner)


def _duration(months: int, lot: Lot) -> Criterion:
    allowed = " or ".join(f"{d.months}" for d in lot.durations)
    if lot.duration(months) is not None:
        return Criterion("duration", "Duration", "pass", f"{months} months ({lot.label} allows {allowed})")
    return Criterion("duration", "Duration", "fail",
                     f"{months} months is not allowed: {lot.label} lasts {allowed} months")


def _ecosystem(plan: Plan, lot: Lot, rules: CallRules) -> Criterion:
    chosen = [rules.ecosystem(e) for e in plan.ecosystems or ()]
    names = ", ".join(f"{e.number}. {e.name}" for e in chosen if e is not None)
    n = len(chosen)
    if lot.ecosystems == "none":
        return Criterion("ecosystem", "Industrial ecosystem", "info",
                         f"{lot.label} has no industrial ecosystem rule ({n} chosen{': ' + names if names else ''})")
    if lot.ecosystems == "any":
        return Criterion("ecosystem", "Industrial ecosystem", "info",
                         f"{n} chosen{': ' + names if names else ''} ({lot.label} allows any number)")
    if n != 1:
        return Criterion("ecosystem", "Industrial ecosystem", "fail",
                         f"{lot.label} needs exactly one ecosystem: {n} chosen", n, 1)
    eco = chosen[0]
    assert eco is not None  # check_against_rules refuses unknown ids
    note = " (priority ecosystem)" if eco.priority else ""
    return Criterion("ecosystem", "Industrial ecosystem", "pass", f"{names}{note}", 1, 1)


def _eur(amount: int) -> str:
    return f"EUR {amount:,}"


def _grant(plan: Plan, rules: CallRules, lot: Lot, months: int) -> Criterion:
    label = "Grant"
    b = budget(plan, rules, lot.number, months, shares=False)
    if b.cap is None:
        return Criterion("grant", label, "info", f"no cap for {months} months: choose an allowed duration first")
    if plan.has_budget:
        return _grant_from_budget(plan, rules, b.cap, months)
    if b.requested is None:
        return Criterion("grant", label, "info", f"no requested grant yet; the cap is {_eur(b.cap)}")
    problems = []
    shares_total, without_share = share_totals(plan, rules)
    unassigned = b.requested - shares_total
    if unassigned:
        side = f"{_eur(unassigned)} unassigned" if unassigned > 0 else f"{_eur(-unassigned)} over"
        problems.append(f"partner shares add up to {_eur(shares_total)}, not the {_eur(b.requested)} "
                        f"requested ({side})")
    if without_share:
        names = ", ".join(without_share[:5]) + (" ..." if len(without_share) > 5 else "")
        problems.append(f"no share for {len(without_share)} full partner{_plural(len(without_share))}: {names}")
    if b.requested > b.cap:  # the shares' problems too: cutting the request alone does not make them add up
        return Criterion("grant", label, "fail",
                         "; ".join([f"{_eur(b.requested)} requested is above the {_eur(b.cap)} cap for {months} "
                                    f"months: reduce it by {_eur(b.requested - b.cap)}", *problems]))
    if problems:
        return Criterion("grant", label, "warn", "; ".join(problems))
    return Criterion("grant", label, "pass", f"{_eur(b.requested)} requested, within the {_eur(b.cap)} cap; "
                     "partner shares add up")


def grant_in_full(plan: Plan, rules: CallRules, board: Scoreboard) -> Criterion | None:
    """The board's grant criterion with every disagreement said (the board names five, then 'N more'):
    for a screen that shows the problems in full."""
    if plan.has_budget and board.cap_eur is not None:
        return _grant_from_budget(plan, rules, board.cap_eur, board.duration_months, named=None)
    return board.get("grant")


def _grant_from_budget(plan: Plan, rules: CallRules, cap: int, months: int, named: int | None = 5) -> Criterion:
    """The spec: with a budget, the grant is the sum of its contributions, judged against the cap; a
    hand-set requested grant or partner share that disagrees with the budget warns, with both figures
    (the first `named` of them, then how many more)."""
    label = "Grant"
    est = estimate(plan, rules)
    grant = est.contribution_eur
    # the sum of each line's rounded share: '80% of EUR 4,946,050' beside it was EUR 5 off on a calculator
    of = f"{contribution_words(grant, est.funding_rate_percent)}, from {_eur(est.cost_eur)} of estimated costs,"
    problems = []
    if plan.requested_grant_eur is not None and plan.requested_grant_eur != grant:
        # in words first, the key to change in the file after them (a coordinator reads this on screen)
        problems.append(f"the requested grant (requested_grant_eur) is {_eur(plan.requested_grant_eur)}, "
                        f"the budget gives {_eur(grant)}")
    for i, p in enumerate(plan.partners):
        if p.grant_eur is not None and p.grant_eur != (share := est.partner_contribution(i)):
            problems.append(f"{p.label}'s share of the grant (partners[{i}].grant_eur) is {_eur(p.grant_eur)}, "
                            f"its budget gives {_eur(share)}")
    shown = problems if named is None or len(problems) <= named else \
        [*problems[:named], f"{len(problems) - named} more"]
    if grant > cap:  # and what disagrees with the budget: a coordinator cutting costs must see the shares too
        # the step first: a screen's line of problems cut the long sentence before the amount to cut
        return Criterion("grant", label, "fail",
                         "; ".join([f"cut {_eur(est.cut_to_cap(cap))} of estimated costs: the budget's contribution "
                                    f"{of} is {_eur(grant - cap)} above the {_eur(cap)} cap for {months} months",
                                    *shown]))
    if problems:
        return Criterion("grant", label, "warn", "; ".join(shown))
    return Criterion("grant", label, "pass", f"the budget's contribution {of} is within the {_eur(cap)} cap")


def _budget(plan: Plan, rules: CallRules, months: int) -> Criterion:
    label = "Budget"
    if not plan.has_budget:
        return Criterion("budget", label, "info", "no budget yet: work packages and each partner's costs "
                         "(person-months, travel, equipment, other, subcontracting) give the grant")
    found = budget_problems(plan, rules, months)
    if found.fails:
        return Criterion("budget", label, "fail", "; ".join([*found.fails, *found.warnings]))
    if found.warnings:
        return Criterion("budget", label, "warn", "; ".join(found.warnings))
    n, m = len(plan.work_packages), sum(1 for p in plan.partners if p.budget)
    return Criterion("budget", label, "pass", f"{n} work package{_plural(n)}, each led by a full partner and "
                     f"within the {months} months; {m} partner{_plural(m)} with costs")


def _profiles(plan: Plan, rules: CallRules) -> Criterion:
    label = "Occupational profiles"
    missing = [b for b in rules.eqf_bands if not any(b.min <= p.eqf <= b.max for p in plan.profiles)]
    covered = len(rules.eqf_bands) - len(missing)
    if missing:
        return Criterion("occupational-profiles", label, "warn",
                         f"no profile at {' or '.join(b.label for b in missing)}: add one "
                         f"({len(plan.profiles)} profile{_plural(len(plan.profiles))} so far)",
                         covered, len(rules.eqf_bands))
    return Criterion("occupational-profiles", label, "pass",
                     f"{len(plan.profiles)} profiles covering {' and '.join(b.label for b in rules.eqf_bands)}",
                     covered, len(rules.eqf_bands))


def _activities(plan: Plan, rules: CallRules) -> Criterion:
    label = "Lot 2 activities"
    planned = [a for a in rules.activities if plan.activities and getattr(plan.activities, a.id, False)]
    missing = [a.label for a in rules.activities if a not in planned]
    total = len(rules.activities)
    if missing:
        return Criterion("activities", label, "warn", f"not yet planned: {', '.join(missing)}",
                         len(planned), total)
    return Criterion("activities", label, "pass", f"all {total} must-haves planned", len(planned), total)


def _award(plan: Plan, rules: CallRules) -> Criterion:
    label = "Award self-assessment"
    minimum, maximum = rules.award_rules.min_total, rules.award_maximum
    # "13 / 15 / 13 / 10": each criterion's minimum, from the rules
    each = " / ".join(str(rules.award_threshold(c)) for c in rules.award)
    if plan.assessment is None:
        return Criterion("award", label, "info", f"no self-assessment; proposals need {minimum}/{maximum} and "
                         f"at least {each} in the criteria")
    scores = {c.id: getattr(plan.assessment, c.id) for c in rules.award}
    unscored = [c.label for c in rules.award if scores[c.id] is None]
    total = sum(s for s in scores.values() if s is not None)
    if unscored:
        return Criterion("award", label, "info", f"not yet scored: {', '.join(unscored)}", total, minimum)
    weak = [f"{c.label} {scores[c.id]}/{c.maximum} (needs {rules.award_threshold(c)})" for c in rules.award
            if scores[c.id] < rules.award_threshold(c)]
    problems = []
    if total < minimum:
        problems.append(f"total {total} is under {minimum}")
    if weak:
        problems.append(f"under the criterion's minimum: {', '.join(weak)}")
    if problems:
        return Criterion("award", label, "warn", "; ".join(problems), total, minimum)
    return Criterion("award", label, "pass", f"{total}/{maximum} and every criterion at its minimum or above "
                     f"({each})", total, minimum)


def now() -> datetime:
    """The clock, aware in the user's time zone (tests freeze `planner.scoring.datetime`)."""
    return datetime.now(timezone.utc).astimezone()


def days_left(rules: CallRules, now: datetime) -> int | None:
    """Whole days to the deadline, rounded down (0 on its last day, below 0 once closed); None without one."""
    deadline = rules.deadline_aware()
    return None if deadline is None else (deadline - now) // timedelta(days=1)


def deadline_words(rules: CallRules, now: datetime) -> str:
    """What is left, in the deadline's own time zone and the user's (the zone of `now`):
    '40 days left (10 Mar 2027, 17:00 Brussels, 16:00 here)', 'closes today at 17:00 Brussels
    (16:00 here)', 'closed (10 Mar 2026, 17:00 Brussels, 16:00 here)', 'not yet published (expected early
    2027)'."""
    deadline = rules.deadline_aware()
    if deadline is None:
        return not_published(rules)
    city = rules.zone_city
    local = deadline.astimezone(now.tzinfo)
    here = ""
    if local.utcoffset() != deadline.utcoffset():
        here = f"{'' if local.date() == deadline.date() else f'{local.day} {local:%b} '}{local:%H:%M} here"
    at = f"{deadline:%H:%M} {city}"
    left = deadline - now
    if left.total_seconds() <= 0:
        return f"closed ({deadline.day} {deadline:%b %Y}, {at}" + (f", {here})" if here else ")")
    if left.days == 0:
        day = "today" if now.astimezone(deadline.tzinfo).date() == deadline.date() else "tomorrow"
        return f"closes {day} at {at}" + (f" ({here})" if here else "")
    return f"{left.days} day{_plural(left.days)} left ({deadline.day} {deadline:%b %Y}, {at}" + \
        (f", {here})" if here else ")")


def _deadline(rules: CallRules, now: datetime | None) -> Criterion:
    """The deadline in Brussels time, in the user's time (the zone of `now`, default the system's), and what is left."""
    deadline = rules.deadline_aware()
    now = now or datetime.now(timezone.utc).astimezone()
    if deadline is None:
        return Criterion("deadline", "Deadline", "info",
                         f"{not_published(rules)}; call {rules.id} is expected, its text and deadline are not out, "
                         "so every rule of it is provisional")
    left = days_left(rules, now)
    if deadline > now:
        return Criterion("deadline", "Deadline", "info", deadline_words(rules, now), days_left=left)
    when = f"{deadline.day} {deadline:%B %Y, %H:%M} {rules.zone_city} time ({deadline:%Z})"
    local = deadline.astimezone(now.tzinfo)
    if local.utcoffset() != deadline.utcoffset():
        when += f", {local.day} {local:%B %H:%M} your time ({local:%Z})"
    days = (now - deadline).days
    ago = "today" if days == 0 else f"{days} day{_plural(days)} ago"
    # the note before the colon: tools and people read the end of the line for "closed N days ago"
    return Criterion("deadline", "Deadline", "info", f"{when} ({_latest_call_note(rules, now)}): the call closed {ago}")


def _latest_call_note(rules: CallRules, now: datetime) -> str:
    """For a closed call: the call being written now, if it is a later one the planner knows."""
    target = next_call(rules.id, now)
    if target is None:
        return "the most recent call the planner knows"
    try:
        newer = load_call(target)
    except Exception:  # noqa: BLE001 - a broken rule set of the user's own: scoring never raises
        return f"the next call the planner knows is {target}"
    d = newer.deadline_aware()
    when = f"{not_published(newer)}" if d is None else f"deadline {d.day} {d:%B %Y, %H:%M} {newer.zone_city} time"
    status = "expected" if newer.is_expected else "open"
    return f"the next call is {target}, {status}: {newer.name}, {when}"


# --- from 2025: third countries; ECHE (their own functions: other criteria are added next to them) ---


def third_countries_criteria(plan: Plan, rules: CallRules) -> list[Criterion]:
    """`third-countries`: a full partner from a non-associated third country only from the allowed regions."""
    rule = rules.third_countries
    if rule is None:
        return []  # the 2024 rule: any third country may be a beneficiary (its country does not count)
    label = "Third countries"
    categories, roles, _kinds = rules.lookup_tables()
    inside: list[Partner] = []
    outside: list[Partner] = []
    for p in plan.partners:
        role = roles.get(p.role)
        country = rules.canonical_country(p.country)
        if role is None or not role.full_partner or categories.get(country, "third") != "third":
            continue
        (inside if rules.third_country_region(country) else outside).append(p)
    regions = "; ".join(f"{r.name}: {' '.join(r.countries)}" for r in rule.regions)
    if outside:
        names = ", ".join(f"{p.label} ({rules.country_name(rules.canonical_country(p.country))})" for p in outside)
        them = "it an associated partner" if len(outside) == 1 else "them associated partners"
        return [Criterion("third-countries", label, "fail",
                          # the fix first: the regions' lists are long, and a cut line kept only them
                          f"{names}: make {them}; a full partner from a third country not associated must come "
                          f"from {regions}")]
    if inside:
        return [Criterion("third-countries", label, "pass",
                          f"{_names(inside)}: from an allowed region (their countries count towards no minimum)")]
    return [Criterion("third-countries", label, "pass",
                      "no full partner from a third country not associated to the programme")]


def eche_criteria(plan: Plan, rules: CallRules) -> list[Criterion]:
    """`eche`: EU/associated higher education institutions among the full partners hold an ECHE."""
    if rules.eche is None:
        return []
    label = "Erasmus Charter (ECHE)"
    categories, roles, kinds = rules.lookup_tables()
    heis = []
    for p in plan.partners:
        role, kind = roles.get(p.role), kinds.get(p.kind)
        if role is None or not role.full_partner or kind is None or not kind.higher_education:
            continue
        if categories.get(rules.canonical_country(p.country)) in ("eu", "associated"):
            heis.append(p)
    if not heis:
        return [Criterion("eche", label, "info",
                          "no higher education institution from an EU/associated country among the full partners")]
    holding = [p for p in heis if p.eche is True]
    without = [p for p in heis if p.eche is False]
    unknown = [p for p in heis if p.eche is None]
    n = len(heis)
    if without:
        return [Criterion("eche", label, "fail",
                          f"{_names(without)}: no ECHE; a higher education institution from an EU/associated country "
                          "needs one to be a full partner (or make it an associated partner)", len(holding), n)]
    if unknown:
        return [Criterion("eche", label, "warn",
                          f"not known whether {_names(unknown)} hold{'s' if len(unknown) == 1 else ''} an ECHE: "
                          "check and record it", len(holding), n)]
    said = "the 1 higher education institution holds" if n == 1 else f"all {n} higher education institutions hold"
    return [Criterion("eche", label, "pass", f"{said} an ECHE", len(holding), n)]


# --- provisional figures ---------------------------------------------------------------------

_BY_LOT = {"full-partners", "countries", "labour-market-actors", "education-providers", "higher-education",
           "vet-provider", "ecosystem"}
_BY_DURATION = {"duration", "grant"}
_CHECK = "check the call document (secondary sources only)"


def mark_provisional(criteria: list[Criterion], rules: CallRules, lot: Lot, months: int,
                     with_budget: bool = False) -> tuple[tuple[Criterion, ...], tuple[str, ...]]:
    """Each criterion whose verdict rests on a figure from secondary sources only, marked; and the notes.

    `with_budget`: the plan has a budget, so `grant` rests on the indirect cost rate too."""
    duration = lot.duration(months)
    grades = {cid: lot.grade for cid in _BY_LOT}
    grades.update({cid: duration.grade for cid in _BY_DURATION} if duration else {})
    if with_budget and is_provisional(rules.indirect_rate_grade):
        grades["grant"] = rules.indirect_rate_grade
    grades.update({"coordinator": rules.countries.grade, "excluded-countries": rules.countries.grade,
                   "occupational-profiles": rules.content_rules.grade, "activities": rules.content_rules.grade,
                   "award": rules.award_rules.grade, "deadline": rules.deadline_grade})
    if rules.third_countries:
        grades["third-countries"] = rules.third_countries.grade
    if rules.eche:
        grades["eche"] = rules.eche.grade
    marked = tuple(replace(c, provisional=True) if rules.provisional(grades.get(c.id, "official")) else c
                   for c in criteria)
    notes = []
    if rules.is_expected:
        # one note for all: the call text is not out, every figure is 2026's carried forward or a source's word
        return marked, (f"call {rules.id} is expected, not published: every rule is provisional (the call before "
                        "it carried forward, and what a source says will change) until the call text is out",)
    if is_provisional(lot.grade):
        notes.append(f"{lot.label}'s minimums ({lot.minimums}) are provisional: {_CHECK}")
    if duration is not None and is_provisional(duration.grade):
        notes.append(f"{months} months, up to EUR {duration.max_grant_eur:,} for {lot.label} is provisional: {_CHECK}")
    if with_budget and is_provisional(rules.indirect_rate_grade):
        notes.append(f"the {rules.indirect_rate_percent}% indirect cost rate of the budget is provisional: {_CHECK}")
    lot_or_duration = _BY_LOT | _BY_DURATION
    for c in marked:
        if c.provisional and c.id not in lot_or_duration:
            notes.append(f"the {c.label} rule is provisional: {_CHECK}")
    return marked, tuple(notes)
