"""Rule sets that extend each other, the 2025 and 2026 calls, third countries, ECHE and provisional figures."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import pytest

import planner
from planner.editing import set_call
from planner.errors import PlanError
from planner.model import Plan
from planner.rules import latest_call, load_call, load_rules_file
from planner.rules.diff import diff
from planner.rules.extends import builtin_data, merge
from planner.scoring import CRITERIA_ORDER, evaluate
from planner.storage import dump_plan, parse_plan
from support import RULES_2024, make_plan, partner, passing_plan, run_planner, run_planner_at

CALLS_DIR = Path(planner.__file__).parent / "rules" / "calls"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)  # late 2026: every known call has closed
R2025, R2026 = load_call("2025"), load_call("2026")


def judge(plan: Plan, rules, **kw):
    return evaluate(plan, rules, now=NOW, **kw)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- extends ----------------------------------------------------------------------------------


def test_merge_rules_by_key_scalars_tables_and_lists():
    parent = {"a": 1, "t": {"x": 1, "y": 2}, "codes": ["A", "B"],
              "lots": [{"number": 1, "min": 4, "durations": [{"months": 24, "cap": 1}]}, {"number": 2, "min": 8}]}
    child = {"a": 2, "t": {"y": 3}, "codes": ["C"],
             "lots": [{"number": 1, "durations": [{"months": 36, "cap": 2}]}, {"number": 2, "remove": True},
                      {"number": 3, "min": 8}]}
    out = merge(parent, child)
    assert out["a"] == 2 and out["t"] == {"x": 1, "y": 3} and out["codes"] == ["C"]
    assert out["lots"] == [{"number": 1, "min": 4, "durations": [{"months": 24, "cap": 1}, {"months": 36, "cap": 2}]},
                           {"number": 3, "min": 8}]
    assert parent["lots"][0]["durations"] == [{"months": 24, "cap": 1}]  # the parent is left alone


def test_a_rules_file_extends_a_built_in_call_and_changes_one_figure(tmp_path):
    path = write(tmp_path, "mine.toml", 'extends = "2026"\nid = "mine"\n\n[[lots]]\nnumber = 3\nmin_countries = 5\n'
                 '\n[countries]\nassociated = ["CH", "IS", "LI", "MK", "NO", "RS", "TR"]\n')
    rules = load_rules_file(path)
    assert rules.id == "mine"
    assert rules.lot(3).min_countries == 5
    assert rules.lot(3).min_full_partners == R2026.lot(3).min_full_partners  # the rest is inherited
    assert rules.lot(1) == R2026.lot(1) and rules.deadline == R2026.deadline
    assert rules.country_category("CH") == "associated"


def test_a_rules_file_may_extend_another_file(tmp_path):
    write(tmp_path, "base.toml", 'extends = "2024"\nid = "base"\nfunding_rate_percent = 70\n')
    rules = load_rules_file(write(tmp_path, "child.toml", 'extends = "base.toml"\nid = "child"\n'))
    assert (rules.id, rules.funding_rate_percent, rules.lots) == ("child", 70, RULES_2024.lots)


def test_extending_a_missing_rule_set_is_refused(tmp_path):
    path = write(tmp_path, "x.toml", 'extends = "2023"\nid = "x"\n')
    with pytest.raises(PlanError) as info:
        load_rules_file(path)
    assert str(info.value).startswith(f"{path}: extends '2023': no such rule set; known calls: 2024, 2025, 2026")
    with pytest.raises(PlanError, match="the file .*gone.toml not found"):
        load_rules_file(write(tmp_path, "y.toml", 'extends = "gone.toml"\n'))


def test_a_cycle_of_extends_is_refused(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\nid = "a"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\nid = "b"\n')
    with pytest.raises(PlanError) as info:
        load_rules_file(b)
    assert "makes a cycle" in str(info.value) and "a.toml" in str(info.value)
    with pytest.raises(PlanError, match="makes a cycle"):
        load_rules_file(write(tmp_path, "self.toml", 'extends = "self.toml"\n'))


def test_a_child_entry_without_its_key_is_refused(tmp_path):
    path = write(tmp_path, "x.toml", 'extends = "2024"\n\n[[lots]]\nmin_countries = 5\n')
    with pytest.raises(PlanError, match="lots\\[0\\]: every entry needs its 'number'"):
        load_rules_file(path)


def test_2025_and_2026_files_hold_only_what_differs():
    for call_id, parent in (("2025", "2024"), ("2026", "2025")):
        raw = tomllib.loads((CALLS_DIR / f"{call_id}.toml").read_text(encoding="utf-8"))
        assert raw["extends"] == parent
        assert "country_names" not in raw and "kinds" not in raw and "award" not in raw
    assert len((CALLS_DIR / "2025.toml").read_text(encoding="utf-8").splitlines()) < 120


def test_every_built_in_figure_names_its_source_and_grade():
    def walk(node, path):
        if isinstance(node, dict):
            if "source" in node:
                assert node.get("grade") in ("official", "agency", "secondary"), path
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")

    for call_id in ("2024", "2025", "2026"):
        data = builtin_data(call_id)
        walk(data, call_id)
        for figure in ("deadline", "funding_rate", "indirect_rate"):
            assert data[f"{figure}_grade"] in ("official", "agency", "secondary")


# --- the calls as data -----------------------------------------------------------------------


def test_2025_changes_from_2024_and_keeps_the_rest():
    assert R2025.lots == RULES_2024.lots
    assert R2025.countries.eu == RULES_2024.countries.eu and R2025.kinds == RULES_2024.kinds
    assert R2025.deadline == datetime(2025, 3, 6, 17, 0)
    assert [e.number for e in RULES_2024.ecosystems if e.priority] == list(range(1, 9))
    assert [e for e in R2025.ecosystems if e.priority] == []
    assert RULES_2024.ecosystem_rules.one_proposal_per_ecosystem
    assert not R2025.ecosystem_rules.one_proposal_per_ecosystem
    assert RULES_2024.third_countries is None and R2025.third_countries is not None


def test_2026_has_lot_3_with_its_figures():
    assert latest_call(datetime(2026, 1, 15, tzinfo=timezone.utc)) == "2026"  # open then
    assert latest_call(NOW) == "2027"  # closed in late 2026: new plans go on the expected 2027
    assert R2026.name == "ERASMUS-EDU-2026-PI-ALL-INNO"
    assert R2026.deadline == datetime(2026, 3, 10, 17, 0)
    lot3 = R2026.lot(3)
    assert lot3.name == "Alliances for STEM Skills Foundries"
    assert (lot3.min_full_partners, lot3.min_countries, lot3.min_labour_market_actors,
            lot3.min_education_providers) == (8, 4, 3, 3)
    assert [(d.months, d.max_grant_eur) for d in lot3.durations] == [(24, 1_500_000)]
    assert lot3.ecosystems == "none" and not lot3.content_requirements
    assert lot3.grade == "secondary"
    # the HEI/VET decision is written down in the data's source note
    assert not lot3.requires_higher_education and not lot3.requires_vet_provider
    assert "HEI or VET" in lot3.source
    assert [(lot.min_full_partners, lot.min_countries) for lot in R2026.lots[:2]] == [(8, 4), (12, 8)]


# --- third countries ---------------------------------------------------------------------------


def _with(rules, lot, *extra):
    return passing_plan(rules, lot, extra_partners=list(extra)).model_copy(update={"call": rules.id})


def test_a_full_partner_from_the_united_states_fails_third_countries_in_2025():
    plan = _with(R2025, 1, partner("Acme Inc", "US", short_name="ACME"))
    board = judge(plan, R2025)
    c = board.get("third-countries")
    assert c.status == "fail" and "third-countries" in [f.id for f in board.failures]
    # the fix first: at 80x24 the scoreboard's detail kept only the regions' lists before it
    assert c.message.startswith("ACME (United States): make it an associated partner; ")
    assert board.get("countries").actual == R2025.lot(1).min_countries  # US counts towards nothing


def test_ukraine_is_in_an_allowed_region_and_still_counts_for_no_country():
    board = judge(_with(R2025, 1, partner("Kyiv Tech", "UA")), R2025)
    assert board.get("third-countries").status == "pass"
    assert "UA" not in board.get("countries").message.split("(")[1].split(")")[0]
    assert board.eligible


def test_the_same_plan_as_2024_has_no_third_countries_rule():
    plan = _with(RULES_2024, 1, partner("Acme Inc", "US")).model_copy(update={"call": "2024"})
    board = judge(plan, RULES_2024)
    assert board.get("third-countries") is None
    assert board.eligible


def test_a_us_organisation_as_associated_partner_is_fine():
    board = judge(_with(R2025, 1, partner("Acme Inc", "US", role="associated-partner")), R2025)
    assert board.get("third-countries").status == "pass"


# --- ECHE ---------------------------------------------------------------------------------------


def _hei_plan(rules, eche):
    plan = passing_plan(rules, 1).model_copy(update={"call": rules.id})
    partners = [p.model_copy(update={"eche": eche}) if p.kind == "higher-education" else p for p in plan.partners]
    return plan.model_copy(update={"partners": tuple(partners)})


@pytest.mark.parametrize(("eche", "status"), [(True, "pass"), (None, "warn"), (False, "fail")])
def test_eche_of_eu_higher_education_institutions(eche, status):
    board = judge(_hei_plan(R2025, eche), R2025)
    c = board.get("eche")
    assert c.status == status
    assert (c.actual, c.required) == ((1 if eche else 0), 1)
    assert board.eligible == (status != "fail")


def test_eche_passing_says_one_institution_in_the_singular_and_several_in_the_plural():
    one = judge(_hei_plan(R2025, True), R2025).get("eche")
    assert one.message == "the 1 higher education institution holds an ECHE"  # not "all 1 ... hold"
    plan = _hei_plan(R2025, True)
    two = plan.model_copy(update={"partners": (*plan.partners, partner("Second Uni", "FR", "higher-education",
                                                                       eche=True))})
    assert judge(two, R2025).get("eche").message == "all 2 higher education institutions hold an ECHE"


def test_eche_ignores_hei_outside_eu_and_associated_countries_and_associated_partners():
    plan = _hei_plan(R2025, True)
    plan = plan.model_copy(update={"partners": (*plan.partners,
                                                partner("Kyiv Uni", "UA", "higher-education", eche=False),
                                                partner("Assoc Uni", "FR", "higher-education",
                                                        role="associated-partner", eche=False))})
    assert judge(plan, R2025).get("eche").status == "pass"


def test_eche_is_written_after_affiliated_to_and_before_notes_and_must_be_a_boolean():
    plan = make_plan([partner("Uni", "DE", "higher-education", role="coordinator", eche=False, notes="n",
                              affiliated_to="X")], call="2025")
    text = dump_plan(plan)
    assert "affiliated_to = \"X\"\neche = false\nnotes = \"n\"" in text
    assert parse_plan(text).partners[0].eche is False
    with pytest.raises(PlanError, match=r"partners\[0\]\.eche"):
        parse_plan(text.replace("eche = false", 'eche = "yes"'))


# --- provisional figures, order --------------------------------------------------------------


def test_lot_3_verdict_says_its_figures_are_provisional():
    board = judge(_with(R2026, 3), R2026)
    assert board.eligible and board.lot == 3
    assert board.get("full-partners").provisional and not board.get("excluded-countries").provisional
    # the minimums named, in the one order the planner writes them (countries first, as the Commission's table)
    assert any(n.startswith("Lot 3's minimums (4 countries, 8 full partners, 3 labour-market actors, 3 providers) "
                            "are provisional: check the call document") for n in board.provisional_notes)
    assert board.get("full-partners").as_dict()["provisional"] is True
    assert "provisional" not in judge(passing_plan(RULES_2024, 1), RULES_2024).get("full-partners").as_dict()


def test_criteria_follow_the_specs_order_in_every_call():
    assert CRITERIA_ORDER.index("excluded-countries") < CRITERIA_ORDER.index("third-countries") \
        < CRITERIA_ORDER.index("eche") < CRITERIA_ORDER.index("affiliations") < CRITERIA_ORDER.index("duration")
    for rules in (RULES_2024, R2025, R2026):
        for lot in rules.lots:
            ids = [c.id for c in judge(_with(rules, lot.number), rules).criteria]
            assert ids == [i for i in CRITERIA_ORDER if i in ids]


def test_closed_call_names_the_newest_call():
    old = judge(passing_plan(RULES_2024, 1), RULES_2024).get("deadline").message
    assert "the next call is 2027, expected" in old and "not yet published (expected early 2027)" in old
    new = judge(_with(R2026, 3), R2026).get("deadline").message
    assert "(the next call is 2027, expected: " in new and new.endswith("the call closed 261 days ago")
    at_the_time = evaluate(_with(R2026, 3), R2026, now=datetime(2026, 3, 11, tzinfo=timezone.utc))
    assert "the call closed today" in at_the_time.get("deadline").message


def test_set_call_keeps_what_the_other_call_allows():
    plan = _with(R2026, 3)
    moved = set_call(plan, R2025)
    assert (moved.call, moved.lot, moved.duration_months) == ("2025", 1, 24)
    back = set_call(_with(R2025, 2), R2026)
    assert (back.call, back.lot, back.duration_months) == ("2026", 2, 48)


# --- diff ------------------------------------------------------------------------------------------


def test_diff_names_every_change():
    d1 = diff(builtin_data("2024"), builtin_data("2025"))
    assert "deadline: 7 March 2024, 17:00 → 6 March 2025, 17:00" in d1
    assert any(line.startswith("third-countries: new rule") for line in d1)
    assert any(line.startswith("eche: new rule") for line in d1)
    assert sum("priority: yes → no" in line for line in d1) == 8
    d2 = diff(builtin_data("2025"), builtin_data("2026"))
    assert any(line.startswith("Lot 3: new (Alliances for STEM Skills Foundries") for line in d2)
    assert "Lot 2, how sure (grade): official → secondary" in d2
    assert diff(builtin_data("2026"), builtin_data("2026")) == []
    # every changed top-level key shows up
    a, b = builtin_data("2025"), builtin_data("2026")
    changed = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
    words = {"deadline_source": "deadline source", "deadline_grade": "deadline grade", "lots": "Lot",
             "ecosystem_rules": "ecosystem rules", "countries": "countries"}
    for key in changed:
        assert any(line.startswith(words.get(key, key)) for line in d2), key


# --- the command line -------------------------------------------------------------------------


def test_cli_rules_list_show_and_diff(tmp_path):
    listed = run_planner("rules")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["2024", "2025", "2026", "2027"]
    assert "10 March 2026, 17:00" in listed.stdout and "3 Alliances for STEM Skills Foundries" in listed.stdout
    shown = run_planner("rules", "show", "2026")
    assert shown.returncode == 0
    assert "extends" not in tomllib.loads(shown.stdout)
    path = write(tmp_path, "r.toml", shown.stdout)
    assert load_rules_file(path) == R2026  # the resolved whole, loadable by itself
    changed = run_planner("rules", "diff", "2025", "2026")
    assert changed.returncode == 0 and "- Lot 3: new" in changed.stdout
    assert "third-countries: new rule" in run_planner("rules", "diff", "2024", "2025").stdout


@pytest.mark.parametrize("args", [("rules", "show", "2023"), ("rules", "diff", "2024", "1999"), ("rules", "show")])
def test_cli_rules_refuses_an_unknown_id(args):
    result = run_planner(*args)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.startswith("planner: ")
    assert "Traceback" not in result.stderr


def test_cli_check_and_compare_on_the_lot_3_sample():
    sample = "samples/lot3-example.toml"
    result = run_planner("check", sample, "--format", "json")
    assert result.returncode == 0, result.stdout
    verdict = json.loads(result.stdout)
    assert (verdict["call"], verdict["lot"], verdict["eligible"]) == ("2026", 3, True)
    assert {c["id"] for c in verdict["criteria"] if c.get("provisional")} >= {"full-partners", "countries"}
    text = run_planner("check", sample).stdout
    minimums = "Lot 3's minimums (4 countries, 8 full partners, 3 labour-market actors, 3 providers) are provisional"
    assert f"{minimums}: check the call document" in " ".join(text.split())
    md = run_planner("check", sample, "--format", "markdown").stdout
    assert minimums in md
    # never the bare figures, whose order reads both ways (the call text itself swaps the lots' rules)
    assert not re.search(r"\b\d+ / \d+ / \d+ / \d+ for Lot", text + md)
    compared = run_planner("compare", sample).stdout.splitlines()
    header = next(line for line in compared if line.startswith("CRITERION"))
    # ▸ the plan's own column, as in the TUI
    assert header.split()[1:] == ["Lot", "1", "24m", "Lot", "1", "36m", "Lot", "2", "48m", "▸", "Lot", "3", "24m"]


def test_cli_check_with_another_calls_rules(tmp_path):
    plan = _with(R2025, 1, partner("Acme Inc", "US"))
    path = write(tmp_path, "p.toml", dump_plan(plan))
    as_2025 = run_planner("check", path, "--format", "json")
    assert as_2025.returncode == 1
    assert "third-countries" in [c["id"] for c in json.loads(as_2025.stdout)["criteria"] if c["status"] == "fail"]
    as_2024 = run_planner("check", path, "--call", "2024", "--format", "json")
    verdict = json.loads(as_2024.stdout)
    assert as_2024.returncode == 0 and verdict["call"] == "2024"
    assert "third-countries" not in [c["id"] for c in verdict["criteria"]]


def test_cli_rules_file_extending_a_built_in_call(tmp_path):
    rules = write(tmp_path, "strict.toml", 'extends = "2026"\nid = "strict"\n\n[[lots]]\nnumber = 3\n'
                  'min_full_partners = 9\n')
    result = run_planner("check", "samples/lot3-example.toml", "--rules", rules, "--format", "json")
    assert result.returncode == 1
    full = next(c for c in json.loads(result.stdout)["criteria"] if c["id"] == "full-partners")
    assert (full["status"], full["required"]) == ("fail", 9)
    broken = write(tmp_path, "broken.toml", 'extends = "2030"\n')
    result = run_planner("check", "samples/lot3-example.toml", "--rules", broken)
    assert result.returncode == 2 and "extends '2030': no such rule set" in result.stderr


def test_cli_new_plan_is_for_the_newest_call(tmp_path):
    # while 2026 is open (January 2026), a new plan is for it; test_expected covers late 2026 (2027)
    result = run_planner_at(datetime(2026, 1, 15, tzinfo=timezone.utc), "new", tmp_path / "p.toml", "--lot", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("(call 2026, Lot 3)")
    text = (tmp_path / "p.toml").read_text(encoding="utf-8")
    assert 'call = "2026"' in text and "lot = 3" in text
    checked = run_planner("check", tmp_path / "p.toml")
    assert "Call 2026 (ERASMUS-EDU-2026-PI-ALL-INNO), Lot 3" in checked.stdout
    older = run_planner("new", tmp_path / "q.toml", "--call", "2024")
    assert older.returncode == 0 and 'call = "2024"' in (tmp_path / "q.toml").read_text(encoding="utf-8")


# --- ECHE in the CSV import and the exports ---------------------------------------------------------


def test_csv_import_reads_the_eche_column(tmp_path):
    from planner.importing import preview_import

    csv_path = write(tmp_path, "p.csv", "Name,Country,Kind,ECHE\nUni A,DE,university,yes\nUni B,FR,university,0\n"
                     "Uni C,IT,university,\nUni D,ES,university,TRUE\nUni E,PT,university,maybe\n")
    preview = preview_import(csv_path, make_plan(call="2025"), R2025)
    assert [r.partner.eche for r in preview.accepted] == [True, False, None, True]
    (rejected,) = preview.rejected
    assert rejected.line == 6 and "ECHE 'maybe'" in rejected.problems[0]


def test_exports_carry_eche():
    from planner.export import CSV_COLUMNS, markdown_report, partners_csv, plan_json

    plan = _hei_plan(R2025, False)
    rows = partners_csv(plan, R2025).splitlines()
    column = CSV_COLUMNS.index("eche")
    assert CSV_COLUMNS[column - 1:column + 1] == ("affiliated_to", "eche")
    hei = next(r for r in rows[1:] if "higher-education" in r)
    assert hei.split(",")[column] == "no"
    board = judge(plan, R2025)
    assert json.loads(plan_json(plan, board, None))["plan"]["partners"][0]["eche"] is False
    assert "| ECHE |" in markdown_report(plan, R2025, board, None)


def test_cli_check_across_calls_and_lots():
    sample = "samples/lot3-example.toml"
    refused = run_planner("check", sample, "--call", "2025")
    assert refused.returncode == 2
    assert "call 2025 has no lot 3; allowed: 1, 2; add --lot N" in refused.stderr
    as_lot1 = run_planner("check", sample, "--call", "2025", "--lot", "1", "--format", "json")
    verdict = json.loads(as_lot1.stdout)
    assert (verdict["call"], verdict["lot"], verdict["duration_months"]) == ("2025", 1, 24)
    grant = next(c for c in verdict["criteria"] if c["id"] == "grant")
    assert grant["status"] == "fail" and as_lot1.returncode == 1  # EUR 1,450,000 is over Lot 1's 24-month cap


def test_counting_note_names_a_third_country_outside_the_regions():
    from planner.editing import counting_note

    us, ua = partner("Acme", "US"), partner("Kyiv", "UA")
    assert counting_note(us, R2025) == "third country not allowed"
    assert counting_note(ua, R2025) == "country not associated"
    assert counting_note(us, RULES_2024) == "country not associated"
