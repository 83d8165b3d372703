"""End to end: report.docx of the rendered corpus, read back with python-docx and printed by LibreOffice."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest
from lxml import html as lxml_html

from helpers import docx_layout, html_layout
from nianbao.formats import load_format
from nianbao.inputs.report import load_report

pytestmark = pytest.mark.e2e

REPORTS = [("pingtan", 2021), ("dongyang", 2017), ("pingtan", 2015)]  # the 2021 format (表二–表四), the old one


@pytest.fixture(scope="module")
def outputs(corpus_run):
    """The corpus rendered once by `run --all` (conftest.corpus_run)."""
    return corpus_run[0]


def tables(outputs, body, year):
    """The tables of report.html and of report.docx, each as (row, column, text, rowspan, colspan) cells."""
    folder = outputs / body / str(year)
    page = lxml_html.fromstring((folder / "report.html").read_text(encoding="utf-8"))
    document = docx.Document(str(folder / "report.docx"))
    return [html_layout(t) for t in page.xpath("//table")], [docx_layout(t) for t in document.tables]


@pytest.mark.parametrize("body, year", REPORTS)
def test_every_table_of_the_report_with_its_merged_cells(outputs, body, year):
    in_html, in_docx = tables(outputs, body, year)
    assert len(in_docx) == len(in_html) > 0
    for html_cells, docx_cells in zip(in_html, in_docx, strict=True):
        assert docx_cells == html_cells
    numbers = [text for cells in in_html for _, _, text, _, _ in cells if re.fullmatch(r"[+-]?[\d.]+%?", text)]
    assert len(numbers) >= 50


def test_table_three_in_its_official_layout(outputs):
    """平潭 2021's 表三: the merged header and label cells of the 2021 format."""
    _, in_docx = tables(outputs, "pingtan", 2021)
    requests = next(cells for cells in in_docx if any(text == "申请人情况" for _, _, text, _, _ in cells))
    spans = {text: (rowspan, colspan) for _, _, text, rowspan, colspan in requests}
    assert spans["申请人情况"] == (1, 7) and spans["法人或其他组织"] == (1, 5) and spans["自然人"] == (2, 1)
    assert spans["三、本年度办理结果"] == (22, 1) and spans["（六）其他处理"] == (3, 1)


def test_the_old_format_statistics_table(outputs, root):
    """平潭 2015's 统计表 (old format): every row of its data file in one table, as the HTML shows it."""
    in_html, in_docx = tables(outputs, "pingtan", 2015)
    labels = {row.label for row in load_report(root, "pingtan", 2015).rows("statistics")}
    shown = [cells for cells in in_docx if labels <= {text for _, _, text, _, _ in cells}]
    assert len(labels) > 10 and len(shown) == 1 and shown[0] in in_html


def test_libreoffice_prints_it_with_chinese_faces(outputs, tmp_path):
    """Word's reading of the file, approximated by LibreOffice: it opens, prints 表三's labels and embeds CJK faces."""
    source = outputs / "pingtan" / "2021" / "report.docx"
    profile = tmp_path / "profile"
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([*command, "--outdir", str(tmp_path), str(source)], env=env, check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    requests = load_format("2021-standard").tables["requests"]
    labels = {c.label for c in requests.columns} | {g for c in requests.columns for g in c.group}
    flat = "".join(text.split())
    # a label wrapped in a narrow cell is printed over several lines, between the lines of its neighbours' labels
    wrapped = [re.compile(".{0,24}?".join(map(re.escape, label)), re.S) for label in labels]
    assert [p.pattern for p in wrapped if not p.search(flat)] == []
    assert "三、收到和处理政府信息公开申请情况" in flat and "—2—" in flat  # the heading; the footer of page 2
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert any("CJK" in line or "WenKai" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # every face embedded
    assert "\ufffd" not in text and ".notdef" not in "\n".join(fonts)
