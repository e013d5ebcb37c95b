"""The lump-sum budget. Pure functions.

Two halves: the partner shares typed by hand against the requested grant and the lot's cap (`budget`,
`share_totals`), and the estimated budget of the spec ("The budget"): each partner's lines per work
package counted to the euro (`estimate` -> `Estimate`, its `as_dict` the JSON `budget` object;
`line_cost` one line) and what the `budget` criterion judges (`budget_problems`). The TUI's budget
screen, the reports and `planner budget` read these; nothing here knows a screen or a format."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from planner.model import BudgetLine, Partner, Plan, person_months_decimal, short_name_key
from planner.rules import CallRules


@dataclass(frozen=True)
class Share:
    index: int
    label: str
    role: str
    full_partner: bool
    grant_eur: int | None
    percent: float | None  # of the requested grant


@dataclass(frozen=True)
class Budget:
    months: int
    cap: int | None
    requested: int | None
    funding_rate_percent: int
    shares: tuple[Share, ...]

    @property
    def shares_total(self) -> int:
        return sum(s.grant_eur or 0 for s in self.shares)

    @property
    def unassigned(self) -> int | None:
        """What the shares leave of the requested grant (negative: shares exceed it)."""
        return None if self.requested is None else self.requested - self.shares_total

    @property
    def under_cap(self) -> int | None:
        """What the cap leaves above the requested grant (negative: over the cap)."""
        return None if self.cap is None or self.requested is None else self.cap - self.requested

    @property
    def implied_total_budget(self) -> int | None:
        """The estimated budget the lump sum implies at the funding rate (rounded down to the euro)."""
        return None if self.requested is None else self.requested * 100 // self.funding_rate_percent

    @property
    def without_share(self) -> tuple[Share, ...]:
        """Full partners with no share: every beneficiary receives part of the lump sum."""
        return tuple(s for s in self.shares if s.full_partner and not s.grant_eur)


# A loaded plan holds at most EUR 1,000,000,000 per figure (model.MAX_EUROS), but a plan built in memory
# is not validated again, so the arithmetic here must hold for any integers: a share of 400 nines
# against a grant of 1 would overflow a float. Percentages are capped far above any real figure.
_PERCENT_CAP = 10**12


def cap_percent(contribution: int, cap: int) -> int:
    """The contribution as a whole percentage of the cap (> 0), rounded to the nearest but never onto
    the cap from either side: 97.98% is 98, 99.77% is 99 (under it), 100.1% is 101 (over it); only the
    cap itself is 100."""
    nearest = (contribution * 200 + cap) // (2 * cap)
    if contribution < cap:
        return min(nearest, 99)
    if contribution > cap:
        return max(nearest, 101)
    return 100


def percent_of(part: int, whole: int) -> float:
    """part as a percentage of whole (> 0), exact to a float's precision, never raising OverflowError."""
    if whole <= 0:
        raise ValueError("whole must be positive")
    if abs(part) > whole * _PERCENT_CAP:
        return float(_PERCENT_CAP) * 100 if part > 0 else -float(_PERCENT_CAP) * 100
    return part * 100 / whole


def budget(plan: Plan, rules: CallRules, lot: int, months: int, shares: bool = True) -> Budget:
    """The budget for one lot and duration (a Scoreboard's, so that both speak of the same case).

    `shares=False`: the totals only (cap, requested, implied budget), without a Share per partner."""
    requested = plan.requested_grant_eur
    if not shares:
        return Budget(months, rules.max_grant(lot, months), requested, rules.funding_rate_percent, ())
    per_partner = []
    for i, p in enumerate(plan.partners):
        role = rules.role(p.role)
        percent = None
        if p.grant_eur is not None and requested:
            percent = percent_of(p.grant_eur, requested)
        per_partner.append(Share(i, p.label, p.role, bool(role and role.full_partner), p.grant_eur, percent))
    return Budget(months, rules.max_grant(lot, months), requested, rules.funding_rate_percent, tuple(per_partner))


