"""Scoreboards as text for people (plain table, Markdown) and as JSON for tools."""

from __future__ import annotations

import textwrap

from planner.budget import budget, budget_problems
from planner.model import Plan
from planner.qualify_words import in_sentence
from planner.rules import CallRules
from planner.safetext import visible
from planner.scoring import CRITERIA_ORDER, Criterion, Scoreboard

STATUS_WORDS = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "info": "INFO"}


def _plan_line(plan: Plan, path: str | None) -> str:
    name = f"{plan.title} ({plan.acronym})" if plan.acronym else plan.title
    return f"{path}: {name}" if path else name


def closed_note(board: Scoreboard) -> str:
    """'under call 2026, closed 10 Mar 2026' when the call's deadline had passed as the plan was judged,
    'under call 2027, expected (provisional)' for a call not published yet, else ''."""
    if board.expected:
        return f"under call {board.call}, expected (provisional)"
    if board.closed_at is None:
        return ""
    d = board.closed_at
    return f"under call {board.call}, closed {d.day} {d:%b %Y}"


def call_status(board: Scoreboard) -> str:
    """The call's status as the plan was judged, for reports and exports: 'expected early 2027, not yet
    published', 'closes in 40 days', 'closes today', 'closed 10 Mar 2026'."""
    if board.expected:
        when = board.rules.expected if board.rules is not None else None
        return f"expected {when}, not yet published" if when else "expected, not yet published"
    if board.closed_at is not None:
        d = board.closed_at
        return f"closed {d.day} {d:%b %Y}"
    c = board.get("deadline")
    if c is None or c.days_left is None:
        return ""
    if c.days_left == 0:
        return c.message.partition(" at ")[0]  # 'closes today', 'closes tomorrow'
    return f"closes in {c.days_left} day{'s' if c.days_left != 1 else ''}"


def call_heading(rules: CallRules, board: Scoreboard) -> str:
    """'Erasmus+ Alliances for Innovation 2027 (expected early 2027, not yet published)':
    the plan's call and its status, never another call's countdown."""
    status = call_status(board)
    return f"{rules.title} ({status})" if status else rules.title


def judged_headline(board: Scoreboard) -> str:
    """The headline, saying under which call when that call is closed (for the TUI verdict bar too):
    'ELIGIBLE under call 2026, closed 10 Mar 2026: Lot 1, 24 months', else as `board.headline`."""
    note = closed_note(board)
    if not note:
        return board.headline
    word, _, rest = board.headline.partition(": ")
    # the condition after the call: 'ELIGIBLE under call 2027, expected (provisional), if Switzerland is ...'
    condition = board.condition
    word = word.removesuffix(condition)
    return f"{word} {note}{',' if condition else ''}{condition}: {rest}"


def verdict_bar(board: Scoreboard) -> str:
    """The verdict bar's words: the judged headline, and for a plan short of partners the total to go:
    'NOT ELIGIBLE under call 2024, closed 7 Mar 2024: 4 rules fail · 3 new partners to go'."""
    text = judged_headline(board)
    if board.eligible:
        return text
    tq = board.to_qualify
    n = tq.new_full_partners
    if n:
        text += f" · {n} new partner{'s' if n != 1 else ''} to go"
    if tq.in_all:  # a beneficiary that may only be an associated partner: the count once it is one
        text += f", {tq.in_all} once {tq.in_all_once}" if n else \
            f" · {tq.in_all} new partner{'s' if tq.in_all != 1 else ''} to go once {tq.in_all_once}"
    return text


def verdict_line(board: Scoreboard) -> str:
    """'NOT ELIGIBLE under call 2024, closed 7 Mar 2024: 2 rules fail (countries, grant); 1 warning'."""
    text = judged_headline(board)
    if board.failures:
        text += f" ({', '.join(c.id for c in board.failures)})"
    if board.warnings:
        n = len(board.warnings)
        text += f"; {n} warning{'s' if n != 1 else ''}"
    return text


