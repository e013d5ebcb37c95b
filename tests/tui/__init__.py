"""TUI tests (a package, so that its conftest and helpers never shadow tests/conftest.py)."""
