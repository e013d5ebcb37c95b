"""What it takes: the least number of new full partners (against a brute force), the steps, the alternatives."""

from __future__ import annotations

from itertools import combinations_with_replacement

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.qualify import SORTS, ToQualify
from planner.report import verdict_bar
from planner.rules import available_calls, load_call
from planner.scoring import compare, evaluate
from planner.storage import load_call_for, load_plan
from support import BEFORE_DEADLINE, SAMPLES, make_plan, partner

CALLS = {call: load_call(call) for call in available_calls()}
# every lot and duration of every call
TARGETS = [(call, lot.number, d.months) for call, rules in CALLS.items() for lot in rules.lots for d in lot.durations]
COMPOSITION = ("full-partners", "countries", "labour-market-actors", "education-providers", "higher-education",
               "vet-provider")


def _counts(plan, rules):
    """The composition counts, from the spec's definitions (not through the planner's own pass)."""
    member = set(rules.countries.eu) | set(rules.countries.associated)
    full, countries, lma, prov, he, vet = 0, set(), 0, 0, 0, 0
    for p in plan.partners:
        country = rules.canonical_country(p.country)
        if country in rules.countries.excluded or p.role not in ("coordinator", "beneficiary"):
            continue
        full += 1
        if country in member:
            countries.add(country)
        kind = next(k for k in rules.kinds if k.id == p.kind)
        lma += kind.labour_market_actor
        prov += kind.education_provider
        he += kind.higher_education
        vet += kind.vet_provider
    return full, len(countries), lma, prov, he, vet


def _meets(lot, full, countries, lma, prov, he, vet) -> bool:
    return (full >= lot.min_full_partners and countries >= lot.min_countries
            and lma >= lot.min_labour_market_actors and prov >= lot.min_education_providers
            and (he >= 1 or not lot.requires_higher_education) and (vet >= 1 or not lot.requires_vet_provider))


def brute_force(plan, rules, lot_number: int, limit: int = 14) -> tuple[int, dict[str, int]]:
    """The fewest new beneficiaries (each of some kind of the rules, from a new EU/associated country
    or not) that meet every composition minimum, and the least of each sort among such sets: every
    multiset of new partners, smallest first."""
    lot = rules.lot(lot_number)
    base = _counts(plan, rules)
    # new partners by what they are: each kind's flags, from a new country or not (two kinds with the
    # same flags are interchangeable, so one of them stands for both)
    kinds = {(k.labour_market_actor, k.education_provider, k.higher_education, k.vet_provider) for k in rules.kinds}
    types = [(flags, new) for flags in sorted(kinds) for new in (True, False)]
    for size in range(limit + 1):
        best: dict[str, int] | None = None
        for chosen in combinations_with_replacement(types, size):
            new = sum(1 for _, is_new in chosen if is_new)
            full, countries, lma, prov, he, vet = base
            total = (full + size, countries + new,
                     lma + sum(f[0] for f, _ in chosen), prov + sum(f[1] for f, _ in chosen),
                     he + sum(f[2] for f, _ in chosen), vet + sum(f[3] for f, _ in chosen))
            if not _meets(lot, *total):
                continue
            sorts = {"new_countries": new,
                     "labour_market_actors": sum(f[0] for f, _ in chosen),
                     "education_providers": sum(f[1] for f, _ in chosen),
                     "higher_education": sum(f[2] for f, _ in chosen),
                     "vet_providers": sum(f[3] for f, _ in chosen)}
            best = sorts if best is None else {k: min(best[k], sorts[k]) for k in SORTS}
        if best is not None:
            return size, best
    raise AssertionError("no set of new partners found within the limit")


@st.composite
def _partners(draw, call: str):
    rules = CALLS[call]
    regions = [c for r in (rules.third_countries.regions if rules.third_countries else ()) for c in r.countries]
    pool = [*rules.countries.eu[:6], *rules.countries.associated[:2], "EL", *rules.countries.excluded[:1],
            "US", *regions[:1]]
    # a few countries per plan, so that countries lag behind partners as often as the other way round
    countries = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6, unique=True))
    roles = [r.id for r in rules.roles]
    full = [r.id for r in rules.roles if r.full_partner and r.id != "coordinator"]
    return draw(st.lists(
        st.builds(
            partner,
            name=st.sampled_from(["A", "B", "C", "D"]),
            country=st.sampled_from(countries),
            kind=st.sampled_from([k.id for k in rules.kinds]),
            role=st.sampled_from(roles + full * 4),  # mostly full partners
            eche=st.sampled_from([None, True, False]),
        ),
        min_size=3, max_size=16,
    ))


