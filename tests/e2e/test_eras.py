"""End to end for the 2019 and 2021 formats and the old format with a statistics table: the real notebooks through
papermill, one report of each era, and `run --all` on a small project."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from helpers import nianbao, text_of

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outputs(corpus_run):
    """The corpus rendered once by `run --all` (conftest.corpus_run)."""
    return corpus_run[0]


def _html(outputs, body, year):
    return (outputs / body / str(year) / "report.html").read_text(encoding="utf-8")


class Test2021Format:
    def test_sections_charts_and_official_tables(self, outputs):
        out = outputs / "hongze/2024"
        for name in (
            "sections/11_tables_proactive.html",
            "sections/21_tables_applications.html",
            "sections/31_tables_appeals.html",
            "sections/90_trend.html",
            "charts/applicants.png",
            "charts/outcomes.png",
            "charts/trend.png",
            "report.pdf",
        ):
            assert (out / name).is_file(), name
        html = _html(outputs, "hongze", 2024)
        assert '<th colspan="7">申请人情况</th>' in html and '<th colspan="10">行政诉讼</th>' in html
        assert "第二十条第（八）项" in html and "本年收费金额（单位：万元）" in html

    def test_narrative_states_counts_and_shares(self, outputs, root):
        text = text_of(_html(outputs, "hongze", 2024))
        received = (root / "data/hongze/2024/requests.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[-1]
        assert f"2024年全区新收政府信息公开申请{received}件" in text
        assert "占" in text and "与2023年比较" in text

    def test_pdf_embeds_only_the_cjk_faces(self, outputs):
        fonts = subprocess.run(["pdffonts", str(outputs / "hongze/2024/report.pdf")], capture_output=True, text=True).stdout
        names = [line.split()[0] for line in fonts.splitlines()[2:]]
        faces = ("NotoSansCJKSC", "NotoSerifCJKSC", "LXGWWenKai")  # the 公文 layout's default faces
        assert names and all(any(f in n.replace("-", "") for f in faces) for n in names), fonts
        text = subprocess.run(["pdftotext", str(outputs / "hongze/2024/report.pdf"), "-"], capture_output=True, text=True).stdout
        assert "收到和处理政府信息公开申请情况" in text and "申请人情况" in text


class Test2019Format:
    def test_procurement_block_and_single_other_row(self, outputs):
        html = _html(outputs, "shanghai-office", 2019)
        assert "第二十条第（九）项" in html and "政府集中采购" in html and "251000" in html
        assert re.search(r'<th (?=[^>]*colspan="2")[^>]*>（六）其他处理</th>', html)

    def test_empty_cells_are_warnings_in_the_summary_and_on_the_validation_page(self, outputs):
        validation = json.loads((outputs / "shanghai-office/2019/validation.json").read_text(encoding="utf-8"))
        assert validation["success"] and validation["counts"]["warnings"] > 0
        assert "未填写（空白表示未报告，不等于0）" in text_of(_html(outputs, "shanghai-office", 2019))
        page = (outputs / "shanghai-office/2019/validation.html").read_text(encoding="utf-8")
        assert "空白（未报告，与 0 区分）" in text_of(page)


class TestOldFormatWithStatistics:
    def test_statistics_table_and_trend(self, outputs):
        text = text_of(_html(outputs, "pingtan", 2015))
        assert "七、平潭综合实验区政府信息公开情况统计表" in text
        assert "81916" in text and "计量单位" in text
        assert "附录：历年比较" in text and "2011" in text and "与2014年比较" in text

    def test_omitted_chapters_are_not_rendered(self, outputs):
        text = text_of(_html(outputs, "pingtan", 2015))
        assert "其他需要报告的事项" not in text


class TestRunAll:
    def test_a_failing_report_does_not_stop_the_others_and_the_summary_lists_each(self, corpus_run):
        outputs, result = corpus_run
        assert result.returncode == 1
        summary = result.stdout[result.stdout.index("汇总") :]
        assert "dongyang 2017: 已生成" in summary and "共 19 个报告" in summary
        assert "hongze 2023: 未通过校验" in summary and "表四各栏" in summary
        assert "pingtan 2020: 未通过校验" in summary
        assert summary.count("已生成（rendered）") == 17
        assert (outputs / "dongyang/2017/report.pdf").is_file() and (outputs / "pingtan/2025/report.pdf").is_file()


class TestIncrementalRuns:
    """On the corpus as `run --all` rendered it (conftest.corpus_run); in file order: nothing changed, then a failed
    report, then a change to a previous year."""

    def test_an_unchanged_corpus_runs_nothing(self, corpus_run):
        outputs, _ = corpus_run
        project = outputs.parent
        again = nianbao("run", "--all", "--root", project, "--outputs", outputs, cwd=project)
        assert again.returncode == 1  # the two reports that fail their checks fail again
        assert not re.search(r"\] 执行 ", again.stdout)
        assert len(re.findall(r"\] 输入未变，沿用 ", again.stdout)) == 17
        assert len(re.findall(r"\] 输入未变，上次未通过校验", again.stdout)) == 2
        manifest = json.loads((outputs / "hongze/2024/manifest.json").read_text(encoding="utf-8"))
        assert len(manifest["run_key"]) == 64

    def test_a_failed_report_fails_again_without_running_and_runs_with_force(self, corpus_run):
        outputs, _ = corpus_run
        project = outputs.parent
        args = ("run", "hongze", 2023, "--root", project, "--outputs", outputs)
        again = nianbao(*args, cwd=project)
        assert again.returncode == 1 and not re.search(r"\] 执行 ", again.stdout)
        assert "输入未变" in again.stderr and "结果维持 10 + 结果纠正 1" in again.stderr
        forced = nianbao(*args, "--force", cwd=project)
        assert forced.returncode == 1 and "执行 00_validation.ipynb" in forced.stdout
        assert "表四各栏" in forced.stderr and "“行政复议”行" in forced.stderr
        assert "结果维持 10 + 结果纠正 1" in forced.stderr and "≠ 总计 0" in forced.stderr
        assert "reviews_litigation.csv 第2行" in forced.stderr
        failed = outputs / "hongze/2023.failed"
        summary = re.sub(r"\s+", "", text_of((failed / "sections/00_validation.html").read_text(encoding="utf-8")))
        assert "【严重】“行政复议”行：各项结果合计11件，与总计0件相差11件" in summary
        assert "表四各栏" in (failed / "validation.html").read_text(encoding="utf-8")
        assert not (outputs / "hongze/2023").exists()

    def test_a_change_to_the_previous_year_runs_the_report_again(self, corpus_run):
        outputs, _ = corpus_run
        project = outputs.parent
        previous = project / "data/hongze/2023/requests.csv"  # the year before: year-on-year, S1
        previous.write_text(previous.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        changed = nianbao("run", "hongze", 2024, "--root", project, "--outputs", outputs, cwd=project)
        assert changed.returncode == 0 and "执行 00_validation.ipynb" in changed.stdout
