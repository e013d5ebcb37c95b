"""`planner merge BASE OURS THEIRS`: the merge by meaning (merge.merge_data on parsed data), the command
in a subprocess (exit 0, 1, 2), and `git merge` with the planner's merge driver in a real repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hostile_corpus import ENTRIES, write_corpus
from planner import merge
from planner.errors import PlanError
from planner.files import MAX_FILE_BYTES
from planner.storage import load_plan
from support import run_planner

BASE = """\
format = 1
call = "2026"
title = "Circular skills"
lot = 1

[[partners]]
name = "Hochschule Nordhafen"
short_name = "HSNH"
country = "DE"
kind = "higher-education"
role = "coordinator"
pic = "999100101"

[[partners]]
name = "Berufsbildungszentrum Weserland"
short_name = "BBZW"
country = "DE"
kind = "vet-provider"
role = "beneficiary"

[[partners]]
name = "Fabrica Lusa"
country = "PT"
kind = "enterprise"
role = "beneficiary"
pic = "999100103"
"""


def partner_block(name: str, short: str, country: str = "FR") -> str:
    return (f'\n[[partners]]\nname = "{name}"\nshort_name = "{short}"\ncountry = "{country}"\n'
            'kind = "enterprise"\nrole = "beneficiary"\n')


def merged(base: str, ours: str, theirs: str) -> merge.Merged:
    return merge.merge_data(tomllib.loads(base), tomllib.loads(ours), tomllib.loads(theirs))


def labels(data: dict) -> list[str]:
    return [p.get("short_name") or p["name"] for p in data["partners"]]


def test_a_change_on_one_side_is_taken_and_both_sides_new_partners_are_kept_ours_first() -> None:
    ours = BASE.replace('title = "Circular skills"', 'title = "Circular skills for SMEs"') + partner_block(
        "Ours Ltd", "OURS")
    theirs = BASE.replace('country = "PT"', 'country = "ES"') + partner_block("Theirs SA", "THEIRS")
    result = merged(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.data["title"] == "Circular skills for SMEs"
    assert labels(result.data) == ["HSNH", "BBZW", "Fabrica Lusa", "OURS", "THEIRS"]
    assert result.data["partners"][2]["country"] == "ES"


def test_theirs_new_partner_keeps_its_place_after_ours_new_one_at_the_same_place() -> None:
    after_hsnh = 'pic = "999100101"\n'
    ours = BASE.replace(after_hsnh, after_hsnh + partner_block("Ours Ltd", "OURS"), 1)
    theirs = BASE.replace(after_hsnh, after_hsnh + partner_block("Theirs SA", "THEIRS"), 1)
    result = merged(BASE, ours, theirs)
    assert labels(result.data) == ["HSNH", "OURS", "THEIRS", "BBZW", "Fabrica Lusa"]


def test_partners_are_matched_by_short_name_then_pic_then_name() -> None:
    # ours renames BBZW's short name (matched by name), and gives Fabrica Lusa a short name (matched by PIC);
    # theirs changes their countries: one partner each, both changes kept
    ours = BASE.replace('short_name = "BBZW"', 'short_name = "BBZ-W"').replace(
        'name = "Fabrica Lusa"', 'name = "Fabrica Lusa SA"\nshort_name = "FLUSA"')
    theirs = BASE.replace('kind = "vet-provider"', 'kind = "vet-provider"\nnotes = "WP3"').replace(
        'country = "PT"', 'country = "ES"')
    result = merged(BASE, ours, theirs)
    assert result.conflicts == []
    assert labels(result.data) == ["HSNH", "BBZ-W", "FLUSA"]
    assert result.data["partners"][1]["notes"] == "WP3"
    assert result.data["partners"][2]["country"] == "ES"


def test_the_same_change_on_both_sides_is_taken_once() -> None:
    both = BASE.replace("lot = 1", "lot = 2") + partner_block("Same Ltd", "SAME")
    result = merged(BASE, both, both)
    assert result.conflicts == []
    assert result.data["lot"] == 2
    assert labels(result.data).count("SAME") == 1


def test_a_partner_added_on_both_sides_with_one_short_name_is_one_partner_its_fields_merged() -> None:
    ours = BASE + partner_block("New Partner", "NEW") + 'pic = "999100199"\n'
    theirs = BASE + partner_block("New Partner", "NEW") + 'notes = "joins in WP2"\n'
    result = merged(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.data["partners"][-1] == {"name": "New Partner", "short_name": "NEW", "country": "FR",
                                           "kind": "enterprise", "role": "beneficiary", "pic": "999100199",
                                           "notes": "joins in WP2"}


def test_a_partner_removed_on_one_side_and_unchanged_on_the_other_is_removed() -> None:
    without_bbzw = BASE.replace(BASE[BASE.index("[[partners]]\nname = \"Berufs"):BASE.index("[[partners]]\nname = "
                                                                                          "\"Fabrica")], "")
    theirs = BASE.replace('title = "Circular skills"', 'title = "Other"')
    result = merged(BASE, without_bbzw, theirs)
    assert result.conflicts == []
    assert labels(result.data) == ["HSNH", "Fabrica Lusa"] and result.data["title"] == "Other"
    # removed on one side, changed on the other: a conflict, never a silent loss
    changed = BASE.replace('kind = "vet-provider"', 'kind = "vet-provider"\nnotes = "keep me"')
    result = merged(BASE, without_bbzw, changed)
    assert [c.path for c in result.conflicts] == ["partners[BBZW]"]
    assert result.conflicts[0].ours is merge.MISSING and result.conflicts[0].theirs["notes"] == "keep me"


def test_values_changed_differently_on_both_sides_are_conflicts() -> None:
    result = merged(BASE, BASE.replace("lot = 1", "lot = 2"), BASE.replace("lot = 1", "lot = 3"))
    assert [(c.path, c.ours, c.theirs) for c in result.conflicts] == [("lot", 2, 3)]
    assert result.conflicts[0].words == "lot: ours 2, theirs 3"
    result = merged(BASE, BASE.replace('"999100101"', '"999100111"'), BASE.replace('"999100101"', '"999100122"'))
    assert [c.path for c in result.conflicts] == ["partners[HSNH].pic"]


WORK_PACKAGES = """
[[work_packages]]
id = "WP1"
title = "Management"
lead = "HSNH"

