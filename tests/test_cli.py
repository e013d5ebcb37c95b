"""The `planner` command, run for real in a subprocess: exit codes, output formats, what-ifs, bad input."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
import unicodedata
from pathlib import Path

import pytest

import planner
from planner.rules import load_call
from planner.scoring import evaluate
from planner.storage import load_plan
from support import RULES_2024, SAMPLES, run_planner

SPEC_TOP_KEYS = ["plan", "call", "lot", "duration_months", "eligible", "criteria", "to_qualify"]
# and, for a plan with work packages or budget lines (every sample has them), the spec's `budget` object
BUDGET_KEYS = ["budget"]
# provisional: optional, true only
CRITERION_KEYS = {"id", "label", "status", "actual", "required", "message", "provisional", "days_left"}
SAMPLE_EXIT = {"lot1-example": 0, "lot2-example": 0, "lot2-draft": 1, "lot3-example": 0}


def sample(name: str) -> str:
    return str(SAMPLES / f"{name}.toml")


def full_partners_in(path: str) -> int:
    """Counted straight from the file, independently of the planner."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return sum(p["role"] in ("coordinator", "beneficiary") for p in data["partners"])


def check_json(*args: str) -> tuple[int, dict]:
    result = run_planner("check", *args, "--format", "json")
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


def criterion(verdict: dict, cid: str) -> dict:
    return next(c for c in verdict["criteria"] if c["id"] == cid)


# --- check ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLE_EXIT))
def test_check_samples_exit_codes_and_text(name):
    result = run_planner("check", sample(name))
    assert result.returncode == SAMPLE_EXIT[name], result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    plan = load_plan(sample(name))
    assert out.startswith(f"{sample(name)}: {plan.title}")
    lines = out.strip().splitlines()
    verdict_line = next(line for line in lines if line.startswith("Verdict: "))
    # every sample's call has closed (their deadlines are in the past on any day from now on): the
    # verdict says under which call, and the exit code stays the verdict's
    deadline = load_call(plan.call).deadline
    under = f"under call {plan.call}, closed {deadline.day} {deadline:%b %Y}"
    if SAMPLE_EXIT[name] == 0:
        assert verdict_line.startswith(f"Verdict: ELIGIBLE {under}: Lot {plan.lot}, {plan.duration_months} months")
        assert lines[-1] == verdict_line  # nothing to do: nothing under it
    else:
        assert verdict_line.startswith(f"Verdict: NOT ELIGIBLE {under}: ")
        # the steps under the verdict, each one as check --format json gives it
        _, verdict = check_json(sample(name))
        after = lines[lines.index(verdict_line) + 1:]
        assert after[0] == "What it takes:"
        shown = " ".join(line.strip() for line in after[1:])
        assert shown == " ".join(f"- {step}" for step in verdict["to_qualify"]["steps"])


def test_check_draft_text_tells_what_is_missing():
    result = run_planner("check", sample("lot2-draft"))
    lot2 = RULES_2024.lot(2)
    full = full_partners_in(sample("lot2-draft"))
    assert full < lot2.min_full_partners
    assert f"{full} of {lot2.min_full_partners} full partners" in result.stdout
    assert f"add {lot2.min_full_partners - full} more full partners" in result.stdout
    assert re.search(r"^FAIL\s+Full partners\s+" + f"{full}/{lot2.min_full_partners}", result.stdout, re.M)
    assert re.search(r"^FAIL\s+VET provider\s+0/1", result.stdout, re.M)
    assert "not counted (not associated): UA" in result.stdout
    assert "vet-provider" in next(line for line in result.stdout.splitlines() if line.startswith("Verdict: "))


