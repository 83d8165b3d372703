"""Golden facts: what each corpus report states, as rendered, is pinned in tests/golden/<body>-<year>.facts.

A fact is a line: a heading, a paragraph, a table cell (table, row label, column label, value), a chart, or a
check's verdict (see nianbao.present.facts). The end-to-end test renders the 19 reports with ``nianbao run --all`` and
compares their facts with the snapshots; ``make golden`` rewrites the snapshots from a fresh run (read the diff
before committing it). The fast tests compare what the package renders in-process (narratives, tables) with the
same snapshots, so that a wrong number is caught without running a session_module.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import CORPUS
from nianbao.present.facts import SEP, html_facts, report_facts

GOLDEN = Path(__file__).parents[1] / "golden"


def golden(body: str, year: int) -> list[str]:
    return (GOLDEN / f"{body}-{year}.facts").read_text(encoding="utf-8").splitlines()


def report_folder(outputs: Path, body: str, year: int) -> Path:
    final = outputs / body / str(year)
    return final if (final / "report.html").exists() else final.with_name(f"{year}.failed")


def diff(expected: list[str], actual: list[str]) -> str:
    lines = list(difflib.unified_diff(expected, actual, "golden", "this run", n=1, lineterm=""))
    return "\n".join(lines[:120]) + ("\n…" if len(lines) > 120 else "")


def cells(facts: list[str]) -> list[tuple[str, ...]]:
    """(row label, column label, value) of every table cell fact, without the table's place in the report."""
    return [tuple(f.split(SEP)[2:]) for f in facts if f.startswith("单元格" + SEP)]


# --- end to end: the rendered corpus against its snapshots -----------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("body, year", CORPUS)
def test_rendered_report_states_its_golden_facts(corpus_run, request, body, year):
    outputs, _ = corpus_run
    facts = report_facts(report_folder(outputs, body, year))
    path = GOLDEN / f"{body}-{year}.facts"
    if request.config.getoption("--golden-update"):
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(facts) + "\n", encoding="utf-8")
    expected = golden(body, year)
    assert facts == expected, f"{body} {year} states something else than tests/golden/{path.name}:\n" + diff(expected, facts)


@pytest.mark.e2e
@pytest.mark.parametrize("body, year", [r for r in CORPUS if r not in (("hongze", 2023), ("pingtan", 2020))])
def test_pdf_states_every_narrative_sentence(corpus_run, body, year):
    outputs, _ = corpus_run
    pdf = outputs / body / str(year) / "report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", text)  # the page footers, wherever a page breaks a paragraph
    flat = re.sub(r"\s+", "", text)
    sentences = [f.split(SEP, 1)[1] for f in golden(body, year) if f.startswith("叙述" + SEP)]
    assert sentences
    missing = [s for s in sentences if re.sub(r"\s+", "", s) not in flat]
    assert missing == []


@pytest.mark.e2e
class TestSnapshotsCatchWrongNumbers:
    """Each wrong output a source mutant would produce makes the facts differ from the snapshot, and the diff
    names the place."""

    def _facts_of_edited(self, corpus_run, body, year, edit) -> tuple[list[str], list[str]]:
        outputs, _ = corpus_run
        page = report_folder(outputs, body, year) / "report.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        edit(soup)
        return golden(body, year), html_facts(str(soup))

    def test_a_swapped_pair_of_table3_cells(self, corpus_run):
        def swap(soup):
            row = next(tr for tr in soup.find_all("tr") if tr.find("th", string="（一）予以公开"))
            values = row.find_all("td")  # 自然人, 商业企业, 科研机构, 社会公益组织 …: 27 0 0 2 0 1 30
            values[2].string, values[3].string = values[3].string, values[2].string

        expected, facts = self._facts_of_edited(corpus_run, "pingtan", 2021, swap)
        changed = [line for line in diff(expected, facts).splitlines() if line[:1] in "+-" and "单元格" in line]
        assert any("（一）予以公开 | 申请人情况 / 法人或其他组织 / 科研机构 | 2" in line for line in changed), changed
        assert any("（一）予以公开 | 申请人情况 / 法人或其他组织 / 社会公益组织 | 0" in line for line in changed), changed

    def test_a_share_at_another_precision(self, corpus_run):
        def round_off(soup):
            cell = next(td for td in soup.find_all("td") if td.string == "46.15")
            cell.string = "46.2"

        expected, facts = self._facts_of_edited(corpus_run, "dongyang", 2017, round_off)
        assert facts != expected
        changed = "+单元格 | 三、政府信息依申请公开办理情况 › 收到政府信息公开申请 | 当面申请 | 占比（%） | 46.2"
        assert changed in diff(expected, facts)

    def test_a_narrative_quoting_another_cell(self, corpus_run):
        def requote(soup):
            paragraph = next(p for p in soup.find_all("p", class_="narrative") if "上年结转" in p.get_text())
            paragraph.string = paragraph.get_text().replace("上年结转0件", "上年结转70件")

        expected, facts = self._facts_of_edited(corpus_run, "pingtan", 2021, requote)
        assert any(line.startswith("+叙述") and "上年结转70件" in line for line in diff(expected, facts).splitlines())