def share_totals(plan: Plan, rules: CallRules) -> tuple[int, list[str]]:
    """What Budget.shares_total and Budget.without_share say (the shares added up; the labels of the
    full partners with no share), in one pass and without a Share per partner: scoring needs only
    these, after every edit, and 10,000 Shares cost more than the rest of the scoreboard."""
    roles = rules.lookup_tables()[1]
    total = 0
    without: list[str] = []
    for p in plan.partners:
        if p.grant_eur:
            total += p.grant_eur
        else:
            role = roles.get(p.role)
            if role is not None and role.full_partner:
                without.append(p.label)
    return total, without


# --- the estimated budget (spec, "The budget"): work packages, each partner's lines, the lump sum -------
#
# Every figure is a whole number of euros computed with integers: person-months are hundredths (6.5 is
# 650), a rate is a whole percentage, and "round" is to the nearest euro, halves up. No binary float
# is ever multiplied. Every line of a participant that receives part of the lump sum counts, also a line
# for a work package the plan does not have: the `budget` criterion fails it, and the grant must not look
# smaller for a typo in a work package's id. An associated partner's lines count in no total (they are
# `Estimate.uncounted`, not `lines`): an associated partner receives nothing of the lump sum, the spec's
# `by_partner` leaves it out, and counted they made the plan's totals more than the partners' (the
# `budget` criterion fails them all the same). `by_partner` and `by_work_package` list what the spec says.


def _round_percent(amount: int, percent: int) -> int:
    """round(percent / 100 x amount) to the euro, halves up (amount >= 0)."""
    return (amount * percent + 50) // 100


def hundredths(person_months: float | int | None) -> int:
    """A line's person-months in hundredths (6.5 -> 650), exactly as the file wrote them (the shortest
    text of the float, which the loader checked has at most 2 decimals)."""
    if person_months is None:
        return 0
    if isinstance(person_months, int):
        return person_months * 100
    found = _HUNDREDTHS.get(person_months)
    if found is None:
        if len(_HUNDREDTHS) > 100_000:
            _HUNDREDTHS.clear()
        found = _HUNDREDTHS[person_months] = int(person_months_decimal(person_months) * 100)
    return found


_HUNDREDTHS: dict[float, int] = {}  # the same few figures come back on every edit: 6.5, 0.25, 12.5


