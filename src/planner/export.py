"""A plan exported for people and tools: CSV of partners, a report to mail (Markdown or plain text), JSON."""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from collections.abc import Collection

from planner.budget import Estimate, budget
from planner.editing import counting_note
from planner.model import Partner, Plan
from planner.report import STATUS_WORDS, _md_cell, call_heading, provisional_lines, shown_label, verdict_line
from planner.rules import CallRules, Lot
from planner.safetext import visible
from planner.scoring import Scoreboard

CSV_COLUMNS = ("name", "short_name", "country", "country_name", "kind", "role", "pic", "grant_eur",
               "affiliated_to", "eche", "counts_towards_minimums", "notes")


def eche_word(value: bool | None) -> str:
    """yes, no, or '' (not known): the words the CSV import reads back."""
    return "" if value is None else ("yes" if value else "no")


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) phones home).
# OWASP's rule: put an apostrophe before it, so that the cell shows as text. The import takes the
# apostrophe off again, so that an exported file reads back unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV without a byte order mark as the system's code page, and "Università" turns into
# "UniversitÃ ". With the mark, Excel, LibreOffice, Numbers, Google Sheets and the planner's own import
# all read UTF-8; `--no-bom` leaves it out for tools that do not want it.
BOM = "\ufeff"


def safe_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula and that holds no control character; numbers stay numbers."""
    if not isinstance(value, str):
        return value
    text = visible(value, keep_newlines=True)
    return "'" + text if value.startswith(FORMULA_STARTS) else text


# Excel splits a CSV on the list separator of the system's settings: a comma in English ones, a semicolon
# where the comma is the decimal mark (Dutch, German, French, Spanish...). The import reads either.
DELIMITERS = {",": "comma", ";": "semicolon"}


def partners_csv(plan: Plan, rules: CallRules, bom: bool = False, delimiter: str = ",") -> str:
    """One row per participant; the header names match what `planner import-partners` reads.
    Text cells are made safe for spreadsheets (`safe_cell`); `bom` starts the text with a UTF-8 BOM;
    `delimiter` is one of `DELIMITERS`."""
    import csv

    if delimiter not in DELIMITERS:
        raise ValueError(f"unknown CSV delimiter {delimiter!r}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", delimiter=delimiter)
    writer.writerow(CSV_COLUMNS)
    for p in plan.partners:
        writer.writerow([safe_cell(cell) for cell in (
            p.name, p.short_name or "", p.country, rules.country_name(p.country), p.kind, p.role,
            p.pic or "", "" if p.grant_eur is None else p.grant_eur, p.affiliated_to or "",
            eche_word(p.eche), counts_words(p, rules), p.notes or "")])
    return (BOM if bom else "") + out.getvalue()


# a full partner from a third country not associated counts as a partner (full partners, its kind),
# only its country counts towards no minimum: "no: country not associated" read as "does not count"
PARTNER_NOT_COUNTRY = "yes, not its country"


def counts_words(partner: Partner, rules: CallRules) -> str:
    """The Counts column: 'yes', 'yes, not its country' (a full partner from a third country not
    associated), or 'no: associated partner' (and the other reasons of `editing.counting_note`)."""
    note = counting_note(partner, rules)
    if not note:
        return "yes"
    if note == "country not associated":
        return PARTNER_NOT_COUNTRY
    return f"no: {note}"


def plan_json(plan: Plan, board: Scoreboard, path: str | None) -> str:
    import json

    return json.dumps({"plan": plan.to_document(), "verdict": board.as_dict(path)}, indent=2,
                      ensure_ascii=False) + "\n"


def _eur(amount: int | None) -> str:
    return "" if amount is None else f"EUR {amount:,}"


def kind_words(kind_id: str, rules: CallRules) -> str:
    """'Higher education institution' for 'higher-education'; an id the call does not know stays as it is."""
    kind = rules.kind(kind_id)
    return kind.label if kind else kind_id


def role_words(role_id: str, rules: CallRules) -> str:
    role = rules.role(role_id)
    return role.label if role else role_id


def _left_out(for_partners: bool) -> tuple[str, ...]:
    # the award rule is the self-assessment's score: internal, like the self-assessment itself
    return ("award",) if for_partners else ()


def _shown_criteria(board: Scoreboard, for_partners: bool):
    return [c for c in board.criteria if c.id not in _left_out(for_partners)]


def markdown_report(plan: Plan, rules: CallRules, board: Scoreboard, path: str | None,
                    for_partners: bool = False) -> str:
    """A report a coordinator can mail to the partners (judge it with `now` in Brussels time: the
    readers live in many time zones, so the sender's own is no help to them).

    Kinds and roles read in words. `for_partners` leaves out what stays in the coordinator's team:
    the self-assessment and the notes."""
    lot = rules.lot(board.lot)
    title = f"{plan.title} ({plan.acronym})" if plan.acronym else plan.title
    md = [f"# {_md_cell(title)}", "",
          f"{call_heading(rules, board)}, Lot {lot.number}: {lot.name}, {board.duration_months} months.", "",
          f"**{verdict_line(board)}**", ""]
    if board.to_qualify.steps:
        md += ["What it takes:", "", *(f"- {_md_cell(step)}" for step in board.to_qualify.steps), ""]
    if plan.ecosystems:
        names = [f"{e.number}. {e.name}" for e in (rules.ecosystem(i) for i in plan.ecosystems) if e]
        md += [f"Industrial ecosystem{'s' if len(names) != 1 else ''}: {', '.join(names)}.", ""]

    md += ["## Partners", "", "| # | Partner | Name | Country | Kind | Role | PIC | ECHE | Counts |",
           "|---:|---|---|---|---|---|---|---|---|"]
    for i, p in enumerate(plan.partners, start=1):
        note = counts_words(p, rules)
        md.append(f"| {i} | {_md_cell(p.short_name or '')} | {_md_cell(p.name)} | "
                  f"{rules.country_name(p.country)} ({p.country}) | {_md_cell(kind_words(p.kind, rules))} | "
                  f"{role_words(p.role, rules)} | {p.pic or ''} | "
                  f"{eche_word(p.eche)} | {note} |")
    by_country = Counter(p.country for p in plan.partners)
    by_kind = Counter(p.kind for p in plan.partners)
    md += ["", "By country: " + ", ".join(f"{rules.country_name(c)} {n}" for c, n in
                                      sorted(by_country.items(), key=lambda item: rules.country_name(item[0]))),
           "", "By kind: " + ", ".join(f"{kind_words(k, rules)} {n}" for k, n in sorted(by_kind.items())), ""]

    md += ["## Eligibility", "", "| Status | Criterion | N/M | What it means |", "|---|---|---|---|"]
    for c in _shown_criteria(board, for_partners):
        label = _md_cell(shown_label(c.label, c.provisional)).replace("*", "\\*")
        md.append(f"| {STATUS_WORDS[c.status]} | {label} | {c.count} | {_md_cell(c.message)} |")
    md += [_md_cell(line).replace("*", "\\*") if line else line for line in provisional_lines(
        board, bullet="- ", leave_out=_left_out(for_partners))]

    if board.estimate is not None:  # the estimated budget and the work plan, in place of the typed shares
        # here: the TUI's partners table loads this module at start (kind_words); only a report needs these
        from planner.budget_report import budget_sections, summary_line

        md += ["", "## Budget", "", summary_line(board.estimate, board.cap_eur, board.duration_months) + "."]
        md += budget_sections(board.estimate, plan, heading="###")
        return _markdown_rest(md, plan, rules, lot, for_partners)
    b = budget(plan, rules, board.lot, board.duration_months)
    md += ["", "## Budget", "",
           f"Requested grant: {_eur(b.requested) or 'not set'}; cap for {b.months} months: {_eur(b.cap) or 'none'}."]
    if b.implied_total_budget is not None:
        md.append(f"At the {b.funding_rate_percent}% funding rate the lump sum implies an estimated total budget "
                  f"of {_eur(b.implied_total_budget)}.")
    md += ["", "| Partner | Role | Share | % of request |", "|---|---|---:|---:|"]
    for s in b.shares:
        percent = "" if s.percent is None else f"{s.percent:.1f}%"
        md.append(f"| {_md_cell(s.label)} | {role_words(s.role, rules)} | {_eur(s.grant_eur)} | {percent} |")
    md.append(f"| **Total** | | **{_eur(b.shares_total)}** | |")
    return _markdown_rest(md, plan, rules, lot, for_partners)


def _markdown_rest(md: list[str], plan: Plan, rules: CallRules, lot: Lot, for_partners: bool) -> str:
    """The report after its budget: profiles, activities, self-assessment, notes."""
    if plan.profiles:
        md += ["", "## Occupational profiles", "", "| Profile | EQF |", "|---|---:|"]
        md += [f"| {_md_cell(p.title)} | {p.eqf} |" for p in plan.profiles]
    if lot.content_requirements:
        md += ["", "## Lot 2 activities", ""]
        for a in rules.activities:
            done = bool(plan.activities and getattr(plan.activities, a.id))
            md.append(f"- [{'x' if done else ' '}] {a.label}")
    if plan.assessment is not None and not for_partners:
        md += ["", "## Self-assessment", "", "| Criterion | Score | Maximum |", "|---|---:|---:|"]
        for c in rules.award:
            score = getattr(plan.assessment, c.id)
            md.append(f"| {c.label} | {'' if score is None else score} | {c.maximum} |")
    if plan.notes and not for_partners:
        md += ["", "## Notes", "", plan.notes]
    return visible("\n".join(md), keep_newlines=True) + "\n"


def budget_csv(est: Estimate, plan: Plan, bom: bool = True) -> str:
    """The estimated budget as CSV (`budget_report.budget_rows`), cells safe as the partners' are, UTF-8
    with a byte order mark unless `bom=False`."""
    import csv

    from planner.budget_report import COLUMNS, budget_rows  # here: only a budget export, not the TUI's start

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in budget_rows(est, plan):
        writer.writerow([safe_cell(cell) for cell in row])
    return (BOM if bom else "") + buffer.getvalue()


# --- plain text to mail ---------------------------------------------------------------------

TEXT_WIDTH = 72  # what every mail client shows without wrapping a line of its own


def _wrap(text: str, indent: int = 0, width: int = TEXT_WIDTH) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(visible(text), width, initial_indent=pad, subsequent_indent=pad,
                         break_on_hyphens=False) or [pad.rstrip()]


def _bullet(text: str) -> list[str]:
    """'- text', wrapped under its first word."""
    wrapped = _wrap(text, 0, TEXT_WIDTH - 2)
    return [f"- {wrapped[0]}", *(f"  {more}" for more in wrapped[1:])]


def _columns(rows: list[list[str]], right: Collection[int] = frozenset()) -> list[str]:
    """Rows as aligned columns two spaces apart (the columns in `right` aligned right)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "=" * len(title)]


