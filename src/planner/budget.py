"""The lump-sum budget: partner shares against the requested grant and the lot's cap. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Plan
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
