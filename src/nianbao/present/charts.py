"""Charts (seaborn/matplotlib) of the shares a format declares, labelled in Chinese."""

from __future__ import annotations

import io

from nianbao.inputs.report import Report
from nianbao.present.fonts import FontInfo, use_in_matplotlib

DPI = 150
TREND_CHART = "trend"  # the file name of the trend chart (charts/trend.png)
TREND_TITLE = "历年主要指标"


def share_chart(report: Report, chart_id: str, font: FontInfo):
    """A horizontal bar chart of one declared share: count and share per row. Returns the Figure."""
    import seaborn as sns
    from matplotlib.figure import Figure

    use_in_matplotlib(font)
    spec = report.format.charts[chart_id]
    items = report.share_items(spec.share)
    share = report.share_spec(spec.share)
    base = report.share_base(spec.share)
    sns.set_theme(style="whitegrid", font=font.family, rc={"axes.unicode_minus": False})
    height = 1.2 + 0.45 * max(len(items), 1)
    fig = Figure(figsize=(7.5, height), dpi=DPI)
    ax = fig.subplots()
    labels = [i.label for i in items]
    values = [float(i.number or 0) for i in items]
    sns.barplot(x=values, y=labels, hue=labels, legend=False, ax=ax, palette="crest", orient="h")
    unit = report.format.tables[share.table].unit
    top = max(values, default=0) or 1
    for y, item in enumerate(items):
        text = f"{item.value}{unit}" + (f"（{item.share}%）" if item.share else "")
        ax.text(values[y] + top * 0.01, y, text, va="center", fontsize=9)
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel(f"数量（{unit}）")
    ax.set_ylabel("")
    title = spec.title
    if base is not None:
        title += f"\n占比基数: {base.label} {base.value}{base.unit}"
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def png(fig) -> bytes:
    """The figure as PNG bytes (no timestamp or software metadata, so equal charts give equal files)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def trend_chart(trend, font: FontInfo):
    """One panel per indicator group: a line per indicator over the years, broken where a year has no
    comparable figure (a gap is never bridged or estimated)."""
    import seaborn as sns
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from nianbao.formats import load_indicators

    use_in_matplotlib(font)
    indicators = load_indicators()
    data = trend.long_frame()
    groups = [g for g in indicators.groups if g in set(data["group"])]
    sns.set_theme(style="whitegrid", font=font.family, rc={"axes.unicode_minus": False})
    fig = Figure(figsize=(7.5, 2.6 * max(len(groups), 1)), dpi=DPI)
    axes = fig.subplots(max(len(groups), 1), 1, squeeze=False)[:, 0]
    palette = sns.color_palette("tab10")
    for ax, group in zip(axes, groups, strict=False):
        chosen = [i for i in indicators.indicators if i.group == group and i.id in set(data["indicator"])]
        for colour, indicator in zip(palette, chosen, strict=False):
            series = trend.values[indicator.id]
            ys = [float(series[y]) if series.get(y) is not None else float("nan") for y in trend.years]
            ax.plot(trend.years, ys, marker="o", color=colour, label=indicator.label)
        ax.set_title(indicators.groups[group], fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(min(trend.years) - 0.5, max(trend.years) + 0.5)
        ax.legend(fontsize=7, loc="upper left", frameon=False)
        ax.set_ylabel("数量")
    fig.suptitle(f"{TREND_TITLE}（断开处：该年度无可比数据）", fontsize=11)
    fig.tight_layout()
    return fig