def check_text(board: Scoreboard, plan: Plan, rules: CallRules, path: str | None, width: int = 100) -> str:
    lot = rules.lot(board.lot)
    lines = [
        _plan_line(plan, path),
        *textwrap.wrap(f"Call {rules.id} ({rules.name}{_open_status(board)}), Lot {lot.number} {lot.name}, "
                       f"{board.duration_months} months", max(width, 40), subsequent_indent="  "),
        "",
    ]
    label_w = max(len(shown_label(c.label, c.provisional)) for c in board.criteria)
    count_w = max([len(c.count) for c in board.criteria] + [3])
    head = f"{'STATUS':<6}  {'CRITERION':<{label_w}}  {'N/M':<{count_w}}  "
    message_w = width - len(head)
    if message_w < 30:
        # too narrow for a column: the message goes under its row
        lines.append(f"{'STATUS':<6}  {'CRITERION':<{label_w}}  N/M")
        for c in board.criteria:
            label = shown_label(c.label, c.provisional)
            lines.append(f"{STATUS_WORDS[c.status]:<6}  {label:<{label_w}}  {c.count}".rstrip())
            lines.extend(textwrap.wrap(c.message, max(width - 8, 20), initial_indent=" " * 8,
                                       subsequent_indent=" " * 8))
    else:
        lines.append(head + "WHAT IT MEANS")
        for c in board.criteria:
            label = shown_label(c.label, c.provisional)
            first = f"{STATUS_WORDS[c.status]:<6}  {label:<{label_w}}  {c.count:<{count_w}}  "
            wrapped = textwrap.wrap(c.message, message_w) or [""]
            lines.append(first + wrapped[0])
            lines.extend(" " * len(head) + more for more in wrapped[1:])
    # the notes wrapped to the width, as the rules' messages are (a note is up to 160 characters)
    lines += [wrapped for line in provisional_lines(board)
              for wrapped in (textwrap.wrap(line, max(width, 40), subsequent_indent="  ") or [""])]
    lines += ["", f"Verdict: {verdict_line(board)}"]
    lines += steps_lines(board, width)
    return visible("\n".join(lines), keep_newlines=True) + "\n"


def _open_status(board: Scoreboard) -> str:
    """'; closes in 40 days' or '; expected, not yet published ...' (a closed call says it in the verdict)."""
    return "" if board.closed_at is not None or not call_status(board) else f"; {call_status(board)}"


def steps_lines(board: Scoreboard, width: int = 100) -> list[str]:
    """'What it takes:' and each step as a wrapped '- ' item; nothing when the plan is eligible."""
    steps = board.to_qualify.steps
    if not steps:
        return []
    lines = ["What it takes:"]
    for step in steps:
        lines += textwrap.wrap(step, max(width, 40), initial_indent="  - ", subsequent_indent="    ",
                               break_on_hyphens=False)
    return lines


def shown_label(label: str, provisional: bool) -> str:
    """A criterion's label, with `*` where its verdict rests on a provisional figure."""
    return f"{label} *" if provisional else label


def provisional_lines(board: Scoreboard, bullet: str = "", leave_out: tuple[str, ...] = ()) -> list[str]:
    """The notes on provisional figures, after a blank line ('' when there are none); `leave_out`:
    criterion ids a report does not show (the partners' report has no self-assessment)."""
    hidden = tuple(f"the {c.label} rule is provisional" for c in board.criteria if c.id in leave_out)
    notes = [n for n in board.provisional_notes if not n.startswith(hidden)] if hidden else board.provisional_notes
    if not notes:
        return []
    why = "the call is expected, not published" if board.expected else "rests on secondary sources only"
    return ["", f"* provisional: {why}", *(f"{bullet}{n}" for n in notes)]


