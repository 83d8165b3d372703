"""The report's tables and the notes beside them (present/html.py)."""

from __future__ import annotations

import pytest

from nianbao.inputs.report import load_report
from nianbao.present import html as report_html


class TestShareNote:
    def test_a_share_without_decimals_is_rounded_to_whole_numbers(self, root):
        report = load_report(root, "dongyang", 2017, previous=False)
        assert report_html.share_note(report, "proactive_parts") == (
            "部门和乡镇发布的占比以主动公开政府信息数25080条为基数，四舍五入取整数"
        )

    def test_decimals_are_named(self, root):
        report = load_report(root, "dongyang", 2017, previous=False)
        assert report_html.share_note(report, "application_channels") == (
            "申请方式占比以收到政府信息公开申请91件为基数，保留2位小数，四舍五入"
        )

    @pytest.mark.parametrize("year", [2011, 2014])  # base 0; base not published
    def test_no_note_when_the_report_shows_no_share(self, root, year):
        report = load_report(root, "pingtan", year, previous=False)
        assert report_html.share_note(report, "application_channels") is None


class TestTableHtml:
    def test_no_share_column_nor_note_when_no_share_can_be_computed(self, root):
        markup = report_html.table_html(load_report(root, "pingtan", 2014, previous=False), "applications")
        assert "占比" not in markup and "为基数" not in markup and "信函申请" in markup

    def test_the_share_column_and_its_note(self, root):
        markup = report_html.table_html(load_report(root, "dongyang", 2017, previous=False), "proactive")
        assert "<th>占比（%）</th>" in markup and "<td>67</td>" in markup and "保留0位" not in markup


class TestShownAsTable:
    def test_a_table_of_one_row_is_said_by_its_sentence(self, root):
        assert not report_html.shown_as_table(load_report(root, "pingtan", 2011, previous=False), "applications")

    def test_a_table_of_several_rows_is_shown(self, root):
        assert report_html.shown_as_table(load_report(root, "dongyang", 2017, previous=False), "applications")