[[work_packages]]
id = "WP2"
title = "Curricula"
lead = "BBZW"
"""


def test_work_packages_by_id_and_keys_the_merge_does_not_know_merge_too() -> None:
    """Work packages, a partner's budget and [tool.*] tables: merged as data, by id and by key."""
    base = BASE + WORK_PACKAGES + '\n[tool.crm]\nproposal_id = 4711\n'
    ours = base.replace('title = "Curricula"', 'title = "Core curricula"').replace(
        'role = "coordinator"', 'role = "coordinator"\nstaff_cost_eur = 5200') + (
        '\n[[work_packages]]\nid = "WP3"\ntitle = "Ours"\nlead = "HSNH"\n')
    theirs = base.replace('lead = "BBZW"', 'lead = "HSNH"').replace("proposal_id = 4711", "proposal_id = 4712")
    theirs = theirs.replace('pic = "999100101"', 'pic = "999100101"\n\n[partners.budget.WP1]\nperson_months = 6.5')
    theirs += '\n[[work_packages]]\nid = "WP4"\ntitle = "Theirs"\nlead = "BBZW"\n'
    result = merged(base, ours, theirs)
    assert result.conflicts == []
    assert [(w["id"], w["title"], w["lead"]) for w in result.data["work_packages"]] == [
        ("WP1", "Management", "HSNH"), ("WP2", "Core curricula", "HSNH"), ("WP3", "Ours", "HSNH"),
        ("WP4", "Theirs", "BBZW")]
    first = result.data["partners"][0]
    assert first["staff_cost_eur"] == 5200 and first["budget"] == {"WP1": {"person_months": 6.5}}
    assert result.data["tool"] == {"crm": {"proposal_id": 4712}}
    # and it is written as TOML that reads back as the same data
    assert tomllib.loads(merge.render(result.data, ours.encode()).decode()) == result.data


