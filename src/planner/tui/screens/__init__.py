"""The planner's screens: the main screen, the folder view and the dialogs."""

from pathlib import Path

# the CSS of the dialogs and the folder view: the CSS_PATH of each of their screens. The app reads it
# just after the first frame (PlannerApp._read_dialog_css), or the first of them at the start does
DIALOG_CSS = Path(__file__).with_name("dialogs.tcss")
