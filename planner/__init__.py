"""planner: optimization-based site and capacity planner for green compute."""

__version__ = "0.1.0"

__all__ = ["CaseInvalid", "__version__", "case_from_tables", "load_case"]

_LAZY = {"CaseInvalid", "case_from_tables", "load_case"}  # from planner.input.validate, imported on first use


def __getattr__(name: str):
    """`from planner import load_case` without importing pandas/openpyxl for `planner --version`."""
    if name in _LAZY:
        from planner.input import validate

        return getattr(validate, name)
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