@st.composite
def plans(draw):
    call, lot_number, months = draw(st.sampled_from(TARGETS))
    rules = CALLS[call]
    partners = draw(_partners(call))
    return call, lot_number, months, make_plan(
        partners, lot=lot_number, call=call, duration_months=draw(st.sampled_from([None, 12, 24, 36, 48])),
        requested_grant_eur=draw(st.none() | st.integers(0, 5_000_000)),
        ecosystems=draw(st.none() | st.lists(st.sampled_from([e.id for e in rules.ecosystems]), max_size=3,
                                             unique=True).map(tuple)),
    )


@pytest.mark.long
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_new_full_partners_and_of_which_are_the_true_minimum(case):
    call, lot_number, months, plan = case
    rules = CALLS[call]
    board = evaluate(plan, rules, lot=lot_number, duration=months, now=BEFORE_DEADLINE)
    expected_n, expected_of = brute_force(plan, rules, lot_number)
    got = board.to_qualify
    assert (got.new_full_partners, got.of_which) == (expected_n, expected_of)
    # 0 exactly when every composition criterion passes
    assert (got.new_full_partners == 0) == all(board.get(cid).status != "fail" for cid in COMPOSITION)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_steps_are_empty_exactly_when_the_verdict_is_eligible(case):
    call, lot_number, months, plan = case
    rules = CALLS[call]
    for board in [evaluate(plan, rules, now=BEFORE_DEADLINE) if lot_number == plan.lot else None,
                  *compare(plan, rules, now=BEFORE_DEADLINE)]:
        if board is None:
            continue
        tq = board.to_qualify
        assert (tq.steps == ()) == board.eligible == tq.eligible
        assert (tq.summary() == "") == board.eligible
        assert len(tq.short()) <= 12
        assert all(step and "\n" not in step for step in tq.steps)
        # composition first: the partners' step opens the list whenever partners are missing
        if tq.new_full_partners:
            assert tq.steps[0].startswith(f"add {tq.new_full_partners} full partner")


def _sample(name: str):
    plan = load_plan(SAMPLES / f"{name}.toml")
    return plan, load_call_for(plan, name)


def test_lot1_example_as_lot2_takes_three_partners_from_new_countries_one_a_provider():
    plan, rules = _sample("lot1-example")
    boards = {(b.lot, b.duration_months): b for b in compare(plan, rules, now=BEFORE_DEADLINE)}
    lot2 = rules.lot(2)
    full, countries, lma, prov, he, vet = _counts(plan, rules)
    # the sample's facts, from the rules: what Lot 2 lacks
    gaps = (lot2.min_full_partners - full, lot2.min_countries - countries, lot2.min_education_providers - prov)
    assert gaps == (3, 3, 1) and lma >= lot2.min_labour_market_actors and he and vet
    tq = boards[(2, 48)].to_qualify
    assert tq.new_full_partners == 3
    assert tq.of_which == {"new_countries": 3, "labour_market_actors": 0, "education_providers": 1,
                           "higher_education": 0, "vet_providers": 0}
    assert tq.steps[0] == ("add 3 full partners, each from an EU/associated country not yet covered, "
                           "at least 1 of them a VET or higher education provider")
    assert "industrial ecosystem" in tq.steps[1]
    assert len(tq.steps) == 2
    assert tq.summary() == "3 more partners: 1 VET or HE provider, from 3 new countries"
    assert tq.short() == "+3 & 1 more"
    assert tq.in_words() == "+3 partners, 1 ecosystem"  # where the comparison has the room
    for key, board in boards.items():
        if key[0] == 1:
            assert board.to_qualify == ToQualify(0, {s: 0 for s in SORTS}, (), (), ())
            assert board.to_qualify.short() == board.to_qualify.in_words() == "✓ nothing"


def _lot(rules, number=1):
    return rules.lot(number)


