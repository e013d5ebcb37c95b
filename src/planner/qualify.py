"""What it takes: the least a plan must change to be eligible for one lot and duration.

Keeps: the last plan's facts (`plan_facts`, one entry, by the identity of its partners tuple and
rules) and the solver's memo (`lru_cache`); results depend only on the arguments, from any thread.

The composition part is a small exact integer problem over counts. New full partners are
beneficiaries from EU/associated countries; each one counts for everything it is (a higher
education institution from a country not yet covered is a full partner, a provider, a HEI and a
new country). What a kind counts for comes from the rules (`[[kinds]]`), so the solver works on
"kind classes": the distinct (labour-market actor, provider, HEI, VET) combinations the rules
define. Countries are independent of kinds (any new partner may come from a new country), so

    new_full_partners = max(full-partner gap, country gap, the fewest partners whose kinds close
                            the labour-market, provider, HEI and VET gaps)

and the last term is exact by enumeration: at most two partners close the HEI and VET gaps
(each is needed once), and the rest close the labour-market and provider gaps, where a class that
is both closes two at once (`_fewest`). `of_which` is, for that number, the least of each sort
any such set of partners holds (`_least_of`). tests/test_qualify.py checks both against a brute
force over multisets of new partners.

The sentences of the steps and the short forms of the tables are `qualify_words`; this module
solves and chooses which steps to say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from planner.qualify_words import (
    SHORT,
    WORDS,
    composition_step,
    coordinator_step,
    in_sentence,
    name_of,
    names_of,
    plural,
    sorts_in_short,
    then_enough,
    then_needed,
)
from planner.rules import CallRules, Kind

if TYPE_CHECKING:
    from planner.model import Partner, Plan


class _Failing(Protocol):
    """A failing criterion, as scoring gives it (this module sits below scoring: no import of it)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def message(self) -> str: ...


class Judged(Protocol):
    """What to_qualify reads of a scoreboard: the lot and duration it judged, and what failed."""

    @property
    def lot(self) -> int: ...
    @property
    def duration_months(self) -> int: ...
    @property
    def failures(self) -> tuple[_Failing, ...]: ...
    @property
    def cut_to_cap(self) -> int | None: ...

SORTS = ("new_countries", "labour_market_actors", "education_providers", "higher_education", "vet_providers")
# the composition criteria that new full partners close
COMPOSITION = ("full-partners", "countries", "labour-market-actors", "education-providers", "higher-education",
               "vet-provider")

INFEASIBLE = 10**9  # a gap no kind of the rules can close (a rules file without labour-market actors)

# (labour-market actor, education provider, higher education, VET provider)
Bits = tuple[int, int, int, int]
LMA, PROV, HE, VET = range(4)


