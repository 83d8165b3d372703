"""What a reader sees: the notebooks' facade (``session``), HTML of tables and checks, the official table
layouts, charts, narratives, year-on-year comparisons, and the rendering of notebooks into HTML and PDF.

``Session`` and ``open_report`` are imported from ``session`` when first asked for, so that a module of this package
that needs neither pandas nor the renderers (``safe``, used by the outputs' index) is imported without them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nianbao.present.session import Session, open_report

__all__ = ["Session", "open_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from nianbao.present import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
