"""The footer never cuts a key: the keys that do not fit the terminal's width are left out from the end,
and the last item says which key lists them all ("? More keys", widgets/footer.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Input

from planner.tui.screens.help import HelpScreen

from .helpers import SAMPLES, footer_items, help_text, make_app, open_budget, ready, screen_text, wait_for, wait_screen

BUDGET_KEYS = ["^s Save", "^z Undo", "esc Close", "a Add WP", "e Edit WP", "d Remove WP", "s Share", "t Timeline",
               "p Problems in full"]


def sample(tmp_path: Path) -> Path:
    """A copy of the sample (a plan open in two tests at once would ask whose it is)."""
    copy = tmp_path / "lot2-example.toml"
    shutil.copyfile(SAMPLES / "lot2-example.toml", copy)
    return copy


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


def footer_row(app) -> str:
    """The screen's last row as drawn, column for column (screen_text joins a group's keys: '123Panes')."""
    return app.screen._compositor.render_strips()[-1].text


def shown_keys(app) -> list[str]:
    return [f"{item.key_display} {item.description}".strip() for item in footer_items(app.screen)]


async def test_the_budget_screen_at_80_columns_shows_whole_keys_and_names_the_key_for_the_rest(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_budget(pilot)
        await wait_for(pilot, lambda: "More keys" in footer_line(app), "? More keys in the footer")
        line = footer_line(app)
        assert line.rstrip().endswith("? More keys")
        shown = [k for k in BUDGET_KEYS if k in line]
        assert shown == BUDGET_KEYS[:len(shown)] and 4 <= len(shown) < len(BUDGET_KEYS)  # from the start, in order
        assert "Timel" not in line or "t Timeline" in line  # no key cut mid-word (Textual's footer: "t Timel")
        assert "Problems in full" not in line
        await pilot.press("question_mark")  # what the last item promises: every key of the screen
        help_screen = await wait_screen(pilot, HelpScreen)
        assert "timeline" in help_text(help_screen) and "problems in full" in help_text(help_screen)


async def test_a_wide_terminal_shows_every_key_and_a_narrower_one_then_leaves_some_out(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_budget(pilot)
        await wait_for(pilot, lambda: all(k in footer_line(app) for k in BUDGET_KEYS), "every key in the footer")
        assert "More keys" not in footer_line(app)
        await pilot.resize_terminal(90, 30)
        await wait_for(pilot, lambda: "More keys" in footer_line(app), "? More keys once narrower")
        assert "p Problems in full" not in footer_line(app)
        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: "More keys" not in footer_line(app), "every key again once wide")
        assert all(k in footer_line(app) for k in BUDGET_KEYS)


async def test_the_main_screen_at_40_columns_names_the_help_key_and_it_opens_the_help(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "More keys" in footer_line(app), "? More keys in the footer")
        line = footer_line(app)
        assert len(line.rstrip()) <= 40 and line.rstrip().endswith("? More keys")
        assert all(k in line for k in shown_keys(app))  # each key shown is whole
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)


async def test_where_a_field_has_the_focus_the_last_item_names_f1_not_a_key_that_types(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(32, 12)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: footer_line(app).rstrip().endswith("? More keys"), "? More keys in the footer")
        # (at 40 columns the field's keys fit: "esc Done ^q Quit ^s Save f1 Help")
        await pilot.press("g")  # the requested grant's field: it types every letter, ? included
        await wait_for(pilot, lambda: isinstance(app.focused, Input), "the grant field")
        await wait_for(pilot, lambda: footer_line(app).rstrip().endswith("f1 More keys"), "f1 More keys")
        assert "?" not in footer_line(app)
        await pilot.press("f1")
        await wait_screen(pilot, HelpScreen)


MAIN_KEYS = ["d Remove", "^q Quit", "a Add", "l Lot", "c Compare", "1 2 3 Panes", "^s Save", "? Help"]


async def test_the_main_screen_leaves_out_only_the_keys_that_do_not_fit_and_a_group_with_its_words(tmp_path):
    """From 80 columns down to 32, each width: the keys shown are the first ones, whole, and the next one
    would not have fitted beside '? More keys' (at 40 columns 'a Add' was left out with 2 columns to
    spare: the room kept for '? More keys' was reckoned 2 wider than it is). The panes' keys and their
    word go together: '1 2 3' stood without 'Panes' from 66 to 70 columns."""
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for width in range(80, 31, -1):
            await pilot.resize_terminal(width, 24)
            await wait_for(pilot, lambda: len(footer_row(app).rstrip()) <= width and (
                footer_row(app).rstrip().endswith("? More keys") or footer_row(app).rstrip().endswith("? Help")),
                f"the footer fitted to {width}")
            await pilot.pause()
            line = footer_row(app).rstrip()
            shown = [key for key in MAIN_KEYS if f" {key} " in f"{line} "]
            assert shown == MAIN_KEYS[:len(shown)], (width, line)
            assert ("1 2 3" in line) == ("1 2 3 Panes" in line), (width, line)
            if line.endswith("? More keys"):
                left_out = MAIN_KEYS[len(shown)]
                # the key left out first, in its place before '? More keys' (2 columns of padding, no margin)
                assert len(line) + 1 + len(left_out) + 2 > width, (width, line, left_out)
            else:
                assert shown == MAIN_KEYS, (width, line)


async def test_a_screen_without_a_help_key_ends_its_cut_footer_with_an_ellipsis(tmp_path):
    """The comparison has no key that lists its keys: where they do not all fit, its footer ends with …
    instead of leaving 'space Cell in full' out without a sign (Textual's footer at least cut it
    mid-word: 'space Cell i')."""
    from planner.tui.screens.compare import CompareScreen

    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await wait_screen(pilot, CompareScreen)
        await wait_for(pilot, lambda: "space Cell in full" in footer_row(app), "every key at 80 columns")
        assert "…" not in footer_row(app)
        await pilot.resize_terminal(40, 12)
        await wait_for(pilot, lambda: footer_row(app).rstrip().endswith("…"), "… where keys are left out")
        line = footer_row(app).rstrip()
        assert len(line) <= 40 and "⏎ Apply column" in line and "space Cell in full" not in line, line
        assert all(k in line for k in shown_keys(app))  # each key shown is whole
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: "space Cell in full" in footer_row(app), "every key again")
        assert "…" not in footer_row(app)


async def test_a_click_on_a_key_in_the_footer_presses_it(tmp_path):
    """The footer draws its keys in one line (widgets/footer.py): a click on a key's words presses it, as
    on Textual's footer; a click on the blank after the keys presses nothing."""
    from planner.tui.screens.partner_form import PartnerForm
    from planner.tui.widgets.footer import KeysLine

    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "a Add" in footer_line(app), "a Add in the footer")
        row = footer_row(app)
        line = app.screen.query_one(KeysLine)
        await pilot.click(line, offset=(len(row.rstrip()) + 2, 0))
        await pilot.pause()
        assert not isinstance(app.screen, PartnerForm)
        await pilot.click(line, offset=(row.index("Add "), 0))
        await wait_screen(pilot, PartnerForm)


async def test_the_key_under_the_mouse_is_highlighted_whole(tmp_path):
    """As on Textual's footer (FooterKey:hover): the key under the pointer, its key and its words, takes the
    theme's hover background; the others keep theirs, and it goes when the pointer leaves."""
    from planner.tui.widgets.footer import KeysLine

    def backgrounds() -> dict[str, str]:
        strip = app.screen._compositor.render_strips()[-1]
        return {segment.text.strip(): str(segment.style.bgcolor) for segment in strip if segment.text.strip()}

    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "a Add" in footer_line(app), "a Add in the footer")
        before = backgrounds()
        assert before["a"] == before["Add"] == before["Lot"]
        line = app.screen.query_one(KeysLine)
        await pilot.hover(line, offset=(footer_row(app).index("Add "), 0))
        await wait_for(pilot, lambda: backgrounds()["Add"] != before["Add"], "the key under the mouse highlighted")
        now = backgrounds()
        assert now["a"] == now["Add"] and now["Lot"] == before["Lot"] and now["Quit"] == before["Quit"]
        await pilot.hover(line, offset=(len(footer_row(app).rstrip()) + 2, 0))
        await wait_for(pilot, lambda: backgrounds() == before, "no key highlighted once the mouse left it")