@pytest.mark.parametrize("name", sorted(SAMPLE_EXIT))
def test_check_json_has_the_specs_shape(name):
    code, verdict = check_json(sample(name))
    assert code == SAMPLE_EXIT[name]
    plan = load_plan(sample(name))
    assert list(verdict) == SPEC_TOP_KEYS + (BUDGET_KEYS if plan.has_budget else [])
    assert verdict["plan"] == sample(name)
    assert (verdict["call"], verdict["lot"], verdict["duration_months"]) == (plan.call, plan.lot, plan.duration_months)
    assert verdict["eligible"] is (code == 0)
    assert verdict["eligible"] == all(c["status"] != "fail" for c in verdict["criteria"])
    for c in verdict["criteria"]:
        assert set(c) <= CRITERION_KEYS and {"id", "label", "status", "message"} <= set(c), c
        assert ("actual" in c) == ("required" in c), c
        assert c["status"] in ("pass", "fail", "warn", "info")
        assert isinstance(c["message"], str) and c["message"]
    ids = [c["id"] for c in verdict["criteria"]]
    assert set(ids) & {"third-countries", "eche"} == (set() if plan.call == "2024" else {"third-countries", "eche"})
    ids = [i for i in ids if i not in ("third-countries", "eche")]  # 2025 on
    assert ids[:12] == ["coordinator", "full-partners", "countries", "labour-market-actors", "education-providers",
                        "higher-education", "vet-provider", "excluded-countries", "affiliations", "duration",
                        "ecosystem", "grant"]
    assert ids[-2:] == ["award", "deadline"]
    assert ("occupational-profiles" in ids) == (plan.lot == 2)


def test_check_json_draft_counts():
    _, verdict = check_json(sample("lot2-draft"))
    lot2 = RULES_2024.lot(2)
    full = criterion(verdict, "full-partners")
    assert (full["status"], full["actual"], full["required"]) == (
        "fail", full_partners_in(sample("lot2-draft")), lot2.min_full_partners)
    assert criterion(verdict, "grant")["status"] == "fail"  # the draft's budget is over the Lot 2 cap
    assert verdict["budget"]["contribution_eur"] > verdict["budget"]["cap_eur"] == RULES_2024.max_grant(2, 48)
    assert criterion(verdict, "occupational-profiles")["status"] == "warn"


def test_check_markdown_has_a_table():
    result = run_planner("check", sample("lot2-draft"), "--format", "markdown")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "| Status | Criterion | N/M | What it means |" in lines
    assert "|---|---|---|---|" in lines
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| Status")]
    assert len(rows) == len(evaluate(load_plan(sample("lot2-draft")), RULES_2024).criteria)  # every criterion
    assert any(row.startswith("| FAIL | Full partners |") for row in rows)
    assert "**NOT ELIGIBLE" in result.stdout


def test_what_if_lot_switch_uses_the_lots_shortest_duration():
    code, verdict = check_json(sample("lot2-example"), "--lot", "1")
    assert (verdict["lot"], verdict["duration_months"]) == (1, RULES_2024.lot(1).shortest_duration)
    ids = [c["id"] for c in verdict["criteria"]]
    assert "occupational-profiles" not in ids and "activities" not in ids
    assert criterion(verdict, "grant")["status"] == "fail"  # a Lot 2 budget is over the Lot 1 cap
    assert code == 1
    code, verdict = check_json(sample("lot1-example"), "--lot", "2")
    assert (verdict["lot"], verdict["duration_months"]) == (2, RULES_2024.lot(2).shortest_duration)
    assert criterion(verdict, "duration")["status"] == "pass"
    assert code == 1


def test_what_if_duration():
    longest = max(d.months for d in RULES_2024.lot(1).durations)
    code, verdict = check_json(sample("lot1-example"), "--duration", str(longest))
    assert verdict["duration_months"] == longest
    assert code == 0
    assert str(f"{RULES_2024.max_grant(1, longest):,}") in criterion(verdict, "grant")["message"]
    code, verdict = check_json(sample("lot1-example"), "--lot", "2", "--duration", str(longest))
    assert (verdict["lot"], verdict["duration_months"]) == (2, longest)
    assert criterion(verdict, "duration")["status"] == "fail"
    assert code == 1