@dataclass(frozen=True)
class ToQualify:
    """The least that makes the plan eligible for one lot and duration (the spec's `to_qualify`)."""

    new_full_partners: int
    of_which: dict[str, int]
    steps: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    # the criterion id of each step, in step order (for short(): "ecosystem", "grant" ...); "grant-cut" is
    # the grant's step when a budget gives it (costs to cut, not a grant to lower)
    step_ids: tuple[str, ...] = ()
    # the new full partners needed once the full partners that may only be associated partners (from a
    # region the call does not allow) are made so, when that is more than `new_full_partners` (the spec's
    # count takes the participants as they are); and the words of that change ('UWM (GB) is an
    # associated partner'), for the verdict bar: '3 new partners to go' read as the whole of it
    in_all: int = 0
    in_all_once: str = ""
    # as many new full partners once that change is made, but of other sorts (the partner made associated
    # was a labour-market actor): what the scoreboard's advice says of them (not the spec's of_which)
    then_of: dict[str, int] | None = None

    @property
    def eligible(self) -> bool:
        return not self.steps

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "new_full_partners": self.new_full_partners,
            "of_which": dict(self.of_which),
            "steps": list(self.steps),
        }
        if self.alternatives:
            out["alternatives"] = list(self.alternatives)  # an optional key: the spec allows extending
        return out

    def summary(self) -> str:
        """The partners to add, for the scoreboard's advice: '3 more partners: 1 VET or HE provider,
        from 3 new countries' (the other steps are not in it); '' when eligible; with no partner to
        add, the first step ('choose exactly one industrial ecosystem (Lot 2)', '... (and 1 more change)')."""
        if self.eligible:
            return ""
        others = len(self.steps) - (1 if self.new_full_partners else 0)
        if not self.new_full_partners:
            first = self.steps[0]
            return first if others == 1 else f"{first} (and {others - 1} more change{plural(others - 1)})"
        n = self.new_full_partners
        text = f"{n} more partner{plural(n)}"
        details = sorts_in_short(self.then_of if self.then_of is not None else self.of_which, n)
        if details:
            text += ": " + ", ".join(details)
        return text

    def short(self) -> str:
        """A cell of at most 12 characters: '+3 partners', '+1 partner', '+3 & 1 more', 'ecosystem',
        '2 changes', '✓ nothing'."""
        if self.eligible:
            return "✓ nothing"
        n = self.new_full_partners
        others = len(self.steps) - (1 if n else 0)
        if n:
            if not others:
                return f"+{n} partner{plural(n)}"
            return f"+{n} & {others} more"
        if others == 1:
            return SHORT.get(self.step_ids[0] if self.step_ids else "", "1 change")
        return f"{others} changes"

    def in_words(self) -> str:
        """short() where there is room for every step: '+2 partners, 1 ecosystem', '+1 partner, coordinator,
        lower grant', 'ECHE, duration'; a step without a word of its own is counted ('1 more change')."""
        if self.eligible:
            return self.short()
        n = self.new_full_partners
        parts = [f"+{n} partner{plural(n)}"] if n else []
        ids = list(self.step_ids[:len(self.steps)])
        if n and "full-partners" in ids:
            ids.remove("full-partners")  # the step that adds them: said by the count
        ids += [""] * (len(self.steps) - (1 if n else 0) - len(ids))  # steps without an id
        parts += [WORDS.get(i) or SHORT[i] for i in ids if i in SHORT]
        unnamed = sum(1 for i in ids if i not in SHORT)
        if unnamed:
            parts.append(f"{unnamed} {'more ' if parts else ''}change{plural(unnamed)}")
        return ", ".join(parts)


# --- the solver ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gaps:
    """What the composition lacks: full partners, countries, labour-market actors, providers,
    and whether a HEI and a VET provider are missing (0 or 1)."""

    full: int
    countries: int
    lma: int
    providers: int
    he: int
    vet: int


def kind_bits(kind: Kind | None) -> Bits:
    if kind is None:
        return (0, 0, 0, 0)
    return (int(kind.labour_market_actor), int(kind.education_provider), int(kind.higher_education),
            int(kind.vet_provider))


def kind_classes(rules: CallRules) -> tuple[Bits, ...]:
    """The distinct things a new partner can be, from the rules' kinds."""
    return tuple(sorted({kind_bits(k) for k in rules.kinds}))


def _fewest(lma: int, prov: int, classes: tuple[Bits, ...]) -> int:
    """The fewest partners whose kinds give `lma` labour-market actors and `prov` providers."""
    lma, prov = max(lma, 0), max(prov, 0)
    groups = {(c[LMA], c[PROV]) for c in classes}
    if (1, 1) in groups:
        return max(lma, prov)
    if (lma and (1, 0) not in groups) or (prov and (0, 1) not in groups):
        return INFEASIBLE
    return lma + prov


def _least_of(sort: int, lma: int, prov: int, size: int, classes: tuple[Bits, ...]) -> int:
    """Among `size` partners giving `lma` labour-market actors and `prov` providers, the fewest that
    are of `sort` (an index into Bits)."""
    lma, prov = max(lma, 0), max(prov, 0)
    cost: dict[tuple[int, int], int] = {}
    for c in classes:  # per (lma, provider) group: 0 if some class of it is not of `sort`
        g = (c[LMA], c[PROV])
        cost[g] = min(cost.get(g, 1), c[sort])
    if not cost:
        return INFEASIBLE
    fill = min(cost.values())
    best = INFEASIBLE
    top = min(size, max(lma, prov)) if (1, 1) in cost else 0
    for both in range(top + 1):
        only_l, only_p = max(lma - both, 0), max(prov - both, 0)
        rest = size - both - only_l - only_p
        if rest < 0 or (only_l and (1, 0) not in cost) or (only_p and (0, 1) not in cost):
            continue
        total = both * cost.get((1, 1), 0) + only_l * cost.get((1, 0), 0) + only_p * cost.get((0, 1), 0) \
            + rest * fill
        best = min(best, total)
    return best