def text_report(plan: Plan, rules: CallRules, board: Scoreboard, path: str | None,
                for_partners: bool = False) -> str:
    """The report as plain text for the body of a mail: no tables to render, columns aligned
    with spaces, lines of at most 72 characters (a legal name or a message wraps under its row)."""
    lot = rules.lot(board.lot)
    title = f"{plan.acronym}: {plan.title}" if plan.acronym else plan.title
    out = _wrap(title)
    out += _wrap(f"{call_heading(rules, board)}, Lot {lot.number}: {lot.name}, {board.duration_months} months.")
    out += ["", *_wrap(verdict_line(board))]
    if board.to_qualify.steps:
        out.append("What it takes:")
        for step in board.to_qualify.steps:
            out += _bullet(step)
    if plan.ecosystems:
        names = [f"{e.number}. {e.name}" for e in (rules.ecosystem(i) for i in plan.ecosystems) if e]
        out += _wrap(f"Industrial ecosystem{'s' if len(names) != 1 else ''}: {', '.join(names)}.")

    out += _heading("Partners")
    rows = [["#", "Partner", "Country", "Role", "Counts"]]
    details = []
    for i, p in enumerate(plan.partners, start=1):
        rows.append([str(i), visible(p.short_name or ""), visible(p.country), role_words(p.role, rules),
                     counts_words(p, rules)])
        extra = [kind_words(p.kind, rules)]
        if p.pic:
            extra.append(f"PIC\u00a0{p.pic}")  # kept on one line
        if p.affiliated_to:
            extra.append(f"affiliated to {visible(p.affiliated_to)}")
        if p.eche is not None:
            extra.append(f"ECHE {eche_word(p.eche)}")
        details.append((p.name, "; ".join(extra)))
    lines = _columns(rows)
    out.append(lines[0])
    indent = len(str(len(plan.partners))) + 2
    for line, (name, detail) in zip(lines[1:], details):
        out.append(line)
        out += _wrap(name, indent) + _wrap(detail, indent)
    by_country = Counter(p.country for p in plan.partners)
    by_kind = Counter(p.kind for p in plan.partners)
    out += [""] + _wrap("By country: " + ", ".join(
        f"{rules.country_name(c)} {n}" for c, n in sorted(by_country.items(),
                                                          key=lambda item: rules.country_name(item[0]))))
    out += _wrap("By kind: " + ", ".join(f"{kind_words(k, rules)} {n}" for k, n in sorted(by_kind.items())))

    out += _heading("Eligibility")
    shown = _shown_criteria(board, for_partners)
    label_w = max(len(shown_label(c.label, c.provisional)) for c in shown)
    for c in shown:
        out.append(f"{STATUS_WORDS[c.status]:<4}  {shown_label(c.label, c.provisional):<{label_w}}  {c.count}".rstrip())
        out += _wrap(c.message, 6)
    notes = provisional_lines(board, leave_out=_left_out(for_partners))  # the marks' footnote, as in Markdown
    if notes:
        out += ["", *_wrap(notes[1])]
        for note in notes[2:]:
            out += _bullet(note)

    if board.estimate is not None:
        out += _budget_text(board, plan)
    else:
        out += _shares_text(plan, rules, board)
    return _text_rest(out, plan, rules, lot, for_partners)


