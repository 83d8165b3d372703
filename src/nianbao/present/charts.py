"""Charts (seaborn/matplotlib) of the shares a format declares, labelled in Chinese, each with a text alternative
(``share_alt``, ``trend_alt``) that says in words what it shows, for readers who do not see the image.

A chart is drawn 6 inches wide with text at 11–13.5 points: on a page it is scaled to the column's width, so that
its text stays legible on a phone (a 390 px screen shows it at about 0.4 of its size) as on A4."""

from __future__ import annotations

import io

from nianbao.inputs.report import Report
from nianbao.present.fonts import FontInfo, use_in_matplotlib

DPI = 150
WIDTH = 6.0  # inches
TREND_CHART = "trend"  # the file name of the trend chart (charts/trend.png)


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
    height = 1.6 + 0.55 * max(len(items), 1)
    fig = Figure(figsize=(WIDTH, height), dpi=DPI)
    ax = fig.subplots()
    labels = [i.label for i in items]
    values = [float(i.number or 0) for i in items]
    sns.barplot(x=values, y=labels, hue=labels, legend=False, ax=ax, palette="crest", orient="h")
    unit = report.format.tables[share.table].unit
    top = max(values, default=0) or 1
    for y, item in enumerate(items):
        text = f"{item.value}{unit}" + (f"（{item.share}%）" if item.share else "")
        ax.text(values[y] + top * 0.01, y, text, va="center", fontsize=12)
    ax.set_xlim(0, top * 1.55)
    ax.tick_params(labelsize=12.5)
    ax.set_xlabel(f"数量（{unit}）", fontsize=12)
    ax.set_ylabel("")
    title = spec.title
    if base is not None:
        title += f"\n占比基数: {base.label} {base.value}{base.unit}"
    ax.set_title(title, fontsize=13.5, linespacing=1.6)
    laid_out(fig)
    return fig


PNG_COMPRESSION = 3
"""zlib's level for the charts' PNG: a chart of flat colours comes out within 3 % of its size at the default level
(6), in about 70 % of the time."""


def laid_out(fig) -> None:
    """Fit the figure's labels and titles inside it (``tight_layout``, once) and leave it without a layout engine:
    the placeholder engine ``tight_layout`` leaves behind makes ``savefig`` draw the whole figure once more, without
    output, before drawing it (a fifth of a chart's time). The figure is measured on the Agg canvas that draws its
    PNG, so that the text measured for the layout is not measured again for the drawing. The PNG is the same, byte
    for byte."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.set_layout_engine(None)


def png(fig) -> bytes:
    """The figure as PNG bytes (no timestamp or software metadata, so equal charts give equal files)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buffer.getvalue()


TREND_TITLE = "历年主要指标（断开处：该年度无可比数据）"


def share_alt(report: Report, chart_id: str) -> str:
    """The chart of a declared share in words: its title and base, then every bar with its count and share."""
    spec = report.format.charts[chart_id]
    share = report.share_spec(spec.share)
    base = report.share_base(spec.share)
    unit = report.format.tables[share.table].unit
    bars = "；".join(f"{i.label}{i.value}{unit}" + (f"（{i.share}%）" if i.share else "") for i in report.share_items(spec.share))
    based = f"，占比基数为{base.label}{base.value}{base.unit}" if base is not None else ""
    return f"条形图：{spec.title}{based}。{bars}。"


def trend_alt(trend) -> str:
    """The trend chart in words: what it plots and where its numbers are printed (the table above it)."""
    from nianbao.formats import load_indicators

    indicators = load_indicators()
    shown = set(trend.long_frame()["group"])
    panels = "、".join(label for group, label in indicators.groups.items() if group in shown)
    return f"折线图：{TREND_TITLE}，{min(trend.years)}—{max(trend.years)}年，分为{panels}。各年数值见上表“历年主要指标”。"


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
    fig = Figure(figsize=(WIDTH, 3.2 * max(len(groups), 1)), dpi=DPI)
    axes = fig.subplots(max(len(groups), 1), 1, squeeze=False)[:, 0]
    palette = sns.color_palette("tab10")
    for ax, group in zip(axes, groups, strict=False):
        chosen = [i for i in indicators.indicators if i.group == group and i.id in set(data["indicator"])]
        for colour, indicator in zip(palette, chosen, strict=False):
            series = trend.values[indicator.id]
            ys = [float(series[y]) if series.get(y) is not None else float("nan") for y in trend.years]
            ax.plot(trend.years, ys, marker="o", color=colour, label=indicator.label)
        ax.set_title(indicators.groups[group], fontsize=13.5)
        ax.tick_params(labelsize=12)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(min(trend.years) - 0.5, max(trend.years) + 0.5)
        ax.legend(fontsize=11, loc="best", frameon=False)
        ax.set_ylabel("数量", fontsize=12)
    fig.suptitle(TREND_TITLE, fontsize=13.5)
    laid_out(fig)
    return fig
