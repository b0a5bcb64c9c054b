"""How `planner --help` and `planner COMMAND --help` read: commands in the order a newcomer uses them, clean
placeholders.

Typer shows every parameter's Python type as a placeholder (`--force -f <bool>`, `PATH <path>`) and wraps a
required argument in braces in the usage line (`planner template [OPTIONS] {PATH}`). `PlannerGroup` (the app's
group class) lists the commands in `COMMAND_ORDER` and cleans the parameters of itself and every command: a flag
shows no placeholder, an argument shows its name once (`PATH`, `[PATH]` when optional), an option shows its
declared metavar.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

# the order a newcomer uses them in; a command not named here follows, in the order it was declared
COMMAND_ORDER = ("example", "template", "validate", "solve", "compare", "report")


def ordered(names: list[str]) -> list[str]:
    """`names` in COMMAND_ORDER, the others after them in their own order."""
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))


def clean_params(params: list[Any]) -> list[Any]:
    """The parameters with clean placeholders (changed in place; idempotent)."""
    for p in params:
        if isinstance(p, TyperOption) and (p.is_flag or p.count):
            p.metavar = ""  # no `<bool>` after a flag
        elif isinstance(p, TyperArgument) and not getattr(p, "_planner_clean", False):
            name = p.metavar or p.name.upper()
            p.metavar = name
            p.display_type_rich = lambda ctx: None  # the name column already shows PATH: no `<path>`
            p.get_usage_pieces = (lambda ctx, name=name, p=p:
                                  [name if p.required else f"[{name}]"])  # `PATH`, not `{PATH}`
            p._planner_clean = True
    return params


class PlannerGroup(TyperGroup):
    """The `planner` group: commands in COMMAND_ORDER, clean placeholders (see the module docstring)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return ordered(super().list_commands(ctx))

    def get_params(self, ctx: Any) -> list[Any]:
        return clean_params(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None and not getattr(cmd, "_planner_clean", False):
            get_params = cmd.get_params  # with the --help option, which is not in cmd.params
            cmd.get_params = lambda ctx: clean_params(get_params(ctx))
            cmd._planner_clean = True
        return cmd


__all__ = ["COMMAND_ORDER", "PlannerGroup", "clean_params", "ordered"]
