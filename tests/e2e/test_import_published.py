"""``nianbao import report.pdf`` and ``nianbao import report.html`` as a user runs them: a new report's data and
params in a project, which then validate like the committed ones; a scan, an existing report and a page that does not
fit the format are refused and leave the project as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import ROOT, copy_project, nianbao, tree_digest

pytestmark = pytest.mark.slow

PDF = ROOT / "tests/sources/pdf/hongze-2024.pdf"
PAGE = ROOT / "tests/inputs/published/pingtan-2021.html"
ARGS = ("--era", "2021-standard", "--issuer", "淮安市洪泽区人民政府", "--scope", "全区")


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", reports=[("hongze", 2023)])


def test_a_pdf_becomes_a_report_that_validates(project):
    result = nianbao("import", PDF, "--body", "hongze-pdf", "--year", 2024, *ARGS, "--root", project, cwd=project)
    assert result.returncode == 0, result.stderr
    folder = project / "data/hongze-pdf/2024"
    assert "wrote data/hongze-pdf/2024/requests.csv" in result.stdout
    assert (folder / "published.pdf").read_bytes() == PDF.read_bytes()
    for csv in (ROOT / "data/hongze/2024").glob("*.csv"):
        assert (folder / csv.name).read_text(encoding="utf-8") == csv.read_text(encoding="utf-8"), csv.name
    validated = nianbao("validate", "hongze-pdf", 2024, "--root", project, cwd=project)
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_a_web_page_becomes_a_report(project):
    result = nianbao("import", PAGE, "--body", "pingtan", "--year", 2021, *ARGS, "--root", project, cwd=project)
    assert result.returncode == 0, result.stderr
    folder = project / "data/pingtan/2021"
    assert (folder / "published.html").read_bytes() == PAGE.read_bytes()
    assert (folder / "prose/overview.md").read_text(encoding="utf-8") == (ROOT / "data/pingtan/2021/prose/overview.md").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    "source, args, message",
    [
        (ROOT / "tests/inputs/published/scanned.pdf", ("--body", "scan", "--year", 2024), "PDF 没有文字层"),
        (PDF, ("--body", "hongze", "--year", 2023), "数据目录已存在，不会覆盖"),
        (PDF, ("--body", "hongze-pdf", "--year", 2024, "--era", "2019"), "未找到表格“第二十条第（九）项”"),
    ],
)
def test_what_cannot_be_imported_is_refused_and_nothing_is_written(project, source, args, message):
    before = tree_digest(project)
    extra = () if "--era" in args else ARGS
    result = nianbao("import", source, *args, *extra, "--issuer", "x", "--root", project, cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(project) == before


def test_an_old_format_text_is_refused(project, tmp_path):
    text = tmp_path / "report.txt"
    shutil.copy(ROOT / "data/pingtan/2015/published.txt", text)
    result = nianbao(
        "import", text, "--body", "p", "--year", 2015, "--era", "old-free-text", "--issuer", "x", "--root", project, cwd=project
    )
    assert result.returncode == 2 and "旧格式报告只能从 PDF 或网页导入其统计表" in result.stderr
