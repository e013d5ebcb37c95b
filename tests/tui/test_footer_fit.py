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
    strips = app.screen._compositor.render_strips()
    return strips[-1].text if strips else ""  # a screen not drawn yet


async def line_ending_in(pilot, last: str = "? More keys") -> str:
    """The footer's line (as screen_text reads it) once it ends with `last`, the item that names the key
    for the keys left out."""
    app = pilot.app
    await wait_for(pilot, lambda: footer_line(app).rstrip().endswith(last), f"{last} at the footer's end")
    return footer_line(app).rstrip()


def shown_keys(app) -> list[str]:
    return [f"{item.key_display} {item.description}".strip() for item in footer_items(app.screen)]


async def test_the_budget_screen_at_80_columns_shows_whole_keys_and_names_the_key_for_the_rest(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_budget(pilot)
        line = await line_ending_in(pilot)
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
        line = await line_ending_in(pilot)
        assert len(line) <= 40
        assert all(k in line for k in shown_keys(app))  # each key shown is whole
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)


async def test_where_a_field_has_the_focus_the_last_item_names_f1_not_a_key_that_types(tmp_path):
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(32, 12)) as pilot:
        await ready(pilot)
        await line_ending_in(pilot)
        # (at 40 columns the field's keys fit: "esc Done ^q Quit ^s Save f1 Help")
        await pilot.press("g")  # the requested grant's field: it types every letter, ? included
        await wait_for(pilot, lambda: isinstance(app.focused, Input), "the grant field")
        assert "?" not in await line_ending_in(pilot, "f1 More keys")
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
    """The merge conflicts have no key that lists their keys: where they do not all fit, the footer ends
    with … instead of leaving keys out without a sign (Textual's footer at least cut one mid-word). (The
    comparison, tested so before, now has its help: test_compare.py.)"""
    from planner.tui.screens.conflicts import ConflictScreen

    from .test_conflicts_tui import conflicted, start

    app = start(conflicted(tmp_path / "plan.toml"))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_screen(pilot, ConflictScreen)
        await wait_for(pilot, lambda: "esc Leave it" in footer_row(app), "every key at 160 columns")
        assert "…" not in footer_row(app)
        await pilot.resize_terminal(40, 12)
        await wait_for(pilot, lambda: footer_row(app).rstrip().endswith("…"), "… where keys are left out")
        line = footer_row(app).rstrip()
        assert len(line) <= 40 and "o Take ours" in line and "esc Leave it" not in line, line
        assert all(k in line for k in shown_keys(app))  # each key shown is whole
        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: "esc Leave it" in footer_row(app), "every key again")
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
        assert line.styles.pointer == "pointer"  # a hand over a key, as FooterKey:hover asks the terminal
        await pilot.hover(line, offset=(len(footer_row(app).rstrip()) + 2, 0))
        await wait_for(pilot, lambda: backgrounds() == before, "no key highlighted once the mouse left it")
        assert line.styles.pointer == "default"


async def test_a_keys_tooltip_goes_when_the_keys_change_under_the_mouse(tmp_path):
    """The pointer resting on '1' (its tooltip 'Partners'): tab changes the keys, and the tooltip of a key
    no longer there stood over the words that moved under the pointer."""
    from planner.tui.widgets.footer import KeysLine

    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "1 2 3 Panes" in footer_row(app), "the panes' keys")
        line = app.screen.query_one(KeysLine)
        await pilot.hover(line, offset=(footer_row(app).index(" 1 2 3") + 1, 0))
        await wait_for(pilot, lambda: line.tooltip is not None, "the tooltip of 1")
        await pilot.press("tab")
        await wait_for(pilot, lambda: "d Remove" not in footer_row(app), "the lot pane's keys")
        assert line.tooltip is None and line.styles.pointer == "default"


# --- as Textual's footer draws them (a reviewer's findings, 7 December) -----------------------------------

def _bindings_app(footer_class, bindings):
    from textual.app import App
    from textual.widgets import Static

    class Keys(App):
        BINDINGS = bindings

        def compose(self):
            yield Static("body")
            yield footer_class()

        def check_action(self, action, parameters):
            return action != "off" or None  # None: shown dim and disabled

        def action_on(self) -> None:
            pass

    return Keys()