# --- fast: the sections the notebooks show, rendered in-process, against the same snapshots -------------------

NOTEBOOK_KINDS = ("标题", "叙述", "单元格", "表注", "无数据")


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory) -> Path:
    from helpers import copy_project

    return copy_project(tmp_path_factory.mktemp("golden") / "project")


def notebook_facts(project: Path, body: str, year: int, monkeypatch) -> list[str]:
    """The facts of the report sections (every notebook but the validation one), run in this process: each code
    cell of the notebooks the report shows is executed with the report's parameters; HTML is captured, charts
    are not drawn."""
    import json

    from nianbao.inputs.report import load_report
    from nianbao.present import session as session_module

    shown: list[str] = []
    monkeypatch.setattr(session_module, "_html", shown.append)
    monkeypatch.setattr(session_module.Session, "_show_chart", lambda self, name, fig, alt: None)
    monkeypatch.setattr(session_module.charts, "share_chart", lambda *args: None)
    monkeypatch.setattr(session_module.charts, "trend_chart", lambda *args: None)
    report = load_report(project, body, year)
    for spec in report.format.notebooks[1:]:
        if not any(report.shows(c) for c in spec.chapters):
            continue
        cells = json.loads((project / "notebooks" / spec.file).read_text(encoding="utf-8"))["cells"]
        namespace = {"body": body, "year": year, "root": str(project), "output_dir": None}
        for cell in cells:
            if cell["cell_type"] == "code" and "parameters" not in cell.get("metadata", {}).get("tags", []):
                exec("".join(cell["source"]), namespace)
    return [f for f in html_facts("".join(shown)) if f.split(SEP)[0] in NOTEBOOK_KINDS]


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(any(line == other for other in it) for line in part)


@pytest.mark.parametrize("body, year", [r for r in CORPUS if r not in (("hongze", 2023), ("pingtan", 2020))])
def test_sections_rendered_in_process_state_the_golden_facts(corpus_copy, monkeypatch, body, year):
    """Every sentence, table cell and table note of the report's sections, in the order of the snapshot, and no
    other (the check summary aside, which the end-to-end test pins)."""
    facts = notebook_facts(corpus_copy, body, year, monkeypatch)
    expected = [
        f for f in golden(body, year) if f.split(SEP)[0] in NOTEBOOK_KINDS and "校验摘要" not in f and f.split(SEP)[0] != "标题"
    ]
    facts_no_headings = [f for f in facts if not f.startswith("标题" + SEP)]
    assert facts_no_headings == expected, diff(expected, facts_no_headings)
    assert _is_subsequence([f for f in facts if f.startswith("标题" + SEP)], golden(body, year))


# --- fast: the markup of the official tables, byte for byte -----------------------------------------------------

MARKUP = {
    ("pingtan", 2021): ("表二", "requests", "reviews_litigation"),  # 2021: （六） in three rows
    ("hongze", 2024): ("表二", "requests", "reviews_litigation"),  # 2021 with the single （六） row
    ("shanghai-office", 2019): ("表二", "requests", "reviews_litigation"),  # 2019: empty cells, procurement
    ("dongyang", 2017): ("proactive", "proactive_categories", "applications", "answers", "appeals"),  # old format
    ("pingtan", 2015): ("statistics",),  # old format, 统计表 with a unit column
}


def table_markup(report, name: str) -> str:
    from nianbao.present import html as report_html
    from nianbao.present import official

    if name == "表二":
        return official.blocks_html(report, name)
    table = report.format.tables[name]
    if table.layout == "grid":
        return official.grid_html(report, name)
    if table.layout == "transposed":
        return official.transposed_html(report, name)
    return report_html.table_html(report, name)


@pytest.mark.parametrize("body, year, name", [(b, y, n) for (b, y), names in MARKUP.items() for n in names])
def test_table_markup_is_the_snapshot(corpus_copy, request, body, year, name):
    """The HTML of each kind of table as the report prints it (tests/golden/markup/), so that a change to a tag,
    a span, a class or a note shows; `make golden` rewrites these too."""
    from nianbao.inputs.report import load_report

    markup = table_markup(load_report(corpus_copy, body, year), name)
    path = GOLDEN / "markup" / f"{body}-{year}-{name}.html"
    if request.config.getoption("--golden-update"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markup + "\n", encoding="utf-8")
    assert markup + "\n" == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("body, year, name", [(b, y, n) for (b, y), names in MARKUP.items() for n in names])
def test_official_tables_are_rectangular_with_text_only_in_cells(corpus_copy, body, year, name):
    """Every row of a table spans the same number of columns once merged cells are resolved, and no text stands
    between cells (a browser would show it above the table)."""
    from nianbao.inputs.report import load_report
    from nianbao.present.facts import grid

    soup = BeautifulSoup(table_markup(load_report(corpus_copy, body, year), name), "html.parser")
    table = soup.find("table")
    widths = {len(row) for row in grid(table)}
    assert len(widths) == 1, widths
    stray = [s for s in table.find_all(string=True) if s.strip() and s.find_parent(["td", "th"]) is None]
    assert stray == []
