"""End to end: the published report ends with its 校验摘要 and holds no check id and no file path; the validation
pages and ``outputs/index.html`` after ``run --all`` on the corpus (conftest.corpus_run)."""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from nianbao.checks.registry import REGISTRY
from nianbao.formats import ERAS, load_format

pytestmark = pytest.mark.e2e

# a file of the project (data/…, params/…), or a file by its extension
FILE_PATH = re.compile(r"(?:data|params|outputs|expectations|notebooks)/|\.(?:csv|md|json|yaml|ipynb|py)\b")


@pytest.fixture(scope="module")
def outputs(corpus_run):
    return corpus_run[0]


def _check_ids() -> set[str]:
    ids = {t.id for t in REGISTRY}
    ids |= {i.id for era in ERAS for i in load_format(era).identities}
    return ids | {era for era in ERAS if not era.isdigit()}  # the suites' names begin with the era


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize(
    "body, year, issuer", [("dongyang", 2017, "东阳市人民政府"), ("pingtan", 2012, "平潭综合实验区管理委员会")]
)
def test_the_pdf_ends_with_the_check_summary_and_states_no_id_and_no_path(outputs, body, year, issuer):
    """东阳 2017 (a warning) and 平潭 2012 (six warnings): the last page is the summary, naming the body."""
    pages = _pages(outputs / body / str(year) / "report.pdf")
    last = re.sub(r"\s+", "", pages[-1])
    assert last.startswith("校验摘要" + issuer) and "项检查" in last and "【警告】" in last
    assert all("校验摘要" not in page for page in pages[:-1])
    ids = _check_ids()
    for number, page in enumerate(pages, start=1):
        assert not FILE_PATH.search(page), (number, FILE_PATH.search(page))
        assert not [i for i in ids if i in page], number
        assert f"{body} {year}" not in page, number  # the body is named by its issuer, not by its id


def test_the_failed_report_has_its_summary_and_validation_page(outputs):
    failed = outputs / "hongze/2023.failed"
    summary = BeautifulSoup((failed / "sections/00_validation.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert "淮安市洪泽区人民政府2023年度报告的数据共经过82项检查" in summary
    assert not FILE_PATH.search(summary) and "I5_review_litigation_totals" not in summary
    page = BeautifulSoup((failed / "validation.html").read_text(encoding="utf-8"), "html.parser")
    assert "I5_review_litigation_totals" in page.get_text() and "reviews_litigation.csv" in page.get_text()
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings[0] == "校验摘要" and headings[1].startswith("勾稽关系与合理性（6项检查，1项未通过）")  # its failure first


def test_the_index_lists_every_report_with_its_status_and_links_that_exist(outputs):
    index = outputs / "index.html"
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    rows = {}
    for tr in soup.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        rows[(cells[0].get_text(), cells[1].get_text())] = (cells[2].get_text(), [a["href"] for a in tr.find_all("a")])
    assert len(rows) == 19
    assert rows[("东阳市人民政府", "2017")] == (
        "有警告",
        [f"dongyang/2017/{name}" for name in ("report.html", "report.pdf", "report.docx", "validation.html")],
    )
    assert rows[("平潭综合实验区管理委员会", "2021")][0] == "已生成"
    assert rows[("淮安市洪泽区人民政府", "2023")] == ("未通过校验", ["hongze/2023.failed/validation.html"])
    assert sorted(status for status, _ in rows.values()).count("未通过校验") == 2
    assert all((outputs / href).is_file() for _, hrefs in rows.values() for href in hrefs)
