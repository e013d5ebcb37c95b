"""Saves that keep the file's own form (spec, "Rules for the writer"), and [tool.*] tables kept.

A plan written by a person or another tool keeps its comments, blank lines, key order, quoting, inline
tables, line endings and byte-order mark; only the lines of the values that changed change. A plan the
planner wrote itself stays on the canonical writer."""

from __future__ import annotations

import difflib
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.storage import dump_plan, parse_plan, render_plan, save_plan
from support import SAMPLES, partner, run_planner

SAMPLE = (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8")
HAND = ("# ask Marta before changing the budget\n"
        + SAMPLE.replace("lot = 1\n", "lot = 1   # Lot 2 next year?\n")
        .replace('title = "Circular', "title = 'Circular", 1).replace("Recovery\"\n", "Recovery'\n", 1)
        .replace('[[partners]]\nname = "Berufsbildungszentrum Weserland"',
                 '# the VET school in Bremen\n# (second comment line)\n[[partners]]\n'
                 'name = "Berufsbildungszentrum Weserland"  # its legal name\n# staff: ask Jan')
        + "\n[tool.crm]\nproposal_id = 4711\nowner = 'marta'  # set by the CRM\n")


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) of a line diff, as `git diff` shows them."""
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


def hunks(before: str, after: str) -> int:
    return sum(1 for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line.startswith("@@"))


def saved(plan, original: str) -> str:
    return render_plan(plan, original.encode("utf-8")).decode("utf-8")


def test_a_hand_commented_plan_keeps_every_comment_and_changes_only_the_changed_values():
    plan = parse_plan(HAND)
    out = saved(plan.model_copy(update={"lot": 2, "duration_months": 36}), HAND)
    assert changed_lines(HAND, out) == (["lot = 1   # Lot 2 next year?", "duration_months = 24"],
                                        ["lot = 2   # Lot 2 next year?", "duration_months = 36"])
    assert parse_plan(out).lot == 2
    assert "title = 'Circular" in out  # its quoting


def test_an_unchanged_plan_is_written_back_byte_for_byte():
    assert saved(parse_plan(HAND), HAND) == HAND


def test_a_plan_the_planner_wrote_stays_canonical():
    plan = parse_plan(SAMPLE)
    assert dump_plan(plan) == SAMPLE
    changed = plan.model_copy(update={"title": "Another title"})
    assert saved(changed, SAMPLE) == dump_plan(changed)


def test_another_tools_key_order_stays():
    text = ('lot = 1\ntitle = "Tool plan"\nformat = 1\n\n[[partners]]\nrole = "coordinator"\nkind = "enterprise"\n'
            'country = "de"\nname = "Alpha GmbH"\n\n[[partners]]\nrole = "beneficiary"\nkind = "enterprise"\n'
            'country = "FR"\nname = "Beta SA"\n')
    plan = parse_plan(text)
    beta = plan.partners[1].model_copy(update={"country": "BE"})
    out = saved(plan.model_copy(update={"partners": (plan.partners[0], beta)}), text)
    assert changed_lines(text, out) == (['country = "FR"'], ['country = "BE"'])
    assert 'country = "de"' in out  # read as DE, unchanged: written as it was


def test_crlf_line_endings_and_the_byte_order_mark_stay():
    text = "\ufeff" + HAND.replace("\n", "\r\n")
    plan = parse_plan(text.removeprefix("\ufeff"))
    new = plan.partners[0].model_copy(update={"name": "New Partner", "short_name": "NEWP", "pic": None})
    edited = plan.model_copy(update={"lot": 2, "duration_months": 36, "partners": plan.partners + (new,)})
    data = render_plan(edited, text.encode("utf-8"))
    assert data.startswith(b"\xef\xbb\xbf")
    body = data.decode("utf-8").removeprefix("\ufeff")
    assert body.count("\n") == body.count("\r\n")  # every line, the new partner's too
    assert parse_plan(body) == edited
    removed, added = changed_lines(text.removeprefix("\ufeff"), body)
    assert removed == ["lot = 1   # Lot 2 next year?", "duration_months = 24"]


def test_inline_tables_stay_inline():
    text = ('format = 1\ntitle = "Inline"\nlot = 2\nactivities = { skills_strategy = true, core_curricula = false }\n'
            'partners = [\n  { name = "Alpha GmbH", country = "DE", kind = "enterprise", role = "coordinator" },\n'
            '  { name = "Beta SA", country = "FR", kind = "enterprise", role = "beneficiary" },  # keep me\n]\n')
    plan = parse_plan(text)
    activities = plan.activities.model_copy(update={"core_curricula": True})
    gamma = partner("Gamma BV", "NL")
    edited = plan.model_copy(update={"activities": activities, "partners": plan.partners + (gamma,)})
    out = saved(edited, text)
    assert parse_plan(out) == edited
    assert "activities = { skills_strategy = true, core_curricula = true }" in out
    assert "# keep me" in out and "[[partners]]" not in out
    assert re.search(r'\{\s*name = "Gamma BV"', out)


def test_a_removed_partner_takes_its_comments_along():
    plan = parse_plan(HAND)
    out = saved(plan.model_copy(update={"partners": plan.partners[:1] + plan.partners[2:]}), HAND)
    removed, added = changed_lines(HAND, out)
    assert added == []
    assert "# the VET school in Bremen" in removed and "# staff: ask Jan" in removed
    assert "# (second comment line)" in removed
    assert "# ask Marta before changing the budget" in out and "[tool.crm]" in out
    assert hunks(HAND, out) == 1


def test_an_added_partner_is_written_in_the_planners_style_where_it_belongs():
    plan = parse_plan(HAND)
    new = partner("Nordic Skills Oy", "FI", "vet-provider", short_name="NSO")
    edited = plan.model_copy(update={"partners": plan.partners[:1] + (new,) + plan.partners[1:]})
    out = saved(edited, HAND)
    assert parse_plan(out) == edited
    removed, added = changed_lines(HAND, out)
    assert removed == []
    block = dump_plan(edited.model_copy(update={"partners": (new,)})).split("\n\n")[1]  # the canonical lines
    assert block.startswith("[[partners]]\nname = \"Nordic Skills Oy\"") and "\n" + block + "\n" in out
    # after the first partner, before the comments that stand above the second one
    assert out.index('name = "Hochschule Nordhafen"') < out.index("Nordic Skills Oy") < out.index("# the VET school")
    assert hunks(HAND, out) == 1


def test_tool_tables_are_kept_by_both_writers(tmp_path):
    plan = parse_plan(HAND)
    assert plan.tool == {"crm": {"proposal_id": 4711, "owner": "marta"}}
    out = saved(plan.model_copy(update={"title": "Changed"}), HAND)
    assert out.endswith("[tool.crm]\nproposal_id = 4711\nowner = 'marta'  # set by the CRM\n")
    # a plan the planner wrote, then another tool added its table: the canonical writer keeps it
    canonical = SAMPLE + "\n[tool.crm]\nproposal_id = 4711\n"
    loaded = parse_plan(canonical)
    assert dump_plan(loaded) == canonical
    path = tmp_path / "plan.toml"
    save_plan(loaded.model_copy(update={"lot": 2, "duration_months": 36}), path)
    assert path.read_text(encoding="utf-8").endswith("[tool.crm]\nproposal_id = 4711\n")


def test_tool_tables_are_not_plan_fields(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(HAND, encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text(HAND.replace("proposal_id = 4711", "proposal_id = 4712"), encoding="utf-8")
    checked = run_planner("check", path, "--format", "json")
    assert checked.returncode in (0, 1), checked.stderr
    assert "crm" not in checked.stdout and "4711" not in checked.stdout
    diff = run_planner("diff", path, other)
    assert diff.returncode == 1, diff.stderr
    assert "tool data changed" in diff.stdout and "4712" not in diff.stdout


def test_a_tool_that_is_not_a_table_of_tables_is_refused_with_its_key_path(tmp_path):
    for extra, where in (("tool = 3\n", "tool:"), ("[tool]\ncrm = 3\n", "tool.crm:")):
        path = tmp_path / "plan.toml"
        path.write_text(SAMPLE + extra, encoding="utf-8")
        result = run_planner("check", path)
        assert result.returncode == 2
        assert where in result.stderr, result.stderr
    path.write_text(SAMPLE + "[tools.crm]\nid = 1\n", encoding="utf-8")
    result = run_planner("check", path)
    assert result.returncode == 2 and "unknown key 'tools'" in result.stderr


def test_fmt_rewrites_a_hand_written_plan_canonically(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(HAND, encoding="utf-8")
    check = run_planner("fmt", "--check", path)
    assert check.returncode == 1 and "would reformat" in check.stdout
    assert path.read_text(encoding="utf-8") == HAND
    done = run_planner("fmt", path)
    assert done.returncode == 0, done.stderr
    text = path.read_text(encoding="utf-8")
    assert "#" not in text.replace("# ", "")  # no comment left
    assert text == dump_plan(parse_plan(HAND))
    assert text.endswith("[tool.crm]\nproposal_id = 4711\nowner = \"marta\"\n")
    assert run_planner("fmt", "--check", path).returncode == 0


# --- any edit, any plan ---------------------------------------------------------------------

COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "NL")


def hand_written(count: int) -> str:
    """A plan as a person writes it: a comment above each partner and one inside, its own key order."""
    lines = ["# top comment", "title = 'Hand plan'", "format = 1", "lot = 1  # lot", ""]
    for i in range(count):
        lines += [f"# about P{i}", "[[partners]]", f'short_name = "P{i}"', f'name = "Partner {i}"',
                  f"# inside P{i}", f'country = "{COUNTRIES[i % len(COUNTRIES)]}"', 'kind = "enterprise"',
                  f'role = "{"coordinator" if i == 0 else "beneficiary"}"', ""]
    return "\n".join(lines) + "\n"


edits = st.lists(st.tuples(st.sampled_from(["lot", "title", "remove", "add", "country", "grant"]),
                           st.integers(0, 50)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count=st.integers(1, 6), changes=edits)
def test_any_edit_keeps_the_comments_of_what_it_did_not_touch(count, changes):
    text = hand_written(count)
    plan = parse_plan(text)
    alive = [f"P{i}" for i in range(count)]
    touched: set[str] = set()
    for step, (what, n) in enumerate(changes):
        partners = list(plan.partners)
        k = n % len(partners) if partners else 0
        if what == "lot":
            plan = plan.model_copy(update={"lot": 2 if plan.lot == 1 else 1})
        elif what == "title":
            plan = plan.model_copy(update={"title": f"Title {n}"})
        elif what == "remove" and partners:
            touched.add(partners[k].short_name or "")
            del partners[k]
        elif what == "add":
            partners.insert(k, partner(f"New partner {step}", short_name=f"NEW{step}"))
        elif what == "country" and partners:
            partners[k] = partners[k].model_copy(update={"country": COUNTRIES[n % len(COUNTRIES)]})
        elif what == "grant" and partners:
            partners[k] = partners[k].model_copy(update={"grant_eur": n * 1000})
        plan = plan.model_copy(update={"partners": tuple(partners)})
    out = saved(plan, text)
    assert parse_plan(out) == plan
    assert "# top comment" in out
    kept = {p.short_name for p in plan.partners}
    for label in alive:
        if label in kept:
            assert f"# about {label}\n" in out or label == "P0", out  # P0's comment stands above the array
            assert f"# inside {label}\n" in out, out
        elif label in touched:
            assert f"# inside {label}\n" not in out, out


def test_partners_split_by_another_table_keep_their_values_and_comments():
    text = ('format = 1\ntitle = "Split"\nlot = 2\n\n# first\n[[partners]]\nname = "Alpha GmbH"\ncountry = "DE"\n'
            'kind = "enterprise"\nrole = "coordinator"\n\n[activities]\nskills_strategy = true  # done\n\n'
            '# second\n[[partners]]\nname = "Beta SA"\ncountry = "FR"\nkind = "enterprise"\nrole = "beneficiary"\n')
    plan = parse_plan(text)
    beta = plan.partners[1].model_copy(update={"grant_eur": 5000})
    edited = plan.model_copy(update={"partners": (plan.partners[0], beta), "lot": 1})
    out = saved(edited, text)
    assert parse_plan(out) == edited
    # tomlkit gathers the entries of an array split by another table (as TOML reads them): the values
    # and every comment stay, some lines move
    assert "lot = 1\n" in out and "# first" in out and "# second" in out and "# done" in out


def test_a_recovered_plan_keeps_the_tool_tables_and_saves_in_the_files_form(tmp_path):
    from datetime import datetime, timezone

    from planner import recovery

    plan = parse_plan(HAND)
    edited = plan.model_copy(update={"title": "Recovered"})
    holder_path = tmp_path / ".plan.toml.planner"
    recovery.write_holder(holder_path, tmp_path / "plan.toml", datetime.now(timezone.utc), edited)
    recovered = recovery.recovered_plan(recovery.read_holder(holder_path))
    assert recovered == edited and recovered.tool == {"crm": {"proposal_id": 4711, "owner": "marta"}}
    out = saved(recovered, HAND)
    assert changed_lines(HAND, out)[1] == ["title = 'Recovered'"]


def test_new_tables_and_profiles_go_where_they_belong():
    from planner.model import Assessment, Profile

    text = "# mine\n" + (SAMPLES / "lot2-draft.toml").read_text(encoding="utf-8").replace(
        "\n[activities]", "\n# the must-haves\n[activities]")
    plan = parse_plan(text)
    edited = plan.model_copy(update={"profiles": plan.profiles + (Profile(title="Data steward", eqf=6),),
                                     "assessment": Assessment(relevance=20)})
    out = saved(edited, text)
    assert parse_plan(out) == edited
    removed, added = changed_lines(text, out)
    assert removed == []
    assert out.index('title = "Data steward"') < out.index("# the must-haves\n[activities]")
    assert out.endswith("\n\n[assessment]\nrelevance = 20\n")


def test_import_partners_keeps_the_files_form(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(HAND, encoding="utf-8")
    rows = tmp_path / "more.csv"
    rows.write_text("name,short name,country,kind\nNordic Skills Oy,NSO,FI,vet-provider\n", encoding="utf-8")
    result = run_planner("import-partners", path, rows)
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    removed, added = changed_lines(HAND, after)
    assert removed == [] and 'name = "Nordic Skills Oy"' in added
    assert "# ask Marta before changing the budget" in after and "owner = 'marta'  # set by the CRM" in after


def test_a_notes_text_that_looks_like_a_header_or_a_comment_changes_nothing_else():
    text = "# mine\n" + SAMPLE.replace('notes = "Project management (WP1) and the circular design curriculum."',
                                       'notes = """Project\n[Budget]\n# not a comment"""')
    plan = parse_plan(text)
    assert plan.partners[0].notes == "Project\n[Budget]\n# not a comment"
    edited = plan.model_copy(update={"partners": plan.partners[:1] + plan.partners[2:], "lot": 2,
                                     "duration_months": 36})
    out = saved(edited, text)
    assert parse_plan(out) == edited and out.startswith("# mine\n")
    assert '"""Project\n[Budget]\n# not a comment"""' in out


