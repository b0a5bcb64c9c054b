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
    from matplotlib import font_manager

    path = font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def font_rc() -> dict:
    """rc settings that draw text with the CJK font (DejaVu Sans where it lacks a glyph)."""
    family = cjk_family()
    return {"font.family": "sans-serif", "font.sans-serif": [f for f in (family, FALLBACK) if f],
            "svg.fonttype": "path", "axes.unicode_minus": False}


def font_path() -> Path | None:
    """The CJK font file shipped by mplfonts (None if missing)."""
    from importlib.util import find_spec

    spec = find_spec("mplfonts")  # located, not imported: only its font file is used
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / FONT_FILE
    return path if path.exists() else None


def cjk_characters(text: str) -> str:
    """The characters of `text` that need a CJK font (CJK symbols, ideographs, kana, full-width forms)."""
    return "".join(sorted({ch for ch in text if ord(ch) >= 0x2E80}))


def font_face_css(text: str, family: str = "planner-cjk") -> str:
    """An @font-face rule embedding the CJK font cut down to the CJK characters of `text` (a few KB, as a data
    URI), so a page shows Chinese names on a machine without a CJK font; '' when `text` needs none."""
    import base64
    import io

    chars = cjk_characters(text)
    path = font_path()
    if not chars or path is None:
        return ""
    from fontTools import subset

    options = subset.Options()
    options.notdef_outline = True
    font = subset.load_font(str(path), options, lazy=True)  # lazy: about 1 s instead of 2.5 s
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{family}"; src: url(data:font/otf;base64,{data}) format("opentype"); }}')


__all__ = ["FONT_FILE", "cjk_characters", "cjk_family", "font_face_css", "font_path", "font_rc"]
