"""What holds for a whole session: the rules the planner was started with, and the settings file."""

from __future__ import annotations

import shutil
from pathlib import Path

import planner
from planner.rules import load_rules_file
from planner.tui.app import PlannerApp, open_document

from .helpers import post_keys, ready, wait_for


def lenient_rules(tmp_path: Path, draft: Path):
    """The 2024 rules with Lot 2's full-partner minimum lowered to what the draft has: that rule passes."""
    text = (Path(planner.__file__).parent / "rules" / "calls" / "2024.toml").read_text(encoding="utf-8")
    plan = open_document(draft).plan
    full = sum(p.role in ("coordinator", "beneficiary") for p in plan.partners)
    old = "min_full_partners = 12\n"
    assert text.count(old) == 1 and full < 12
    path = tmp_path / "lenient.toml"
    path.write_text(text.replace(old, f"min_full_partners = {full}\n"), encoding="utf-8")
    return load_rules_file(path)


async def test_rules_given_at_start_apply_to_a_plan_opened_with_ctrl_o(draft: Path, tmp_path: Path) -> None:
    rules = lenient_rules(tmp_path, draft)
    other = tmp_path / "other.toml"
    shutil.copyfile(draft, other)
    app = PlannerApp(open_document(draft, rules), session_rules=rules)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.board.get("full-partners").status == "pass"
        post_keys(app, ["ctrl+o", "ctrl+l", *str(other), "enter"])
        await wait_for(pilot, lambda: app.document.path == other, "the other plan to be opened")
        assert app.document.rules is rules
        await wait_for(pilot, lambda: app.board.get("full-partners").status == "pass", "the session's rules")


# --- config.toml is edited, not replaced ---------------------------------------------------------

USER_CONFIG = """\
# my planner settings, kept in my dotfiles
theme = "planner-light"   # the light one, for the office

[keys]
# n for new, like my mail client
"planner.add_partner" = "n"
"planner.switch_lot"='ctrl+l'
"""


async def change_theme(draft: Path, config: Path, theme: str) -> str:
    app = PlannerApp(open_document(draft))
    before = config.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.theme = theme  # what the command palette's theme picker does
        await wait_for(pilot, lambda: config.read_bytes() != before, "the theme to be saved")
    return config.read_text(encoding="utf-8")


async def test_changing_the_theme_changes_only_the_theme_line(draft: Path, xdg: Path) -> None:
    config = xdg / "planner" / "config.toml"
    config.parent.mkdir()
    config.write_text(USER_CONFIG, encoding="utf-8")
    after = await change_theme(draft, config, "high-contrast")
    assert after == USER_CONFIG.replace('theme = "planner-light"', 'theme = "high-contrast"')
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]  # no temporary file left


async def test_a_theme_line_is_added_before_the_tables_when_there_is_none(draft: Path, xdg: Path) -> None:
    config = xdg / "planner" / "config.toml"
    config.parent.mkdir()
    text = USER_CONFIG.replace('theme = "planner-light"   # the light one, for the office\n', "")
    config.write_text(text, encoding="utf-8")
    after = await change_theme(draft, config, "ansi-16")
    assert after == text.replace("dotfiles\n", 'dotfiles\ntheme = "ansi-16"\n', 1)
    assert after.startswith("# my planner settings, kept in my dotfiles\ntheme = \"ansi-16\"\n")


async def test_a_symlinked_config_is_written_through_the_link(draft: Path, xdg: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "planner.toml"
    target.write_text(USER_CONFIG, encoding="utf-8")
    (xdg / "planner").mkdir()
    link = xdg / "planner" / "config.toml"
    link.symlink_to(target)
    await change_theme(draft, link, "high-contrast")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == USER_CONFIG.replace('"planner-light"', '"high-contrast"')