@pytest.mark.parametrize("args, fragment", [
    (["--lot", "3"], "--lot: call 2024 has no lot 3; allowed: 1, 2"),
    (["--duration", "0"], "--duration: 0 is not a number of months"),
    (["--lot", "two"], "invalid int value: 'two'"),
    (["--call", "1999"], "no rules for call '1999'"),
    (["--format", "yaml"], "invalid choice: 'yaml'"),
])
def test_bad_options_exit_2_with_a_message(args, fragment):
    result = run_planner("check", sample("lot1-example"), *args)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_call_2025():
    code, verdict = check_json(sample("lot1-example"), "--call", "2025")
    assert verdict["call"] == "2025"
    assert code == 0
    assert "6 March 2025, 17:00" in criterion(verdict, "deadline")["message"]


def test_own_rules_file(tmp_path):
    text = (Path(planner.__file__).parent / "rules" / "calls" / "2024.toml").read_text(encoding="utf-8")
    lot2 = RULES_2024.lot(2)
    full = full_partners_in(sample("lot2-draft"))
    old = f"min_full_partners = {lot2.min_full_partners}\n"
    assert text.count(old) == 1
    rules_file = tmp_path / "lenient.toml"
    rules_file.write_text(text.replace(old, f"min_full_partners = {full}\n"), encoding="utf-8")

    _, before = check_json(sample("lot2-draft"))
    code, after = check_json(sample("lot2-draft"), "--rules", str(rules_file))
    assert criterion(before, "full-partners")["status"] == "fail"
    changed = criterion(after, "full-partners")
    assert (changed["status"], changed["actual"], changed["required"]) == ("pass", full, full)
    assert [c["id"] for c in after["criteria"] if c["status"] == "fail"] == \
        [c["id"] for c in before["criteria"] if c["status"] == "fail" and c["id"] != "full-partners"]
    assert code == 1  # the other gaps remain


def test_broken_own_rules_file(tmp_path):
    rules_file = tmp_path / "broken.toml"
    rules_file.write_text('id = "x"\n', encoding="utf-8")
    result = run_planner("check", sample("lot1-example"), "--rules", str(rules_file))
    assert result.returncode == 2
    assert str(rules_file) in result.stderr and "not a valid rules file" in result.stderr
    assert "Traceback" not in result.stderr


# --- compare -------------------------------------------------------------------------------


def test_compare_has_a_column_per_lot_and_duration_and_a_verdict_row():
    result = run_planner("compare", sample("lot2-draft"))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("CRITERION"))
    titles = [f"Lot {lot.number} {d.months}m" for lot in RULES_2024.lots for d in lot.durations]
    assert titles == ["Lot 1 24m", "Lot 1 36m", "Lot 2 48m"]
    positions = [header.index(t) for t in titles]
    assert positions == sorted(positions)
    verdict = next(line for line in lines if line.startswith("Verdict"))
    assert verdict.count("NOT ELIGIBLE") == 3
    profiles = next(line for line in lines if line.startswith("Occupational profiles"))
    assert profiles.split()[2:4] == ["-", "-"] and "WARN" in profiles
    full = next(line for line in lines if line.startswith("Full partners"))
    n, lot1, lot2 = full_partners_in(sample("lot2-draft")), RULES_2024.lot(1), RULES_2024.lot(2)
    assert full.split()[2:] == ["PASS", f"{n}/{lot1.min_full_partners}", "PASS", f"{n}/{lot1.min_full_partners}",
                                "FAIL", f"{n}/{lot2.min_full_partners}"]


def test_compare_eligible_columns():
    result = run_planner("compare", sample("lot1-example"))
    verdict = next(line for line in result.stdout.splitlines() if line.startswith("Verdict"))
    assert verdict.split()[1:3] == ["ELIGIBLE", "ELIGIBLE"]
    assert "NOT ELIGIBLE" in verdict  # Lot 2 asks for more


