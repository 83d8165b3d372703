"""The tables of the 2019 and 2021 formats as HTML in their official layout: merged header cells built from the
declared column groups, merged label cells from the declared row parents, 表二's blocks stacked under their
captions (each block a ``tbody``), and 表四's three blocks side by side in one row; header rows are the table's
``thead``, which a printed table repeats on every page it spans. Rows are labelled with the official labels; a row the
report printed under another label (a typo, "1、" for "1.") is listed under the table.
"""

from __future__ import annotations

import html

from nianbao.formats import Column, Table
from nianbao.inputs.report import Report, format_number


def _td(text: str, *, tag: str = "td", rowspan: int = 1, colspan: int = 1, cls: str | None = None) -> str:
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<{tag}{attrs}>{html.escape(text)}</{tag}>"


def header_rows(paths: list[tuple[str, ...]], lead: str = "") -> list[str]:
    """Header rows for columns given as label paths (outermost first): equal neighbouring prefixes are merged
    into one cell (colspan); a path shorter than the deepest is stretched down (rowspan). ``lead`` is prepended to
    the first row (the corner cell)."""
    depth = max(len(p) for p in paths)
    rows = []
    for level in range(depth):
        cells = [lead] if level == 0 and lead else []
        index = 0
        while index < len(paths):
            path = paths[index]
            if len(path) <= level:
                index += 1
                continue
            span = 1
            while (
                index + span < len(paths)
                and len(paths[index + span]) > level
                and paths[index + span][: level + 1] == path[: level + 1]
                and len(path) > level + 1
            ):
                span += 1
            rowspan = depth - level if len(path) == level + 1 else 1
            cells.append(_td(path[level], tag="th", rowspan=rowspan, colspan=span))
            index += span
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return rows


def _column_path(column: Column) -> tuple[str, ...]:
    return (*column.group, column.label)


def _value(report: Report, table: str, row_id: str, column: str) -> str:
    value = report.value(table, row_id, column)
    return "" if value is None else format_number(value)


def _aliases_note(report: Report, tables: list[Table]) -> str:
    notes = []
    for table in tables:
        data = report.tables.get(table.id)
        if data is None:
            continue
        for row in data.rows:
            if row.alias_used and row.row is not None:
                notes.append(f"“{row.row.label}”一行在公布的报告中写作“{row.label}”（{data.path.name} 第{row.line}行）")
    return "".join(f'<p class="table-note">{html.escape(n)}</p>' for n in notes)


def _empty_note(has_empty: bool) -> str:
    return '<p class="table-note">空白单元格：报告未填写（与 0 区分）。</p>' if has_empty else ""


def blocks_html(report: Report, official: str) -> str:
    """Stacked blocks (表二): per block, its caption row, the 信息内容 header row and its data rows."""
    tables = [t for t in report.format.tables.values() if t.official == official and t.id in report.tables]
    if not tables:
        return ""
    width = 1 + max(len(t.columns) for t in tables)
    blocks, empty = [], False
    for table in tables:
        rows = ["<tr>" + _td(table.caption or table.title, tag="th", colspan=width, cls="caption-row") + "</tr>"]
        cells = [_td("信息内容", tag="th", cls="corner")] + [_td(c.label, tag="th") for c in table.columns]
        if width > len(cells):
            cells.append(_td("", tag="th", colspan=width - len(cells)))
        rows.append("<tr>" + "".join(cells) + "</tr>")
        for row in table.rows:
            if report.row(table.id, row.id) is None:
                continue
            values = [_value(report, table.id, row.id, c.id) for c in table.columns]
            empty = empty or "" in values
            cells = [_td(row.label, tag="th", cls="row-label")] + [_td(v, cls="num") for v in values]
            if width > len(cells):
                cells.append(_td("", colspan=width - len(cells)))
            rows.append("<tr>" + "".join(cells) + "</tr>")
        blocks.append('<tbody class="block">' + "".join(rows) + "</tbody>")
    body = "".join(blocks)
    note = _aliases_note(report, tables) + _empty_note(empty)
    return f'<figure class="official-table"><table class="report-table official">{body}</table>{note}</figure>'


def _label_class(level: int) -> str:
    """A row label's class: ``row-label``, and from the second label column on its column (``level-1``, …), by
    which the screen keeps the label columns side by side in view when the table scrolls sideways."""
    return "row-label" + (f" level-{level}" if level else "")


def grid_html(report: Report, table_id: str) -> str:
    """A table with merged label columns (from the rows' parents) and merged column headers (表三)."""
    table = report.format.tables[table_id]
    present = [r for r in table.rows if report.row(table_id, r.id) is not None]
    paths = [(*r.parents, r.label) for r in present]
    depth = max((len(p) for p in paths), default=1)
    corner = _td(table.caption or "", tag="th", rowspan=max(len(c.group) for c in table.columns) + 1, colspan=depth, cls="corner")
    head = header_rows([_column_path(c) for c in table.columns], lead=corner)
    rows = []
    empty = False
    for index, (row, path) in enumerate(zip(present, paths, strict=True)):
        cells = []
        for level, label in enumerate(path):
            if index > 0 and len(paths[index - 1]) > level and paths[index - 1][: level + 1] == path[: level + 1]:
                continue  # merged into the cell above
            if level < len(path) - 1:
                span = 1
                while index + span < len(paths) and paths[index + span][: level + 1] == path[: level + 1]:
                    span += 1
                cells.append(_td(label, tag="th", rowspan=span, cls=_label_class(level)))
            else:
                cells.append(_td(label, tag="th", colspan=depth - level, cls=_label_class(level)))
        values = [_value(report, table_id, row.id, c.id) for c in table.columns]
        empty = empty or "" in values
        cells.extend(_td(v, cls="num") for v in values)
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = _aliases_note(report, [table]) + _empty_note(empty)
    return f'<figure class="official-table"><table class="report-table official">{_sections(head, rows)}</table>{note}</figure>'


def _sections(head: list[str], rows: list[str]) -> str:
    """The header rows as the table's head (repeated on every page a printed table spans) and the data rows."""
    return f"<thead>{''.join(head)}</thead><tbody>{''.join(rows)}</tbody>"


def transposed_html(report: Report, table_id: str) -> str:
    """A table whose rows are printed side by side as column blocks of one data row (表四)."""
    table = report.format.tables[table_id]
    paths, values = [], []
    for row in table.rows:
        block = (*row.parents, row.label.split("·")[-1])
        for column in table.columns:
            paths.append((*block, column.label))
            values.append(_value(report, table_id, row.id, column.id))
    data = "<tr>" + "".join(_td(v, cls="num") for v in values) + "</tr>"
    note = _aliases_note(report, [table]) + _empty_note("" in values)
    table_html = _sections(header_rows(paths), [data])
    return f'<figure class="official-table"><table class="report-table official">{table_html}</table>{note}</figure>'