# a tool wrote its table at the end of the file; a person then added a partner after it, by hand
INTERLEAVED = HAND + ('\n[[partners]]\nname = "Zuiderhaven Logistics B.V."\nshort_name = "ZHL"\ncountry = "NL"\n'
                      'kind = "enterprise"\nrole = "beneficiary"\n')


def test_a_tool_table_between_two_partners_stays_where_it_is():
    """[tool.crm] between the partners: a title changed moved it below the last partner, without the
    blank line before it ('role = "beneficiary"' then '[tool.crm]'), and a merge did the same."""
    plan = parse_plan(INTERLEAVED)
    assert plan.partners[-1].short_name == "ZHL"
    out = saved(plan.model_copy(update={"title": "Another title"}), INTERLEAVED)
    assert hunks(INTERLEAVED, out) == 1 and changed_lines(INTERLEAVED, out)[1] == ["title = 'Another title'"]
    # a new partner goes after the last one, the tool's table stays between
    added = saved(plan.model_copy(update={"partners": (*plan.partners, partner("Nouvelle Entreprise", "FR"))}),
                  INTERLEAVED)
    assert added.startswith(INTERLEAVED.rstrip("\n") + "\n\n[[partners]]\n")
    assert parse_plan(added).partners[-1].name == "Nouvelle Entreprise"
    # a partner before the tool's table removed: the table stays, with its comment
    gone = saved(plan.model_copy(update={"partners": (*plan.partners[:-2], plan.partners[-1])}), INTERLEAVED)
    assert "[tool.crm]\nproposal_id = 4711\nowner = 'marta'  # set by the CRM\n" in gone
    assert gone.index("[tool.crm]") < gone.index('short_name = "ZHL"')
    assert [p.short_name for p in parse_plan(gone).partners] == [p.short_name for p in plan.partners[:-2]] + ["ZHL"]