def _months(hundredths_: int) -> Decimal:
    return Decimal(hundredths_).scaleb(-2).normalize() if hundredths_ % 100 else Decimal(hundredths_ // 100)


class LineCost(NamedTuple):
    """One budget line, counted: `partner` is the partner's label, `partner_index` its place in the plan. (A named
    tuple: 600 of them are made on every edit, and a frozen dataclass takes three times as long.)"""

    partner_index: int
    partner: str
    work_package: str
    hundredths: int  # person-months in hundredths (6.5 is 650): `person_months` is the Decimal
    staff_cost_eur: int | None  # the rate used: the line's, else the partner's (None: none set)
    personnel_eur: int
    subcontracting_eur: int
    travel_eur: int
    equipment_eur: int
    other_eur: int
    indirect_eur: int
    cost_eur: int
    contribution_eur: int

    @property
    def person_months(self) -> Decimal:
        return _months(self.hundredths)

    @property
    def direct_eur(self) -> int:
        return self.cost_eur - self.indirect_eur

    def as_dict(self) -> dict[str, object]:
        return {"partner": self.partner, "work_package": self.work_package,
                "person_months": json_months(self.person_months), "personnel_eur": self.personnel_eur,
                "subcontracting_eur": self.subcontracting_eur, "travel_eur": self.travel_eur,
                "equipment_eur": self.equipment_eur, "other_eur": self.other_eur,
                "indirect_eur": self.indirect_eur, "cost_eur": self.cost_eur,
                "contribution_eur": self.contribution_eur}


class Subtotal(NamedTuple):
    """A partner's or a work package's sums: `key` is the partner's label or the work package's id."""

    key: str
    cost_eur: int
    contribution_eur: int
    person_months: Decimal


ASSOCIATED = "associated-partner"  # the role whose lines count in no total (the spec's by_partner leaves it out)
CATEGORIES = ("personnel_eur", "subcontracting_eur", "travel_eur", "equipment_eur", "other_eur", "indirect_eur")


@dataclass(frozen=True)
class Estimate:
    """The plan's estimated budget and the lump sum it gives (one per plan and rules: the cap is the
    only figure that depends on the lot and duration, see `over_cap`)."""

    funding_rate_percent: int
    indirect_rate_percent: int
    lines: tuple[LineCost, ...]  # plan's partners' order, then the work packages' (unknown ids last)
    by_partner: tuple[Subtotal, ...]  # every participant but associated partners, in the plan's order
    by_work_package: tuple[Subtotal, ...]  # every work package, in the plan's order
    by_category: dict[str, int]  # CATEGORIES -> euros
    cost_eur: int
    contribution_eur: int
    person_months: Decimal
    # associated partners' lines, counted as lines are but in no total, no `lines` and no `by_partner`:
    # the screens and tables show them as rows marked "not counted" until they are removed
    uncounted: tuple[LineCost, ...] = ()

    def partner_contribution(self, index: int) -> int:
        """The contribution of the partner at `index` in the plan (0 where it has no line)."""
        return sum(line.contribution_eur for line in self.lines if line.partner_index == index)

    def over_cap(self, cap: int | None) -> int:
        """How far the contribution is above `cap` (0 within it, or without a cap)."""
        return max(0, self.contribution_eur - cap) if cap is not None else 0

    def cut_to_cap(self, cap: int) -> int:
        """The estimated costs to cut so that the contribution comes within the cap (0 when it is).

        The contribution is the sum of the lines' contributions, each rounded to the euro, so it can stand
        a few euros above the funding rate times the costs: a cut counted from the costs (the cost above
        cap / rate) could leave the plan EUR 3 over, and then ask to cut EUR 0. It is counted from the
        contribution's excess E instead. Cutting X euros of one line's estimated costs lowers that line's
        rounded contribution by at least rate x X - 1 (each rounding moves it by half a euro at most), so
        the least X that surely covers E is the least with rate x X > E: E / rate, rounded down, plus 1."""
        excess = self.contribution_eur - cap
        return excess * 100 // self.funding_rate_percent + 1 if excess > 0 else 0

    def as_dict(self, cap: int | None) -> dict[str, object]:
        """The spec's `budget` object of a verdict for a lot and duration whose cap is `cap`."""
        return {
            "funding_rate_percent": self.funding_rate_percent,
            "indirect_rate_percent": self.indirect_rate_percent,
            "cap_eur": cap,
            "cost_eur": self.cost_eur,
            "contribution_eur": self.contribution_eur,
            "over_cap_eur": self.over_cap(cap),
            "person_months": json_months(self.person_months),
            "by_category": dict(self.by_category),
            "by_partner": [{"partner": s.key, "cost_eur": s.cost_eur, "contribution_eur": s.contribution_eur,
                            "person_months": json_months(s.person_months)} for s in self.by_partner],
            "by_work_package": [{"id": s.key, "cost_eur": s.cost_eur, "contribution_eur": s.contribution_eur,
                                 "person_months": json_months(s.person_months)} for s in self.by_work_package],
            "lines": [line.as_dict() for line in self.lines],
        }


def contribution_words(contribution: int, funding_rate_percent: int) -> str:
    """'EUR 3,919,215 (80% of each line, rounded)': the contribution is the sum of each line's rounded
    share, a few euros off the rate times the total costs, so it is never written '80% of' the total
    (a user with a calculator found EUR 5 missing). The one wording of the screens, reports and rules."""
    return f"EUR {contribution:,} ({funding_rate_percent}% of each line, rounded)"


def json_months(value: Decimal) -> int | float:
    """Person-months for JSON: 6 as 6, 6.5 as 6.5 (a sum of 2-decimal figures, exact in 2 decimals)."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def line_cost(index: int, partner: Partner, wp_id: str, line: BudgetLine, indirect_percent: int,
              funding_percent: int) -> LineCost:
    """One line counted as the spec says (personnel, direct, indirect, cost, contribution)."""
    months = hundredths(line.person_months)
    rate = line.staff_cost_eur if line.staff_cost_eur is not None else partner.staff_cost_eur
    personnel = (months * rate + 50) // 100 if rate is not None else 0
    sub = line.subcontracting_eur or 0
    travel, equipment, other = line.travel_eur or 0, line.equipment_eur or 0, line.other_eur or 0
    direct = personnel + sub + travel + equipment + other
    indirect = _round_percent(direct - sub, indirect_percent)
    cost = direct + indirect
    return LineCost(index, partner.label, wp_id, months, rate, personnel, sub, travel, equipment, other,
                    indirect, cost, _round_percent(cost, funding_percent))


def estimate(plan: Plan, rules: CallRules) -> Estimate:
    """The plan's budget, counted (cached for the very same partners, work packages and rules: the
    comparison judges every lot and duration of one plan)."""
    key = (plan.partners, plan.work_packages, rules)
    last = _LAST_ESTIMATE.get("last")
    if last is not None and all(a is b for a, b in zip(last[0], key)):
        return last[1]
    result = count_budget(plan, rules)
    _LAST_ESTIMATE["last"] = (key, result)
    return result


_LAST_ESTIMATE: dict[str, tuple[tuple[object, ...], Estimate]] = {}


def count_budget(plan: Plan, rules: CallRules) -> Estimate:
    """The plan's budget counted afresh (`estimate` caches it): what the benchmark times."""
    funding, indirect = rules.funding_rate_percent, rules.indirect_rate_percent
    order = {wp.id: i for i, wp in enumerate(plan.work_packages)}
    known = len(order)
    lines: list[LineCost] = []
    uncounted: list[LineCost] = []
    by_partner: list[Subtotal] = []
    wp_cost = [0] * known
    wp_contribution = [0] * known
    wp_months = [0] * known
    total_months = 0
    personnel = sub = travel = equipment = other = indirect_total = 0
    for index, partner in enumerate(plan.partners):
        cost = contribution = months = 0
        associated = partner.role == ASSOCIATED
        if partner.budget:
            own = sorted(partner.budget.items(), key=lambda item: order.get(item[0], known)) \
                if known else partner.budget.items()
            if associated:
                uncounted += (line_cost(index, partner, wp_id, line, indirect, funding) for wp_id, line in own)
                continue
            for wp_id, line in own:
                counted = line_cost(index, partner, wp_id, line, indirect, funding)
                lines.append(counted)
                h = counted.hundredths
                cost += counted.cost_eur
                contribution += counted.contribution_eur
                months += h
                at = order.get(wp_id)
                if at is not None:
                    wp_cost[at] += counted.cost_eur
                    wp_contribution[at] += counted.contribution_eur
                    wp_months[at] += h
                personnel += counted.personnel_eur
                sub += counted.subcontracting_eur
                travel += counted.travel_eur
                equipment += counted.equipment_eur
                other += counted.other_eur
                indirect_total += counted.indirect_eur
        total_months += months
        if not associated:
            by_partner.append(Subtotal(partner.label, cost, contribution, _months(months)))
    categories = dict(zip(CATEGORIES, (personnel, sub, travel, equipment, other, indirect_total)))
    by_wp = tuple(Subtotal(wp.id, wp_cost[i], wp_contribution[i], _months(wp_months[i]))
                  for i, wp in enumerate(plan.work_packages))
    return Estimate(funding, indirect, tuple(lines), tuple(by_partner), by_wp, categories,
                    sum(line.cost_eur for line in lines), sum(line.contribution_eur for line in lines),
                    _months(total_months), tuple(uncounted))


