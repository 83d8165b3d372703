"""What the tests share: the corpus they are written against, throwaway copies of it, and small file helpers.

The tests know the corpus by name (``CORPUS``) instead of listing what the checkout happens to hold, and the
tests that write, run or list reports do so in a copy of those reports, so that an analyst's own reports in
``params/`` and ``data/`` neither break nor change them.
"""

from __future__ import annotations

import csv
import hashlib
import html as htmllib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
from bs4 import BeautifulSoup
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]

# The 19 published reports the project ships (../shared/reports): all three format eras.
CORPUS: tuple[tuple[str, int], ...] = (
    ("dongyang", 2017),
    ("hongze", 2023),
    ("hongze", 2024),
    *(("pingtan", year) for year in range(2011, 2026)),
    ("shanghai-office", 2019),
)
SHARED_DIRS = ("notebooks", "expectations")


def copy_project(target: Path, reports=CORPUS) -> Path:
    """A copy of the project's inputs for ``reports`` (the corpus by default) in ``target``, safe to edit."""
    for name in SHARED_DIRS:
        shutil.copytree(ROOT / name, target / name)
    for body, year in reports:
        (target / "params" / body).mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "params" / body / f"{year}.yaml", target / "params" / body / f"{year}.yaml")
        shutil.copytree(ROOT / "data" / body / str(year), target / "data" / body / str(year))
    return target


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, by relative path: equal digests mean byte-identical trees."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def edit_csv(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


# --- the published 2019/2021 tables read by their printed layout (FORMATS.md), independently of the importer --
# 表二's blocks by their caption (第二十条第（X）项), each kept in its own data file
BLOCK_FILES = {
    "（一）": "regulations.csv",
    "（五）": "licensing.csv",
    "（六）": "enforcement.csv",
    "（八）": "charges.csv",
    "（九）": "procurement.csv",
}
TABLE3_CORNER = "（本列数据的勾稽关系"
TABLE4_BLOCKS = ("行政复议", "行政诉讼·未经复议直接起诉", "行政诉讼·复议后起诉")


def pipe_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table of a text: runs of lines starting with "|", split into cells, separator rows dropped."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def published_files(text: str) -> dict[str, list[list[str]]]:
    """The data files a 2019/2021 report's published tables make, read by position."""
    files: dict[str, list[list[str]]] = {}
    for table in pipe_tables(text):
        first = table[0][0]
        if first.startswith("第二十条第"):
            block = None
            for row in table:
                caption = re.match(r"第二十条第(（.）)项", row[0])
                if caption:
                    block = files.setdefault(BLOCK_FILES[caption.group(1)], [])
                elif row[0] == "信息内容":
                    positions = [i for i, c in enumerate(row) if i > 0 and c]
                    block.append(["指标", *(row[i] for i in positions)])
                else:
                    block.append([row[0], *(row[i] for i in positions)])
        elif first.startswith(TABLE3_CORNER):
            top, sub = table[1], table[2]
            header = ["指标", *(sub[i] or top[i] for i in range(3, 10))]
            rows = [[next(c for c in reversed(r[:3]) if c), *r[3:10]] for r in table[3:]]
            files["requests.csv"] = [header, *rows]
        elif first == "行政复议":
            values = table[-1]
            header = ["指标", *table[1][:5]]
            files["reviews_litigation.csv"] = [header] + [
                [label, *values[5 * i : 5 * i + 5]] for i, label in enumerate(TABLE4_BLOCKS)
            ]
    return files


def nianbao(*args, cwd):
    """``nianbao ARGS`` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def text_of(html: str) -> str:
    """The text of an HTML page, without its styles and tags."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))


FORBIDDEN_ELEMENTS = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "form", "svg", "math"]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "background", "poster", "srcset")
_CONTROL = re.compile(r"[\x00-\x20]+")
# the links the package's navigation makes between its own pages: report.html ↔ sections/<notebook>.html
_PAGE_LINK = re.compile(r"(\.\./report|sections/[0-9a-z_]+|[0-9a-z_]+)\.html(#[a-z][a-z0-9_]*)?")


def _url(value: str) -> str:
    return _CONTROL.sub("", value).lower()


