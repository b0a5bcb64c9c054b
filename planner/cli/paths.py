"""Where the commands read and write: input files that must exist, output paths checked before any work."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from planner.cli.exit_codes import EXIT_INVALID, CliError


def existing_file(path: Path, fix: str) -> Path:
    """`path` if it is a file, else CliError with exit code 2 naming the file and the fix (`fix` if it is missing)."""
    if not path.exists():
        raise CliError(f"{path} does not exist; {fix}", EXIT_INVALID)
    if not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file"
        raise CliError(f"{path} is {what}, not a workbook; give the path of an .xlsx file", EXIT_INVALID)
    return path


def input_fix(path: Path) -> str:
    """How to get an input workbook at `path`."""
    import shlex

    return f"check the path, or write a new input workbook there with: planner template {shlex.quote(str(path))}"


def xlsx_target(path: Path, param: str, suffixes: tuple[str, ...] = (".xlsx",)) -> Path:
    """`path` if it names a file with one of the `suffixes` (an .xlsx file), else a usage error (exit 2) for the
    parameter `param`."""
    if path.suffix.lower() not in suffixes:
        raise typer.BadParameter(f"{path} must end in {suffixes[0]}", param_hint=param)
    return path


def writable_target(path: Path, force: bool, param: str, suffixes: tuple[str, ...] = (".xlsx",)) -> Path:
    """`path` if it may be written: an .xlsx name (else a usage error, exit 2); not a folder, absent or --force
    given, and in a folder that is writable or can be created (else CliError, exit 4, naming `path` as given).
    Checked before any work, so that a solve is not wasted on an output it cannot write."""
    xlsx_target(path, param, suffixes)
    if path.is_dir():
        raise CliError(f"{path} is a folder: give the path of an {suffixes[0]} file")
    if path.exists() and not force:
        raise CliError(f"{path} already exists; use --force to overwrite it")
    writable_folder(path)
    return path


def writable_folder(path: Path) -> None:
    """CliError (exit 4) naming `path` unless its folder exists and is writable, or can be created.

    A folder that does not exist yet is not created here (nothing is written before the command succeeds): its
    nearest existing parent must be a folder the user can write in.
    """
    import os
    import tempfile

    from planner.atomic import temp_prefix

    folder = path.parent
    existing = next((p for p in (folder, *folder.parents) if os.path.lexists(p)), Path("."))
    if not existing.is_dir():
        what = "a file, not a folder" if existing.is_file() else "not a folder"
        raise CliError(f"cannot write {path}: {existing} is {what}")
    try:  # the real test (permissions, read-only file systems, ...): create and remove a hidden file there
        fd, probe = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".probe", dir=existing)
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        where = (f"the folder {folder} is not writable" if existing == folder
                 else f"the folder {folder} cannot be created in {existing}")
        raise CliError(f"cannot write {path}: {where} ({reason}); choose another folder") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def infeasibility_target(out: Path) -> Path:
    """Where `planner solve` writes the infeasibility report when the result workbook would be `out`:
    <stem>-infeasibility.xlsx next to it (<stem> without a trailing -result)."""
    stem = out.stem[: -len("-result")] if out.stem.endswith("-result") else out.stem
    return out.with_name(f"{stem}-infeasibility.xlsx")


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def comparison_target(output: Path, results: Sequence[Path], force: bool) -> Path:
    """`output` if the comparison workbook may be written there."""
    xlsx_target(output, "--output")
    if any(same_file(output, p) for p in results):
        raise CliError(f"{output} is one of the result workbooks being compared: choose another OUTPUT with -o")
    return writable_target(output, force, "--output")


# ----------------------------------------------------------------------------------------------------------
# Default output folders (--out-dir)
OUTPUTS_FOLDER = "outputs"


def output_folder(out_dir: Path | None, beside: Path | None) -> Path:
    """Where a command writes by default: `out_dir` if given, else an outputs/ folder next to `beside` (the input
    workbook), or ./outputs/ when there is none (the built-in example)."""
    if out_dir is not None:
        return out_dir
    return (beside.parent if beside is not None else Path(".")) / OUTPUTS_FOLDER


def one_of(output: Path | None, out_dir: Path | None) -> None:
    """A usage error (exit 2) if both -o/--output and --out-dir are given."""
    if output is not None and out_dir is not None:
        raise typer.BadParameter("give either --output (a file) or --out-dir (a folder), not both",
                                 param_hint="--out-dir")
