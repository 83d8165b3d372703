"""End to end: a hostile published page imported with `nianbao import`, then rendered by `nianbao run`. The
page's title, a chapter heading and its prose carry scripts, event handlers, script URLs, frames and URLs of
local files and remote stylesheets; the issuer given on the command line carries markup. The report page runs
and fetches nothing, and the PDF embeds no file."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, assert_no_attachment, assert_safe, copy_project, nianbao

pytestmark = pytest.mark.e2e

PROSE = [
    "<script>alert(document.cookie)</script>",
    '<a rel="attachment" href="file:///etc/passwd">附件</a>',
    '<img src="file:///etc/passwd"><img src="http://example.invalid/pixel.png" onerror="alert(1)">',
    '<link rel="stylesheet" href="http://example.invalid/x.css">',
    '<iframe src="http://example.invalid/"></iframe><object data="x.swf"></object>',
    '[点此](javascript:alert(1)) <a href="jav&#x09;ascript:alert(2)">链接</a> <svg onload="alert(3)"></svg>',
]


def hostile_page(tmp_path):
    """洪泽 2024's published text with markup in its title, the heading of 五 and its prose."""
    text = (ROOT / "data/hongze/2024/published.txt").read_text(encoding="utf-8")
    title = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    text = text.replace(title, f"{title}<script>alert(0)</script>", 1)
    heading = next(line for line in text.splitlines() if line.startswith("五、"))
    text = text.replace(heading, f"{heading}<img src=x onerror=alert(4)>", 1)
    text = text.replace("一、总体情况\n", "一、总体情况\n" + "\n".join(PROSE) + "\n", 1)
    page = tmp_path / "published.txt"
    page.write_text(text, encoding="utf-8")
    return page


def test_an_imported_hostile_page_renders_inert(tmp_path):
    project = copy_project(tmp_path / "project", reports=[])
    imported = nianbao(
        "import", hostile_page(tmp_path), "--body", "hostile", "--year", 2024, "--era", "2021-standard",
        "--issuer", '<b onmouseover="alert(5)">洪泽区</b>', "--root", project, cwd=project,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "<script>" in (project / "data/hostile/2024/prose/overview.md").read_text(encoding="utf-8")  # copied verbatim

    run = nianbao("run", "hostile", 2024, "--root", project, cwd=project)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    report = project / "outputs/hostile/2024"

    for page in [report / "report.html", *sorted((report / "sections").glob("*.html"))]:
        assert_safe(page.read_text(encoding="utf-8"))

    soup = BeautifulSoup((report / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("h1").get_text() == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告<script>alert(0)</script>"
    assert soup.find("p", class_="issuer").get_text().startswith('<b onmouseover="alert(5)">洪泽区</b>')
    assert any(h.get_text().endswith("<img src=x onerror=alert(4)>") for h in soup.find_all("h2"))
    assert soup.find("a", string="附件") is not None and soup.find("a", string="附件").get("href") is None
    assert "2024年，淮安市洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导" in soup.get_text()

    assert_no_attachment(report / "report.pdf", b"root:x:0:0")