def _budget_text(board: Scoreboard, plan: Plan) -> list[str]:
    """The estimated budget for the text report: the totals, each partner and the work plan."""
    from planner.budget_report import summary_line

    est = board.estimate
    assert est is not None
    out = _heading("Budget")
    out += _wrap(summary_line(est, board.cap_eur, board.duration_months) + ".")
    rows = [["Partner", "Person-months", "Cost", "Contribution"]]
    rows += [[visible(s.key), str(s.person_months), _eur(s.cost_eur), _eur(s.contribution_eur)]
             for s in est.by_partner]
    rows.append(["Total", str(est.person_months), _eur(est.cost_eur), _eur(est.contribution_eur)])
    out += [""] + _columns(rows, right={1, 2, 3})
    if plan.work_packages:
        out += _heading("Work plan")
        by_id = {s.key: s for s in est.by_work_package}
        for wp in plan.work_packages:
            s = by_id[wp.id]
            out += _wrap(f"{wp.id}  months {wp.start_month}-{wp.end_month}, lead {wp.lead or '-'}: {wp.title}")
            out += _wrap(f"{s.person_months} person-months, {_eur(s.cost_eur)}", 4)
    return out


def _shares_text(plan: Plan, rules: CallRules, board: Scoreboard) -> list[str]:
    """The typed shares for the text report, for a plan without a budget."""
    b = budget(plan, rules, board.lot, board.duration_months)
    out = _heading("Budget")
    out += _wrap(f"Requested grant: {_eur(b.requested) or 'not set'}; cap for {b.months} months: "
                 f"{_eur(b.cap) or 'none'}.")
    if b.implied_total_budget is not None:
        out += _wrap(f"At the {b.funding_rate_percent}% funding rate the lump sum implies an estimated total "
                     f"budget of {_eur(b.implied_total_budget)}.")
    rows = [["Partner", "Role", "Share", "% of request"]]
    for s in b.shares:
        rows.append([visible(s.label), role_words(s.role, rules), _eur(s.grant_eur) or "-",
                     "" if s.percent is None else f"{s.percent:.1f}%"])
    rows.append(["Total", "", _eur(b.shares_total), ""])
    return out + [""] + _columns(rows, right={2, 3})