def _cells(app) -> list[tuple[str, object, object, bool, bool]]:
    """The footer's row, cell by cell: its character, colour and background (none for a blank), bold, dim."""
    cells = []
    for segment in app.screen._compositor.render_strips()[-1]:
        style = segment.style
        for character in segment.text:
            cells.append((character, style and character.strip() and style.color, style and style.bgcolor,
                          bool(style and style.bold), bool(style and style.dim)))
    return cells


async def test_every_kind_of_key_is_drawn_as_textuals_footer_draws_it():
    """Keys alone, a key without words, wide characters, a disabled key, two groups side by side (each
    group's margins are its own: two spaces between them), a compact group ("12 Nums"): the same row,
    cell for cell, as Textual's footer, the palette's key included."""
    from textual.binding import Binding
    from textual.widgets import Footer

    from planner.tui.widgets.footer import PlannerFooter

    panes, other, nums = Binding.Group("Panes"), Binding.Group("Other"), Binding.Group("Nums", compact=True)
    bindings = [Binding("a", "on", "追加"), Binding("z", "on2", ""), Binding("b", "off", "Off", key_display="⏎"),
                Binding("1", "p1", "P1", group=panes), Binding("2", "p2", "P2", group=panes),
                Binding("x", "q1", "Q1", group=other), Binding("y", "q2", "Q2", group=other),
                Binding("3", "n1", "N1", group=nums), Binding("4", "n2", "N2", group=nums), Binding("c", "on3", "Cee")]
    rows = []
    for footer_class in (Footer, PlannerFooter):
        app = _bindings_app(footer_class, bindings)
        async with app.run_test(size=(100, 5)) as pilot:
            for _ in range(5):
                await pilot.pause()
            rows.append(_cells(app))
    textuals, ours = rows
    assert "".join(c[0] for c in ours) == "".join(c[0] for c in textuals)
    assert "Panes  x y" in "".join(c[0] for c in ours) and "34 Nums" in "".join(c[0] for c in ours)
    assert ours == textuals


async def test_the_palette_key_follows_the_terminal_across_100_columns(tmp_path):
    """Below 100 columns the palette's key gives its room to the keys (the help names ctrl+p). It came or
    went only at the next change of keys: at 80 columns after 120 it stood there, and '? More keys'
    with it, though every key fitted."""
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "^p palette" in footer_row(app), "the palette's key at 120 columns")
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: "^p palette" not in footer_row(app), "no palette key at 80 columns")
        assert "More keys" not in footer_row(app) and "? Help" in footer_row(app)
        await pilot.resize_terminal(100, 24)
        await wait_for(pilot, lambda: "^p palette" in footer_row(app), "the palette's key again at 100")


async def test_where_not_even_more_keys_fits_the_footer_says_so_with_an_ellipsis(tmp_path):
    """Under 14 columns '? More keys' itself was cut ('? More key', '? Mor'): '…' stands there instead,
    and nothing is cut mid-word."""
    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for width in (16, 14, 12, 8):
            await pilot.resize_terminal(width, 24)
            await wait_for(pilot, lambda: footer_row(app).rstrip().endswith(("? More keys", "…")),
                           f"the footer at {width} columns")
            line = footer_row(app).rstrip()
            assert "More key" not in line or line.endswith("? More keys"), (width, line)


async def test_a_dialog_opened_and_closed_before_the_footer_redraws_does_not_stop_it(tmp_path):
    """The footer's redraw waits for its screen's next frame. Through `call_after_refresh` it went, once its
    message was read, to the screen on top then: a dialog opened in between took it along when it closed,
    and the footer, still waiting, kept the table's keys for good."""
    from textual.screen import ModalScreen
    from textual.widgets import Static

    from planner.tui.widgets.footer import PlannerFooter

    class Dialog(ModalScreen):
        def compose(self):
            yield Static("a dialog")

    app, _ = make_app(sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        main_screen = app.screen
        footer = main_screen.query_one(PlannerFooter)
        await wait_for(pilot, lambda: "d Remove" in footer_row(app), "the table's keys")
        footer.bindings_changed(main_screen)  # a change of keys noticed: the redraw asked for
        app.push_screen(Dialog())  # and a dialog opened and closed before it ran
        footer.call_later(app.pop_screen)
        await wait_for(pilot, lambda: app.screen is main_screen, "the dialog closed")
        await pilot.press("tab")  # the lot pane: its keys, not the table's
        await wait_for(pilot, lambda: "d Remove" not in footer_row(app), "the footer following the focus")