def _openers(gaps: Gaps, classes: tuple[Bits, ...]) -> list[tuple[Bits, ...]]:
    """The ways to close the HEI and VET gaps with one or two partners (none when there are none)."""
    if not gaps.he and not gaps.vet:
        return [()]
    ways: list[tuple[Bits, ...]] = [(c,) for c in classes
                                    if c[HE] >= gaps.he and c[VET] >= gaps.vet]
    if gaps.he and gaps.vet:
        ways += [(a, b) for a in classes if a[HE] for b in classes if b[VET]]
    return ways


def _options(gaps: Gaps, classes: tuple[Bits, ...]):
    """Each way to open (HEI and VET), with the labour-market and provider gaps it leaves and its size."""
    options = []
    for opener in _openers(gaps, classes):
        lma = gaps.lma - sum(c[LMA] for c in opener)
        prov = gaps.providers - sum(c[PROV] for c in opener)
        options.append((opener, lma, prov, len(opener) + _fewest(lma, prov, classes)))
    return options


@lru_cache(maxsize=4096)
def fewest(gaps: Gaps, classes: tuple[Bits, ...]) -> int:
    """The fewest new full partners that close every gap at once (a pure function of small counts)."""
    kinds_need = min((o[3] for o in _options(gaps, classes)), default=INFEASIBLE)
    return max(gaps.full, gaps.countries, kinds_need)


@lru_cache(maxsize=1024)
def _solve(gaps: Gaps, classes: tuple[Bits, ...]) -> tuple[int, tuple[tuple[str, int], ...]]:
    n, of = _solve_now(gaps, classes)
    return n, tuple(of.items())


def solve(gaps: Gaps, classes: tuple[Bits, ...]) -> tuple[int, dict[str, int]]:
    """The fewest new full partners that close every gap at once, and of which sorts at least."""
    n, of = _solve(gaps, classes)
    return n, dict(of)


def _solve_now(gaps: Gaps, classes: tuple[Bits, ...]) -> tuple[int, dict[str, int]]:
    options = _options(gaps, classes)
    n = fewest(gaps, classes)
    if n >= INFEASIBLE:
        return n, {s: 0 for s in SORTS}
    of = {"new_countries": gaps.countries}
    for name, sort in (("labour_market_actors", LMA), ("education_providers", PROV), ("higher_education", HE),
                       ("vet_providers", VET)):
        of[name] = min(sum(c[sort] for c in opener) + _least_of(sort, lma, prov, n - len(opener), classes)
                       for opener, lma, prov, size in options if size <= n)
    return n, of


