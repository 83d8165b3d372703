"""What a reader sees: the notebooks' facade (``session``), HTML of tables and checks, the official table
layouts, charts, narratives, year-on-year comparisons, and the rendering of notebooks into HTML and PDF."""

from nianbao.present.session import Session, open_report

__all__ = ["Session", "open_report"]
