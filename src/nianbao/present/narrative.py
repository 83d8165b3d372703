"""Narrative sentences written from the counts, by the Jinja2 templates of the format declaration."""

from __future__ import annotations

import jinja2

from nianbao.inputs.report import Report

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


def narrative(report: Report, key: str) -> str:
    """The paragraph ``key`` of the declaration's narratives, filled in from the report's counts."""
    template = _ENV.from_string(report.format.narratives[key])
    return template.render(
        year=report.params.year,
        scope=report.params.scope,
        num=report.num,
        has=report.has,
        text=report.text,
        row_items=report.row_items,
        items=report.items,
        share_items=report.share_items,
        share_base=report.share_base,
    ).strip()