def assert_safe(page: str) -> BeautifulSoup:
    """The page holds nothing that runs or fetches, and declares a policy that forbids both."""
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find_all(FORBIDDEN_ELEMENTS) == []
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert policy is not None
    assert "default-src 'none'" in policy["content"] and "script-src" not in policy["content"]
    metas = [m for m in soup.find_all("meta") if m is not policy]
    assert not [m for m in metas if m.get("http-equiv")], metas
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for name in URL_ATTRIBUTES:
            if tag.get(name) is None:
                continue
            url = _url(tag[name])
            assert not url.startswith(("javascript:", "vbscript:", "data:text/html", "file:")), tag
            if tag.name == "a" and name == "href":
                own = tag.find_parent("nav") is not None and _PAGE_LINK.fullmatch(tag[name])  # the package's navigation
                assert url.startswith(("http://", "https://", "#")) or own, tag
            if tag.name == "img":
                assert url.startswith("data:image/png;base64,"), tag  # the charts the package embeds
            else:
                assert name == "href" and tag.name == "a", tag
        assert "attachment" not in (tag.get("rel") or []), tag
        style = (tag.get("style") or "").lower()
        assert "expression(" not in style and "url(" not in style, tag
    return soup


def assert_no_attachment(pdf: Path, secret: bytes) -> pypdf.PdfReader:
    """The PDF embeds no file (no embedded-files tree, no file-attachment annotation) and does not hold ``secret``."""
    data = pdf.read_bytes()
    reader = pypdf.PdfReader(pdf)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"/EmbeddedFile" not in data and secret not in data
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []]
    assert [a for a in annotations if a["/Subtype"] == "/FileAttachment"] == []
    return reader


# --- workbooks (nianbao new / nianbao import book.xlsx) ---------------------------------------------------------
def fill_workbook(book: Path, data_dir: Path, fmt) -> None:
    """Type the data files of ``data_dir`` into the workbook ``book`` as an analyst would: a number as a number, any
    other cell (``251000元``) as text, an empty cell left empty. Cells are found by the workbook's own layout."""
    from decimal import Decimal, InvalidOperation

    import openpyxl

    from nianbao.entry.layout import workbook_layout
    from nianbao.entry.writer import META_KEYS, META_SHEET, META_TOP
    from nianbao.inputs.tables import read_tables

    tables = read_tables(data_dir, fmt)
    workbook = openpyxl.load_workbook(book)
    text = workbook[META_SHEET].cell(META_TOP + list(META_KEYS).index("variants"), 2).value or ""
    variants = dict(item.split("=", 1) for item in text.split("；") if "=" in item)
    for sheet in workbook_layout(fmt, variants):
        for cell in sheet.values:
            row = tables[cell.table].find(cell.row) if cell.table in tables else None
            found = row.cells.get(cell.column) if row is not None else None
            raw = found.raw.strip() if found is not None else ""
            try:
                number = Decimal(raw)
                value: object = int(number) if number == number.to_integral_value() else float(number)
            except InvalidOperation:
                value = raw or None
            workbook[sheet.name][cell.at] = value
    workbook.save(book)


def recalculated(book: Path, folder: Path) -> Path:
    """``book`` opened, recalculated and saved by LibreOffice (headless, with a profile of its own in ``folder``), so
    that its formulas' cached values can be read (openpyxl ``data_only=True``)."""
    out = folder / "recalculated"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / book.name


def html_layout(table) -> list[tuple[int, int, str, int, int]]:
    """An HTML table's cells as (row, column, text, rowspan, colspan), placed as a browser places them."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for r, tr in enumerate(table.xpath(".//tr")):
        c = 0
        for td in tr.xpath("./th|./td"):
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            cells.append((r, c, " ".join(td.text_content().split()), rowspan, colspan))
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            c += colspan
    return sorted(cells)


def docx_layout(table) -> list[tuple[int, int, str, int, int]]:
    """A Word table's cells as (row, column, text, rowspan, colspan), from its gridSpan and vMerge."""
    starts, continued = {}, set()
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart":
                continued.add((r, c))
            else:
                text = " ".join("".join(t.text or "" for t in tc.iter(qn("w:t"))).split())
                starts[(r, c)] = [text, 1, span]
            c += span
    for (r, c), cell in starts.items():
        while (r + cell[1], c) in continued:
            cell[1] += 1
    return sorted((r, c, text, rowspan, colspan) for (r, c), (text, rowspan, colspan) in starts.items())
