"""A folder of plans: `planner ls` in a subprocess (text and JSON, per the spec), who has a plan open,
and the partners a folder already knows (planner.folder)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from folder_plans import BROKEN, OULU, hold, write_plans
from planner import folder, folder_partners, recovery
from planner.files import this_host
from planner.storage import dump_plan, load_plan
from support import SAMPLES, run_planner

SPEC_KEYS = ["path", "title", "acronym", "call", "lot", "duration_months", "partners", "eligible", "failing",
             "new_full_partners", "modified", "open_by", "error"]


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    where = tmp_path / "proposals"
    where.mkdir()
    for sample in ("lot1-example", "lot2-draft", "lot3-example"):
        shutil.copy(SAMPLES / f"{sample}.toml", where / f"{sample}.toml")
    for name, text in BROKEN.items():
        (where / name).write_text(text, encoding="utf-8")
    return where


def ls_json(*args: str | Path, cwd: Path | None = None) -> dict:
    result = run_planner("ls", *args, "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def check_json(path: Path) -> dict:
    return json.loads(run_planner("check", path, "--format", "json").stdout)


def test_ls_json_has_the_spec_keys_and_check_s_verdicts(plans: Path):
    listing = ls_json("proposals", cwd=plans.parent)
    assert listing["folder"] == "proposals"
    names = sorted(p.name for p in plans.iterdir())
    assert [Path(p["path"]).name for p in listing["plans"]] == names  # every file, by name: nothing skipped
    for entry in listing["plans"]:
        assert list(entry) == SPEC_KEYS
        assert entry["path"] == f"proposals/{Path(entry['path']).name}"
        assert entry["open_by"] is None
        if entry["error"] is not None:
            continue
        verdict = check_json(plans / Path(entry["path"]).name)
        plan = load_plan(plans / Path(entry["path"]).name)
        assert (entry["call"], entry["lot"], entry["duration_months"]) == (
            verdict["call"], verdict["lot"], verdict["duration_months"])
        assert entry["eligible"] == verdict["eligible"]
        assert entry["failing"] == [c["id"] for c in verdict["criteria"] if c["status"] == "fail"]
        assert entry["new_full_partners"] == verdict["to_qualify"]["new_full_partners"]
        assert (entry["title"], entry["acronym"], entry["partners"]) == (plan.title, plan.acronym, len(plan.partners))
        assert entry["modified"].endswith("+00:00")
    draft = next(e for e in listing["plans"] if e["path"].endswith("lot2-draft.toml"))
    assert draft["eligible"] is False and draft["failing"]  # a failing verdict is still exit 0 (asserted above)


def test_ls_unreadable_files_carry_check_s_message_and_nulls(plans: Path):
    listing = ls_json(plans)
    broken = {Path(e["path"]).name: e for e in listing["plans"] if e["error"] is not None}
    assert set(broken) == set(BROKEN)
    for name, entry in broken.items():
        check = run_planner("check", plans / name)
        assert check.returncode == 2
        first = check.stderr.splitlines()[0].removeprefix("planner: ")
        assert entry["error"].startswith(first.split(": not a valid plan")[0])
        assert "\n" not in entry["error"]
        assert all(entry[k] is None for k in SPEC_KEYS if k not in ("path", "error"))


def test_ls_skips_the_directory_file_lists_subfolders_with_recursive(plans: Path):
    (plans / folder.DIRECTORY_FILE).write_text('[[partners]]\nname = "X"\ncountry = "FI"\nkind = "ngo"\n')
    (plans / "2024").mkdir()
    shutil.copy(SAMPLES / "lot2-example.toml", plans / "2024" / "submitted.toml")
    flat = [Path(e["path"]).name for e in ls_json(plans)["plans"]]
    assert folder.DIRECTORY_FILE not in flat and "submitted.toml" not in flat
    (plans / "2024" / folder.DIRECTORY_FILE).write_text("", encoding="utf-8")
    deep = [e["path"] for e in ls_json(plans, "--recursive")["plans"]]
    assert str(plans / "2024" / "submitted.toml") in deep
    assert len(deep) == len(flat) + 1


def test_ls_says_who_has_a_plan_open_and_forgets_a_dead_holder(plans: Path):
    process = hold(plans / "lot1-example.toml", user="coord")
    try:
        entry = next(e for e in ls_json(plans)["plans"] if e["path"].endswith("lot1-example.toml"))
        assert entry["open_by"] == {"user": "coord", "host": this_host(), "since": "2026-12-01T08:10:00+00:00"}
        text = run_planner("ls", plans).stdout
        line = next(line for line in text.splitlines() if line.startswith("lot1-example.toml"))
        assert f"coord on {this_host()}" in line
    finally:
        process.kill()
        process.wait()
    entry = next(e for e in ls_json(plans)["plans"] if e["path"].endswith("lot1-example.toml"))
    assert entry["open_by"] is None  # its process is gone: a stale file holds nothing


def test_a_private_recovery_file_of_another_user_names_its_owner(plans: Path, monkeypatch):
    # another user's recovery file we may not read (mode 600): only its owner is known. As the test
    # cannot be another user, the file's owner (us) is made to look like someone else.
    import pwd

    path = recovery.beside(plans / "lot3-example.toml")
    path.write_text("not toml [", encoding="utf-8")
    assert folder.open_by(plans / "lot3-example.toml") is None  # our own broken file: nobody holds it
    monkeypatch.setattr(folder.os, "getuid", lambda: os.geteuid() + 1)
    who = folder.open_by(plans / "lot3-example.toml")
    assert who == folder.OpenBy(pwd.getpwuid(os.geteuid()).pw_name)
    assert who.as_dict() == {"user": who.user, "host": None, "since": None}
    assert who.words().endswith("(host not known)")


def test_ls_text_lists_every_file_with_its_verdict_or_reason(plans: Path):
    result = run_planner("ls", plans)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["FILE", "ACRONYM", "CALL", "VERDICT"]
    by_file = {line.split()[0]: line for line in lines[1:]}
    assert set(by_file) == {p.name for p in plans.iterdir()}
    assert "ELIGIBLE" in by_file["lot1-example.toml"] and "CIRCLE-SME" in by_file["lot1-example.toml"]
    draft = load_plan(plans / "lot2-draft.toml")
    assert "NOT ELIGIBLE" in by_file["lot2-draft.toml"]
    assert f"  {len(draft.partners)}  " in by_file["lot2-draft.toml"]
    assert "UNREADABLE" in by_file["not-toml.toml"] and "not valid TOML" in by_file["not-toml.toml"]
    assert "[red]" in result.stdout  # a file name is data, printed as it is


def test_ls_exit_2_when_the_folder_cannot_be_read(tmp_path: Path):
    missing = run_planner("ls", tmp_path / "nowhere")
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    a_file = tmp_path / "plan.toml"
    a_file.write_text("")
    not_folder = run_planner("ls", a_file, "--format", "json")
    assert not_folder.returncode == 2 and "is not a folder" in not_folder.stderr
    assert not_folder.stdout == ""
    empty = run_planner("ls", tmp_path / ".." / tmp_path.name, "--format", "json")
    assert empty.returncode == 0


def test_ls_a_fifo_named_toml_is_listed_never_read(plans: Path):
    os.mkfifo(plans / "pipe.toml")
    entry = next(e for e in ls_json(plans)["plans"] if e["path"].endswith("pipe.toml"))
    assert "FIFO" in entry["error"]
    assert all(entry[k] is None for k in ("title", "eligible", "partners"))


def test_listing_is_cached_by_size_and_mtime(plans: Path):
    first = {e.name: e for e in folder.list_folder(plans)}
    again = {e.name: e for e in folder.list_folder(plans)}
    assert again["lot1-example.toml"].plan is first["lot1-example.toml"].plan  # not read again
    plan = load_plan(plans / "lot1-example.toml")
    (plans / "lot1-example.toml").write_text(dump_plan(plan.model_copy(update={"acronym": "CHANGED"})))
    changed = {e.name: e for e in folder.list_folder(plans)}
    assert changed["lot1-example.toml"].acronym == "CHANGED"


# --- partners the folder knows ----------------------------------------------------------------------


def test_known_partners_from_plans_and_the_directory_file(tmp_path: Path):
    write_plans(tmp_path, 6, broken=1)
    (tmp_path / folder.DIRECTORY_FILE).write_text(
        '[[partners]]\nname = "Tampere Vocational College"\nshort_name = "TREDU"\ncountry = "fi"\n'
        'kind = "vet-provider"\npic = "999555002"\n', encoding="utf-8")
    known, problems = folder_partners.known_partners(tmp_path)
    assert problems == []
    (oulu,) = folder_partners.matching("Ould", known)[:1]
    assert (oulu.name, oulu.pic, oulu.country, oulu.kind, oulu.eche) == (
        OULU.name, OULU.pic, OULU.country, OULU.kind, OULU.eche)
    assert oulu.sources == ("plan-001.toml",)
    tredu = folder_partners.matching("TREDU", known)[0]
    assert (tredu.name, tredu.country, tredu.sources) == ("Tampere Vocational College", "FI", (folder.DIRECTORY_FILE,))
    assert folder_partners.matching("999555002", known)[0] is tredu
    # the plan being edited does not offer its own partners
    mine, _ = folder_partners.known_partners(tmp_path, exclude=tmp_path / "plan-001.toml")
    assert not any(k.name == OULU.name for k in mine)


def test_conflicting_copies_are_each_shown_with_how_they_differ(tmp_path: Path):
    write_plans(tmp_path, 3, broken=0)
    other = load_plan(tmp_path / "plan-001.toml")
    twin = OULU.model_copy(update={"pic": "999555999"})
    (tmp_path / "other.toml").write_text(dump_plan(other.model_copy(update={
        "partners": (*other.partners[:-1], twin)})), encoding="utf-8")
    known, _ = folder_partners.known_partners(tmp_path)
    copies = [k for k in known if k.name == OULU.name]
    assert sorted(k.pic for k in copies) == sorted([OULU.pic, twin.pic])
    first = next(k for k in copies if k.pic == OULU.pic)
    assert first.conflict == f"another copy has PIC {twin.pic} (other.toml)"


def test_a_broken_directory_file_says_why(tmp_path: Path):
    (tmp_path / folder.DIRECTORY_FILE).write_text('[[partners]]\nname = "X"\ncountry = "FI"\n', encoding="utf-8")
    known, problems = folder_partners.known_partners(tmp_path)
    assert known == []
    assert problems and "partners[0]" in problems[0] and "kind" in problems[0]


@pytest.mark.parametrize("typed, found", [("Oulu", True), ("Ould", True), ("oamk", True), ("OAMK", True),
                                           ("applied sci", True), ("9995550", True), ("Hamburg", False),
                                           ("O", False)])
def test_matching_what_is_typed(typed: str, found: bool):
    known = folder_partners.Known(OULU.name, OULU.short_name, OULU.pic, "FI", "higher-education", True, ("a.toml",))
    assert (folder_partners.match_rank(typed, known) is not None) is found


def test_planner_dir_without_a_terminal_points_to_planner_ls(plans: Path):
    result = run_planner(plans)
    assert result.returncode == 2
    assert f"'planner ls {plans}' lists the plans of a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_ls_over_the_hostile_corpus_lists_every_file_and_prints_no_control(tmp_path: Path):
    from hostile_corpus import ENTRIES, write_corpus

    corpus = write_corpus(tmp_path / "corpus")
    folder = tmp_path / "corpus"
    text = run_planner("ls", folder)
    assert text.returncode == 0 and "Traceback" not in text.stderr
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout
    listing = ls_json(folder)
    names = {Path(e["path"]).name for e in listing["plans"]}
    assert names == {p.name for p in folder.iterdir() if p.name.endswith(".toml") and not p.name.startswith(".")}
    valid = {p.name for n, p in corpus.items() if ENTRIES[n].kind == "plan" and ENTRIES[n].valid}
    assert {Path(e["path"]).name for e in listing["plans"] if e["error"] is None} == valid & names


def test_ls_names_the_steps_besides_partners_in_the_verdict(tmp_path: Path):
    """lot2-draft needs 2 new partners and costs cut to the cap: 'NOT ELIGIBLE: 2 new partners to go' read
    as the whole fix, while check's 'What it takes' has the second step."""
    shutil.copyfile(SAMPLES / "lot2-draft.toml", tmp_path / "lot2-draft.toml")
    text = run_planner("ls", tmp_path).stdout
    line = next(line for line in text.splitlines() if line.startswith("lot2-draft.toml"))
    assert "NOT ELIGIBLE: 2 new partners to go, cut costs" in line
    check = run_planner("check", tmp_path / "lot2-draft.toml", "--format", "json").stdout
    steps = json.loads(check)["to_qualify"]["steps"]
    assert len(steps) == 2 and steps[1].startswith("cut EUR ")


