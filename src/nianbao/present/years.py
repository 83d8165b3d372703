"""Years compared: the indicators of ``formats/indicators.yaml`` read from any era's report, the change from the
previous year, and a body's trend over all its years.

An indicator that an era does not state has no value there (None): the comparison and the trend show a gap and
say why (the indicator's note for that era), never an estimate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from nianbao.errors import InputError
from nianbao.formats import Era, Indicator, load_format, load_indicators
from nianbao.inputs.report import Report, format_number, indicator_value, load_report
from nianbao.paths import ProjectLayout, as_layout
from nianbao.shares import round_half_up

GAP = "—"


@dataclass(frozen=True)
class Change:
    indicator: Indicator
    current: Decimal | None
    previous: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        """Change over the previous year in %, one decimal, 四舍五入; None when the previous year is 0 or missing."""
        if self.delta is None or not self.previous:
            return None
        return round_half_up(self.delta * 100 / self.previous, 1)


def changes(report: Report, chapter_id: str) -> list[Change]:
    """The chapter's declared comparison indicators this year and the year before (when that year exists)."""
    indicators = load_indicators()
    result = []
    for indicator_id in indicators.comparisons.get(chapter_id, ()):
        indicator = indicators.get(indicator_id)
        current = indicator_value(report, indicator)
        previous = indicator_value(report.previous, indicator) if report.previous is not None else None
        if current is None and previous is None:
            continue
        result.append(Change(indicator, current, previous))
    return result


def _signed(value: Decimal | None, suffix: str = "") -> str:
    if value is None:
        return GAP
    text = format_number(value)
    return (f"+{text}" if value > 0 else text) + suffix


def changes_frame(report: Report, chapter_id: str) -> pd.DataFrame:
    rows = [
        {
            "指标": c.indicator.label,
            f"{report.params.year}年": format_number(c.current) if c.current is not None else GAP,
            f"{report.params.year - 1}年": format_number(c.previous) if c.previous is not None else GAP,
            "增减": _signed(c.delta),
            "增减（%）": _signed(c.percent, "%") if c.percent is not None else GAP,
        }
        for c in changes(report, chapter_id)
    ]
    return pd.DataFrame(rows)


@dataclass
class Trend:
    body: str
    years: list[int]
    eras: dict[int, Era]
    values: dict[str, dict[int, Decimal | None]]  # indicator id -> year -> value
    notes: list[str]

    def intro(self) -> str:
        """Which years are compared and from which year each format era applies."""
        starts: list[tuple[int, Era]] = []
        for year, era in self.eras.items():
            if era not in [e for _, e in starts]:
                starts.append((year, era))
        eras = "；".join(f"{year}年起为{load_format(era).name}" for year, era in starts)
        return f"本附录比较{self.years[0]}—{self.years[-1]}年的报告。报告格式：{eras}。"

    def frame(self) -> pd.DataFrame:
        """Indicators × years as printed; gaps as "—"."""
        indicators = load_indicators()
        rows = []
        for indicator in indicators.indicators:
            series = self.values[indicator.id]
            if all(v is None for v in series.values()):
                continue
            row = {"指标": f"{indicators.groups[indicator.group]}：{indicator.label}（{indicator.unit}）"}
            row.update({str(y): format_number(series[y]) if series[y] is not None else GAP for y in self.years})
            rows.append(row)
        return pd.DataFrame(rows)

    def long_frame(self) -> pd.DataFrame:
        """One row per indicator and year with a number (for charts); gaps are absent rows."""
        indicators = load_indicators()
        records = [
            {"indicator": i.id, "label": i.label, "group": i.group, "year": y, "value": float(v)}
            for i in indicators.indicators
            for y, v in self.values[i.id].items()
            if v is not None
        ]
        return pd.DataFrame(records, columns=["indicator", "label", "group", "year", "value"])

    def comparability(self) -> list[str]:
        """The declared notes on indicators whose eras occur in the trend."""
        eras = set(self.eras.values())
        lines = []
        for indicator in load_indicators().indicators:
            for era, note in indicator.notes.items():
                if era in eras:
                    line = f"{indicator.label}：{note}"
                    if line not in lines:
                        lines.append(line)
        return lines


def trend(root: ProjectLayout | Path | str, body: str, until: int) -> Trend:
    """Every report of ``body`` up to ``until`` in the project in ``root``. A year whose data do not load is a gap,
    with a note."""
    indicators = load_indicators()
    layout = as_layout(root)
    years = layout.years(body, until)
    values: dict[str, dict[int, Decimal | None]] = {i.id: {} for i in indicators.indicators}
    eras, notes = {}, []
    for year in years:
        era, year_values, note = _year(layout, body, year)
        if era is not None:
            eras[year] = era
        if note is not None:
            notes.append(note)
        for indicator in indicators.indicators:
            values[indicator.id][year] = year_values.get(indicator.id)
    return Trend(body=body, years=years, eras=eras, values=values, notes=notes)


YearValues = tuple[Era | None, dict[str, Decimal | None], str | None]  # the era, the indicators, a note


def _year(layout: ProjectLayout, body: str, year: int) -> YearValues:
    """The era and indicators of one year of ``body``, or the note saying it did not load. Kept per content of the
    year's files (their inode, size and modification time), so that a kernel running every year of a body reads
    each earlier year once."""
    try:
        stamp = tuple((str(path), *_stat(path)) for path in layout.year_inputs(body, year))
    except OSError:
        return _year_read(layout, body, year)
    return _year_kept(layout, body, year, stamp)


def _stat(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=1024)
def _year_kept(layout: ProjectLayout, body: str, year: int, stamp: tuple) -> YearValues:
    return _year_read(layout, body, year)


def _year_read(layout: ProjectLayout, body: str, year: int) -> YearValues:
    try:
        report = load_report(layout, body, year, previous=False)
    except InputError as exc:
        return None, {}, f"{year}年的数据无法读取，趋势中留空: {exc.message}"
    return report.format.era, {i.id: indicator_value(report, i) for i in load_indicators().indicators}, None
