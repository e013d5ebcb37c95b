"""Files below everything: reading a user's file safely, decoding it, parsing TOML, writing atomically.

Nothing here knows what a plan is; it imports nothing of the planner but its error type
(`errors.PlanError`, which itself imports nothing of the planner). `storage` builds the plan
format on top; rules, imports, the recovery files and the TUI's settings use it directly.

Three jobs, three modules: `reading` (a user's file read safely, decoded, TOML parsed; fingerprints),
`writing` (atomic and private writes, stale temporary files), `places` (the home and state folders,
this host, live processes). Callers import from `planner.files`, which re-exports what they use.
"""

from planner.files.places import NO_HOME as NO_HOME
from planner.files.places import home_dir as home_dir
from planner.files.places import pid_alive as pid_alive
from planner.files.places import state_dir as state_dir
from planner.files.places import this_host as this_host
from planner.files.reading import MAX_FILE_BYTES as MAX_FILE_BYTES
from planner.files.reading import MAX_NESTING as MAX_NESTING
from planner.files.reading import Fingerprint as Fingerprint
from planner.files.reading import decode_plan_bytes as decode_plan_bytes
from planner.files.reading import file_fingerprint as file_fingerprint
from planner.files.reading import not_a_regular_file as not_a_regular_file
from planner.files.reading import not_regular as not_regular
from planner.files.reading import parse_toml as parse_toml
from planner.files.reading import read_file_and_stat as read_file_and_stat
from planner.files.reading import read_toml_file as read_toml_file
from planner.files.reading import read_user_file as read_user_file
from planner.files.reading import size_words as size_words
from planner.files.writing import _HOST as _HOST
from planner.files.writing import NAME_MAX as NAME_MAX
from planner.files.writing import STALE_TEMP as STALE_TEMP
from planner.files.writing import remove_stale_temp_files as remove_stale_temp_files
from planner.files.writing import short_stem as short_stem
from planner.files.writing import special_kind as special_kind
from planner.files.writing import write_bytes_atomically as write_bytes_atomically
from planner.files.writing import write_private_file as write_private_file
from planner.files.writing import write_protection as write_protection
from planner.files.writing import write_text_atomically as write_text_atomically