def _md_cell(text: str) -> str:
    """Text for one Markdown table cell: pipes escaped, one line, control characters made visible."""
    return visible(text.replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def check_markdown(board: Scoreboard, plan: Plan, rules: CallRules, path: str | None) -> str:
    lot = rules.lot(board.lot)
    lines = [
        f"## {_md_cell(_plan_line(plan, path))}",
        "",
        f"Call {rules.id}, Lot {lot.number} ({lot.name}), {board.duration_months} months: "
        f"**{verdict_line(board)}**",
        "",
        "| Status | Criterion | N/M | What it means |",
        "|---|---|---|---|",
    ]
    for c in board.criteria:
        label = _md_cell(shown_label(c.label, c.provisional)).replace("*", "\\*")
        lines.append(f"| {STATUS_WORDS[c.status]} | {label} | {c.count} | {_md_cell(c.message)} |")
    lines += [_md_cell(line).replace("*", "\\*") if line else line
              for line in provisional_lines(board, bullet="- ")]
    if board.to_qualify.steps:
        lines += ["", "What it takes:", "", *(f"- {_md_cell(step)}" for step in board.to_qualify.steps)]
    return visible("\n".join(lines), keep_newlines=True) + "\n"


def check_json(board: Scoreboard, path: str | None) -> str:
    import json

    return json.dumps(board.as_dict(path), indent=2, ensure_ascii=False) + "\n"


def column_title(board: Scoreboard) -> str:
    return f"Lot {board.lot} {board.duration_months}m"


REASON_WIDTH = 30


def money(amount: int) -> str:
    """EUR 3,950,000 as 3.95M, 984,000 as 984k: cut to whole thousands, never rounded up."""
    if amount >= 1_000_000:
        return f"{amount // 1_000 / 1_000:g}M"
    if amount >= 1_000:
        return f"{amount // 1_000}k"
    return str(amount)


def cell_reason(c: Criterion, board: Scoreboard, plan: Plan, rules: CallRules) -> str:
    """Why a comparison cell fails or warns, in a few words: 'EUR 3.9M > 1.5M cap', '7/8', or the message's start."""
    if c.id == "grant" and c.status in ("fail", "warn") and board.estimate is not None:
        est = board.estimate
        if c.status == "fail" and board.cap_eur is not None:
            return f"EUR {money(est.contribution_eur)} > {money(board.cap_eur)} cap"
        return "grant ≠ budget"
    if c.id == "budget" and c.status in ("fail", "warn"):
        found = budget_problems(plan, rules, board.duration_months)
        n = len(found.fails) if c.status == "fail" else len(found.warnings)
        return f"{n} problem{'s' if n != 1 else ''}" if c.status == "fail" else f"{n} warning{'s' if n != 1 else ''}"
    if c.id == "grant" and c.status in ("fail", "warn"):
        b = budget(plan, rules, board.lot, board.duration_months)
        if c.status == "fail" and b.requested is not None and b.cap is not None:
            asked, cap = money(b.requested), money(b.cap)
            if asked == cap:  # 1,000,400 against 1,000,000: the short forms would read the same
                asked, cap = f"{b.requested:,}", f"{b.cap:,}"
            return f"EUR {asked} > {cap} cap"
        if b.unassigned and b.requested is not None:
            return f"shares {money(b.shares_total)} ≠ {money(b.requested)} asked"
        if b.without_share:
            return f"{len(b.without_share)} without a share"
    if c.count:
        return c.count
    text = c.message.split(":")[0].split(";")[0]
    return text if len(text) <= REASON_WIDTH else text[:REASON_WIDTH - 1] + "…"


def comparison_rows(boards: list[Scoreboard], plan: Plan | None = None,
                    rules: CallRules | None = None) -> list[tuple[str, str, list[str]]]:
    """(criterion id, label, one cell per board) in the order the criteria first appear.

    Given the plan and its rules, a failing or warning cell says why ('FAIL EUR 3.9M > 1.5M cap')."""
    labels = {c.id: c.label for board in boards for c in board.criteria}
    order = [(cid, labels[cid]) for cid in CRITERIA_ORDER if cid in labels]
    rows = []
    for cid, label in order:
        cells = []
        for board in boards:
            c = board.get(cid)
            if c is None:
                cells.append("-")
                continue
            detail = c.count if plan is None or rules is None or c.status in ("pass", "info") \
                else cell_reason(c, board, plan, rules)
            cells.append(" ".join(part for part in (STATUS_WORDS[c.status], detail, "*" * c.provisional) if part))
        rows.append((cid, label, cells))
    return rows


NOTHING_MISSING = "nothing missing"


def takes_cell(board: Scoreboard, wide: bool = False) -> str:
    """A comparison cell of the 'What it takes' row: 'nothing missing', '+3 partners', 'ecosystem' ...;
    `wide`: every step in a few words ('+3 partners, 1 ecosystem' for '+3 & 1 more')."""
    tq = board.to_qualify
    return NOTHING_MISSING + board.condition_codes if tq.eligible else (tq.in_words() if wide else tq.short())


# a criterion's name gives way first (cut with …), down to this: 'What it takes', the one label kept whole
LABEL_MIN = 13


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def own_column(boards: list[Scoreboard], plan: Plan) -> int | None:
    """The index of the board of the plan as it is (its lot, its duration or the lot's own), None without one."""
    board = next((b for b in boards if b.lot == plan.lot), None)
    months = plan.duration_months or (board.duration_months if board else None)
    return next((i for i, b in enumerate(boards) if (b.lot, b.duration_months) == (plan.lot, months)), None)


def compare_text(boards: list[Scoreboard], plan: Plan, path: str | None, rules: CallRules | None = None,
                 width: int = 100) -> str:
    """The comparison as a table that fits `width` columns (the terminal's; 80 when it is none; 40 at the
    least, as every wrapped line of the CLI): the cells in full where every column has the room, else in
    short ('FAIL 8/12 *' for 'FAIL EUR 1.45M > 1M cap *', '+4 & 1 more' for '+4 partners, 1 ecosystem'),
    the criteria's names cut with … first; columns that do not fit even so go on in a table under it, the
    names again on its left. The steps under the table say everything in full."""
    width = max(width, 40)
    long_rows = comparison_rows(boards, plan, rules)
    short_rows = comparison_rows(boards)
    n = max(len(boards), 1)
    # each row's cells in (long, short) form
    Pair = tuple[list[str], list[str]]
    criteria: list[Pair] = [(cells, short) for (_, _, cells), (_, _, short) in zip(long_rows, short_rows)]
    star = " *" if any(b.expected for b in boards) else ""  # an expected call: every verdict is provisional
    # 'ELIGIBLE if CH', 'nothing missing if CH': eligible once Switzerland's association is in force
    verdicts: Pair = ([(f"ELIGIBLE{b.condition_codes}" if b.eligible else f"NOT ELIGIBLE ({len(b.failures)})") + star
                       for b in boards],
                      [(f"ELIGIBLE{b.condition_codes}" if b.eligible else f"{len(b.failures)} failing") + star
                       for b in boards])
    takes: Pair = ([takes_cell(b, wide=True) for b in boards],
                   [(f"nothing{b.condition_codes}" if b.to_qualify.eligible else takes_cell(b)) for b in boards])
    # '▸' the plan's own column, as in the TUI's comparison; 2 characters a title has room for
    own = own_column(boards, plan)
    titles = [("▸ " if i == own else "") + column_title(b) for i, b in enumerate(boards)]
    labels = [label for _, label, _ in long_rows] + ["Verdict", "What it takes"]
    label_full = max(len(label) for label in labels)
    label_min = min(LABEL_MIN, label_full)
    # the failing rules named under each verdict, one a line: in full with the long cells, else cut with …
    failing = [[f"  {in_sentence(c.label)}" for c in b.failures] for b in boards]

    def col_width(which: int) -> int:
        cells = [cell for pair in [*criteria, verdicts, takes] for cell in pair[which]]
        return max(len(text) for text in [*titles, *cells, *(sum(failing, []) if which == 0 else [])])

    # as many columns a table as fit beside the names cut to label_min (at least one, its cells cut to fit)
    short_w = col_width(1)
    per = max(1, min(n, (width - label_min) // (short_w + 2)))
    per = -(-n // -(-n // per))  # the tables' columns evened out: 3 and 3, not 5 and 1
    if label_full + 2 * per + per * col_width(0) <= width:
        label_w, col_w = label_full, col_width(0)
    else:
        label_w = max(min(label_full, width - 2 * per - per * short_w), label_min)
        col_w = (width - 2 * per - label_w) // per  # short_w or more, but where one column is too wide

    def cells_of(pair: Pair, shown: range) -> str:
        return "  ".join(f"{_cut(pair[0][i] if len(pair[0][i]) <= col_w else pair[1][i], col_w):<{col_w}}"
                         for i in shown)

    lines = textwrap.wrap(_plan_line(plan, path), width, subsequent_indent="  ", break_long_words=False,
                          break_on_hyphens=False) or [""]
    note = closed_note(boards[0]) if boards else ""
    if note:
        lines += textwrap.wrap(f"Judged {note}", width, subsequent_indent="  ")
    for start in range(0, len(boards), per):
        shown = range(start, min(start + per, len(boards)))
        lines.append("")
        lines.append(f"{'CRITERION':<{label_w}}  " + "  ".join(f"{_cut(titles[i], col_w):<{col_w}}" for i in shown))
        for (_, label, _), pair in zip(long_rows, criteria):
            lines.append(f"{_cut(label, label_w):<{label_w}}  " + cells_of(pair, shown))
        lines.append(f"{'Verdict':<{label_w}}  " + cells_of(verdicts, shown))
        for k in range(max(len(failing[i]) for i in shown)):
            names = [failing[i][k] if k < len(failing[i]) else "" for i in shown]
            lines.append(f"{'':<{label_w}}  " + "  ".join(f"{_cut(name, col_w):<{col_w}}" for name in names))
        lines.append(f"{'What it takes':<{label_w}}  " + cells_of(takes, shown))
    for b in boards:
        if b.to_qualify.steps:
            lines += ["", f"What it takes for {column_title(b)}:"]
            for step in b.to_qualify.steps:
                lines += textwrap.wrap(step, width, initial_indent="  - ", subsequent_indent="    ",
                                       break_on_hyphens=False)
    conditional = next((b for b in boards if b.condition_codes), None)
    if conditional is not None:  # 'if CH' in a cell, in words under the table
        codes = conditional.condition_codes.strip()
        lines += ["", *textwrap.wrap(f"{codes}: eligible only{conditional.condition} (a condition of the call; "
                                     "'planner check' says which)", width, subsequent_indent="  ")]
    if star:  # as check says it: the call, not a figure, is why
        lines += ["", *textwrap.wrap("* provisional: the call is expected, not published: every rule is provisional "
                                     "until the call text is out", width, subsequent_indent="  ")]
    elif any(c.provisional for b in boards for c in b.criteria):
        lines += ["", *textwrap.wrap("* provisional: the verdict rests on a figure from secondary sources only; "
                                     "'planner check --lot N' names it", width, subsequent_indent="  ")]
    return visible("\n".join(line.rstrip() for line in lines), keep_newlines=True) + "\n"


def takes_markdown(board: Scoreboard) -> str:
    """The 'What it takes' cell in Markdown: every step, numbered when there are several."""
    steps = board.to_qualify.steps
    if not steps:
        return NOTHING_MISSING
    if len(steps) == 1:
        return steps[0]
    return " ".join(f"({i}) {step}" for i, step in enumerate(steps, start=1))


def compare_markdown(boards: list[Scoreboard], plan: Plan, path: str | None, rules: CallRules | None = None) -> str:
    lines = [f"## {_md_cell(_plan_line(plan, path))}", ""]
    note = closed_note(boards[0]) if boards else ""
    if note:
        lines += [f"Judged {note}.", ""]
    lines += ["| Criterion | " + " | ".join(column_title(b) for b in boards) + " |",
              "|---|" + "---|" * len(boards)]
    for _, label, cells in comparison_rows(boards, plan, rules):
        lines.append(f"| {_md_cell(label)} | " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    verdicts = ["**ELIGIBLE**" if b.eligible else
                f"**NOT ELIGIBLE** ({len(b.failures)}): {', '.join(in_sentence(c.label) for c in b.failures)}"
                for b in boards]
    lines.append("| Verdict | " + " | ".join(verdicts) + " |")
    lines.append("| What it takes | " + " | ".join(_md_cell(takes_markdown(b)) for b in boards) + " |")
    return visible("\n".join(lines), keep_newlines=True) + "\n"


def compare_json(boards: list[Scoreboard], path: str | None) -> str:
    import json

    return json.dumps({"plan": path, "verdicts": [b.as_dict(path) for b in boards]}, indent=2,
                      ensure_ascii=False) + "\n"


def content_lots(rules: CallRules) -> str:
    """The lots whose proposals must plan profiles and activities, from the rules: 'Lot 2'."""
    numbers = [str(lot.number) for lot in rules.lots if lot.content_requirements]
    if not numbers:
        return "No lot's"
    return f"Lot {numbers[0]}" if len(numbers) == 1 else f"Lots {', '.join(numbers[:-1])} and {numbers[-1]}"
