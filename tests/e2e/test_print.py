"""End to end: the PDF in the 公文 layout, read back from the corpus run: the faces the params name, embedded;
page numbers “— N —”; a table that runs over a page repeats its head, and 表三 is never shown without it."""

from __future__ import annotations

import re
import subprocess

import pdfplumber
import pytest
from bs4 import BeautifulSoup

from helpers import CORPUS
from nianbao.inputs.params import load_params
from nianbao.inputs.report import load_report

pytestmark = pytest.mark.e2e

REPORTS = [("pingtan", 2021), ("dongyang", 2017)]
TOP_OF_TEXT_BLOCK = 37 / 25.4 * 72  # 天头 37 mm, in points


def _pdf(corpus_run, body, year):
    outputs, _ = corpus_run
    return outputs / body / str(year) / "report.pdf"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.mark.parametrize("body, year", REPORTS)
def test_the_configured_faces_and_only_they_are_embedded(corpus_run, root, body, year):
    pdf = _pdf(corpus_run, body, year)
    faces = load_params(root, body, year).faces
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    embedded = {row[0].split("+", 1)[-1]: row[-5] for row in rows}  # subset prefix dropped; the "emb" column
    assert embedded and set(embedded.values()) == {"yes"}, listing
    names = {face: face.replace(" ", "-") for face in (faces.title, faces.body, faces.heading, faces.subheading)}
    assert all(any(name.startswith(n) for n in names.values()) for name in embedded), listing
    assert f"{names[faces.title]}-Bold" in embedded  # the title's bold weight
    for face in (faces.body, faces.heading):
        assert names[face] in embedded, (face, listing)
    html = (pdf.parent / "report.html").read_text(encoding="utf-8")
    if "<h3" in html:  # second-level headings
        assert names[faces.subheading] in embedded


@pytest.mark.parametrize("body, year", REPORTS)
def test_page_numbers_are_dashed_at_the_foot(corpus_run, body, year):
    with pdfplumber.open(_pdf(corpus_run, body, year)) as pdf:
        feet = [page.extract_text().strip().splitlines()[-1] for page in pdf.pages]
    assert len(feet) > 5
    assert feet == [f"— {n} —" for n in range(1, len(feet) + 1)]


def _tables_at_the_top(pdf_path) -> list[tuple[int, str]]:
    """(page number, text of the first filled cell of the first row) of each table that begins a page of the PDF."""
    tops = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for table in page.find_tables():
                if table.bbox[1] <= TOP_OF_TEXT_BLOCK + 6:
                    tops.append((number, next(_flat(cell) for cell in table.extract()[0] if cell)))
    return tops


def test_a_table_at_the_top_of_a_page_starts_with_its_head(corpus_run):
    """In every rendered report, a table that begins a page (a new table, or one running over from the page before)
    shows a header row: its first row is the first row of a table head (or a caption row) of the report's HTML,
    never a body row. 表三 of the 2021 format is longer than a page, so pingtan 2021 has such a page."""
    outputs, _ = corpus_run
    pdfs = [p for body, year in CORPUS if (p := outputs / body / str(year) / "report.pdf").is_file()]
    assert len(pdfs) >= len(CORPUS) - 2  # the two reports failing by design have no PDF
    starting = set()
    for pdf_path in pdfs:
        soup = BeautifulSoup((pdf_path.parent / "report.html").read_text(encoding="utf-8"), "html.parser")
        heads = set()
        for table in soup.find_all("table"):
            first = table.find("thead").find("tr") if table.find("thead") else table.find("tr")
            heads.add(_flat(first.find(["th", "td"]).get_text()))
        heads |= {_flat(th.get_text()) for th in soup.select("th.caption-row")}
        for number, first in _tables_at_the_top(pdf_path):
            starting.add(pdf_path.parent.relative_to(outputs).as_posix())
            assert first in heads, f"{pdf_path}: page {number} begins with a table row that is no header: {first}"
    assert "pingtan/2021" in starting, starting


def test_every_page_with_rows_of_table_three_shows_its_head(corpus_run, root):
    report = load_report(root, "pingtan", 2021, previous=False)
    (grid,) = [t for t in report.format.tables.values() if t.layout == "grid"]
    rows = [_flat(r.label) for r in grid.rows if r.parents and len(r.label) <= 10]
    head = _flat(grid.columns[0].group[0])  # the top header cell over the columns (申请人情况)
    appendices = [_flat(report.params.heading(c.id)) for c in report.format.chapters if report.format.after_signature(c.id)]
    with pdfplumber.open(_pdf(corpus_run, "pingtan", 2021)) as pdf:
        pages = [_flat(page.extract_text()) for page in pdf.pages]
    body = next(n for n, text in enumerate(pages) if any(text.startswith(h) for h in appendices))  # the appendices
    showing = [n for n, text in enumerate(pages[:body], start=1) if sum(label in text for label in rows) >= 3]  # quote rows
    assert showing
    for number in showing:
        assert head in pages[number - 1], f"page {number} shows rows of {grid.id} without its head"
