"""A file with git's merge conflict markers is "a merge conflict at lines 4-8", not a TOML error."""

from __future__ import annotations

from planner.conflicts import OURS, THEIRS, describe, find_conflicts, resolve
from support import SAMPLES, run_planner

SAMPLE = (SAMPLES / "lot1-example.toml").read_text(encoding="utf-8")
TWO = ('format = 1\n<<<<<<< HEAD\ntitle = "Ours"\n=======\ntitle = "Theirs"\n>>>>>>> feature\nlot = 1\n'
       '<<<<<<< HEAD\nacronym = "A"\n||||||| base\nacronym = "B"\n=======\n>>>>>>> feature\n')


def test_conflicts_are_found_with_both_sides_and_resolved_per_conflict():
    found = find_conflicts(TWO)
    assert [(c.start, c.end) for c in found] == [(2, 6), (8, 13)]
    assert found[0].ours == ('title = "Ours"\n',) and found[0].theirs == ('title = "Theirs"\n',)
    assert found[0].ours_label == "HEAD" and found[0].theirs_label == "feature" and found[0].base is None
    assert found[1].base == ('acronym = "B"\n',) and found[1].theirs == ()
    assert describe(found) == "2 merge conflicts at lines 2-6 and 8-13"
    assert describe(found[:1]) == "a merge conflict at lines 2-6"
    assert resolve(TWO, [THEIRS, OURS]) == 'format = 1\ntitle = "Theirs"\nlot = 1\nacronym = "A"\n'
    assert resolve(TWO, [OURS, THEIRS]) == 'format = 1\ntitle = "Ours"\nlot = 1\n'


def test_markers_count_only_whole_at_a_line_start():
    assert find_conflicts('notes = """\n  <<<<<<< not at the start\n"""\n') == []
    assert find_conflicts("<<<<<<< HEAD\na = 1\n=======\nb = 2\n") == []  # never closed
    assert find_conflicts("<<<<<<<< HEAD\na\n=======\nb\n>>>>>>>> x\n") == []  # eight: not git's


def conflicted(path):
    text = SAMPLE.replace('acronym = "CIRCLE-SME"\n',
                          '<<<<<<< HEAD\nacronym = "CIRCLE-OURS"\n=======\nacronym = "CIRCLE-THEIRS"\n'
                          '>>>>>>> colleague\n')
    path.write_text(text, encoding="utf-8")
    return path


def test_check_ls_and_diff_name_the_conflict(tmp_path):
    path = conflicted(tmp_path / "plan.toml")
    before = path.read_bytes()
    result = run_planner("check", path)
    assert result.returncode == 2
    assert "a merge conflict at lines 4-8" in result.stderr and "not valid TOML" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    listed = run_planner("ls", tmp_path, "--format", "json")
    assert listed.returncode == 0 and "a merge conflict at lines 4-8" in listed.stdout
    fmt = run_planner("fmt", path)
    assert fmt.returncode == 2 and "a merge conflict at lines 4-8" in fmt.stderr
    assert path.read_bytes() == before  # nothing written


def test_a_toml_error_elsewhere_is_still_a_toml_error(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(SAMPLE.replace("lot = 1", "lot = = 1"), encoding="utf-8")
    result = run_planner("check", path)
    assert result.returncode == 2 and "not valid TOML" in result.stderr and "merge conflict" not in result.stderr