def _at_minimum_but_one_country(rules):
    """A Lot 1 plan that meets everything but one country: every partner from the same few countries."""
    lot = _lot(rules)
    eu = list(rules.countries.eu)
    he = next(k.id for k in rules.kinds if k.higher_education)
    vet = next(k.id for k in rules.kinds if k.vet_provider and not k.higher_education)
    lma = next(k.id for k in rules.kinds if k.labour_market_actor)
    kinds = [he, vet] + [vet] * (lot.min_education_providers - 2) + [lma] * lot.min_labour_market_actors
    kinds += [lma] * (lot.min_full_partners - len(kinds))
    countries = [eu[i % (lot.min_countries - 1)] for i in range(len(kinds))]
    partners = [partner(f"P{i}", c, k, "coordinator" if i == 0 else "beneficiary")
                for i, (c, k) in enumerate(zip(countries, kinds))]
    return partners, eu[lot.min_countries - 1]


def test_an_associated_partner_from_a_new_country_made_a_beneficiary_is_the_cheaper_way():
    rules = CALLS["2024"]
    partners, new_country = _at_minimum_but_one_country(rules)
    plan = make_plan(partners + [partner("RVNH", new_country, "research", "associated-partner")], lot=1,
                     duration_months=24)
    tq = evaluate(plan, rules, now=BEFORE_DEADLINE).to_qualify
    assert tq.new_full_partners == 1 and tq.of_which["new_countries"] == 1
    assert tq.alternatives == (f"make RVNH ({new_country}) a beneficiary instead of an associated partner: "
                               "then no new full partner is needed",)
    assert tq.steps[0].endswith("; or " + tq.alternatives[0])
    # and the change it names does make the plan eligible
    promoted = make_plan(partners + [partner("RVNH", new_country, "research", "beneficiary")], lot=1,
                         duration_months=24)
    assert evaluate(promoted, rules, now=BEFORE_DEADLINE).eligible


def test_an_associated_partner_from_a_covered_country_is_no_alternative_when_it_changes_nothing():
    rules = CALLS["2024"]
    partners, _ = _at_minimum_but_one_country(rules)
    plan = make_plan(partners + [partner("AP", partners[0].country, "research", "associated-partner")], lot=1)
    tq = evaluate(plan, rules, now=BEFORE_DEADLINE).to_qualify
    assert tq.new_full_partners == 1 and tq.alternatives == ()


def test_a_beneficiary_from_a_region_the_call_does_not_allow_says_how_many_more_it_then_takes():
    rules = CALLS["2026"]
    partners, new_country = _at_minimum_but_one_country(rules)
    partners.append(partner("MEX", new_country, "higher-education", "beneficiary", eche=True))
    assert evaluate(make_plan(partners, lot=1, call="2026", duration_months=24), rules,
                    now=BEFORE_DEADLINE).eligible
    outside = partner("USU", "US", "enterprise", "beneficiary")  # a third country outside the call's regions
    assert rules.third_country_region("US") is None
    plan = make_plan(partners + [outside], lot=1, call="2026", duration_months=24)
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    tq = board.to_qualify
    assert [c.id for c in board.failures] == ["third-countries"]
    assert tq.new_full_partners == 0 and len(tq.steps) == 1
    assert tq.steps[0].startswith("make USU (US) an associated partner (a full partner from a third country")
    assert tq.steps[0].endswith(": no new full partner is then needed")
    # with two partners fewer, it is one of the lot's minimum of full partners: moving it out costs one
    fewer = [p for p in partners if p.name not in ("P6", "P7")] + [outside]
    assert len(fewer) == rules.lot(1).min_full_partners
    tq = evaluate(make_plan(fewer, lot=1, call="2026", duration_months=24), rules, now=BEFORE_DEADLINE).to_qualify
    assert tq.new_full_partners == 0
    assert tq.steps[0].endswith(": then 1 new full partner in all, 1 more than now")
    # the verdict bar's count is the spec's (the participants as they are), then the count once it is moved:
    # '0 to go' alone, or nothing at all, read as the whole of it
    board = evaluate(make_plan(fewer, lot=1, call="2026", duration_months=24), rules, now=BEFORE_DEADLINE)
    assert verdict_bar(board).endswith(" · 1 new partner to go once USU (US) is an associated partner")
    board = evaluate(make_plan(fewer[1:], lot=1, call="2026", duration_months=24), rules, now=BEFORE_DEADLINE)
    n = board.to_qualify.new_full_partners
    assert n and verdict_bar(board).endswith(f" · {n} new partner{'s' if n > 1 else ''} to go, {n + 1} once USU (US) "
                                             "is an associated partner")


