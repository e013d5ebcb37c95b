"""The planner's screens: the main screen, the folder view and the dialogs."""

from pathlib import Path

# the CSS of the dialogs and the folder view: the CSS_PATH of each of their screens, so that Textual
# reads it when the first of them opens, not at the start (see dialogs.tcss)
DIALOG_CSS = Path(__file__).with_name("dialogs.tcss")
