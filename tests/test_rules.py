"""The call rules as data: the built-in calls load, say what the Commission says, and broken files are refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import planner
from planner.errors import PlanError
from planner.rules import CallRules, available_calls, load_call, load_rules_file

CALLS_DIR = Path(planner.__file__).parent / "rules" / "calls"

# the domain brief, "Countries"
EU_MEMBER_STATES = set("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
ASSOCIATED = set("IS LI NO MK RS TR".split())
EXCLUDED = {"RU", "BY"}

# the spec, "Ids", in the 2024 call's order
SPEC_ECOSYSTEMS = [
    "mobility-transport-automotive", "textile", "renewable-energy", "electronics", "retail", "construction",
    "aerospace-defence", "energy-intensive-industries", "tourism", "agri-food", "cultural-creative", "digital",
    "proximity-social-economy", "health",
]
# the spec's kind table: (labour-market actor, education provider, higher education, VET provider)
SPEC_KINDS = {
    "higher-education": (False, True, True, False),
    "vet-provider": (False, True, False, True),
    "enterprise": (True, False, False, False),
    "chamber": (True, False, False, False),
    "trade-union": (True, False, False, False),
    "trade-association": (True, False, False, False),
    "research": (False, False, False, False),
    "public-body": (False, False, False, False),
    "ngo": (False, False, False, False),
    "other": (False, False, False, False),
}


def test_every_built_in_call_loads():
    assert available_calls() == ["2024", "2025", "2026", "2027"]
    for call_id in available_calls():
        rules = load_call(call_id)
        assert isinstance(rules, CallRules)
        assert rules.id == call_id
        assert [lot.number for lot in rules.lots] == ([1, 2, 3] if call_id >= "2026" else [1, 2])
        assert rules.name == f"ERASMUS-EDU-{call_id}-PI-ALL-INNO"


def test_2024_composition_follows_the_commission_not_the_swapped_summary(rules):
    # Commission's Alliances for Innovation page (IT, PL) and NA-BIBB: Lot 1 = 4 countries, 8 full partners,
    # 3 labour-market actors, 3 providers; Lot 2 = 8 countries, 12 full partners, 5 + 5. The Flemish summary
    # swaps the two blocks.
    def composition(lot):
        return (lot.min_countries, lot.min_full_partners, lot.min_labour_market_actors, lot.min_education_providers)

    lot1, lot2 = rules.lot(1), rules.lot(2)
    assert composition(lot1) == (4, 8, 3, 3)
    assert composition(lot2) == (8, 12, 5, 5)
    for lot in (lot1, lot2):
        assert "Commission" in lot.source
        assert "swap" in lot.source
        assert lot.requires_higher_education and lot.requires_vet_provider
    assert (lot1.code, lot2.code) == ("EDU-ENTERP", "BLUEPRINT")


def test_2024_durations_caps_and_deadline(rules):
    caps = {(lot.number, d.months): d.max_grant_eur for lot in rules.lots for d in lot.durations}
    assert caps == {(1, 24): 1_000_000, (1, 36): 1_500_000, (2, 48): 4_000_000}
    assert rules.deadline == datetime(2024, 3, 7, 17, 0)
    assert rules.timezone == "Europe/Brussels"
    assert rules.funding_rate_percent == 80
    assert load_call("2025").deadline == datetime(2025, 3, 6, 17, 0)


def test_2025_keeps_the_2024_composition_and_caps(rules):
    assert load_call("2025").lots == rules.lots


@pytest.mark.parametrize("call_id", ["2024", "2025", "2026"])
def test_every_eu_country_is_listed(call_id):
    rules = load_call(call_id)
    assert set(rules.countries.eu) == EU_MEMBER_STATES
    assert len(rules.countries.eu) == 27
    assert set(rules.countries.associated) == ASSOCIATED
    assert set(rules.countries.excluded) == EXCLUDED
    for code in EU_MEMBER_STATES:
        assert rules.country_category(code) == "eu"
        assert rules.counts_for_country_minimum(code)
    for code in ASSOCIATED:
        assert rules.country_category(code) == "associated"
    for code in ("UA", "CH", "GB", "US"):
        assert rules.is_known_country(code) and rules.country_category(code) == "third"
        assert not rules.counts_for_country_minimum(code)


def test_aliases(rules):
    assert rules.canonical_country("EL") == "GR"
    assert rules.canonical_country("el") == "GR"
    assert rules.canonical_country("UK") == "GB"
    assert rules.canonical_country(" uk ") == "GB"
    assert rules.canonical_country("de") == "DE"
    assert rules.country_name("GR") == "Greece"


def test_ids_are_the_specs(rules):
    assert [e.id for e in rules.ecosystems] == SPEC_ECOSYSTEMS
    assert [e.number for e in rules.ecosystems] == list(range(1, 15))
    assert [e.number for e in rules.ecosystems if e.priority] == list(range(1, 9))
    assert {k.id: (k.labour_market_actor, k.education_provider, k.higher_education, k.vet_provider)
            for k in rules.kinds} == SPEC_KINDS
    assert {r.id: r.full_partner for r in rules.roles} == {
        "coordinator": True, "beneficiary": True, "affiliated-entity": False, "associated-partner": False}
    assert {c.id: c.maximum for c in rules.award} == {"relevance": 25, "design": 30, "partnership": 25, "impact": 20}
    # the thresholds are not confirmed: half of each maximum (rounded up) for now, as numbers per criterion
    assert rules.award_rules.min_total == 70
    assert {c.id: c.minimum for c in rules.award} == {"relevance": 13, "design": 15, "partnership": 13, "impact": 10}
    assert [(b.min, b.max) for b in rules.eqf_bands] == [(3, 5), (6, 8)]
    assert [a.id for a in rules.activities] == ["skills_strategy", "cvet_programmes", "core_curricula",
                                                "long_term_action_plan"]


def test_unknown_call_id():
    with pytest.raises(PlanError) as info:
        load_call("2023")
    assert "no rules for call '2023'" in str(info.value)
    assert "known calls: 2024, 2025, 2026" in str(info.value)


def _rules_text() -> str:
    return (CALLS_DIR / "2024.toml").read_text(encoding="utf-8")


def test_copied_rules_file_loads(tmp_path, rules):
    path = tmp_path / "copy.toml"
    path.write_text(_rules_text(), encoding="utf-8")
    assert load_rules_file(path) == rules


@pytest.mark.parametrize("change, fragment", [
    (lambda t: t + "\nthis is not = = toml\n", "not a valid rules file (TOML)"),
    (lambda t: t.replace("min_countries = 4\n", "", 1), "min_countries"),
    (lambda t: t.replace("min_countries = 4\n", 'min_countries = "four"\n', 1), "min_countries"),
    (lambda t: t.replace('timezone = "Europe/Brussels"', 'timezone = "Europe/Atlantis"'), "Europe/Atlantis"),
    (lambda t: t.replace('EL = "GR"', 'EL = "QQ"'), "alias EL points at unknown country QQ"),
    (lambda t: t.replace('id = "textile"', 'id = "mobility-transport-automotive"'),
     "duplicate ecosystems: mobility-transport-automotive"),
    (lambda t: t.replace("number = 2\ncode", "number = 1\ncode"), "duplicate lots: 1"),
    (lambda t: t.replace('\nRU = "Russia"', ""), "countries without a name in [country_names]: RU"),
    (lambda t: t.replace("funding_rate_percent = 80", "funding_rate_percent = 180"), "funding_rate_percent"),
    (lambda t: t.replace("ecosystems = \"any\"", "ecosystems = \"several\""), "ecosystems"),
], ids=["not-toml", "missing-key", "wrong-type", "bad-timezone", "bad-alias", "duplicate-ecosystem",
        "duplicate-lot", "unnamed-country", "rate-over-100", "bad-ecosystem-rule"])
def test_broken_rules_file_is_a_plan_error(tmp_path, change, fragment):
    text = _rules_text()
    broken = change(text)
    assert broken != text, "the change did not apply"
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_rules_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert fragment in message


def test_missing_or_folder_rules_file(tmp_path):
    with pytest.raises(PlanError, match="rules file not found"):
        load_rules_file(tmp_path / "none.toml")
    with pytest.raises(PlanError, match="is a folder"):
        load_rules_file(tmp_path)
    (tmp_path / "latin1.toml").write_bytes(b'id = "caf\xe9"\n')
    with pytest.raises(PlanError, match=r"line 1: not UTF-8 text \(byte 0xe9\)"):
        load_rules_file(tmp_path / "latin1.toml")


# --- award thresholds: a number per criterion, graded as the domain notes say (not confirmed) -----


@pytest.mark.parametrize("call", available_calls())
def test_every_award_criterion_has_its_minimum_and_the_thresholds_are_provisional(call):
    rules = load_call(call)
    assert all(c.minimum is not None and 0 < c.minimum <= c.maximum for c in rules.award)
    assert rules.award_rules.min_share_of_each_maximum_percent is None  # numbers, not a formula
    assert rules.award_rules.grade == "secondary"
    assert [rules.award_threshold(c) for c in rules.award] == [c.minimum for c in rules.award]


def _scored(tmp_path, rules_text: str, scores: dict[str, int]):
    from planner.model import Assessment
    from planner.scoring import evaluate
    from support import BEFORE_DEADLINE, passing_plan

    path = tmp_path / "mine.toml"
    path.write_text(rules_text, encoding="utf-8")
    rules = load_rules_file(path)
    plan = passing_plan(rules, 1).model_copy(update={"assessment": Assessment(**scores)})
    return rules, evaluate(plan, rules, now=BEFORE_DEADLINE).get("award")


def test_per_criterion_minimums_in_a_rules_file_grade_the_self_assessment(tmp_path):
    # points per criterion as some EACEA actions state them: the design minimum goes from 15 to 16
    text = ('extends = "2024"\nid = "mine"\n'
            + "".join(f'[[award]]\nid = "{cid}"\nminimum = {m}\n'
                      for cid, m in (("relevance", 13), ("design", 16), ("partnership", 13), ("impact", 11))))
    scores = {"relevance": 25, "design": 15, "partnership": 25, "impact": 20}
    _, builtin = _scored(tmp_path, 'extends = "2024"\nid = "same"\n', scores)
    assert builtin.status == "pass"
    rules, mine = _scored(tmp_path, text, scores)
    assert [c.minimum for c in rules.award] == [13, 16, 13, 11]
    assert mine.status == "warn"
    assert "Quality of the project design and implementation 15/30 (needs 16)" in mine.message
    assert mine.provisional  # the grade is inherited: secondary


def test_a_rules_file_may_still_give_a_share_of_each_maximum(tmp_path):
    data = (CALLS_DIR / "2024.toml").read_text(encoding="utf-8")
    data = data.replace('id = "2024"', 'id = "shares"', 1)
    for m in ("13", "15", "10"):
        data = data.replace(f"minimum = {m}\n", "")
    data = data.replace("[award_rules]\nmin_total = 70\n",
                        "[award_rules]\nmin_total = 70\nmin_share_of_each_maximum_percent = 60\n")
    path = tmp_path / "shares.toml"
    path.write_text(data, encoding="utf-8")
    rules = load_rules_file(path)
    assert [rules.award_threshold(c) for c in rules.award] == [15, 18, 15, 12]  # 60%, rounded up
    without = data.replace("min_share_of_each_maximum_percent = 60\n", "")
    path.write_text(without, encoding="utf-8")
    with pytest.raises(PlanError, match="award criteria without a minimum"):
        load_rules_file(path)


def test_a_minimum_above_its_maximum_is_refused(tmp_path):
    path = tmp_path / "odd.toml"
    path.write_text('extends = "2024"\nid = "odd"\n[[award]]\nid = "impact"\nminimum = 21\n', encoding="utf-8")
    with pytest.raises(PlanError, match="minimum 21 is above its maximum 20"):
        load_rules_file(path)