def test_compare_json_and_markdown():
    result = run_planner("compare", sample("lot1-example"), "--format", "json")
    data = json.loads(result.stdout)
    assert data["plan"] == sample("lot1-example")
    assert [(v["lot"], v["duration_months"]) for v in data["verdicts"]] == [(1, 24), (1, 36), (2, 48)]
    assert all(list(v) == SPEC_TOP_KEYS + BUDGET_KEYS for v in data["verdicts"])  # the sample has a budget
    md = run_planner("compare", sample("lot1-example"), "--format", "markdown").stdout.splitlines()
    assert "| Criterion | Lot 1 24m | Lot 1 36m | Lot 2 48m |" in md
    assert any(line.startswith("| Verdict | **ELIGIBLE** | **ELIGIBLE** | **NOT ELIGIBLE**") for line in md)


# --- new -----------------------------------------------------------------------------------


def test_new_creates_a_loadable_plan_and_never_overwrites(tmp_path):
    path = tmp_path / "mine.toml"
    result = run_planner("new", path, "--title", "My alliance", "--lot", "2")
    assert result.returncode == 0, result.stderr
    assert f"created {path}" in result.stdout
    plan = load_plan(path)
    assert (plan.title, plan.lot, plan.partners) == ("My alliance", 2, ())
    before = path.read_bytes()
    again = run_planner("new", path)
    assert again.returncode == 2
    assert str(path) in again.stderr and "already exists" in again.stderr
    assert path.read_bytes() == before
    checked = run_planner("check", path)
    assert checked.returncode == 1  # readable, not eligible


@pytest.mark.parametrize(("title", "words"), [("   ", "a plan needs its project title"),
                                             ("a\x1bb", "control character U+001B")])
def test_new_refuses_a_title_the_loader_would_refuse(tmp_path, title, words):
    # --title was set without the model's checks: the file written was one no command could read
    path = tmp_path / "mine.toml"
    result = run_planner("new", path, "--title", title)
    assert result.returncode == 2, result.stdout
    assert "--title: " in result.stderr and words in result.stderr
    assert not path.exists()


def test_new_from_sample(tmp_path):
    path = tmp_path / "copy.toml"
    result = run_planner("new", path, "--from-sample", "lot2-example")
    assert result.returncode == 0, result.stderr
    assert load_plan(path) == load_plan(sample("lot2-example"))
    assert run_planner("check", path).returncode == 0


def test_new_from_sample_into_another_lot_drops_a_disallowed_duration(tmp_path):
    path = tmp_path / "moved.toml"
    assert run_planner("new", path, "--from-sample", "lot1-example", "--lot", "2").returncode == 0
    plan = load_plan(path)
    assert (plan.lot, plan.duration_months) == (2, None)


def test_new_from_sample_on_another_call(tmp_path):
    """--call with --from-sample was left out without a word: the copy stayed on the sample's call."""
    path = tmp_path / "moved.toml"
    result = run_planner("new", path, "--from-sample", "lot2-example", "--call", "2026")
    assert result.returncode == 0, result.stderr
    assert "(call 2026" in result.stdout and "Lot 2)" in result.stdout
    plan = load_plan(path)
    assert (plan.call, plan.lot, plan.partners) == ("2026", 2, load_plan(sample("lot2-example")).partners)
    stem = tmp_path / "stem.toml"
    result = run_planner("new", stem, "--from-sample", "lot3-example", "--call", "2024")
    assert result.returncode == 0, result.stderr
    assert "call 2024 has no Lot 3: the plan is on Lot 1" in result.stdout
    assert (load_plan(stem).call, load_plan(stem).lot) == ("2024", 1)
    unknown = run_planner("new", tmp_path / "x.toml", "--from-sample", "lot2-example", "--call", "2031")
    assert unknown.returncode == 2 and "2031" in unknown.stderr and not (tmp_path / "x.toml").exists()


def test_new_from_unknown_sample(tmp_path):
    result = run_planner("new", tmp_path / "x.toml", "--from-sample", "nope")
    assert result.returncode == 2
    assert "no such sample" in result.stderr and "lot2-example" in result.stderr
    assert not (tmp_path / "x.toml").exists()


# --- fmt -----------------------------------------------------------------------------------