# --- the plan's facts, once per partners tuple ----------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What the plan is made of, for every lot: the composition counts (as scoring counts them) and
    the participants that could change role."""

    full: int
    countries: frozenset[str]  # the EU/associated countries of the full partners
    lma: int
    prov: int
    he: int
    vet: int
    coordinators: tuple["Partner", ...]
    excluded: tuple["Partner", ...]
    # non-full participants from EU/associated countries: (partner, its kind's bits, canonical country)
    promotable: tuple[tuple["Partner", Bits, str], ...]
    # what a promotion does depends only on the kind's bits and the country: the first partner of
    # each, standing for all of them (so 1,000 associated partners cost no more than 30 would)
    promotable_groups: dict[tuple[Bits, str], "Partner"]
    # full partners from third countries outside the call's regions: (partner, bits)
    outside_regions: tuple[tuple["Partner", Bits], ...]
    # EU/associated HEIs among the full partners that hold no ECHE (eche = false): (partner, bits, country)
    without_eche: tuple[tuple["Partner", Bits, str], ...]
    # full partners from EU/associated countries, the coordinator's candidates
    eu_full: tuple["Partner", ...]
    # the cheaper ways found, by the lot's composition minimums (Lot 1 24 and 36 months share them)
    alternatives: dict[tuple[object, ...], list[str]] = field(default_factory=dict, compare=False)


def _facts(plan: "Plan", rules: CallRules) -> _Facts:
    categories, roles, kinds = rules.lookup_tables()
    bits_of = {kind_id: kind_bits(kind) for kind_id, kind in kinds.items()}
    nothing = kind_bits(None)
    promotable, outside, without_eche, eu_full, coordinators, excluded = [], [], [], [], [], []
    countries: set[str] = set()
    full = lma = prov = he = vet = 0
    for p in plan.partners:
        country = p.country if p.country in categories else rules.canonical_country(p.country)
        category = categories.get(country, "third")
        if category == "excluded":
            excluded.append(p)
            continue  # may not take part at all, so counts for nothing
        if p.role == "coordinator":
            coordinators.append(p)
        role = roles.get(p.role)
        bits = bits_of.get(p.kind, nothing)
        if role is None or not role.full_partner:
            if role is not None and category in ("eu", "associated"):
                promotable.append((p, bits, country))
            continue
        full += 1
        lma, prov, he, vet = lma + bits[LMA], prov + bits[PROV], he + bits[HE], vet + bits[VET]
        if category in ("eu", "associated"):
            countries.add(country)
            eu_full.append(p)
            if rules.eche is not None and bits[HE] and p.eche is False:
                without_eche.append((p, bits, country))
        elif rules.third_countries is not None and rules.third_country_region(country) is None:
            outside.append((p, bits))
    groups: dict[tuple[Bits, str], "Partner"] = {}
    for p, bits, country in promotable:
        groups.setdefault((bits, country), p)
    return _Facts(full, frozenset(countries), lma, prov, he, vet, tuple(coordinators), tuple(excluded),
                  tuple(promotable), groups, tuple(outside), tuple(without_eche), tuple(eu_full))


# the facts of the last partners tuple and rules (both frozen: the same objects mean the same values);
# a comparison asks for every lot of the same plan, and a lot switch keeps the partners tuple.
# One immutable entry, replaced whole: a thread (the folder view's listing) may replace it at any time.
_last_facts: tuple[tuple["Partner", ...], CallRules, _Facts] | None = None


def plan_facts(plan: "Plan", rules: CallRules) -> _Facts:
    """The facts of `plan` under `rules`; the last ones again for the very same partners and rules.

    Safe from any thread without a lock: the entry is read once into a local and checked by identity
    there, so it is this plan's or recomputed; a thread that replaces it in between costs a recount."""
    global _last_facts
    last = _last_facts
    if last is not None and last[0] is plan.partners and last[1] is rules:
        return last[2]
    facts = _facts(plan, rules)
    _last_facts = (plan.partners, rules, facts)
    return facts


def clear_caches() -> None:
    """Forget the last plan's facts and the solver's memo (benchmarks time them cold)."""
    global _last_facts
    _last_facts = None
    fewest.cache_clear()
    _solve.cache_clear()


# --- to_qualify -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    full: int
    countries: frozenset[str]
    lma: int
    prov: int
    he: int
    vet: int

    def plus(self, bits: Bits, country: str | None, sign: int = 1) -> "_Counts":
        countries = self.countries
        if country is not None:
            countries = countries | {country} if sign > 0 else countries - {country}
        return _Counts(self.full + sign, countries, self.lma + sign * bits[LMA], self.prov + sign * bits[PROV],
                       self.he + sign * bits[HE], self.vet + sign * bits[VET])


def _gaps(counts: _Counts, lot) -> Gaps:
    return Gaps(
        full=max(lot.min_full_partners - counts.full, 0),
        countries=max(lot.min_countries - len(counts.countries), 0),
        lma=max(lot.min_labour_market_actors - counts.lma, 0),
        providers=max(lot.min_education_providers - counts.prov, 0),
        he=int(lot.requires_higher_education and counts.he <= 0),
        vet=int(lot.requires_vet_provider and counts.vet <= 0),
    )


def _new(counts: _Counts, lot, classes: tuple[Bits, ...]) -> tuple[int, dict[str, int]]:
    return solve(_gaps(counts, lot), classes)


def _fewer(counts: _Counts, lot, classes: tuple[Bits, ...]) -> int:
    return fewest(_gaps(counts, lot), classes)


