"""What a rendered report states, as plain lines: every heading and paragraph, every table cell (table, row
label, column label, value, in the order printed), every chart, and every check's verdict.

The facts are read back from the outputs a reader gets (``report.html``, or the validation section of a report
that failed its checks, and ``validation.json``), not from the package's internals, so that they describe what
was published whatever produced it. Two runs that state the same numbers in the same places have the same
facts; a cell moved, a sentence quoting another count or a share at another precision changes a line.

``python -m nianbao.present.facts OUTPUT_DIR`` prints the facts of one report folder.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from nianbao.paths import VALIDATION_FILE

SEP = " | "
EMPTY = "（空白）"
_BLOCKS = ("h1", "h2", "h3", "h4", "p", "li", "table", "img")
_SPACE = re.compile(r"\s+")
_PARAGRAPH_KINDS = {"narrative": "叙述", "table-note": "表注", "no-data": "无数据"}  # by the paragraph's class


def _text(node: Tag) -> str:
    for anchor in node.select("a.anchor-link"):
        anchor.decompose()
    return _SPACE.sub(" ", node.get_text(" ")).strip()


def _span(element: Tag, name: str) -> int:
    value = element.get(name)
    return int(value) if isinstance(value, str) else 1


@dataclass(frozen=True)
class _Cell:
    header: bool  # a <th>
    text: str
    source: int  # the same number for every grid position one spanning cell covers


def grid(table: Tag) -> list[list[_Cell]]:
    """The table's rows with every rowspan/colspan resolved: a merged cell stands at each position it covers."""
    rows: list[list[_Cell]] = []
    pending: dict[tuple[int, int], _Cell] = {}
    number = 0
    for r, tr in enumerate(table.find_all("tr")):
        row: list[_Cell] = []
        column = 0
        for element in tr.find_all(["td", "th"], recursive=False):
            while (r, column) in pending:
                row.append(pending.pop((r, column)))
                column += 1
            number += 1
            cell = _Cell(element.name == "th", _text(element), number)
            rowspan, colspan = _span(element, "rowspan"), _span(element, "colspan")
            for offset in range(colspan):
                row.append(cell)
                for below in range(1, rowspan):
                    pending[(r + below, column + offset)] = cell
            column += colspan
        while (r, column) in pending:
            row.append(pending.pop((r, column)))
            column += 1
        rows.append(row)
    return rows


def _path(cells: list[_Cell]) -> str:
    """Labels of stacked or side-by-side cells, each merged cell once, empty ones left out."""
    parts: list[str] = []
    seen: set[int] = set()
    for cell in cells:
        if cell.source in seen or not cell.text:
            continue
        seen.add(cell.source)
        parts.append(cell.text)
    return " / ".join(parts)


def table_cells(table: Tag) -> Iterator[tuple[str, str, str]]:
    """(row label, column label, value) of every value cell, in the order printed.

    A row without any <td> is a header row; header rows that follow data rows start a new block (表二's
    blocks under their captions). Row labels are a data row's leading <th> cells, or its first cell in a table
    with a <thead> other than an official table's (a plain table: label column first)."""
    plain = table.find("thead") is not None and "official" not in (table.get("class") or [])
    headers: list[list[_Cell]] = []
    in_header = True
    for row in grid(table):
        if not any(not c.header for c in row):
            if not in_header:
                headers, in_header = [], True
            headers.append(row)
            continue
        in_header = False
        lead = 1 if plain else next((i for i, c in enumerate(row) if not c.header), len(row))
        label = _path(row[:lead])
        for index in range(lead, len(row)):
            cell = row[index]
            above = [h[index] for h in headers if index < len(h)]
            column = _path(above)
            if not cell.text and (not above or not above[-1].text):
                continue  # filler under an empty header cell (a short block of 表二)
            yield label, column, cell.text or EMPTY


def html_facts(html: str) -> list[str]:
    """The facts of one HTML page: its text blocks and table cells in document order."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["style", "script", "head", "nav"]):  # navigation (table of contents, links) states nothing
        hidden.decompose()
    facts: list[str] = []
    chapter = subheading = ""
    tables = 0  # tables of the chapter without a caption or a subheading of their own
    for node in soup.find_all(_BLOCKS):
        if node.find_parent("table") is not None:
            continue
        if node.name == "table":
            tables += 1
            figure = node.find_parent("figure")
            caption = figure.find("figcaption") if figure is not None else None
            name = _text(caption) if caption is not None else (subheading or f"表{tables}")
            for label, column, value in table_cells(node):
                facts.append(SEP.join(("单元格", f"{chapter} › {name}", label, column, value)))
            continue
        if node.name == "img":
            facts.append(SEP.join(("图", chapter, str(node.get("alt") or ""))))
            continue
        if node.name == "li":
            depth = len(node.find_parents("li"))
            own = copy.copy(node)
            for nested in own.find_all(["ul", "ol"]):
                nested.decompose()
            facts.append(SEP.join(("  " * depth + "条目", _text(own))))
            continue
        text = _text(node)
        if not text:
            continue
        if node.name in ("h1", "h2"):
            chapter, subheading, tables = text, "", 0
            facts.append(SEP.join(("标题", text)))
        elif node.name in ("h3", "h4"):
            subheading = text
            facts.append(SEP.join(("小标题", text)))
        else:
            classes: list[str] = list(node.get("class") or [])
            tag = next((_PARAGRAPH_KINDS[c] for c in classes if c in _PARAGRAPH_KINDS), "文字" if node.name == "p" else "条目")
            facts.append(SEP.join((tag, text)))
    return facts


def validation_facts(validation: dict) -> list[str]:
    """The counts, then every check with its severity, its verdict (通过, 不通过, 未评估 or 不适用, as validation.json
    records it) and its details."""
    counts = validation["counts"]
    facts = [SEP.join(("校验汇总", *(f"{k}={v}" for k, v in counts.items())))]
    for check in validation["checks"]:
        verdict = check["verdict"]
        facts.append(SEP.join(("校验", check["severity"], verdict, f"{check['suite']}/{check['check']}", check["description"])))
        facts.extend(SEP.join(("  明细", d)) for d in check["details"])
    return facts


def report_facts(folder: Path) -> list[str]:
    """The facts of one report folder of ``outputs/``: its report.html (or, for a report that failed its checks,
    the validation section kept beside it) and its validation.json."""
    folder = Path(folder)
    page = folder / "report.html"
    if not page.exists():
        page = folder / "sections" / "00_validation.html"
    facts = [SEP.join(("页面", str(page.relative_to(folder))))]
    facts += html_facts(page.read_text(encoding="utf-8"))
    facts += validation_facts(json.loads((folder / VALIDATION_FILE).read_text(encoding="utf-8")))
    return facts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m nianbao.present.facts OUTPUT_DIR", file=sys.stderr)
        return 2
    print("\n".join(report_facts(Path(args[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