def test_grant_above_the_cap_is_one_step_with_the_amount():
    rules = CALLS["2024"]
    partners, new_country = _at_minimum_but_one_country(rules)
    partners.append(partner("NEW", new_country, "research"))
    cap = rules.max_grant(1, 36)
    plan = make_plan(partners, lot=1, duration_months=36, requested_grant_eur=cap + 250_000)
    tq = evaluate(plan, rules, now=BEFORE_DEADLINE).to_qualify
    assert tq.steps == (f"lower the grant by EUR 250,000 to the EUR {cap:,} cap",)
    assert tq.short() == "lower grant"
    assert tq.summary() == tq.steps[0]


def test_a_budget_over_the_cap_takes_a_cost_cut_in_words_too():
    plan, rules = _sample("lot2-draft")  # its budget's contribution is over the Lot 2 cap
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    tq = board.to_qualify
    cut = next(step for step in tq.steps if step.startswith("cut "))
    assert cut.startswith(f"cut EUR {board.cut_to_cap:,} of estimated costs")
    assert "cut costs" in tq.in_words().split(", ") and "lower grant" not in tq.in_words()
    alone = ToQualify(0, tq.of_which, (cut,), step_ids=("grant-cut",))
    assert alone.short() == "cut costs"


def test_coordinator_duration_and_excluded_steps_in_the_specs_order():
    rules = CALLS["2024"]
    partners, new_country = _at_minimum_but_one_country(rules)
    partners = [p.model_copy(update={"role": "beneficiary"}) for p in partners]
    excluded = rules.countries.excluded[0]
    partners += [partner("NEW", new_country, "research"), partner("BAD", excluded, "ngo", "associated-partner")]
    plan = make_plan(partners, lot=1, duration_months=30)
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    tq = board.to_qualify
    assert [c.id for c in board.failures] == ["coordinator", "excluded-countries", "duration"]
    assert tq.step_ids == ("coordinator", "excluded-countries", "duration")
    assert tq.steps[0].startswith("make one full partner from an EU/associated country the coordinator")
    assert tq.steps[1].startswith(f"remove BAD ({excluded})")
    allowed = " or ".join(str(d.months) for d in rules.lot(1).durations)
    assert tq.steps[2] == f"choose a duration Lot 1 allows: {allowed} months (now 30)"
    assert tq.short() == "3 changes"
    assert tq.in_words() == "coordinator, excluded, duration"


@pytest.mark.parametrize("call, lot_number, months", TARGETS)
def test_an_empty_plan_needs_the_lots_minimum_of_full_partners(call, lot_number, months):
    rules = CALLS[call]
    lot = rules.lot(lot_number)
    board = evaluate(make_plan([], lot=lot_number, call=call), rules, lot=lot_number, duration=months,
                     now=BEFORE_DEADLINE)
    tq = board.to_qualify
    assert tq.new_full_partners == max(lot.min_full_partners, lot.min_countries,
                                       lot.min_labour_market_actors + lot.min_education_providers)
    assert tq.of_which["new_countries"] == lot.min_countries
    assert tq.of_which["labour_market_actors"] == lot.min_labour_market_actors
    assert tq.of_which["higher_education"] == int(lot.requires_higher_education)
    assert "make one of the new full partners the coordinator" in tq.steps


@settings(max_examples=80, deadline=None)
@given(plans())
def test_every_alternative_does_what_it_says(case):
    """Each cheaper way, applied to the plan (the participants it names made beneficiaries), leaves
    exactly the number of new full partners it promises, and fewer than without it."""
    import re

    call, lot_number, months, plan = case
    rules = CALLS[call]
    # unique short names, so that an alternative's words name its partners unambiguously
    plan = plan.model_copy(update={"partners": tuple(p.model_copy(update={"short_name": f"P{i}"})
                                                     for i, p in enumerate(plan.partners))})
    board = evaluate(plan, rules, lot=lot_number, duration=months, now=BEFORE_DEADLINE)
    tq = board.to_qualify
    event(f"{len(tq.alternatives)} alternatives")
    for alternative in tq.alternatives:
        named = {int(i) for i in re.findall(r"\bP(\d+) \(", alternative.split(":")[0])}
        promised = re.search(r"then (no|\d+) new full partner", alternative).group(1)
        promised = 0 if promised == "no" else int(promised)
        assert named and promised < tq.new_full_partners
        changed = plan.model_copy(update={"partners": tuple(
            p.model_copy(update={"role": "beneficiary", "affiliated_to": None}) if i in named else p
            for i, p in enumerate(plan.partners))})
        after = evaluate(changed, rules, lot=lot_number, duration=months, now=BEFORE_DEADLINE).to_qualify
        assert after.new_full_partners == promised, alternative