def _then(after: _Counts, lot, classes: tuple[Bits, ...], n: int, of: dict[str, int]
          ) -> tuple[int, str, dict[str, int]]:
    """What a step that takes full partners away then takes: 'still 3 new full partners in all', and what
    sorts where they change (the partner taken away counted as a labour-market actor: 'at least 1 of them
    a labour-market actor' was missing, and those steps done left the plan one short)."""
    after_n, after_of = _new(after, lot, classes)
    said = then_needed(after_n, n)
    if after_n and after_of != of:
        said += f" ({composition_step(after_n, after_of)})"
    return after_n, said, after_of


def to_qualify(plan: "Plan", rules: CallRules, board: Judged) -> ToQualify:
    """The least that makes `plan` eligible for the lot and duration `board` judged it for."""
    lot = rules.lot(board.lot)
    facts = plan_facts(plan, rules)
    classes = kind_classes(rules)
    available = len(rules.countries.eu) + len(rules.countries.associated)
    counts = _Counts(facts.full, facts.countries, facts.lma, facts.prov, facts.he, facts.vet)
    n, of = _new(counts, lot, classes)
    failing = {c.id: c for c in board.failures}
    steps: list[tuple[str, str]] = []
    alternatives: list[str] = []

    if n:
        if n >= INFEASIBLE:
            steps.append(("full-partners", f"the rules of call {rules.id} have no kind of organisation that closes "
                          "the composition gaps: check the rules file"))
            n = 0
        else:
            key = (lot.min_full_partners, lot.min_countries, lot.min_labour_market_actors,
                   lot.min_education_providers, lot.requires_higher_education, lot.requires_vet_provider)
            known = facts.alternatives.get(key)  # read once: the same facts may be judged in two threads
            if known is None:
                known = facts.alternatives[key] = _alternatives(counts, facts, lot, classes, n)
            alternatives = known
            text = composition_step(n, of)
            left = available - len(counts.countries)
            if of["new_countries"] > left:
                text += f" (only {left} EU/associated countries are not yet covered)"
            if alternatives:
                text += "; or " + "; or ".join(alternatives)
            steps.append(("full-partners", text))
    elif any(cid in failing for cid in COMPOSITION):  # cannot happen: the gaps are the failures
        steps += [(cid, f"{in_sentence(failing[cid].label)}: {failing[cid].message}") for cid in COMPOSITION
                  if cid in failing]

    handled = set(COMPOSITION)
    in_all, in_all_once = 0, ""
    then_of: dict[str, int] | None = None
    if "coordinator" in failing:
        steps.append(("coordinator", coordinator_step(facts.coordinators, facts.eu_full, rules, n)))
    if "excluded-countries" in failing:
        codes = " ".join(rules.countries.excluded)
        steps.append(("excluded-countries", f"remove {names_of(facts.excluded)}: organisations from {codes} may not "
                      "take part in any role"))
    if "third-countries" in failing and facts.outside_regions:
        after = counts
        for p, bits in facts.outside_regions:
            after = after.plus(bits, None, -1)
        names = [r.name for r in rules.third_countries.regions] if rules.third_countries else []
        regions = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        them = "an associated partner" if len(facts.outside_regions) == 1 else "associated partners"
        after_n, then, after_of = _then(after, lot, classes, n, of)
        if after_n == n and after_n and after_of != of:
            then_of = after_of
        steps.append(("third-countries", f"make {names_of(p for p, _ in facts.outside_regions)} {them} (a full partner "
                      f"from a third country not associated must come from {regions}): {then}"))
        if after_n > n:
            in_all = after_n
            in_all_once = f"{names_of(p for p, _ in facts.outside_regions)} " + \
                ("is " if len(facts.outside_regions) == 1 else "are ") + them
    if "eche" in failing and facts.without_eche:
        after = counts
        for p, bits, country in facts.without_eche:
            after = after.plus(bits, None, -1)
        leaving = {id(q) for q, _, _ in facts.without_eche}
        remaining = {rules.canonical_country(p.country) for p in facts.eu_full if id(p) not in leaving}
        after = _Counts(after.full, frozenset(remaining), after.lma, after.prov, after.he, after.vet)
        who = names_of(p for p, _, _ in facts.without_eche)
        them = "it an associated partner" if len(facts.without_eche) == 1 else "them associated partners"
        steps.append(("eche", f"record an Erasmus Charter (ECHE) for {who}, or make {them}: "
                      f"{_then(after, lot, classes, n, of)[1]}"))
    if "affiliations" in failing:
        steps.append(("affiliations", f"attach each affiliated entity to the coordinator or a beneficiary: "
                      f"{failing['affiliations'].message}"))
    if "duration" in failing:
        allowed = " or ".join(str(d.months) for d in lot.durations)
        steps.append(("duration", f"choose a duration {lot.label} allows: {allowed} months "
                      f"(now {board.duration_months})"))
    if "ecosystem" in failing:
        chosen = len(plan.ecosystems or ())
        steps.append(("ecosystem", f"choose exactly one industrial ecosystem ({lot.label})" if not chosen else
                      f"keep exactly one industrial ecosystem ({lot.label}): {chosen} chosen"))
    if "grant" in failing:
        cap = rules.max_grant(lot.number, board.duration_months)
        asked = plan.requested_grant_eur
        if cap is not None and board.cut_to_cap is not None:  # the budget's contribution is over the cap
            steps.append(("grant-cut", f"cut EUR {board.cut_to_cap:,} of estimated costs to bring the budget's "
                          f"contribution to the EUR {cap:,} cap at {rules.funding_rate_percent}%"))
        elif cap is not None and asked is not None and asked > cap:
            steps.append(("grant", f"lower the grant by EUR {asked - cap:,} to the EUR {cap:,} cap"))
        else:
            steps.append(("grant", f"grant: {failing['grant'].message}"))
    handled |= {"coordinator", "excluded-countries", "affiliations", "duration", "ecosystem", "grant"}
    handled |= {cid for cid, _ in steps}
    # any other failing criterion (a new rule, or a case above that found nothing to name): its own words
    steps += [(cid, f"{in_sentence(c.label)}: {c.message}") for cid, c in failing.items() if cid not in handled]
    return ToQualify(n, of, tuple(text for _, text in steps), tuple(alternatives), tuple(cid for cid, _ in steps),
                     in_all, in_all_once, then_of)