def test_fmt_check_then_fmt(tmp_path):
    path = tmp_path / "messy.toml"
    path.write_text(
        '# a comment the formatter drops\nlot = 1\ntitle = \'Messy\'\nformat = 1\n'
        '[[partners]]\nrole = "coordinator"\nkind = "enterprise"\ncountry = "el"\nname = "Org"\n',
        encoding="utf-8")
    messy = path.read_bytes()
    check = run_planner("fmt", "--check", path)
    assert check.returncode == 1
    assert f"would reformat {path}" in check.stdout
    assert path.read_bytes() == messy
    fmt = run_planner("fmt", path)
    assert fmt.returncode == 0
    assert f"reformatted {path}" in fmt.stdout
    # the writer always writes call (a file without it means 2024)
    assert path.read_text(encoding="utf-8").startswith('format = 1\ncall = "2024"\ntitle = "Messy"\nlot = 1\n')
    assert 'country = "GR"' in path.read_text(encoding="utf-8")
    assert run_planner("fmt", "--check", path).returncode == 0


def test_fmt_check_on_samples_changes_nothing():
    result = run_planner("fmt", "--check", *(sample(n) for n in sorted(SAMPLE_EXIT)))
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


# --- schema, version, help, samples --------------------------------------------------------


def test_schema_is_json_with_partners():
    result = run_planner("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "partners" in schema["properties"]
    assert {"format", "title", "lot"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


def test_version():
    result = run_planner("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"planner {planner.__version__}"


def test_help_lists_the_commands():
    result = run_planner("--help")
    assert result.returncode == 0
    for command in ("check", "compare", "new", "fmt", "schema", "samples"):
        assert re.search(rf"^\s+{command}\s+\S", result.stdout, re.M), command


def test_samples_command():
    result = run_planner("samples")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == sorted(SAMPLE_EXIT)
    # each sample's call, from its file: lot3-example is 2026's, not the newest call's
    calls = {line.split()[0]: line.split()[1:3] for line in result.stdout.splitlines()}
    for name, shown in calls.items():
        written = tomllib.loads((SAMPLES / f"{name}.toml").read_text(encoding="utf-8")).get("call", "2024")
        assert shown == ["call", written], name
    assert calls["lot3-example"] == ["call", "2026"]


# --- the bad-input corpus ------------------------------------------------------------------

HEAD = 'format = 1\ntitle = "Bad"\nlot = 1\n'
PARTNER = '\n[[partners]]\nname = "Org"\ncountry = "DE"\nkind = "enterprise"\nrole = "coordinator"\n'

BAD = {
    # name: (bytes, fragments the message must contain, besides the file name)
    "not-toml": ((HEAD + 'acronym = "unterminated\n').encode(), ["line 4", "not valid TOML"]),
    "not-utf8": ((HEAD + 'notes = "caf\xe9"\n').encode("latin-1"), ["line 4", "not UTF-8", "0xe9"]),
    "unknown-kind": ((HEAD + PARTNER.replace('"enterprise"', '"school"')).encode(),
                     ["partners[0].kind", "'school'", ", ".join(k.id for k in RULES_2024.kinds)]),
    "unknown-role": ((HEAD + PARTNER.replace('"coordinator"', '"leader"')).encode(),
                     ["partners[0].role", "'leader'", "'coordinator'", "'associated-partner'"]),
    "unknown-country": ((HEAD + PARTNER + PARTNER.replace('"DE"', '"XY"')).encode(),
                        ["partners[1].country", "unknown country code 'XY'"]),
    "unknown-top-key": ((HEAD + 'colour = "red"\n').encode(), ["colour: unknown key 'colour'", "allowed keys here"]),
    "unknown-partner-key": ((HEAD + PARTNER + 'colour = "red"\n').encode(),
                            ["partners[0].colour: unknown key 'colour'", "short_name"]),
    "missing-lot": (b'format = 1\ntitle = "Bad"\n', ["lot: missing"]),
    "lot-3": (HEAD.replace("lot = 1", "lot = 3").encode(), ["lot: call 2024 has no lot 3", "allowed: 1, 2"]),
    "short-pic": ((HEAD + PARTNER + 'pic = "12345"\n').encode(), ["partners[0].pic", "'12345'", "a PIC is 9 digits"]),
    "pic-as-number": ((HEAD + PARTNER + 'pic = 123456789\n').encode(),
                      ["partners[0].pic", "expected string, found integer"]),
    "lot-as-string": (HEAD.replace("lot = 1", 'lot = "1"').encode(), ["lot: expected integer, found string '1'"]),
    "unknown-ecosystem": ((HEAD + 'ecosystems = ["space"]\n').encode(), ["ecosystems[0]", "'space'", "textile"]),
    "score-over-maximum": ((HEAD + '\n[assessment]\nimpact = 25\n').encode(), ["assessment.impact", "maximum of 20"]),
}


@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    files = {}
    for name, (data, _) in BAD.items():
        files[name] = tmp_path / f"{name}.toml"
        files[name].write_bytes(data)
    return files


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_refused_clearly(bad_files, name):
    path = bad_files[name]
    data, fragments = BAD[name]
    result = run_planner("check", path)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"planner: {path}: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert path.read_bytes() == data


def test_fmt_refuses_bad_files_and_leaves_them_alone(bad_files):
    result = run_planner("fmt", *bad_files.values())
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for name, path in bad_files.items():
        assert str(path) in result.stderr
        assert path.read_bytes() == BAD[name][0], name


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    result = run_planner("check", path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"planner: {path}: file not found"
    assert not path.exists()


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "plan.toml"
    folder.mkdir()
    result = run_planner("check", folder)
    assert result.returncode == 2
    assert result.stderr.strip() == f"planner: {folder}: is a folder, not a plan file"
    assert "Traceback" not in result.stderr
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_typo_in_a_copied_sample_names_its_partner_index(tmp_path):
    path = tmp_path / "typo.toml"
    text = (SAMPLES / "lot2-example.toml").read_text(encoding="utf-8")
    marker = 'short_name = "PIEO"\n'
    assert text.count(marker) == 1
    path.write_text(text.replace(marker, marker + 'colour = "green"\n'), encoding="utf-8")
    result = run_planner("check", path)
    assert result.returncode == 2
    index = [p.short_name for p in load_plan(sample("lot2-example")).partners].index("PIEO")
    assert f"partners[{index}].colour: unknown key 'colour'" in result.stderr


def test_cli_compare_says_why_a_cell_fails_and_names_the_failing_rules(tmp_path):
    plan = tmp_path / "draft.toml"
    text = (SAMPLES / "lot2-draft.toml").read_text(encoding="utf-8")
    plan.write_text(re.sub(r"requested_grant_eur = \d+", "requested_grant_eur = 3950000", text), encoding="utf-8")
    result = run_planner("compare", plan)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    grant = next(line for line in lines if line.startswith("Grant"))
    # the draft has a budget: its contribution, not the typed grant, is judged against each cap
    contribution = json.loads(run_planner("check", plan, "--format", "json").stdout)["budget"]["contribution_eur"]
    shown = f"{contribution // 1_000 / 1_000:g}M"
    assert f"FAIL EUR {shown} > 1M cap" in grant and f"FAIL EUR {shown} > 1.5M cap" in grant
    at = next(i for i, line in enumerate(lines) if line.startswith("Verdict"))
    named = " ".join(lines[at + 1:])
    assert "grant" in named and "VET provider" in named and "full partners" in named
    md = run_planner("compare", plan, "--format", "markdown").stdout
    # Lot 1 36m: no VET provider, the contribution over the cap, and work packages that end in month 48
    assert "**NOT ELIGIBLE** (3): VET provider, grant, budget" in md


def test_a_rules_file_with_a_deadline_out_of_range_says_the_date_as_written(tmp_path):
    rules = tmp_path / "far.toml"
    rules.write_text('extends = "2024"\nid = "far"\ndeadline = 3000-03-10T17:00:00\n', encoding="utf-8")
    result = run_planner("check", SAMPLES / "lot1-example.toml", "--rules", rules)
    assert result.returncode == 2
    assert "found 3000-03-10T17:00:00" in result.stderr and "datetime.datetime" not in result.stderr


def test_an_empty_file_is_said_to_be_empty(tmp_path):
    """A file of 0 bytes (a save that never happened, a touch) was 'not a valid plan' with a list of
    three missing keys; it is said to be empty, with what to do, on one line."""
    empty = tmp_path / "empty.toml"
    empty.write_bytes(b"")
    result = run_planner("check", empty)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"planner: {empty}: is empty: a plan needs at least format, title and lot ('planner new PATH' writes one "
        "to start from)"]
    empty.write_text("# to do: the plan\n\n", encoding="utf-8")
    assert "holds no plan (only comments)" in run_planner("check", empty).stderr


def test_json_names_a_plan_by_its_path_as_given_however_odd(tmp_path):
    """A file name holding an escape sequence: check's JSON gave "\\\\x1b[31m..." (the text output's
    visible form), which no script can open; ls gave the name itself. JSON escapes it itself."""
    odd = tmp_path / "\x1b[31mred.toml"
    shutil.copyfile(sample("lot1-example"), odd)
    for command in (("check",), ("compare",), ("budget",)):
        result = run_planner(*command, odd, "--format", "json")
        assert result.returncode in (0, 1), result.stderr
        assert "\x1b" not in result.stdout  # escaped in the JSON text, never raw on a terminal
        assert json.loads(result.stdout)["plan"] == str(odd), command


def test_a_mistyped_command_is_said_with_the_one_meant(tmp_path):
    """'planner chek plan.toml' said 'unrecognized arguments: plan.toml' (chek was taken for a plan)."""
    plan = shutil.copyfile(sample("lot1-example"), tmp_path / "plan.toml")
    result = run_planner("chek", plan, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("planner: chek: not a command: did you mean 'check'? (commands: check, ")
    assert len(result.stderr.strip().splitlines()) == 1
    # a plan's name near a command is still a plan where the file is there
    shutil.copyfile(plan, tmp_path / "chek")
    assert "did you mean" not in run_planner("chek", "--help", cwd=tmp_path).stderr
    # every command's help says what --format gives
    for command in ("check", "compare", "ls", "diff", "budget", "export"):
        assert re.search(r"--format \{[a-z,]+\}\s+\w", run_planner(command, "--help").stdout), command


@pytest.mark.parametrize("named", [
    "Universidad  Técnica del Cantábrico",  # a double space
    unicodedata.normalize("NFD", "Universidad Técnica del Cantábrico"),  # accents as combining marks
    "universidad técnica del cantábrico ",  # another case, a space after
])
def test_an_affiliated_entity_names_its_beneficiary_by_legal_name_as_organisations_are_told_apart(tmp_path, named):
    # the spec: `affiliated_to` is the beneficiary's short_name or name; a name is compared as the planner
    # tells organisations apart (model.legal_name_key), not only in the one spelling of the plan
    plan = tmp_path / "plan.toml"
    text = (SAMPLES / "lot2-example.toml").read_text(encoding="utf-8")
    plan.write_text(text + f'\n[[partners]]\nname = "Laboratorio Eólico"\nshort_name = "LABE"\ncountry = "ES"\n'
                    f'kind = "research"\nrole = "affiliated-entity"\naffiliated_to = "{named}"\n', encoding="utf-8")
    result = run_planner("check", plan, "--format", "json")
    verdict = json.loads(result.stdout)
    affiliations = criterion(verdict, "affiliations")
    assert affiliations["status"] == "pass", affiliations["message"]
    assert result.returncode == 0
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace(f'affiliated_to = "{named}"', 'affiliated_to = "Universidad Tecnica"'),
                    encoding="utf-8")
    affiliations = criterion(json.loads(run_planner("check", plan, "--format", "json").stdout), "affiliations")
    assert affiliations["status"] == "fail" and "'Universidad Tecnica', which is no partner" in affiliations["message"]
