"""planner: plan and check Erasmus+ Alliances for Innovation consortia."""

__version__ = "0.1.0"
