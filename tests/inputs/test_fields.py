"""Live numbers in prose: fields ({{名称}}) in a prose chapter filled from the report's data, the errors of a field
that cannot be filled, and the fields proposed for the numbers of a chapter."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import copy_project, edit_csv, read_csv, tree_digest
from nianbao.cli import main
from nianbao.errors import ExitCode, FieldError
from nianbao.inputs.fields import FIELD, propose
from nianbao.inputs.report import load_report
from nianbao.present import render
from nianbao.present.facts import html_facts
from nianbao.present.fonts import FontInfo

FIXTURES = Path(__file__).parent / "fields"
FONT = FontInfo(family="Noto Sans CJK SC", path="x.ttc", index=2)


def _with_prose(project: Path, where: tuple[str, int], chapter: str, text: str) -> Path:
    """The project with one prose chapter of a report replaced by ``text``."""
    body, year = where
    path = project / "data" / body / str(year) / "prose" / f"{chapter}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _filled(project: Path, where: tuple[str, int], text: str) -> str:
    """The overview of a report in ``project`` rewritten as ``text``, as the report renders it."""
    _with_prose(project, where, "overview", text)
    return load_report(project, *where).prose["overview"]


def _facts(report) -> list[str]:
    """What the assembled report states of its prose chapters (the notebook sections left out)."""
    return html_facts(render.to_html(render.assemble(report, {}), report.params.title, FONT))


def _cell(path: Path, label: str, column: str) -> int:
    rows = read_csv(path)
    return int(next(r for r in rows if r[0] == label)[rows[0].index(column)])


@pytest.fixture
def pingtan(tmp_path) -> Path:
    """平潭 2021–2023 (2021 format), so that 2022 and 2023 have a previous year."""
    return copy_project(tmp_path / "pingtan", reports=[("pingtan", 2021), ("pingtan", 2022), ("pingtan", 2023)])


class TestPublishedProseRewritten:
    """The corpus prose rewritten with fields (tests/inputs/fields/) renders the published text."""

    def test_dongyang_2017_overview_preamble_and_problems(self, dongyang_copy, root):
        fixtures = sorted((FIXTURES / "dongyang-2017").glob("*.md"))
        assert sum(len(FIELD.findall(p.read_text(encoding="utf-8"))) for p in fixtures) == 5
        for path in fixtures:
            shutil.copy2(path, dongyang_copy / "data/dongyang/2017/prose" / path.name)
        rewritten, published = load_report(dongyang_copy, "dongyang", 2017), load_report(root, "dongyang", 2017)
        assert rewritten.prose_source["overview"] != published.prose_source["overview"]
        assert rewritten.prose == published.prose
        facts = _facts(rewritten)
        assert facts == _facts(published)
        assert "标题 | 一、概述" in facts
        assert any(f.startswith("文字 | 2017年,我市按照《条例》") for f in facts)
        assert any("统计期限自2017年1月1日至2017年12月31日" in f for f in facts)

    def test_pingtan_2023_overview_with_data_fields(self, pingtan, root):
        fixture = (FIXTURES / "pingtan-2023/overview.md").read_text(encoding="utf-8")
        assert len(FIELD.findall(fixture)) == 20
        _with_prose(pingtan, ("pingtan", 2023), "overview", fixture)
        rewritten, published = load_report(pingtan, "pingtan", 2023), load_report(root, "pingtan", 2023)
        assert rewritten.prose == published.prose
        assert _facts(rewritten) == _facts(published)
        assert "不予公开5件，占6.17%；无法提供31件，占38.27%" in rewritten.prose["overview"]


class TestFieldKinds:
    def test_cell_by_row_label_by_table_and_row_and_by_column(self, dongyang_copy, pingtan):
        text = "当面{{当面申请}}件，网络{{收到政府信息公开申请.网络申请}}件，渠道{{政府网站}}条。"
        assert _filled(dongyang_copy, ("dongyang", 2017), text) == "当面42件，网络21件，渠道17534条。"
        requests = pingtan / "data/pingtan/2023/requests.csv"
        natural = _cell(requests, "一、本年新收政府信息公开申请数量", "自然人")
        text = "自然人{{新收申请.自然人}}件，{{表三.予以公开.总计}}件，{{本年新收政府信息公开申请数量.商业企业}}件。"
        expected = f"自然人{natural}件，{_cell(requests, '（一）予以公开', '总计')}件，1件。"
        assert _filled(pingtan, ("pingtan", 2023), text) == expected

    def test_group_sums(self, pingtan):
        requests = pingtan / "data/pingtan/2023/requests.csv"
        refused = sum(
            _cell(requests, label, "总计")
            for label in (
                "1.属于国家秘密",
                "2.其他法律行政法规禁止公开",
                "3.危及“三安全一稳定”",
                "4.保护第三方合法权益",
                "5.属于三类内部事务信息",
                "6.属于四类过程性信息",
                "7.属于行政执法案卷",
                "8.属于行政查询事项",
            )
        )
        reviews = pingtan / "data/pingtan/2023/reviews_litigation.csv"
        lawsuits = _cell(reviews, "行政诉讼·未经复议直接起诉", "总计") + _cell(reviews, "行政诉讼·复议后起诉", "总计")
        text = "不予公开{{不予公开}}件，行政诉讼{{行政诉讼}}件，其他处理{{其他处理}}件，公开及部分公开{{予以公开及部分公开}}件。"
        assert (refused, lawsuits) == (5, 7)
        assert _filled(pingtan, ("pingtan", 2023), text) == "不予公开5件，行政诉讼7件，其他处理2件，公开及部分公开42件。"

    def test_shares_with_the_declared_base_and_precision(self, dongyang_copy, pingtan):
        # 东阳's params: the answers print two decimals without a trailing zero, the categories are over 部门发布信息数
        text = "{{同意公开.占比}}%，{{不属于本行政机关公开.占比}}%，{{教育类信息.占比}}%，{{财政信息类信息.占比}}%。"
        assert _filled(dongyang_copy, ("dongyang", 2017), text) == "59.34%，1.1%，63.0%，1.0%。"
        text = "{{不予公开.占比}}%，{{予以公开及部分公开.占比}}%，{{新收申请.自然人.占比}}%。"
        natural = Decimal(80 * 100) / Decimal(81)
        expected = f"6.17%，51.85%，{natural.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%。"
        assert _filled(pingtan, ("pingtan", 2023), text) == expected

    def test_previous_year_change_and_growth(self, pingtan):
        text = (
            "{{收到申请}}件，上年{{收到申请.上年}}件，{{收到申请.增减方向}}{{收到申请.增减绝对值}}件，增长{{收到申请.增长率}}%。"
        )
        assert _filled(pingtan, ("pingtan", 2023), text) == "81件，上年74件，增加7件，增长9.5%。"
        text = "诉讼{{行政诉讼.增减}}件（{{行政诉讼.增幅}}%），{{行政诉讼.增减方向}}{{行政诉讼.增减量}}件；"
        text += "复议{{行政复议.增减方向}}。"
        assert _filled(pingtan, ("pingtan", 2022), text) == "诉讼-11件（-91.7%），减少11件；复议减少。"
        assert _filled(pingtan, ("pingtan", 2023), "{{年度.上年}}年、{{年度}}年") == "2022年、2023年"

    def test_re_running_next_year_updates_the_text(self, pingtan):
        text = "收到申请{{收到申请}}件，比上年{{收到申请.增减方向}}{{收到申请.增减绝对值}}件。"
        assert _filled(pingtan, ("pingtan", 2023), text) == "收到申请81件，比上年增加7件。"
        edit_csv(
            pingtan / "data/pingtan/2022/requests.csv",
            "一、本年新收政府信息公开申请数量,71,3,0,0,0,0,74",
            "一、本年新收政府信息公开申请数量,90,3,0,0,0,0,93",
        )
        assert load_report(pingtan, "pingtan", 2023).prose["overview"] == "收到申请81件，比上年减少12件。"

    def test_previous_year_across_formats(self, tmp_path):
        project = copy_project(tmp_path / "p", reports=[("pingtan", 2018), ("pingtan", 2019)])
        old = _cell(project / "data/pingtan/2018/applications.csv", "收到政府信息公开申请", "本年")
        assert _filled(project, ("pingtan", 2019), "{{收到申请.上年}}，{{收到申请.增减}}") == f"{old}，{23 - old}"

    def test_unreported_cell_prints_as_a_gap_not_zero(self, dongyang_copy):
        edit_csv(dongyang_copy / "data/dongyang/2017/applications.csv", "信函申请,28,30.77", "信函申请,,")
        text = "信函{{信函申请}}件，占{{信函申请.占比}}%。"
        assert _filled(dongyang_copy, ("dongyang", 2017), text) == "信函—件，占—%。"

    def test_full_width_delimiters_and_dots(self, dongyang_copy):
        text = "｛｛收到申请｝｝件，｛｛同意公开．占比｝｝%，{{同意公开。占比｝｝%，｛｛ 年度 ｝｝。"
        assert _filled(dongyang_copy, ("dongyang", 2017), text) == "91件，59.34%，59.34%，2017。"

    def test_field_in_a_heading_of_the_free_text_format(self, dongyang_copy):
        text = "### （一）{{年度}}年收到申请{{收到申请}}件\n\n正文。"
        _with_prose(dongyang_copy, ("dongyang", 2017), "overview", text)
        report = load_report(dongyang_copy, "dongyang", 2017)
        assert report.format.era == "old-free-text"
        assert "小标题 | （一）2017年收到申请91件" in _facts(report)

    def test_the_prose_check_reads_the_filled_text(self, pingtan):
        from nianbao.checks.prose import prose_numbers

        _with_prose(pingtan, ("pingtan", 2023), "overview", "全年受理政府信息公开申请{{收到申请}}件。")
        report = load_report(pingtan, "pingtan", 2023)
        (finding,) = [f for f in prose_numbers(report).findings if f.chapter == "overview" and f.kind == "count"]
        assert (finding.stated, finding.verdict) == ("81件", "一致")


class TestFieldErrors:
    def _error(self, project: Path, where: tuple[str, int], text: str) -> FieldError:
        _with_prose(project, where, "overview", text)
        with pytest.raises(FieldError) as info:
            load_report(project, *where)
        return info.value

    def test_unknown_field_names_file_line_and_field_with_did_you_mean(self, dongyang_copy):
        error = self._error(dongyang_copy, ("dongyang", 2017), "第一段。\n\n全年收到申请{{收到申情}}件。")
        assert str(error).endswith(
            "data/dongyang/2017/prose/overview.md, 第3行: 未知的字段：'{{收到申情}}'\n  提示: 是否想写 {{收到申请}}？"
        )
        assert error.exit_code == ExitCode.INPUT_ERROR

    def test_no_previous_year(self, dongyang_copy):
        error = self._error(dongyang_copy, ("dongyang", 2017), "{{收到申请.上年}}")
        assert "第1行: 没有上一年度（2016年）的报告：'{{收到申请.上年}}'" in str(error)
        assert "params/dongyang/2016.yaml" in str(error)

    def test_growth_from_zero(self, tmp_path):
        project = copy_project(tmp_path / "p", reports=[("pingtan", 2018), ("pingtan", 2019)])
        error = self._error(project, ("pingtan", 2019), "{{收到申请.增长率}}")
        assert "上一年度为 0，无法计算增长率（本年 23）" in str(error)

    def test_what_the_format_does_not_have(self, dongyang_copy, pingtan):
        assert "旧格式" in str(self._error(dongyang_copy, ("dongyang", 2017), "{{无法提供}}"))
        assert "没有这一数字的占比" in str(self._error(dongyang_copy, ("dongyang", 2017), "{{收到申请.占比}}"))
        assert "一个字段只能有一个修饰词" in str(self._error(dongyang_copy, ("dongyang", 2017), "{{同意公开.占比.上年}}"))
        ambiguous = str(self._error(dongyang_copy, ("dongyang", 2017), "{{当面申请数}}"))
        assert "“当面申请数”在几张表中都有" in ambiguous and "{{政府信息公开情况统计表.当面申请数}}" in ambiguous
        columns = str(self._error(pingtan, ("pingtan", 2023), "{{行政规范性文件}}"))
        assert "本年制发件数、本年废止件数、现行有效件数" in columns and "{{行政规范性文件.本年制发件数}}" in columns

    def test_unbalanced_braces_and_every_problem_listed(self, dongyang_copy):
        error = self._error(dongyang_copy, ("dongyang", 2017), "收到{{收到申请件。\n{{年度.占比}}\n{{}}")
        text = str(error)
        assert text.startswith("文字章节中有 3 个字段无法填写:")
        assert "overview.md, 第1行: 字段的括号不成对：'{{'" in text
        assert "overview.md, 第2行:" in text and "'{{年度.占比}}'" in text
        assert "overview.md, 第3行: 字段名称为空或有空的部分：'{{}}'" in text

    def test_field_command_and_validate_exit_2(self, dongyang_copy):
        _with_prose(dongyang_copy, ("dongyang", 2017), "overview", "{{收到申情}}")
        result = CliRunner().invoke(main, ["fields", "dongyang", "2017", "--root", str(dongyang_copy)])
        assert result.exit_code == 2
        assert result.output.startswith("错误: ")
        assert (
            "data/dongyang/2017/prose/overview.md, 第1行: 未知的字段：'{{收到申情}}'\n  提示: 是否想写 {{收到申请}}？"
            in result.output
        )


class TestPropose:
    def test_dongyang_overview_candidates(self, root):
        proposals = propose(load_report(root, "dongyang", 2017), ["overview"])
        by_sentence = {(p.line, p.sentence): p.fields for p in proposals}
        assert by_sentence[
            (
                13,
                "今年7月份,南马镇花园村完成“最多跑一次”改革向基层延伸试点工作,花园村便民服务中心能办理涉及民生【10】个方面164项便民事项,其中155项实现了“最多跑一次”,探索村级“一窗受理”服务,完成商事登记(营业执照)在花园村一窗受理,市镇审核后,快递送达。",
            )
        ] == ("{{不予公开}}",)
        first = next(p for p in proposals if p.line == 1)
        assert (first.number, first.fields) == ("2017", ("{{年度}}",))
        assert first.sentence.startswith("【2017】年,我市按照《条例》")
        four = next(p for p in proposals if p.sentence.startswith("【4】月份"))
        assert four.fields == ("{{新闻发布会}}", "{{乡镇发布.占比}}")
        nine = next(p for p in proposals if p.number == "9")
        assert nine.fields == ("{{行政诉讼}}",) and "等【9】个方面" in nine.sentence
        numbers = {p.number for p in proposals}
        assert numbers == {"2017", "1", "4", "7", "10", "9", "11"}  # 36, 747, 12345 … are no field's value

    def test_pingtan_2023_shares_and_sums(self, root):
        proposals = propose(load_report(root, "pingtan", 2023), ["overview"])
        by_number = {}
        for p in proposals:
            by_number.setdefault(p.number, p.fields)
        assert by_number["6.17"] == ("{{不予公开.占比}}",)
        assert by_number["51.85"] == ("{{予以公开及部分公开.占比}}",)
        assert by_number["42"] == ("{{予以公开及部分公开}}",)
        assert by_number["81"][:2] == ("{{收到申请}}", "{{办结申请}}")

    def test_every_first_candidate_fills_back_to_the_same_text(self, dongyang_copy):
        report = load_report(dongyang_copy, "dongyang", 2017)
        lines = report.prose_source["overview"].split("\n")
        proposals = propose(report, ["overview"])
        for p in reversed(proposals):  # from the end, so that the positions before stay valid
            line = lines[p.line - 1]
            assert line[p.start : p.start + len(p.number)] == p.number
            lines[p.line - 1] = line[: p.start] + p.fields[0] + line[p.start + len(p.number) :]
        rewritten = "\n".join(lines)
        assert len(FIELD.findall(rewritten)) == len(proposals) == 13
        assert _filled(dongyang_copy, ("dongyang", 2017), rewritten) == report.prose["overview"]

    def test_command_lists_and_never_rewrites(self, dongyang_copy):
        before = tree_digest(dongyang_copy)
        result = CliRunner().invoke(main, ["fields", "dongyang", "2017", "--chapter", "overview", "--root", str(dongyang_copy)])
        assert result.exit_code == 0
        listing = "overview.md 第11行: 【4】月份新华社、人民日报专门刊发了我市特色做法。\n"
        listing += "    4 → {{新闻发布会}}\n    4 → {{乡镇发布.占比}}\n"
        assert listing in result.output
        assert result.output.endswith("共 13 处数字可以改写为字段；文件未改动。\n")
        assert tree_digest(dongyang_copy) == before

    def test_command_unknown_chapter(self, root):
        result = CliRunner().invoke(main, ["fields", "dongyang", "2017", "--chapter", "overvew", "--root", str(root)])
        assert result.exit_code == 2 and "是否想写 'overview'？" in result.output
