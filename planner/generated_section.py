"""A section of README.md generated from a declaration (the input schema, the result schema), kept between two
markers: replaced in place, checked for being current, and a `python -m` entry point for both."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

README_PATH = Path("README.md")  # the repository's README, relative to where the command runs


@dataclass(frozen=True)
class GeneratedSection:
    name: str  # for messages, e.g. "workbook reference"
    start_marker: str
    end_marker: str
    heading: str  # put before the markers when the README has none yet
    markdown: Callable[[], str]  # the section's text (without the markers)

    def replace_section(self, text: str, section: str) -> str:
        """`text` with the part between the markers replaced by `section`; adds heading and markers if missing."""
        block = f"{self.start_marker}\n{section}{self.end_marker}"
        if self.start_marker in text and self.end_marker in text:
            head, rest = text.split(self.start_marker, 1)
            _, tail = rest.split(self.end_marker, 1)
            return head + block + tail
        sep = "" if text.endswith("\n") or not text else "\n"
        return f"{text}{sep}\n{self.heading}\n\n{block}\n"

    def readme_section(self, text: str) -> str | None:
        """The current section between the markers of a README text, or None if the markers are missing."""
        if self.start_marker not in text or self.end_marker not in text:
            return None
        return text.split(self.start_marker, 1)[1].split(self.end_marker, 1)[0].lstrip("\n")

    def update_readme(self, path: Path = README_PATH) -> bool:
        """Rewrite the section in the README at `path`; returns True if the file changed."""
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        new = self.replace_section(old, self.markdown())
        if new != old:
            path.write_text(new, encoding="utf-8")
        return new != old

    def main(self, argv: list[str] | None = None) -> int:
        """`python -m <module> [--check] [README.md]`: rewrite the section, or (--check) exit 1 if it is stale."""
        args = list(sys.argv[1:] if argv is None else argv)
        check = "--check" in args
        paths = [a for a in args if a != "--check"]
        path = Path(paths[0]) if paths else README_PATH
        if check:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            ok = self.readme_section(text) == self.markdown()
            print(f"{path}: {self.name} is {'up to date' if ok else 'out of date'}")
            return 0 if ok else 1
        changed = self.update_readme(path)
        print(f"{path}: {self.name} {'updated' if changed else 'already up to date'}")
        return 0
