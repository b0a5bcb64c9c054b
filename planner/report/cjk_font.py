"""A font with Chinese glyphs for every figure: Noto Sans CJK SC as shipped by the `mplfonts` package,
registered with matplotlib's font manager directly (no download, no change to the user's matplotlib settings).

`font_rc()` gives the rc settings to draw with (`with matplotlib.rc_context(font_rc()): ...`): Noto Sans CJK SC
first, DejaVu Sans (matplotlib's own) as the fallback, so Chinese site names render without "Glyph missing"
warnings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FALLBACK = "DejaVu Sans"


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The CJK font's family name after registering it (None if mplfonts or its font file is missing)."""
    from importlib import resources

    from matplotlib import font_manager

    try:
        path = Path(str(resources.files("mplfonts") / "fonts" / FONT_FILE))
    except ModuleNotFoundError:
        return None
    if not path.exists():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def font_rc() -> dict:
    """rc settings that draw text with the CJK font (DejaVu Sans where it lacks a glyph)."""
    family = cjk_family()
    return {"font.family": "sans-serif", "font.sans-serif": [f for f in (family, FALLBACK) if f],
            "svg.fonttype": "path", "axes.unicode_minus": False}


__all__ = ["FONT_FILE", "cjk_family", "font_rc"]
