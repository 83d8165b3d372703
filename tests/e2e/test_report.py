"""End to end: the real notebooks through papermill, rendered to HTML and PDF, as a user runs them."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess

import pytest

from helpers import copy_project, edit_csv, nianbao, text_of, tree_digest

pytestmark = pytest.mark.e2e

# Every count of sections 二–五 of the published report, and every share it prints at its printed precision
# (财政 is printed 1.01 among one-decimal siblings: the report renders the declared precision, 1.0).
COUNTS = [
    "25080",
    "16716",
    "1125",
    "17534",
    "4374",
    "1466",
    "45",
    "4",
    "27",
    "1202",
    "534",
    "41",
    "169",
    "1276",
    "1080",
    "342",
    "178",
    "10535",
    "91",
    "42",
    "21",
    "28",
    "54",
    "14",
    "10",
    "1",
    "11",
    "7",
    "9",
]
SHARES = [
    "46.15",
    "23.08",
    "30.77",
    "59.34",
    "15.38",
    "10.99",
    "1.1",
    "12.09",
    "1.1",
    "7.2",
    "3.2",
    "0.2",
    "7.6",
    "6.5",
    "2.0",
    "1.1",
    "63.0",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory, root):
    outputs = tmp_path_factory.mktemp("outputs")
    result = nianbao("run", "dongyang", 2017, "--root", root, "--outputs", outputs, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return outputs, outputs / "dongyang" / "2017", result


class TestDefaultReport:
    def test_outputs_exist(self, run):
        _, out, _ = run
        for name in (
            "report.html",
            "report.pdf",
            "manifest.json",
            "validation.json",
            "validation.html",
            "sections/00_validation.html",
            "sections/10_proactive.html",
            "sections/20_applications.html",
            "sections/30_fees_appeals.html",
            "charts/categories.png",
            "charts/application_channels.png",
            "charts/answers.png",
        ):
            assert (out / name).is_file(), name
        assert not list(out.parent.glob(".2017.build-*"))

    def test_html_has_no_code(self, run):
        _, out, _ = run
        for path in [out / "report.html", *sorted((out / "sections").glob("*.html"))]:
            html = path.read_text(encoding="utf-8")
            for code in ("open_report", "session.", "import ", "In&nbsp;[", "Traceback", "output_dir"):
                assert code not in html, (path.name, code)

    def test_every_published_count_and_share_is_in_the_report(self, run):
        _, out, _ = run
        text = text_of(_without_navigation((out / "report.html").read_text(encoding="utf-8")))
        start, end = text.index("二、主动公开政府信息的情况"), text.index("六、政府信息公开工作存在的主要问题及改进措施")
        body = text[start:end]
        numbers = re.findall(r"\d+(?:\.\d+)?", body)
        for count in COUNTS:
            assert count in numbers, count
        shares = re.findall(r"占(\d+(?:\.\d+)?)%", body)
        for share in SHARES:
            assert shares.count(share) >= SHARES.count(share), share
        assert "占1.0%" in body and "占1.01%" not in body
        assert "提交申请的方式包括：当面申请42件，占46.15%；网络申请21件，占23.08%；信函申请28件，占30.77%。" in body

    def test_the_check_summary_points_out_the_financial_share_and_the_page_where_it_is_read(self, run):
        _, out, _ = run
        text = re.sub(r"\s+", "", text_of(_without_navigation((out / "report.html").read_text(encoding="utf-8"))))
        summary = text[text.index("校验摘要") :]
        assert summary.startswith("校验摘要东阳市人民政府2017年度报告的数据共经过71项检查：38项通过，没有严重问题，1项警告")
        assert "【警告】主动公开类别占比：“财政信息类信息”的占比公布为1.01%，报告中按同组的1位小数呈现为1.0%" in summary
        page = text_of((out / "validation.html").read_text(encoding="utf-8"))
        assert "data/dongyang/2017/proactive_categories.csv" not in text
        assert "财政信息类信息: 公布 1.01%（2 位小数），同组占比声明为 1 位小数，报告中呈现为 1.0%" in page

    def test_pdf_text_and_embedded_cjk_font(self, run):
        _, out, _ = run
        text = subprocess.run(
            ["pdftotext", "-raw", str(out / "report.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = re.sub(r"\s+", "", text)
        assert "东阳市2017年政府信息公开工作年度报告" in flat
        assert "提交申请的方式包括：当面申请42件，占46.15%；网络申请21件，占23.08%；信函申请28件，占30.77%。" in flat
        assert "教育类信息10535条，占63.0%" in flat
        fonts = subprocess.run(["pdffonts", str(out / "report.pdf")], capture_output=True, text=True, check=True).stdout
        cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
        assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column

    def test_manifest(self, run, root):
        _, out, _ = run
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["params"]["body"] == "dongyang" and manifest["params"]["year"] == 2017
        data = root / "data/dongyang/2017/applications.csv"
        assert manifest["inputs"]["data/dongyang/2017/applications.csv"] == hashlib.sha256(data.read_bytes()).hexdigest()
        assert "params/dongyang/2017.yaml" in manifest["inputs"]
        assert "notebooks/20_applications.ipynb" in manifest["inputs"]
        assert "expectations/old-free-text/identities.json" in manifest["inputs"]
        assert manifest["packages"]["great-expectations"] and manifest["packages"]["papermill"]
        assert "commit" in manifest["git"]
        assert manifest["font"]["family"] == "Noto Sans CJK SC"
        assert manifest["faces"]["body"]["family"] == "Noto Serif CJK SC"
        assert manifest["faces"]["subheading"]["path"].endswith("LXGWWenKai-Regular.ttf")
        assert manifest["outputs"]["report.pdf"] == hashlib.sha256((out / "report.pdf").read_bytes()).hexdigest()


def _without_navigation(html: str) -> str:
    """The page without its table of contents and section links (the report's text as read)."""
    return re.sub(r"<nav\b.*?</nav>", "", html, flags=re.S)


class TestFailedRunsKeepTheLastGoodReport:
    def test_critical_failure_exits_1_renders_only_the_validation_and_keeps_outputs(self, run, tmp_path):
        outputs, out, _ = run
        before = tree_digest(out)
        project = copy_project(tmp_path / "project")
        edit_csv(project / "data/dongyang/2017/applications.csv", "当面申请,42", "当面申请,43")
        result = nianbao("run", "dongyang", 2017, "--root", project, "--outputs", outputs, cwd=project)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "各申请方式之和应等于收到申请总数" in result.stderr
        assert "当面申请 43 + 网络申请 21 + 信函申请 28 = 92 ≠ 收到政府信息公开申请 91" in result.stderr
        assert tree_digest(out) == before
        failed = out.with_name("2017.failed")
        assert (failed / "validation.json").exists()
        # only the check summary and the validation page are rendered, so that a reviewer can read what failed
        assert sorted(p.name for p in failed.rglob("*.html")) == ["00_validation.html", "validation.html"]
        assert not list(failed.rglob("*.pdf"))
        section = re.sub(r"\s+", "", text_of((failed / "sections/00_validation.html").read_text(encoding="utf-8")))
        assert "【严重】本年列：各申请方式合计92件，与收到政府信息公开申请91件相差1件" in section
        page = (failed / "validation.html").read_text(encoding="utf-8")
        assert "各申请方式之和应等于收到申请总数" in page and "92 ≠ 收到政府信息公开申请 91" in page
        assert "执行 10_proactive.ipynb" not in result.stdout

    def test_exception_in_a_cell_exits_3_names_notebook_and_cell_and_keeps_outputs(self, run, tmp_path):
        outputs, out, _ = run
        before = tree_digest(out)
        project = copy_project(tmp_path / "project")
        path = project / "notebooks/20_applications.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"][4]["source"] = ['session.chart("no_such_chart")']
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        result = nianbao("run", "dongyang", 2017, "--root", project, "--outputs", outputs, cwd=project)
        assert result.returncode == 3, result.stdout + result.stderr
        assert "20_applications.ipynb" in result.stderr and "KeyError" in result.stderr and "no_such_chart" in result.stderr
        assert "单元格 In [" in result.stderr and 'session.chart("no_such_chart")' in result.stderr
        kept = out.with_name("2017.failed") / "notebooks" / "20_applications.ipynb"
        assert kept.exists() and "2017.failed/notebooks/20_applications.ipynb" in result.stderr
        assert tree_digest(out) == before
