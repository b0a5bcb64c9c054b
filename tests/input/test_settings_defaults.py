"""Settings defaults live in one place: the `default=` of each setting in `planner.input.schema.SETTINGS`."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from planner.input.case import Settings, with_schema_defaults
from planner.input.schema import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = set(SETTINGS.column_names)


def test_settings_field_defaults_are_the_schema_defaults():
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert set(fields) == SETTING_NAMES
    for col in SETTINGS.columns:
        expected = dataclasses.MISSING if col.required else col.default
        assert fields[col.name].default == expected, col.name


def test_settings_with_only_the_required_values_has_every_schema_default():
    required = {c.name: c.example for c in SETTINGS.columns if c.required}
    settings = Settings(**required)
    for col in SETTINGS.columns:
        assert getattr(settings, col.name) == (required[col.name] if col.required else col.default), col.name
    with pytest.raises(TypeError):
        Settings(case_name="x")  # discount_rate is required: no default anywhere


def test_from_values_fills_blanks_from_the_schema():
    settings = Settings.from_values({"case_name": "x", "discount_rate": 0.05, "mip_gap": None,
                                     "objective": "emissions"})
    assert settings.mip_gap == SETTINGS.column("mip_gap").default
    assert settings.objective == "emissions" and settings.discount_rate == 0.05


def test_a_changed_schema_default_changes_the_settings_default():
    """The defaults are read from the schema when the class is made, not copied into it."""

    class Probe:
        case_name: str
        mip_gap: float

    column = SETTINGS.column("mip_gap")
    probe = dataclasses.dataclass(with_schema_defaults(Probe))
    assert probe(case_name="x").mip_gap == column.default
    with pytest.raises(KeyError):
        class NotASetting:
            no_such_setting: float

        with_schema_defaults(NotASetting)


def _hard_coded_defaults(path: Path) -> list[str]:
    """Literal defaults given to a setting's name in a class body or a function signature."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                        and item.target.id in SETTING_NAMES and item.value is not None):
                    found.append(f"{path.relative_to(ROOT)}:{item.lineno} {ast.unparse(item)}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            for arg, default in pairs:
                if (arg.arg in SETTING_NAMES and isinstance(default, ast.Constant)
                        and default.value is not None):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg}={default.value!r})")
    return found


def test_no_other_file_hard_codes_a_settings_default():
    schema = ROOT / "planner" / "input" / "schema.py"
    found = [hit for path in sorted((ROOT / "planner").rglob("*.py")) if path != schema
             for hit in _hard_coded_defaults(path)]
    assert found == [], "settings defaults belong in planner/input/schema.py only:\n" + "\n".join(found)