def test_two_coordinators_keep_the_one_that_may_coordinate():
    rules = CALLS["2026"]
    partners, new_country = _at_minimum_but_one_country(rules)
    partners.append(partner("MEX", new_country, "higher-education", "beneficiary", eche=True))
    outside = partner("USU", "US", "enterprise", "coordinator")
    plan = make_plan(partners + [outside], lot=1, call="2026", duration_months=24)
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    tq = board.to_qualify
    assert [c.id for c in board.failures] == ["coordinator", "third-countries"]
    first = partners[0]
    assert tq.steps[0] == (f"keep exactly one coordinator: {first.name} ({first.country}), "
                           "and make USU (US) a beneficiary")
    regions = [r.name for r in rules.third_countries.regions]
    assert f"must come from {', '.join(regions[:-1])} or {regions[-1]})" in tq.steps[1]


def test_a_university_without_an_eche_records_one_or_goes_and_says_what_that_costs():
    rules = CALLS["2026"]
    partners, new_country = _at_minimum_but_one_country(rules)
    # the only university of a new country, without an ECHE: it closes the country gap as it is
    plan = make_plan(partners + [partner("NOE", new_country, "higher-education", "beneficiary", eche=False)],
                     lot=1, call="2026", duration_months=24)
    board = evaluate(plan, rules, now=BEFORE_DEADLINE)
    tq = board.to_qualify
    assert [c.id for c in board.failures] == ["eche"]
    assert tq.new_full_partners == 0
    assert tq.steps == (f"record an Erasmus Charter (ECHE) for NOE ({new_country}), or make it an associated "
                        "partner: then 1 new full partner in all, 1 more than now (add 1 full partner from an "
                        "EU/associated country not yet covered)",)
    assert tq.short() == "ECHE"


def test_a_rule_named_inside_a_sentence_keeps_its_acronyms_and_names():
    from planner.qualify_words import in_sentence

    assert in_sentence("Full partners") == "full partners"
    assert in_sentence("VET provider") == "VET provider"
    assert in_sentence("Affiliations and PICs") == "affiliations and PICs"
    assert in_sentence("Erasmus Charter (ECHE)") == "Erasmus Charter (ECHE)"
    assert in_sentence("Grant") == "grant"


def test_a_beneficiary_made_associated_says_which_sorts_it_then_takes_and_doing_the_steps_qualifies():
    """LF (GB), an enterprise from a third country not associated, counted as a labour-market actor: the
    step 'make LF an associated partner: still 3 new full partners in all' left out that one of the three
    must then be a labour-market actor, and a coordinator who did exactly the steps was one short."""
    rules = load_call("2027")
    plan = make_plan([partner("Kyiv Polytechnic", "UA", "higher-education", "coordinator", short_name="KPI"),
                      partner("Athens Uni", "GR", "higher-education", short_name="AU", eche=True),
                      partner("Thessaloniki VET", "GR", "vet-provider", short_name="TV"),
                      partner("Greek SME", "GR", short_name="GS"),
                      partner("Greek SME Two", "GR", short_name="GS2"),
                      partner("London Firm", "GB", short_name="LF")], call="2027")
    needed = evaluate(plan, rules, now=BEFORE_DEADLINE).to_qualify
    assert needed.new_full_partners == 3 and needed.of_which["labour_market_actors"] == 0  # as they are (spec)
    step = next(s for s in needed.steps if s.startswith("make LF (GB) an associated partner"))
    assert step.endswith("still 3 new full partners in all (add 3 full partners, each from an EU/associated "
                         "country not yet covered, at least 1 of them a labour-market actor)"), step
    assert needed.summary() == "3 more partners: 1 labour-market actor, from 3 new countries"
    # the steps, done as said: LF associated, AU the coordinator, three new partners (one an enterprise)
    done = [p.model_copy(update={"role": {"LF": "associated-partner", "AU": "coordinator",
                                          "KPI": "beneficiary"}.get(p.short_name, p.role)}) for p in plan.partners]
    done += [partner("Wiener Betrieb", "AT", short_name="WB"), partner("Institut Bruxelles", "BE", "research"),
             partner("Ceska Skola", "CZ", "research")]
    judged = evaluate(plan.model_copy(update={"partners": tuple(done)}), rules, now=BEFORE_DEADLINE)
    assert judged.eligible, [(c.id, c.message) for c in judged.failures]
