"""planner: optimization-based site and capacity planner for green compute."""

__version__ = "0.1.0"

from planner.validate import CaseInvalid, case_from_tables, load_case  # noqa: E402

__all__ = ["CaseInvalid", "__version__", "case_from_tables", "load_case"]
