"""planner: optimization-based site and capacity planner for green compute."""

__version__ = "0.1.0"