@dataclass(frozen=True)
class BudgetProblems:
    """What the `budget` criterion judges (spec, "The budget"), each naming the partner, the work package
    and the key path: `fails` (the budget is broken) and `warnings`."""

    fails: tuple[str, ...]
    warnings: tuple[str, ...]


def budget_problems(plan: Plan, rules: CallRules, months: int) -> BudgetProblems:
    """Work packages and budget lines for a project of `months` months, judged."""
    roles = rules.lookup_tables()[1]
    fails: list[str] = []
    warnings: list[str] = []
    by_name: dict[str, Partner] = {}  # a lead is found as the loader compares short names (short_name_key)
    for p in plan.partners:
        for key in (p.name, p.short_name):
            if key:
                by_name.setdefault(short_name_key(key), p)
    ids = {wp.id for wp in plan.work_packages}
    costs: set[str] = set()
    for i, p in enumerate(plan.partners):
        role = roles.get(p.role)
        lines = p.budget or {}
        costs.update(wp_id for wp_id, line in lines.items() if _has_costs(line))
        if lines and p.role == ASSOCIATED:
            fails.append(f"{p.label} (partners[{i}].budget) is an associated partner, which has no budget: "
                         "remove its budget lines (they count in no total)")
        elif not lines and role is not None and role.full_partner:
            warnings.append(f"no budget line for {p.label} (partners[{i}].budget)")
        for wp_id, line in lines.items():
            where = f"partners[{i}].budget.{wp_id}"
            if wp_id not in ids:
                # ids are compared without case when a work package is added: 'wp2' cannot be added beside WP2
                same = next((i for i in ids if i.casefold() == wp_id.casefold()), None)
                fails.append(f"{p.label} has a budget line for work package {wp_id} ({where}), which the plan does "
                             + (f"not have: {same} differs only in case; rename one of them" if same
                                else "not have: add the work package or move the line"))
            rate = line.staff_cost_eur if line.staff_cost_eur is not None else p.staff_cost_eur
            if line.person_months and rate is None:
                fails.append(f"{p.label} in {wp_id} ({where}.person_months): {line.person_months} person-months "
                             f"without a staff cost: set partners[{i}].staff_cost_eur or the line's staff_cost_eur")
            elif line.person_months and not rate:  # EUR 0 a month: personnel of EUR 0 is no staff cost either
                whose = f"the line's staff cost ({where}.staff_cost_eur)" if line.staff_cost_eur is not None \
                    else f"{p.label}'s staff cost (partners[{i}].staff_cost_eur)"
                fails.append(f"{p.label} in {wp_id} ({where}.person_months): {line.person_months} person-months "
                             f"at a staff cost of EUR 0: {whose} is 0; set the cost of a person-month")
    for j, wp in enumerate(plan.work_packages):
        where = f"work_packages[{j}]"
        if wp.lead is None:
            fails.append(f"work package {wp.id} ({where}.lead) has no lead: name a full partner")
        else:
            lead = by_name.get(short_name_key(wp.lead))
            role = roles.get(lead.role) if lead is not None else None
            if lead is None:
                fails.append(f"work package {wp.id} ({where}.lead): {wp.lead!r} is no partner of the plan")
            elif role is None or not role.full_partner:
                fails.append(f"work package {wp.id} ({where}.lead): {lead.label} is "
                             f"{'an ' if lead.role.startswith(('a', 'e')) else 'a '}{lead.role.replace('-', ' ')}; "
                             "the lead must be the coordinator or a beneficiary")
        if not 1 <= wp.start_month <= months:
            fails.append(f"work package {wp.id} ({where}.start_month) starts in month {wp.start_month}, outside "
                         f"1 .. {months}")
        if not 1 <= wp.end_month <= months:
            fails.append(f"work package {wp.id} ({where}.end_month) ends in month {wp.end_month}, outside "
                         f"1 .. {months}" + (" (after the project's end)" if wp.end_month > months else ""))
        if wp.end_month < wp.start_month:
            fails.append(f"work package {wp.id} ({where}.end_month) ends in month {wp.end_month}, before it "
                         f"starts (month {wp.start_month})")
        if wp.id not in costs:
            warnings.append(f"work package {wp.id} ({where}) has no costs")
    return BudgetProblems(tuple(fails), tuple(warnings))


def _has_costs(line: BudgetLine) -> bool:
    return bool(line.person_months or line.travel_eur or line.equipment_eur or line.other_eur
                or line.subcontracting_eur)
