"""The command line and the domain core never load Textual: `planner check` in CI must not pay for the TUI."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from support import ROOT, SAMPLES

PROBE = textwrap.dedent("""
    import io, sys, contextlib
    import planner.cli, planner.scoring, planner.storage, planner.report, planner.editing
    import planner.budget, planner.importing, planner.export, planner.recovery, planner.qualify
    import planner.rules.extends, planner.rules.diff, planner.rules.cli
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        codes = [
            planner.cli.main(["check", sys.argv[1]]),
            planner.cli.main(["check", sys.argv[1], "--format", "markdown"]),
            planner.cli.main(["compare", sys.argv[1], "--format", "json"]),
            planner.cli.main(["fmt", "--check", sys.argv[1]]),
            planner.cli.main(["schema"]),
            planner.cli.main(["export", sys.argv[1]]),
            planner.cli.main(["export", sys.argv[1], "--format", "csv"]),
            planner.cli.main(["rules"]),
            planner.cli.main(["rules", "diff", "2025", "2026"]),
        ]
    assert codes == [0, 0, 0, 0, 0, 0, 0, 0, 0], codes
    assert "ELIGIBLE" in out.getvalue()
    loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print("textual modules:", loaded)
    assert "textual" not in sys.modules, loaded
    assert not any(m.startswith("planner.tui") for m in sys.modules)
    # the style-preserving TOML library is for saving a hand-written plan, nothing the commands do here
    assert "tomlkit" not in sys.modules
""")

# The TUI's start (a hand-written plan opened, its screen's modules loaded) does not load tomlkit; its
# first save of that plan does.
START = textwrap.dedent("""
    import sys, shutil, pathlib
    import planner.cli, planner.tui.app, planner.tui.screens.main
    from planner.tui.filing import open_document
    from planner.storage import parse_plan
    path = pathlib.Path(sys.argv[2])
    path.write_text("# by hand\\n" + pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"), encoding="utf-8")
    doc = open_document(path)
    print("at start:", "tomlkit" in sys.modules)
    doc.edit(doc.plan.model_copy(update={"title": "Saved by hand"}))
    doc.save()
    print("after a save:", "tomlkit" in sys.modules, path.read_text(encoding="utf-8").startswith("# by hand"))
""")


# The TUI's path through the command line, up to Textual: `planner --help`, then `planner PLAN` parsed by the
# top parser and run as far as it goes without a terminal (the plan read, then "needs a terminal"). The
# command handlers and what only they use are imported when their command runs, never on this path. The
# modules named after the plan are imported first: the probe's check must see them (it can fail).
TUI_PATH = textwrap.dedent("""
    import contextlib, importlib, io, sys
    for name in sys.argv[2:]:
        importlib.import_module(name)
    import planner.cli
    with contextlib.redirect_stdout(io.StringIO()) as shown, contextlib.suppress(SystemExit):
        planner.cli.main(["--help"])
    assert "check" in shown.getvalue() and "commands:" in shown.getvalue()
    with contextlib.redirect_stderr(io.StringIO()) as said:
        code = planner.cli.main([sys.argv[1]])
    assert code == 2 and "needs a terminal" in said.getvalue(), (code, said.getvalue())
    commands_only = ("planner.cli.judging", "planner.cli.plans", "planner.cli.exchange", "planner.cli.loading",
                     "planner.editing", "planner.budget_report", "planner.rules.diff")
    loaded = [name for name in commands_only if name in sys.modules]
    print("command modules:", loaded)
    assert not loaded, loaded
""")


def tui_path(*first: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", TUI_PATH, str(SAMPLES / "lot1-example.toml"), *first],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_the_tui_path_and_help_load_no_command_handler():
    result = tui_path()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "command modules: []" in result.stdout


@pytest.mark.parametrize("module", ["planner.cli.judging", "planner.budget_report"])
def test_the_tui_path_probe_sees_a_handler_module_when_it_is_imported(module):
    result = tui_path(module)
    assert result.returncode != 0
    shown = [line for line in result.stdout.splitlines() if line.startswith("command modules: ")]
    assert len(shown) == 1 and f"'{module}'" in shown[0], result.stdout + result.stderr


def test_cli_and_core_do_not_import_textual():
    result = subprocess.run([sys.executable, "-c", PROBE, str(SAMPLES / "lot1-example.toml")],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "textual modules: []" in result.stdout


def test_probe_can_see_textual_when_it_is_imported():
    # the probe's check is real: importing the TUI's toolkit does show up in sys.modules
    result = subprocess.run([sys.executable, "-c", "import sys, textual.app; print('textual' in sys.modules)"],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "True", result.stderr


def test_the_start_leaves_the_style_preserving_writer_to_the_first_save(tmp_path):
    result = subprocess.run([sys.executable, "-c", START, str(SAMPLES / "lot1-example.toml"),
                             str(tmp_path / "plan.toml")], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "at start: False" in result.stdout
    assert "after a save: True True" in result.stdout
