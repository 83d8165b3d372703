"""The CJK fonts of the charts and the PDF.

Charts (matplotlib) and the web layout name one family, by default "Noto Sans CJK SC" (Debian/Ubuntu:
``fonts-noto-cjk``); the PDF in the 公文 layout names four (``PrintFaces``: title, body, headings, second-level
headings, from the params' ``faces``), which WeasyPrint finds through fontconfig. matplotlib selects the
Simplified Chinese face of the font collection by name, so glyphs take their mainland forms, not the Japanese
ones of the collection's first face. Without such a font, Chinese text renders as boxes; the run stops instead
and says which face is missing and how to install one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from nianbao.errors import FontMissingError

SAMPLE = "政府信息公开工作年度报告占比"
INSTALL_HINT = (
    "安装中文字体: Debian/Ubuntu 运行 `sudo apt-get install fonts-noto-cjk`"
    "（或运行 `make system-deps`）；Fedora: `sudo dnf install google-noto-sans-cjk-fonts`；"
    "也可在 params 的 font 键中指定已安装的其他中文字体"
)


@dataclass(frozen=True)
class FontInfo:
    family: str
    path: str
    index: int

    def as_dict(self) -> dict:
        return asdict(self)


def _find(family: str):
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if entry.name == family and entry.weight in (400, "normal", "regular"):
            return entry
    for entry in font_manager.fontManager.ttflist:
        if entry.name == family:
            return entry
    return None


def _covers(entry, text: str) -> bool:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(entry.fname, face_index=getattr(entry, "index", 0))
    return all(font.get_char_index(ord(ch)) for ch in text)


def _installed_cjk_families() -> list[str]:
    from matplotlib import font_manager

    return sorted({e.name for e in font_manager.fontManager.ttflist if "CJK" in e.name or "Hei" in e.name})


@functools.cache
def cjk_font(family: str = "Noto Sans CJK SC") -> FontInfo:
    """The installed font of ``family``, checked to cover Chinese text. Raises FontMissingError."""
    from matplotlib import font_manager

    entry = _find(family)
    if entry is None or not Path(entry.fname).exists():
        # matplotlib's cached font list predates installing (or removing) the font: scan again
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
        entry = _find(family)
    if entry is None or not Path(entry.fname).exists():
        others = _installed_cjk_families()
        raise FontMissingError(
            f"找不到中文字体 {family!r}，图表和 PDF 中的中文会显示为方框",
            hint=INSTALL_HINT + (f"。已安装的中文字体: {', '.join(others)}" if others else ""),
        )
    if not _covers(entry, SAMPLE):
        raise FontMissingError(f"字体 {family!r}（{entry.fname}）不含中文字形", hint=INSTALL_HINT)
    return FontInfo(family=family, path=entry.fname, index=int(getattr(entry, "index", 0)))


def use_in_matplotlib(font: FontInfo) -> None:
    import matplotlib

    matplotlib.rcParams["font.family"] = [font.family]
    matplotlib.rcParams["axes.unicode_minus"] = False


@dataclass(frozen=True)
class PrintFaces:
    """The faces of the 公文 print layout, each installed and checked to cover Chinese text."""

    title: FontInfo
    body: FontInfo
    heading: FontInfo
    subheading: FontInfo

    def as_dict(self) -> dict:
        return asdict(self)


def print_faces(families: Mapping[str, str]) -> PrintFaces:
    """The installed faces named by role (``title``, ``body``, ``heading``, ``subheading``: the params' ``faces``).
    Raises FontMissingError naming the role and the family of a face that is missing or has no Chinese glyphs."""
    resolved = {}
    for role in (f.name for f in fields(PrintFaces)):
        family = families[role]
        try:
            resolved[role] = cjk_font(family)
        except FontMissingError as exc:
            raise FontMissingError(f"params 的 faces.{role}: {exc.message}", hint=exc.hint) from None
    return PrintFaces(**resolved)