def _alternatives(counts: _Counts, facts: _Facts, lot, classes: tuple[Bits, ...], n: int) -> list[str]:
    """Cheaper ways that change participants already in the plan: associated partners and affiliated
    entities from EU/associated countries made beneficiaries. The best one alone (and the next best
    outcome, if different), then the best combination when it beats each one alone."""
    groups = facts.promotable_groups
    if not groups:
        return []

    def best_next(state: _Counts, taken: set[tuple[Bits, str]]) -> list[tuple[int, int, tuple[Bits, str]]]:
        seen: dict[tuple[Bits, bool], tuple[int, int, tuple[Bits, str]]] = {}
        for order, key in enumerate(groups):
            bits, country = key
            if key in taken:
                continue
            effect = (bits, country not in state.countries)
            if effect not in seen:
                seen[effect] = (_fewer(state.plus(bits, country), lot, classes), order, key)
        return sorted(seen.values())

    roles = {"associated-partner": "an associated partner", "affiliated-entity": "an affiliated entity"}
    out = []
    singles = [item for item in best_next(counts, set()) if item[0] < n]
    shown: set[int] = set()
    for after, _, key in singles:
        if after in shown or len(shown) == 2:
            continue
        shown.add(after)
        p = groups[key]
        out.append(f"make {name_of(p)} a beneficiary instead of {roles.get(p.role, p.role)}: {then_enough(after)}")
    if singles:
        chosen: list["Partner"] = []
        taken: set[tuple[Bits, str]] = set()
        state, current = counts, n
        # greedy, one promotion at a time, while each one lowers the count (at most n of them)
        while current and len(chosen) < n:
            options = best_next(state, taken)
            if not options or options[0][0] >= current:
                break
            after, _, key = options[0]
            taken.add(key)
            chosen.append(groups[key])
            state, current = state.plus(key[0], key[1]), after
        if len(chosen) > 1 and current < singles[0][0]:
            out.append(f"make {names_of(chosen)} beneficiaries: {then_enough(current)}")
    return out
