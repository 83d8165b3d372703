"""The indicators compared across years and eras (``declarations/indicators.yaml``), checked against every
era's declaration."""

from __future__ import annotations

import functools

from pydantic import Field

from nianbao.errors import DeclarationError
from nianbao.formats.loader import load_format, read_yaml, validated
from nianbao.formats.model import ERAS, CellRef, _Model
from nianbao.paths import DECLARATIONS_DIR


class Indicator(_Model):
    """An indicator compared across years and eras. ``cells`` gives, per era, the cells whose sum is the
    indicator (each ``table.row`` or ``table.row.column``; alternatives separated by `` | `` are tried in turn:
    the first with a number wins). An era with no cells has no comparable figure: the trend shows a gap."""

    id: str
    label: str
    unit: str
    group: str
    cells: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)  # per era: how comparable the figure is


class Indicators(_Model):
    groups: dict[str, str]
    indicators: tuple[Indicator, ...]
    comparisons: dict[str, tuple[str, ...]]  # chapter id -> indicators shown with the previous year

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


def indicator_refs(text: str) -> list[CellRef]:
    """The alternatives of one indicator cell (``a.b | c.d``), in the order they are tried."""
    return [CellRef.parse(part.strip()) for part in text.split("|")]


@functools.cache
def load_indicators() -> Indicators:
    """The cross-era indicator mapping (``indicators.yaml``), checked against every era's declaration."""
    path = DECLARATIONS_DIR / "indicators.yaml"
    data = read_yaml(path)
    for indicator_id, item in (data.get("indicators") or {}).items():
        item.setdefault("id", indicator_id)
    data["indicators"] = tuple((data.get("indicators") or {}).values())
    indicators = validated(Indicators, data, path)
    problems = []
    ids = {i.id for i in indicators.indicators}
    for indicator in indicators.indicators:
        if indicator.group not in indicators.groups:
            problems.append(f"indicator {indicator.id}: unknown group {indicator.group!r}")
        for era, cells in indicator.cells.items():
            if era not in ERAS:
                problems.append(f"indicator {indicator.id}: unknown era {era!r}")
                continue
            fmt = load_format(era)
            for text in cells:
                for ref in indicator_refs(text):
                    table = fmt.tables.get(ref.table)
                    if table is None or ref.row not in {r.id for r in table.rows} | set(table.groups):
                        problems.append(f"indicator {indicator.id}: {era} has no cell {ref}")
                    elif ref.column and ref.column not in {c.id for c in table.columns}:
                        problems.append(f"indicator {indicator.id}: {era} has no column {ref}")
    for chapter, chosen in indicators.comparisons.items():
        problems.extend(f"comparisons.{chapter}: unknown indicator {i!r}" for i in chosen if i not in ids)
    if problems:
        raise DeclarationError(f"{path}: " + "; ".join(problems))
    return indicators