def test_a_conflict_is_marked_around_the_smallest_whole_lines() -> None:
    result = merge.merge_bytes(BASE.encode(), BASE.replace("lot = 1", "lot = 2").encode(),
                               BASE.replace("lot = 1", "lot = 3").encode())
    text = result.text.decode()
    assert "<<<<<<< ours\nlot = 2\n=======\nlot = 3\n>>>>>>> theirs\n" in text
    assert text.count("<<<<<<<") == 1
    # outside the markers, the merged plan
    assert 'short_name = "HSNH"' in text and 'title = "Circular skills"' in text


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def merged_clean(tmp_path: Path, base: str, ours: tuple[str, str], theirs: tuple[str, str]) -> str:
    """`planner merge` of `base` changed one way by ours and another by theirs (each a text replaced):
    exit 0, and what OURS holds then."""
    ours_file = write(tmp_path / "ours.toml", base.replace(*ours))
    done = run_planner("merge", write(tmp_path / "base.toml", base), ours_file,
                       write(tmp_path / "theirs.toml", base.replace(*theirs)))
    assert done.returncode == 0, done.stderr
    return ours_file.read_text(encoding="utf-8")


def test_the_command_writes_ours_and_exits_0_1_or_2(tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", BASE)
    ours = write(tmp_path / "ours.toml", BASE + partner_block("Ours Ltd", "OURS"))
    theirs = write(tmp_path / "theirs.toml", BASE.replace('title = "Circular skills"', 'title = "New title"'))
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 0, done.stderr
    plan = load_plan(ours)
    assert plan.title == "New title" and plan.partners[-1].short_name == "OURS"

    write(ours, BASE.replace("lot = 1", "lot = 2"))
    write(theirs, BASE.replace("lot = 1", "lot = 3"))
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 1
    assert "1 conflict(s)" in done.stdout and "lot: ours 2, theirs 3" in done.stdout
    assert "lot = 2\n=======\nlot = 3\n" in ours.read_text(encoding="utf-8")

    write(ours, BASE)
    before = ours.read_bytes()
    done = run_planner("merge", base, ours, tmp_path / "missing.toml")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "missing.toml" in done.stderr
    write(theirs, "lot = [\n")
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 2 and "not valid TOML" in done.stderr
    assert ours.read_bytes() == before  # nothing written


def test_a_table_inside_an_array_of_another_tools_data_merges_in_ours_form(tmp_path: Path) -> None:
    """Theirs changed `{ z = 3 }` inside an array of an inline table in [tool.othertool]: the value was
    written 'z = 4' without its braces, the form could not be kept, and the merge wrote the whole file
    canonically, every comment and literal string of ours gone, with exit 0 and no word."""
    hand = ("# kept by hand\n" + BASE.replace('call = "2026"', "call = '2026'  # literal") +
            "\n[tool.othertool]\nid = 42\nnested = { x = 1, y = [1, 2, { z = 3 }] }  # theirs changes z\n")
    ours, theirs = ("id = 42", "id = 43"), ("{ z = 3 }", "{ z = 4 }")
    assert merged_clean(tmp_path, hand, ours, theirs) == hand.replace(*ours).replace(*theirs)

@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_merge_with_the_planner_driver(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_PAGER": "cat",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}

    def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check,
                              encoding="utf-8")

    git("init", "-q", "-b", "main")
    setup = run_planner("git-setup", "--yes", repo, cwd=repo)
    assert setup.returncode == 0, setup.stderr
    plan = write(repo / "plan.toml", BASE)
    git("add", ".")
    git("commit", "-q", "-m", "first")
    git("checkout", "-q", "-b", "anna")
    write(plan, BASE + partner_block("Anna's partner", "ANNA"))
    git("commit", "-qam", "Anna adds a partner")
    git("checkout", "-q", "main")
    write(plan, BASE.replace('title = "Circular skills"', 'title = "Circular skills for SMEs"')
          + partner_block("Ben's partner", "BEN", "IT"))
    git("commit", "-qam", "Ben adds a partner and changes the title")
    done = git("merge", "-q", "--no-edit", "anna", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    result = load_plan(plan)  # a valid plan
    assert result.title == "Circular skills for SMEs"
    assert [p.label for p in result.partners][-2:] == ["BEN", "ANNA"]
    assert "<<<<<<<" not in plan.read_text(encoding="utf-8")

    # a real conflict: both change the lot; git stops, both values in the file
    git("checkout", "-q", "-b", "carla")
    write(plan, plan.read_text(encoding="utf-8").replace("lot = 1", "lot = 2"))
    git("commit", "-qam", "Lot 2")
    git("checkout", "-q", "main")
    write(plan, plan.read_text(encoding="utf-8").replace("lot = 1", "lot = 3"))
    git("commit", "-qam", "Lot 3")
    done = git("merge", "-q", "--no-edit", "carla", check=False)
    assert done.returncode != 0
    assert "CONFLICT" in done.stdout + done.stderr
    # the driver's words name the plan (git's %P), not git's temporary copy of it (.merge_file_Uaa8tS)
    assert "plan.toml: 1 conflict(s), marked in the file:" in done.stdout + done.stderr
    assert ".merge_file" not in done.stdout + done.stderr
    text = plan.read_text(encoding="utf-8")
    assert "<<<<<<< ours\nlot = 3\n=======\nlot = 2\n>>>>>>> theirs\n" in text
    assert text.count("<<<<<<<") == 1


def test_conflict_markers_in_a_crlf_file_end_in_crlf(tmp_path: Path) -> None:
    """The merge wrote '<<<<<<< ours', '=======' and '>>>>>>> theirs' with LF in a CRLF file: mixed endings."""
    crlf = BASE.replace("\n", "\r\n")
    base = write(tmp_path / "base.toml", crlf)
    ours = tmp_path / "ours.toml"
    ours.write_bytes(crlf.replace("lot = 1", "lot = 2").encode("utf-8"))
    theirs = tmp_path / "theirs.toml"
    theirs.write_bytes(crlf.replace("lot = 1", "lot = 3").encode("utf-8"))
    done = run_planner("merge", base, ours, theirs, "--path", "plans/shared.toml")
    assert done.returncode == 1 and "plans/shared.toml: 1 conflict(s)" in done.stdout
    data = ours.read_bytes()
    assert b"<<<<<<< ours\r\nlot = 2\r\n=======\r\nlot = 3\r\n>>>>>>> theirs\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_a_plan_added_on_both_branches_merges_from_an_empty_base() -> None:
    """git passes an empty BASE when both branches created the file: every partner is new on both sides."""
    ours = BASE + partner_block("Ours Ltd", "OURS")
    theirs = BASE.replace('title = "Circular skills"', 'title = "Other title"') + partner_block("Theirs SA", "THEIRS")
    result = merge.merge_bytes(b"", ours.encode(), theirs.encode())
    assert [c.path for c in result.conflicts] == ["title"]
    ours_side = merge.resolve(result.data, "ours")
    assert isinstance(ours_side, dict)
    data = tomllib.loads(merge.render(ours_side, ours.encode()).decode())
    assert data["title"] == "Circular skills"
    assert labels(data) == ["HSNH", "BBZW", "Fabrica Lusa", "OURS", "THEIRS"]


def test_ours_is_kept_byte_for_byte_when_theirs_brings_no_change_of_value() -> None:
    ours = "# ask Marta before changing the lot\n" + BASE.replace("lot = 1", "lot    =   1  # Lot 1")
    theirs = BASE.replace('title = "Circular skills"', "title = 'Circular skills'  # same title, quoted otherwise")
    assert merge.merge_bytes(BASE.encode(), ours.encode(), theirs.encode()).text == ours.encode()


def test_a_file_with_conflict_markers_is_not_merged_again(tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", BASE)
    ours = write(tmp_path / "ours.toml", "<<<<<<< ours\nlot = 2\n=======\nlot = 3\n>>>>>>> theirs\n" + BASE[20:])
    before = ours.read_bytes()
    done = run_planner("merge", base, ours, base)
    assert done.returncode == 2 and "ours.toml" in done.stderr
    assert ours.read_bytes() == before


def test_every_hostile_plan_merges_or_is_refused_with_a_plan_error(tmp_path: Path) -> None:
    """The hostile corpus as theirs (and as ours): a PlanError naming the file, or a merge whose clean
    result reads back as the data merged; never another exception."""
    paths = write_corpus(tmp_path / "corpus")
    base = BASE.encode()
    merged_some = refused_some = False
    for name, entry in ENTRIES.items():
        if entry.kind != "plan":
            continue
        data = paths[name].read_bytes()
        if len(data) > MAX_FILE_BYTES:  # refused before reading (the command's test below)
            continue
        for sides in ((base, base, data), (base, data, base)):
            try:
                result = merge.merge_bytes(*sides, names=("base", "ours", "theirs"))
            except PlanError as exc:
                assert exc.origin in ("ours", "theirs")
                refused_some = True
                continue
            merged_some = True
            if result.invalid:  # a valid ours and a hostile theirs: their changes marked, ours' side whole
                from planner.conflicts import OURS, find_conflicts, resolve

                text = result.text.decode("utf-8-sig")
                assert sides[1] == base and find_conflicts(text)
                assert tomllib.loads(resolve(text, [OURS] * len(find_conflicts(text)))) == tomllib.loads(BASE)
            elif not result.conflicts:
                assert tomllib.loads(result.text.decode("utf-8-sig")) == tomllib.loads(
                    merge.render(result.data, b"").decode("utf-8"))
    assert merged_some and refused_some


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_folder_is_refused_without_waiting(tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", BASE)
    fifo = tmp_path / "theirs.fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (MAX_FILE_BYTES + 10) + b"\n")
    for path, reason in ((fifo, "is a pipe (FIFO)"), (folder, "is a folder"), (big, "10 MiB (10,485,760 bytes)")):
        done = run_planner("merge", base, base, path, timeout=60)
        assert done.returncode == 2 and reason in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_ours_keeps_its_own_form_through_a_merge_comments_quoting_and_crlf() -> None:
    # a plan written by hand: a comment, single quotes, CRLF line endings (spec, "Rules for the writer")
    hand = BASE.replace('title = "Circular skills"', "# ask Marta before changing the title\ntitle = 'Circular skills'")
    ours = hand.replace("\n", "\r\n")
    theirs = BASE.replace('country = "PT"', 'country = "ES"') + partner_block("Theirs SA", "THEIRS")
    result = merge.merge_bytes(hand.encode(), ours.encode(), theirs.encode())
    assert result.conflicts == []
    text = result.text.decode()
    assert "# ask Marta before changing the title\r\ntitle = 'Circular skills'\r\n" in text
    assert 'country = "ES"' in text and 'short_name = "THEIRS"' in text
    assert "\n" not in text.replace("\r\n", "")  # every line still ends in CRLF
    # and with a conflict, the markers sit in ours' own lines, the comment kept outside them
    both = merge.merge_bytes(hand.encode(), ours.replace("lot = 1", "lot = 2").encode(),
                             hand.replace("lot = 1", "lot = 3").encode()).text.decode()
    assert "# ask Marta before changing the title" in both and both.count("<<<<<<<") == 1
    assert "lot = 2" in both and "lot = 3" in both


COMMENTED = BASE.replace('title = "Circular skills"', '# the title: ask Marta first\ntitle = "Circular skills"')


def test_a_merge_whose_result_breaks_the_rules_is_a_conflict_not_a_clean_merge(tmp_path: Path) -> None:
    """Each side valid, the two together not a plan (ours adds a partner with the short name theirs gives
    another): a merge driver's exit 0 let git commit a plan `planner check` refuses, and the file lost its comments.
    Now exit 1, with each of their changes marked in OURS (its comments kept), and the reason said."""
    base = write(tmp_path / "base.toml", COMMENTED)
    ours = write(tmp_path / "ours.toml", COMMENTED + partner_block("Ours Ltd", "XY"))
    theirs = write(tmp_path / "theirs.toml", COMMENTED.replace('short_name = "BBZW"', 'short_name = "XY"')
                   .replace('title = "Circular skills"', 'title = "New title"'))
    assert run_planner("check", ours).returncode != 2 and run_planner("check", theirs).returncode != 2
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "not a valid plan" in done.stdout and "'XY' is already the short name" in done.stdout
    text = ours.read_text(encoding="utf-8")
    assert "# the title: ask Marta first\n" in text
    # their two changes, each a conflict of its own; ours' partner stays outside the markers
    assert '<<<<<<< ours\ntitle = "Circular skills"\n=======\ntitle = "New title"\n>>>>>>> theirs\n' in text
    assert '<<<<<<< ours\nshort_name = "BBZW"\n=======\nshort_name = "XY"\n>>>>>>> theirs\n' in text
    assert text.count("<<<<<<<") == 2
    checked = run_planner("check", ours)
    assert checked.returncode == 2 and "merge conflict" in checked.stderr
    # taking ours of the short name and theirs of the title gives a valid plan with both sides' changes
    from planner.conflicts import OURS, THEIRS, resolve

    plan = load_plan(write(tmp_path / "taken.toml", resolve(text, [THEIRS, OURS])))
    assert plan.title == "New title" and [p.short_name for p in plan.partners][-1] == "XY"


def test_a_merge_against_the_call_rules_keeps_ours_form_and_says_why(tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", COMMENTED)
    ours = write(tmp_path / "ours.toml", COMMENTED.replace("lot = 1", "lot = 3"))  # Lot 3: from call 2026
    theirs = write(tmp_path / "theirs.toml", COMMENTED.replace('call = "2026"', 'call = "2024"'))
    assert run_planner("check", ours).returncode != 2 and run_planner("check", theirs).returncode != 2
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 1, (done.stdout, done.stderr)
    text = ours.read_text(encoding="utf-8")
    assert '<<<<<<< ours\ncall = "2026"\n=======\ncall = "2024"\n>>>>>>> theirs\n' in text
    assert "# the title: ask Marta first\n" in text and text.count("<<<<<<<") == 1
    assert "call 2024 has no lot 3" in done.stdout


def test_conflict_markers_in_theirs_are_named_as_a_merge_conflict(tmp_path: Path) -> None:
    base = write(tmp_path / "base.toml", BASE)
    ours = write(tmp_path / "ours.toml", BASE)
    marked = "<<<<<<< HEAD\nlot = 1\n=======\nlot = 2\n>>>>>>> b\n"
    theirs = write(tmp_path / "theirs.toml", BASE.replace("lot = 1", marked))
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 2
    assert "theirs.toml" in done.stderr and "merge conflict at lines 4-8" in done.stderr
    assert "not valid TOML" not in done.stderr


def test_a_tool_table_between_partners_stays_where_it_is_through_a_merge(tmp_path: Path) -> None:
    """Ours: a tool's table, then a partner added after it by hand; theirs adds a partner. The merge moved
    the tool's tables below the last partner without a blank line, changing lines nobody touched."""
    tool = '\n[tool.crm]\nid = 42\ntags = ["a", "b"]  # crm comment\n'
    base = write(tmp_path / "base.toml", BASE + tool)
    ours = write(tmp_path / "ours.toml", BASE + tool + partner_block("Ours Ltd", "OURS"))
    theirs = write(tmp_path / "theirs.toml", BASE + partner_block("Theirs SA", "THRS") + tool)
    before = ours.read_text(encoding="utf-8")
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 0, (done.stdout, done.stderr)
    # ours' text as it was, their partner after ours (both sides' new partners: ours first)
    assert ours.read_text(encoding="utf-8") == before + partner_block("Theirs SA", "THRS")


def test_theirs_side_of_a_conflict_is_theirs_own_lines(tmp_path: Path) -> None:
    """Theirs' side of a conflict was theirs' value written in ours' line: `country = "EL"  # second` shown as
    `country = "GR"  # first` (ours' comment, the country's canonical code), `title = 'Theirs'` with ours'
    comment. The spec: the markers go around the smallest whole lines that hold the two versions."""
    hand = BASE.replace('title = "Circular skills"', "title = 'Circular skills'   # single-quoted title").replace(
        'country = "PT"', 'country = "PT"  # first')
    base = write(tmp_path / "base.toml", hand)
    ours = write(tmp_path / "ours.toml", hand.replace("'Circular skills'", "'Ours'").replace('"PT"  #', '"ES"  #'))
    theirs = write(tmp_path / "theirs.toml", hand.replace("title = 'Circular skills'   # single-quoted title",
                                                          "title = 'Theirs'").replace('"PT"  # first',
                                                                                      '"EL"  # second'))
    done = run_planner("merge", base, ours, theirs)
    assert done.returncode == 1, (done.stdout, done.stderr)
    text = ours.read_text(encoding="utf-8")
    assert ("<<<<<<< ours\ntitle = 'Ours'   # single-quoted title\n=======\ntitle = 'Theirs'\n>>>>>>> theirs\n"
            in text)
    assert '<<<<<<< ours\ncountry = "ES"  # first\n=======\ncountry = "EL"  # second\n>>>>>>> theirs\n' in text
    assert text.count("<<<<<<<") == 2
    from planner.conflicts import THEIRS, resolve

    taken = write(tmp_path / "taken.toml", resolve(text, [THEIRS, THEIRS]))
    assert taken.read_text(encoding="utf-8") == theirs.read_text(encoding="utf-8")


def test_a_value_changed_in_another_tools_rows_keeps_its_comment(tmp_path: Path) -> None:
    """[[tool.othertool.rows]] holds no id, short name or title: `a = 2 # row 2` made `a = 5` by theirs was
    taken for a row removed and one added, which dropped the comment and left a blank line behind."""
    hand = BASE + ("\n[[tool.othertool.rows]]\na = 1\n\n[[tool.othertool.rows]]\na = 2 # row 2\n"
                   "# the last comment\n")
    ours, theirs = ('title = "Circular skills"', 'title = "Ours"'), ("a = 2 # row 2", "a = 5 # row 2")
    assert merged_clean(tmp_path, hand, ours, theirs) == hand.replace(*ours).replace(*theirs)


def test_a_merge_that_cannot_keep_ours_form_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    """Where ours' layout cannot be edited in place, the merge wrote it canonically, exit 0, not a word."""
    import planner.tomledit
    from planner.cli import main

    def cannot(*_args, **_kwargs):
        raise ValueError("a layout the writer cannot edit")

    hand = "# ask Marta first\n" + BASE
    base = write(tmp_path / "base.toml", hand)
    ours = write(tmp_path / "ours.toml", hand.replace('title = "Circular skills"', 'title = "Ours"'))
    theirs = write(tmp_path / "theirs.toml", hand.replace("lot = 1", "lot = 2"))
    monkeypatch.setattr(planner.tomledit, "edit_text", cannot)
    monkeypatch.setattr(sys, "argv", ["planner", "merge", str(base), str(ours), str(theirs), "--path", "plan.toml"])
    assert main() == 0
    said = capsys.readouterr().err
    assert "plan.toml: written in the planner's own layout: its form (comments, key order) could not be kept" in said
    assert load_plan(ours).lot == 2 and load_plan(ours).title == "Ours"