def _text_rest(out: list[str], plan: Plan, rules: CallRules, lot: Lot, for_partners: bool) -> str:
    """The text report after its budget: profiles, activities, self-assessment, notes."""
    if plan.profiles:
        out += _heading("Occupational profiles")
        for profile in plan.profiles:
            out += _wrap(f"EQF {profile.eqf}  {profile.title}")
    if lot.content_requirements:
        out += _heading(f"Lot {lot.number} activities")
        for a in rules.activities:
            done = bool(plan.activities and getattr(plan.activities, a.id))
            out += _wrap(f"[{'x' if done else ' '}] {a.label}")
    if plan.assessment is not None and not for_partners:
        out += _heading("Self-assessment")
        rows = [["Criterion", "Score"]]
        for c in rules.award:
            score = getattr(plan.assessment, c.id)
            rows.append([c.label, f"{'-' if score is None else score}/{c.maximum}"])
        out += _columns(rows, right={1})
    if plan.notes and not for_partners:
        out += _heading("Notes")
        for paragraph in plan.notes.splitlines():
            out += _wrap(paragraph)
    return "\n".join(out) + "\n"


# what `planner export --format` and `e` in the planner write; the budget's as `planner budget` does
FORMATS = ("markdown", "text", "csv", "json")
BUDGET_FORMATS = ("budget-csv", "budget-xlsx")


def render(fmt: str, plan: Plan, rules: CallRules, path: str | None, for_partners: bool = False,
           bom: bool = True, delimiter: str = ",") -> str | bytes:
    """The one renderer of an export, for `planner export` and `e` in the planner: FORMATS as text,
    the budget as CSV (text) or as an .xlsx workbook (bytes). A report goes to partners in many time
    zones, so it is judged in the call's own time (Brussels), not the sender's."""
    from zoneinfo import ZoneInfo

    from planner.scoring import evaluate, now

    if fmt == "csv":
        return partners_csv(plan, rules, bom=bom, delimiter=delimiter)
    board = evaluate(plan, rules, now=now().astimezone(ZoneInfo(rules.timezone)))
    if fmt == "budget-csv":
        from planner.budget_report import board_estimate
        return budget_csv(board_estimate(board, plan, rules), plan, bom=bom)
    if fmt == "budget-xlsx":
        from planner.workbook import budget_workbook
        return budget_workbook(plan, rules, board.lot, board.duration_months)
    if fmt == "json":
        from planner.safetext import json_safe
        return json_safe(plan_json(plan, board, path))
    if fmt == "text":
        return text_report(plan, rules, board, path, for_partners=for_partners)
    if fmt == "markdown":
        return markdown_report(plan, rules, board, path, for_partners=for_partners)
    raise ValueError(f"no export format {fmt!r}")