def test_ls_says_when_a_planner_that_ended_left_unsaved_changes(plans: Path):
    """A planner killed with unsaved changes leaves them in its recovery file, which opening the plan offers
    back; 'ls' (and the folder view) said nothing of them, and the plan looked as saved."""
    import tomli_w

    from planner.storage import dump_plan

    plan = plans / "lot1-example.toml"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    edited = load_plan(plan).model_copy(update={"title": "Edited, never saved"})
    text = (f'format = 1\nfile = "{os.path.realpath(plan)}"\nuser = "coord"\nhost = "{this_host()}"\n'
            f"pid = {gone.pid}\nsince = 2026-12-01T08:10:00Z\nupdated = 2026-12-01T09:30:00Z\n"
            + tomli_w.dumps({"unsaved": dump_plan(edited)}, multiline_strings=True))
    recovery.beside(plan).write_text(text, encoding="utf-8")
    entry = next(e for e in ls_json(plans)["plans"] if e["path"].endswith("lot1-example.toml"))
    assert entry["open_by"] is None  # nobody has it open
    assert entry["unsaved_left"] == f"coord on {this_host()}, last written 2026-12-01 09:30Z"
    others = [e for e in ls_json(plans)["plans"] if not e["path"].endswith("lot1-example.toml")]
    assert all("unsaved_left" not in e for e in others)  # an optional key, only where there are such changes
    line = next(line for line in run_planner("ls", plans).stdout.splitlines() if line.startswith("lot1-example"))
    assert "unsaved changes left" in line


def test_ls_says_so_of_a_partner_form_left_typed_too(plans: Path):
    """A planner killed with a partner half typed (its plan otherwise saved) leaves the form's text in its
    recovery file, and opening the plan offers it back; 'ls' and the folder view said nothing of it."""
    plan = plans / "lot1-example.toml"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    text = (f'format = 1\nfile = "{os.path.realpath(plan)}"\nuser = "coord"\nhost = "{this_host()}"\n'
            f"pid = {gone.pid}\nsince = 2026-12-01T08:10:00Z\nupdated = 2026-12-01T09:30:00Z\n\n"
            '[draft]\nform = "partner"\nindex = -1\n\n[draft.fields]\nname = "Fachhochschule Nordhafen"\n')
    recovery.beside(plan).write_text(text, encoding="utf-8")
    assert recovery.read_holder(recovery.beside(plan)).draft is not None  # the file as a planner writes it
    entry = next(e for e in ls_json(plans)["plans"] if e["path"].endswith("lot1-example.toml"))
    assert entry["unsaved_left"] == f"coord on {this_host()}, last written 2026-12-01 09:30Z"
