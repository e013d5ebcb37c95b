"""The main screen's layout (docs/layout.md): everything at once at 160x48, one pane per key at 80x24.

What the user sees is read from the widgets (scroll ranges, regions, cells) and from the screen text.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input

from planner.qualify_words import in_sentence
from planner.tui.toasts import MAX_SHOWN
from planner.tui.widgets.lot_pane import LotPane
from planner.tui.widgets.partners import PartnersTable
from planner.tui.widgets.scoreboard import RulesTable

from .helpers import SAMPLES, focus, make_app, ready, screen_text, shown_toasts, static_text, verdict, wait_for

PANES = ("#partners-pane", "#lot-pane", "#scoreboard")


def one_line(app) -> str:
    """The screen text with its line breaks and runs of spaces made one space: wrapped text reads whole."""
    return re.sub(r"\s+", " ", screen_text(app))


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def cells(app, row: int) -> dict[str, object]:
    table = app.query_one(PartnersTable)
    return {key.value: cell for key, cell in zip(table.columns, table.get_row_at(row))}


async def test_everything_on_screen_at_160x48():
    """Every partner with its full name, every rule of the lot and all 14 ecosystems, and nothing scrolls."""
    app, _ = make_app(SAMPLES / "lot2-example.toml", read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert app.screen.has_class("-wide")
        plan, rules = app.document.plan, app.document.rules
        table, board_table = app.query_one(PartnersTable), app.query_one(RulesTable)
        scrolling = [table, board_table, app.query_one(LotPane), app.query_one("#ecosystems")]
        # (under load the last layout pass may come a frame later: wait for it, then check each part)
        await wait_for(pilot, lambda: all(w.max_scroll_y == 0 for w in scrolling), "no pane to scroll")
        for widget in scrolling:
            assert (widget.max_scroll_y, widget.max_scroll_x) == (0, 0), widget
        # the table shows all its rows: as high as they are, inside the screen
        assert table.row_count == len(plan.partners) == 16
        assert table.region.height == table.row_count + 1
        assert board_table.row_count == len(app.board.criteria)
        assert board_table.region.height >= board_table.row_count + 1
        for pane in PANES:
            region = app.query_one(pane).region
            assert region.height > 0 and region.bottom <= app.query_one("#verdict").region.y

        text = screen_text(app)
        for partner in plan.partners:
            assert partner.name in text
        for ecosystem in rules.ecosystems:
            assert f"{ecosystem.number:>2}. {ecosystem.name}" in text
        for criterion in app.board.criteria:
            assert criterion.label in text
        # kinds in words; the affiliated entity names its beneficiary
        affiliated = next(i for i, p in enumerate(plan.partners) if p.role == "affiliated-entity")
        assert str(cells(app, affiliated)["role"]) == f"affil. → {plan.partners[affiliated].affiliated_to}"
        assert "Trade, sectoral or professional association" in text
        assert "trade-association" not in text
        # the pane keys are in the border titles and the footer
        assert app.query_one("#lot-pane").border_title == "2 Lot & ecosystem"
        await wait_for(pilot, lambda: re.search(r"1\s*2\s*3\s*Panes", footer(app)), "the pane keys in the footer")


LONG = ("Universidad Politécnica del Noroeste, Escuela Técnica Superior de Ingeniería Agronómica, "
        "Alimentaria y de Biosistemas")
SIXTY = "Fachhochschule für Landwirtschaft und Ernährung Süddeutschla"  # 60 characters


def names_plan(tmp_path: Path) -> Path:
    assert len(SIXTY) == 60
    path = tmp_path / "names.toml"
    path.write_text(
        'format = 1\ntitle = "T"\nlot = 1\n\n'
        f'[[partners]]\nname = "{LONG}"\nshort_name = "UPN"\ncountry = "ES"\nkind = "higher-education"\n'
        'role = "coordinator"\n\n'
        f'[[partners]]\nname = "{SIXTY}"\ncountry = "DE"\nkind = "higher-education"\nrole = "beneficiary"\n\n'
        '[[partners]]\nname = "Fundación para la Formación Agraria"\ncountry = "ES"\nkind = "vet-provider"\n'
        'role = "beneficiary"\n', encoding="utf-8")
    return path


async def test_long_names_and_missing_short_names_at_160_and_80(tmp_path):
    app, _ = make_app(names_plan(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.pause()
        text = screen_text(app)
        assert SIXTY in text  # whole at 160 columns
        shown = re.search(r"Universidad Politécnica[^┃]*…", text)
        assert shown is not None and len(shown.group(0)) >= 60  # a longer one ends in …, not wrapped
        assert LONG not in text
        # partners without a short name get one from their name's first letters, dimmed: rows stay distinct
        derived = [cells(app, i)["short"] for i in (1, 2)]
        assert [str(d) for d in derived] == ["FLES", "FFA"]
        assert all("dim" in str(d.style) for d in derived)
        assert "dim" not in str(cells(app, 0)["short"].style)

        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: app.screen.has_class("-narrow"), "the narrow layout")
        await pilot.pause()
        text = screen_text(app)
        assert app.query_one(PartnersTable).max_scroll_x == 0  # cut with …, not scrolled sideways
        assert re.search(r"Fachhochschule für[^┃]*…", text)
        assert "FLES" in text


async def test_one_pane_per_key_at_80x24(draft):
    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        plan = app.document.plan
        await wait_for(pilot, lambda: re.search(r"1\s*2\s*3\s*Panes", footer(app)), "the pane keys in the footer")
        verdict_bar = app.query_one("#verdict")
        for key, shown in (("2", "#lot-pane"), ("3", "#scoreboard"), ("1", "#partners-pane"), ("3", "#scoreboard")):
            await pilot.press(key)
            pane = app.query_one(shown)

            def laid_out(pane=pane, shown=shown):
                # the chosen pane fills the space between the header and the verdict bar; the others are
                # gone (waited for as a whole: on a busy machine the focus can move a frame before the
                # layout that follows it)
                return (
                    app.focused is not None
                    and pane in app.focused.ancestors
                    and pane.region.y == 1
                    and pane.region.bottom == verdict_bar.region.y
                    and all(app.query_one(other).region.height == 0 for other in PANES if other != shown)
                )

            await wait_for(pilot, laid_out, f"{shown} alone between the header and the verdict bar")
            # the failing rules stay on screen, whichever pane is shown
            text = one_line(app)
            for failure in app.board.failures:
                assert f"{in_sentence(failure.label)} {failure.count}" in text
        assert app.document.plan is plan  # the pane keys change nothing else

        # the scoreboard: the cursor starts on the first failing rule; the line under it says it in full
        first = app.board.failures[0]
        assert first.message in re.sub(r"\s+", " ", static_text(app, "#rule-detail"))
        await pilot.press("down")
        following = app.board.criteria[[c.id for c in app.board.criteria].index(first.id) + 1]
        await wait_for(pilot, lambda: following.label in static_text(app, "#rule-detail"), "the next rule's detail")
        assert following.message in re.sub(r"\s+", " ", static_text(app, "#rule-detail"))

        # enter on a rule goes where it is fixed: the partners pane for a count of partners, the budget
        # screen for the grant (whose key the line shows)
        await pilot.press("up", "enter")
        # the focus can move a frame before the layout that shows its pane (a busy machine): waited for too
        await wait_for(pilot, lambda: app.focused is app.query_one(PartnersTable)
                       and app.query_one("#partners-pane").region.height > 0, "the partners table, shown")
        await pilot.press("3")
        rules_table = app.query_one(RulesTable)
        await wait_for(pilot, lambda: app.focused is rules_table, "the scoreboard")
        rules_table.move_cursor(row=rules_table.ids.index("grant"))
        await wait_for(pilot, lambda: "(enter or b: edit)" in static_text(app, "#rule-detail"), "the grant's detail")
        await pilot.press("enter")
        from planner.tui.screens.budget import BudgetScreen

        from .helpers import wait_main, wait_screen
        await wait_screen(pilot, BudgetScreen)
        await pilot.press("escape")
        await wait_main(pilot)

        # tab walks on into the next pane, which is then the one shown
        await pilot.press("1")
        await wait_for(pilot, lambda: app.query_one("#partners-pane").region.height > 0, "the partners pane")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.query_one("#lot-pane").region.height > 0, "tab to show the lot pane")
        assert app.query_one("#partners-pane").region.height == 0


async def test_empty_plan_says_how_to_add_and_names_every_failure(tmp_path):
    app, _ = make_app(tmp_path / "new.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert "press a to add one" in static_text(app, "#partners-empty")
        assert "press a to add one" in screen_text(app)
        await wait_for(pilot, lambda: "a Add" in footer(app), "the footer")
        assert "Remove" not in footer(app)  # nothing to remove
        assert len(app.board.failures) >= 7
        for key in "231":
            await pilot.press(key)
            await pilot.pause()
            text = one_line(app)
            # every failing rule by name: seven of them, the call they are judged under and the
            # partners to go fill the verdict bar's three lines, so the later counts give way (the
            # scoreboard has them all)
            for failure in app.board.failures:
                assert in_sentence(failure.label) in text
            assert f"{in_sentence(app.board.failures[0].label)} {app.board.failures[0].count}" in text
        # once there is a partner, the hint goes and Remove is offered on the table
        await pilot.press("a")
        from planner.tui.screens.partner_form import PartnerForm

        from .helpers import type_text, wait_main, wait_screen
        form = await wait_screen(pilot, PartnerForm)
        await type_text(pilot, "Alpha")
        form.query_one("#country").value = "DE"
        form.query_one("#kind").value = "enterprise"
        await pilot.press("ctrl+s")
        await wait_main(pilot)
        await wait_for(pilot, lambda: len(app.document.plan.partners) == 1, "the partner to be added")
        assert not app.query_one("#partners-empty").display
        await wait_for(pilot, lambda: "d Remove" in footer(app), "Remove in the footer")


async def test_footer_keys_follow_the_focus(lot1, size):
    app, _ = make_app(lot1)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "? Help" in footer(app), "the footer")
        assert "a Add" in footer(app) and "d Remove" in footer(app)
        grant = app.query_one("#grant", Input)
        await focus(pilot, grant)
        await wait_for(pilot, lambda: "f1 Help" in footer(app), "help shown as f1 in a field")
        shown = footer(app)
        # the one-letter keys type into the field: they leave the footer; ctrl keys stay
        for gone in ("a Add", "l Lot", "c Compare", "Panes", "? Help", "d Remove"):
            assert gone not in shown
        assert "^s Save" in shown
        # and they do type: digits do not switch panes, letters do not add a partner
        await pilot.press("end", "ctrl+u", "1", "2")
        await wait_for(pilot, lambda: grant.value == "12", "12 in the grant field")
        assert app.focused is grant and len(app.screen_stack) == 1
        await pilot.press("f1")
        from planner.tui.screens.help import HelpScreen

        from .helpers import wait_screen
        await wait_screen(pilot, HelpScreen)


def overlaps(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


async def test_notices_cover_no_pane_and_not_the_verdict_bar(draft, size):
    """The main screen's notice stands on the header's line (tui/toasts.py), a long one on the pane
    border under it too: never over a table row, a field or the verdict, and the panes never move."""
    from planner.tui.widgets.partners import PartnersTable

    app, _ = make_app(draft)
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        regions = {s: app.query_one(s).region for s in (*PANES, "#verdict")}
        work = [app.query_one(PartnersTable).region, regions["#verdict"], app.screen.query_one("Footer").region]
        await pilot.press("ctrl+z")  # "Nothing to undo."
        await wait_for(pilot, lambda: shown_toasts(app), "the notice")
        assert [str(t.render()) for t in shown_toasts(app)] == ["Nothing to undo."]
        for i in range(3):
            app.notify(f"Notification {i}: " + "a long message " * 40, timeout=60)
        await wait_for(pilot, lambda: "Notification 2" in str(shown_toasts(app)[-1].render()), "the newest")
        await pilot.pause()
        (notice,) = shown_toasts(app)  # the newest replaces the one before
        assert notice.region.y == 0 and notice.region.height == 1
        assert notice.rest.region.y == 1 and notice.rest.region.height == 1  # its second line, on the border
        # cut to its two lines, and says so, and where to read it whole
        assert screen_text(app).splitlines()[1].rstrip(" ━┓").endswith("… (m: in full)")
        for region in work:
            for line in (notice.region, notice.rest.region):
                assert not overlaps(line, region), (line, region)
        assert {s: app.query_one(s).region for s in (*PANES, "#verdict")} == regions  # nothing moved
        rows = screen_text(app).splitlines()
        assert rows[0].strip().startswith("Notification 2")
        # words of the size a line breaks at: the cut counted characters, and the second line ended in
        # the middle of the message without the mark (wrapping at word ends used up the room)
        app.notify("Plan set to Lot 1, 24 months. " + "WP1 (to month 48), " * 12 + "end after month 24: "
                   "they no longer fit the project; change their months in the budget (b).", timeout=60)
        await wait_for(pilot, lambda: "Plan set" in str(shown_toasts(app)[-1].render()), "the long notice")
        await pilot.pause()
        rows = screen_text(app).splitlines()
        shown = rows[0].strip() + " " + rows[1].strip("┏━┓ ")
        assert shown.endswith("… (m: in full)") and "Plan set to Lot 1, 24 months." in shown, rows[:2]
        bar = regions["#verdict"]
        assert re.sub(r"\s+", " ", "\n".join(rows[bar.y:])).startswith(re.sub(r"\s+", " ", verdict(app)))


async def test_a_two_line_notice_leaves_the_pane_title_in_view(draft, size):
    """A notice too long for the header's line goes on over the border of the pane under it, after the
    pane's title ("1 Partners", the key and the name): the title stays readable while the notice shows,
    whichever pane is shown under it. The notice's two lines read as the message (cut with … at the end
    if it is longer)."""
    from .helpers import through_path_prompt

    app, notes = make_app(draft)
    width = size[0]
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        # save as, into a folder that is not there: an error naming the file and the folder (15 s)
        missing = draft.parent / ("a-folder-that-is-not-there-" * 2).rstrip("-") / "the-plan-of-the-alliance.toml"
        await through_path_prompt(pilot, "w", missing)
        await wait_for(pilot, lambda: shown_toasts(app), "the notice")
        said = next(n for n in notes if n.title == "Not saved")
        full = f"✗ Not saved: {said.message}"
        assert len(full) > width  # two lines
        for key, title in (("1", "1 Partners"), ("2", "2 Lot & ecosystem"), ("3", "3 Scoreboard")):
            if width >= 120 and key != "1":
                break  # from 120 columns the partners are always under the header
            await pilot.press(key)
            assert shown_toasts(app)
            rows = screen_text(app).splitlines()
            border = f"━ {title} ━"
            assert rows[1].startswith(f"┏{border}"), rows[:2]  # the pane's title, in view
            second = rows[1][len(border) + 1:].rstrip(" ━┓")  # the border goes on after the words, to its corner
            shown = " ".join((rows[0] + " " + second).split()).removesuffix(" (m: in full)")
            assert rows[0].strip().startswith("✗ Not saved:") and second.strip(), rows[:2]
            assert " ".join(full.split()).replace(" ", "").startswith(shown.removesuffix("…").replace(" ", ""))
            assert shown.endswith("…") or shown.replace(" ", "") == full.replace(" ", ""), (shown, full)
            # the pane under it keeps its place and its work: the title row is the pane's border
            pane = app.query_one(PANES[int(key) - 1 if width < 120 else 0])
            assert pane.region.y == 1



async def test_a_two_line_notice_follows_the_terminal_as_it_is_resized(draft):
    """The notice is fitted again to each new size while it shows: the width of now, not the one before
    (it was one resize behind: at 160 columns it kept the 80 columns' cut, and at 100 the second line was
    the 160 columns' text cut at the edge, without a mark). Below 60x18 the line under the header is the
    one saying the terminal is small: the notice takes its rows whole, never half of its words, and the
    line is back whole when the notice goes."""
    from .helpers import through_path_prompt

    app, notes = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        missing = draft.parent / ("a-folder-that-is-not-there-" * 2).rstrip("-") / "the-plan-of-the-alliance.toml"
        await through_path_prompt(pilot, "w", missing)
        await wait_for(pilot, lambda: shown_toasts(app), "the notice")
        said = next(n for n in notes if n.title == "Not saved")
        full = " ".join(f"✗ Not saved: {said.message}".split())

        def read(rows: int) -> str:
            """The notice as shown on the top `rows` rows, the pane's title left out."""
            lines = screen_text(app).splitlines()[:rows]
            lines[1:] = [re.sub(r"^┏━ 1 Partners ━", "", line).rstrip(" ━┓") for line in lines[1:]]
            return " ".join(" ".join(lines).split())

        for width, height, rows in ((160, 48, 2), (100, 30, 2), (50, 16, 3), (80, 24, 2)):
            await pilot.resize_terminal(width, height)
            await wait_for(pilot, lambda: len(screen_text(app).splitlines()) == height  # laid out at the new size
                           and read(rows).startswith("✗ Not saved:"), f"the notice at {width}x{height}")
            await pilot.pause()
            shown = read(rows)
            assert max(len(line) for line in screen_text(app).splitlines()[:rows]) <= width
            assert shown.startswith("✗ Not saved:") and "The terminal is small" not in shown, (width, shown)
            if shown.endswith("… (m: in full)"):
                start = shown.removesuffix("… (m: in full)").rstrip()
                assert full.replace(" ", "").startswith(start.replace(" ", "")), (width, shown)
                # the room is used: the first line's text reaches the right edge (less its padding)
                assert len(screen_text(app).splitlines()[0].rstrip()) >= width - 3, (width, shown)
            else:
                assert shown.replace(" ", "") == full.replace(" ", ""), (width, shown)
        await pilot.resize_terminal(50, 16)
        await pilot.pause()
        await pilot.click(shown_toasts(app)[0])
        await wait_for(pilot, lambda: not shown_toasts(app), "the clicked notice to go")
        await pilot.pause()
        assert "The terminal is small (50x16): enlarge it to 60x18 or more." in one_line(app)

async def test_a_short_second_line_leaves_the_rest_of_the_pane_border_in_view(draft):
    """A notice's second line takes the columns its words need: the pane's border goes on after them to its
    corner (the line was as wide as the screen, and a few words blanked the rest of the border out)."""
    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        # a little longer than the header's line, whatever the machine (a path would change with the temp folder)
        message = " ".join(f"word{i}" for i in range(30)) + " and the last few words"
        assert 160 < len(message) < 250
        app.tell(message, timeout=60)
        await wait_for(pilot, lambda: "the last few words" in screen_text(app).splitlines()[1], "its second line")
        row = screen_text(app).splitlines()[1]
        words = row.removeprefix("┏━ 1 Partners ━").rstrip(" ━┓").strip()
        assert words and message.endswith(words) and len(words) < 100, row  # a second line of a few words
        assert row.endswith("━┓"), row  # the border, to its corner


async def test_notices_go_when_they_expire_or_are_clicked_and_are_used_again(draft):
    """The main screen keeps its notice mounted (tui/toasts.py): an expired or clicked one is hidden
    and the title is back; the next notification shows in it at once, in the same turn."""
    from planner.tui.toasts import Notice

    app, _ = make_app(draft)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        kept = set(app.screen.query(Notice))
        assert len(kept) == 1
        app.tell("Short-lived", timeout=0.2)
        assert [str(t.render()) for t in shown_toasts(app)] == ["Short-lived"]  # at once, no message turn
        await wait_for(pilot, lambda: not shown_toasts(app), "the notice to expire")
        await pilot.pause()
        assert "draft.toml" in screen_text(app).splitlines()[0]  # the title is back
        app.tell("Click me", timeout=60)
        toast = shown_toasts(app)[0]
        await pilot.pause()
        await pilot.click(toast)
        await wait_for(pilot, lambda: not shown_toasts(app), "the clicked notice to go")
        assert set(app.screen.query(Notice)) == kept  # none removed, none added
        for i in range(MAX_SHOWN + 2):
            app.tell(f"Toast {i}", timeout=60)
        assert [str(t.render()) for t in shown_toasts(app)] == [f"Toast {MAX_SHOWN + 1}"]


async def test_the_last_rule_stays_in_view_when_its_detail_takes_more_lines(draft):
    """At 80x24, end on the scoreboard: the Deadline's detail is four lines, taken from the table, and the
    highlighted row went out of view under it."""
    from planner.tui.widgets.scoreboard import RulesTable

    app, _ = make_app(draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        table = app.query_one(RulesTable)
        await wait_for(pilot, lambda: app.focused is table, "the scoreboard")
        await pilot.press("end")
        await wait_for(pilot, lambda: table.cursor_row == table.row_count - 1, "the last rule")
        for _ in range(3):
            await pilot.pause()
        assert "Deadline" in static_text(app, "#rule-detail")
        # the row's line (under the fixed header) is within the table's window
        y = table.header_height + table.cursor_row
        assert table.scroll_y + table.header_height <= y < table.scroll_y + table.scrollable_content_region.height
        assert re.search(r"i INFO\s+Deadline", screen_text(app))


async def test_at_40x12_the_line_saying_the_terminal_is_small_leaves_room_for_partners(tmp_path):
    """At 40 columns the sentence took three of the twelve rows, and the table had one row left for a
    partner. Where it would take more than two, a shorter one says the same in two."""
    import shutil

    plan = Path(shutil.copyfile(SAMPLES / "lot2-example.toml", tmp_path / "plan.toml"))
    app, _ = make_app(plan)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: "is small" in static_text(app, "#small-notice"), "the line")
        notice = app.screen.query_one("#small-notice")
        assert notice.region.height == 2, notice.region
        text = " ".join(static_text(app, "#small-notice").split())
        assert text == "Terminal 40x12 is small: enlarge it to 60x18. Everything scrolls.", text
        table = app.screen.query_one(PartnersTable)
        shown = [line for line in screen_text(app).splitlines() if re.search(r"\b(VTU|VJE)\b", line)]
        assert len(shown) == 2 and table.row_count == 16, shown
        await pilot.resize_terminal(50, 12)  # room for the whole sentence in two rows: the whole sentence
        await wait_for(pilot, lambda: "The terminal is small (50x12)" in static_text(app, "#small-notice"),
                       "the whole sentence at 50 columns")
        assert app.screen.query_one("#small-notice").region.height == 2
