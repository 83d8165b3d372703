"""The outputs' index: every report's status read from a synthetic outputs folder (published, with warnings, failed
validation, errored, never run), the links it gives resolve to files that exist, and every value is escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nianbao.errors import ExitCode
from nianbao.paths import ProjectLayout
from nianbao.present.safe import CONTENT_SECURITY_POLICY
from nianbao.run import site
from nianbao.run.cache import KEY_FILE
from nianbao.run.site import SiteStatus
from nianbao.run.status import RunResult, Status

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _params(root: Path, body: str, year: int, issuer: str) -> None:
    path = root / "params" / body / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"issuer: '{issuer}'\nyear: {year}\n", encoding="utf-8")


def _validation(folder: Path, *, warnings: int = 0, critical: tuple[str, ...] = ()) -> None:
    checks = [{"severity": "warning", "success": False, "plain": [f"警告{i}"]} for i in range(warnings)]
    checks += [{"severity": "critical", "success": False, "plain": [sentence]} for sentence in critical]
    counts = {"warnings": warnings, "critical_failures": len(critical)}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "validation.json").write_text(json.dumps({"counts": counts, "checks": checks}), encoding="utf-8")
    (folder / "validation.html").write_text("<p>校验</p>", encoding="utf-8")


def _published(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_text("x", encoding="utf-8")


@pytest.fixture
def layout(tmp_path) -> ProjectLayout:
    """东阳 2017 rendered with a Word file; 平潭 2020 with warnings; 洪泽 2023 failed validation with an older good
    report; 洪泽 2024 errored before building; 上海 2019 a failed build of a run that recorded nothing; 平潭 2025
    never run."""
    root = tmp_path / "project"
    _params(root, "dongyang", 2017, "东阳市人民政府")
    _params(root, "pingtan", 2020, HOSTILE)
    _params(root, "pingtan", 2025, "平潭综合实验区管理委员会")
    _params(root, "hongze", 2023, "淮安市洪泽区人民政府")
    _params(root, "hongze", 2024, "淮安市洪泽区人民政府")
    layout = ProjectLayout.at(root)
    out = layout.outputs

    _validation(out / "dongyang/2017")
    _published(out / "dongyang/2017", "report.html", "report.pdf", "report.docx")
    site.record(layout, RunResult("dongyang", 2017, Status.RENDERED, out / "dongyang/2017"))

    _validation(out / "pingtan/2020", warnings=2)
    _published(out / "pingtan/2020", "report.html", "report.pdf")
    site.record(layout, RunResult("pingtan", 2020, Status.RENDERED, out / "pingtan/2020"))

    _validation(out / "hongze/2023")
    _published(out / "hongze/2023", "report.html", "report.pdf")
    _validation(out / "hongze/2023.failed", critical=("“行政复议”行：各项结果合计11件，与总计0件相差11件",))
    _published(out / "hongze/2023.failed", KEY_FILE)
    message = "数据未通过严重级别的校验，未生成报告章节:\n[严重] 表四各栏…"
    site.record(layout, RunResult("hongze", 2023, Status.FAILED_VALIDATION, None, message, ExitCode.VALIDATION_FAILED))

    error = f"params/hongze/2024.yaml, 第7行: 参数无效 {HOSTILE}"
    site.record(layout, RunResult("hongze", 2024, Status.ERROR, None, error, ExitCode.INPUT_ERROR))

    (out / "shanghai-office/2019.failed/notebooks").mkdir(parents=True)
    (out / "shanghai-office/.2019.lock").write_text("", encoding="utf-8")
    return layout


def _rows(layout: ProjectLayout) -> dict[tuple[str, str], BeautifulSoup]:
    soup = BeautifulSoup(site.index_html(layout), "html.parser")
    rows = {}
    for tr in soup.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        rows[(cells[0].get_text(), cells[1].get_text())] = tr
    return rows


class TestEntries:
    def test_the_status_of_every_report(self, layout):
        found = {(e.body, e.year): e.status for e in site.entries(layout)}
        assert found == {
            ("dongyang", 2017): SiteStatus.RENDERED,
            ("hongze", 2023): SiteStatus.FAILED_VALIDATION,
            ("hongze", 2024): SiteStatus.ERROR,
            ("pingtan", 2020): SiteStatus.WARNINGS,
            ("pingtan", 2025): SiteStatus.NOT_RUN,
            ("shanghai-office", 2019): SiteStatus.ERROR,  # a kept build without a validation result: it errored
        }

    def test_a_kept_validation_failure_without_a_record(self, layout):
        layout.result_file("hongze", 2023).unlink()
        (entry,) = [e for e in site.entries(layout) if (e.body, e.year) == ("hongze", 2023)]
        assert entry.status is SiteStatus.FAILED_VALIDATION
        assert entry.message == "“行政复议”行：各项结果合计11件，与总计0件相差11件"

    def test_a_later_success_replaces_the_failure(self, layout):
        site.record(layout, RunResult("hongze", 2023, Status.RENDERED, None))
        (entry,) = [e for e in site.entries(layout) if (e.body, e.year) == ("hongze", 2023)]
        assert entry.status is SiteStatus.RENDERED

    def test_the_links_that_exist(self, layout):
        links = {(e.body, e.year): e.links for e in site.entries(layout)}
        assert links[("dongyang", 2017)] == {
            "HTML": "dongyang/2017/report.html",
            "PDF": "dongyang/2017/report.pdf",
            "Word": "dongyang/2017/report.docx",
            "校验页面": "dongyang/2017/validation.html",
        }
        # the last good report, and the validation page of the run that failed
        assert links[("hongze", 2023)] == {
            "HTML": "hongze/2023/report.html",
            "PDF": "hongze/2023/report.pdf",
            "校验页面": "hongze/2023.failed/validation.html",
        }
        assert links[("hongze", 2024)] == {} and links[("pingtan", 2025)] == {}


class TestIndexHtml:
    def test_names_the_issuer_the_status_and_the_findings(self, layout):
        rows = _rows(layout)
        assert rows[("东阳市人民政府", "2017")].find("td", class_="status").get_text() == "已生成"
        failed = rows[("淮安市洪泽区人民政府", "2023")]
        assert failed.find("td", class_="status").get_text() == "未通过校验"
        assert "“行政复议”行：各项结果合计11件，与总计0件相差11件" in failed.get_text()
        assert "上一次成功生成的版本" in failed.get_text()
        assert rows[(HOSTILE, "2020")].find("td", class_="status").get_text() == "有警告"
        assert "警告0" in rows[(HOSTILE, "2020")].get_text()
        assert rows[("淮安市洪泽区人民政府", "2024")].find("td", class_="status").get_text() == "出错"
        assert rows[("平潭综合实验区管理委员会", "2025")].find("td", class_="status").get_text() == "未生成"

    def test_every_link_resolves_to_a_file(self, layout):
        path = site.write_index(layout)
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        hrefs = [a["href"] for a in soup.find_all("a")]
        assert len(hrefs) == 10  # 4 of 东阳 2017, 3 of 洪泽 2023, 3 of 平潭 2020
        assert all((path.parent / href).is_file() for href in hrefs), hrefs

    def test_inert_with_the_policy(self, layout):
        soup = BeautifulSoup(site.index_html(layout), "html.parser")
        assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == CONTENT_SECURITY_POLICY
        assert soup.find(["script", "img"]) is None
        assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
        assert soup.get_text().count(HOSTILE) == 2  # the issuer, and the error message


class TestRecord:
    def test_the_outcome_beside_the_outputs(self, layout):
        recorded = json.loads(layout.result_file("hongze", 2024).read_text(encoding="utf-8"))
        assert recorded["status"] == "error" and recorded["exit_code"] == 2 and "第7行" in recorded["message"]
        assert layout.result_file("hongze", 2024).name == ".2024.result.json"

    def test_an_unreadable_record_is_ignored(self, layout):
        layout.result_file("dongyang", 2017).write_text("{", encoding="utf-8")
        (entry,) = [e for e in site.entries(layout) if e.body == "dongyang"]
        assert entry.status is SiteStatus.RENDERED  # read from the published report
