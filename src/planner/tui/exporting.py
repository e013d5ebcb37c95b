"""Export inside the app: the formats of `planner export` (partners CSV with a comma or a semicolon, a report
to mail in Markdown or plain text, for the partners or internal), written next to the plan after two
questions and a file name."""

from __future__ import annotations

from pathlib import Path

from planner.errors import PlanError
from planner.files import not_a_regular_file, write_bytes_atomically, write_text_atomically

FORMATS = [("markdown", "Markdown", "md"), ("text", "Text", "txt"), ("csv", "CSV", "csv"),
           ("budget-xlsx", "Budget .xlsx", "xlsx"), ("budget-csv", "Budget CSV", "csv")]
# the CSV's separator: the buttons' ids and labels, and the character (export.DELIMITERS)
SEPARATORS = [("comma", "Comma ,", ","), ("semicolon", "Semicolon ;", ";")]


def render(fmt: str, plan, rules, path: Path | None, for_partners: bool, delimiter: str = ",") -> str | bytes:
    """What `planner export --format FMT [--for-partners] [--delimiter D]` (or `planner budget` for the
    budget's formats) writes for this plan; a CSV with the mark, so that Excel shows the accents right."""
    from planner import export

    return export.render(fmt, plan, rules, str(path) if path is not None else None, for_partners,
                         bom=True, delimiter=delimiter)


def suggested_name(app, fmt: str, for_partners: bool) -> str:
    from planner.tui.opening import file_name_for

    doc = app.document
    stem = doc.path.stem if doc.path is not None else file_name_for(doc.plan).removesuffix(".toml")
    ext = dict((f, e) for f, _, e in FORMATS)[fmt]
    who = "partners" if fmt == "csv" else "budget" if fmt.startswith("budget") else \
        ("for-partners" if for_partners else "internal")
    return f"{stem}-{who}.{ext}"


def ask_export(app) -> None:
    """Which format, for whom (reports), which file: then write it atomically."""
    from planner.tui.screens.dialogs import Choice

    def chose_format(fmt: str | None) -> None:
        if fmt in ("budget-xlsx", "budget-csv") and not app.document.plan.has_budget:
            # not a workbook of zeros: say where the budget is made
            app.tell(f"No budget to export yet: {app.key_for('planner.budget')} opens the budget (work packages "
                     "and each partner's costs).", title="Not exported", severity="warning", timeout=10)
            return
        if fmt == "csv":
            ask_separator(app)
        elif fmt in ("budget-xlsx", "budget-csv"):
            ask_file(app, fmt, False)
        elif fmt in ("markdown", "text"):
            app.push_screen(Choice("For whom is the report?\nFor the partners: without the self-assessment and the "
                                   "notes. Internal: everything.",
                                   [("partners", "For the partners"), ("internal", "Internal"), ("cancel", "Cancel")],
                                   default="partners"),
                            lambda who: ask_file(app, fmt, who == "partners") if who in ("partners", "internal")
                            else None)

    app.push_screen(Choice(f"Export {app.document.name} as a report to mail, in Markdown or in plain text (for "
                           "the body of a mail), the partners as CSV (a spreadsheet), or the budget as a workbook "
                           "or as CSV?",
                           [(f, label) for f, label, _ in FORMATS] + [("cancel", "Cancel")], default="markdown",
                           wide=True),
                    chose_format)


def ask_separator(app) -> None:
    """Excel reads a CSV with the list separator of the system's settings: ask which one the partners use."""
    from planner.tui.screens.dialogs import Choice

    chars = {choice_id: char for choice_id, _, char in SEPARATORS}
    app.push_screen(Choice("Which separator between the columns?\nComma: Excel in English settings, LibreOffice, "
                           "Google Sheets, Numbers. Semicolon: Excel in Dutch, German, French or Spanish settings "
                           "(where the comma is the decimal mark). The file starts with the UTF-8 mark, so that "
                           "Excel shows accents right.",
                           [(choice_id, label) for choice_id, label, _ in SEPARATORS] + [("cancel", "Cancel")],
                           default="comma"),
                    lambda answer: ask_file(app, "csv", False, chars[answer]) if answer in chars else None)


def ask_file(app, fmt: str, for_partners: bool, delimiter: str = ",") -> None:
    from planner.tui.screens.dialogs import PathPrompt

    app.push_screen(PathPrompt("Export to the file:", suggested_name(app, fmt, for_partners), app.plan_folder),
                    lambda path: _to(app, path, fmt, for_partners, delimiter) if path is not None else None)


def _to(app, path: Path, fmt: str, for_partners: bool, delimiter: str = ",") -> None:
    from planner.tui.screens.dialogs import Choice

    doc = app.document
    problem = not_a_regular_file(path, "file")
    if problem:
        app.tell(f"{path}: {problem}", title="Not exported", severity="error", timeout=10)
        return
    if doc.path is not None and path.exists() and path.resolve() == doc.path.resolve():
        app.tell(f"{path} is the plan itself: choose another file.", title="Not exported", severity="error",
                 timeout=10)
        return
    if path.exists():
        app.push_screen(Choice(f"{path} exists. Replace it?", [("replace", "Replace"), ("cancel", "Cancel")],
                               default="cancel"),
                        lambda answer: write(app, path, fmt, for_partners, delimiter) if answer == "replace"
                        else None)
        return
    write(app, path, fmt, for_partners, delimiter)


def write(app, path: Path, fmt: str, for_partners: bool, delimiter: str = ",") -> None:
    doc = app.document
    try:
        rendered = render(fmt, doc.plan, doc.rules, doc.path, for_partners, delimiter)
        if isinstance(rendered, bytes):
            write_bytes_atomically(path, rendered)
        else:
            write_text_atomically(path, rendered)
    except PlanError as exc:
        app.tell(str(exc), title="Not exported", severity="error", timeout=15)
        return
    except (OSError, ValueError) as exc:
        app.tell(f"{path}: {getattr(exc, 'strerror', None) or exc}", title="Not exported", severity="error",
                 timeout=15)
        return
    if fmt == "csv":
        whom = " (semicolons)" if delimiter == ";" else ""
    elif fmt.startswith("budget"):
        whom = " (the budget)"
    else:
        whom = " for the partners" if for_partners else " (internal)"
    app.tell(f"Exported {path.name}{whom} in {path.parent}")