def test_a_tool_table_split_around_the_partners_stays_and_an_unchanged_save_writes_the_same_bytes():
    """`tool.inline.flag` at the top and [tool.crm] between two partners: one table in pieces around the
    entries, so the save went through tomlkit whole, which moved [tool.crm] below the last partner (and
    its blank line with it) on a save with no change at all."""
    text = ('format = 1\ntitle = "Split"\nlot = 1\ntool.inline.flag = true   # dotted tool key\n\n'
            '[[partners]]\nname = "Alpha"\nshort_name = "ALP"\ncountry = "DE"\nkind = "higher-education"\n'
            'role = "coordinator"\n\n[tool.crm]\n# crm data\nid = 1\n\n[tool.crm.sub]\ndeep = "x"\n\n'
            '[[partners]]\nname = "Beta"\nshort_name = "BET"\ncountry = "FR"\nkind = "vet-provider"\n'
            'role = "beneficiary"\n')
    plan = parse_plan(text)
    assert saved(plan, text) == text
    beta = plan.partners[1].model_copy(update={"name": "Beta Renamed"})
    out = saved(plan.model_copy(update={"partners": (plan.partners[0], beta)}), text)
    assert hunks(text, out) == 1 and changed_lines(text, out) == (['name = "Beta"'], ['name = "Beta Renamed"'])
    out = saved(plan.model_copy(update={"lot": 2}), text)
    assert changed_lines(text, out) == (["lot = 1"], ["lot = 2"])
