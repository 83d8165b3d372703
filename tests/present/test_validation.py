"""The check summary that ends the report and the validation page beside it: what each says of the outcome of the
checks, in which order, and that the summary names the body and no check id, file or line."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from nianbao.checks.results import Check, Validation
from nianbao.present.safe import CONTENT_SECURITY_POLICY
from nianbao.present.validation import (
    SENTENCE_CHARS,
    SUMMARY_SENTENCES,
    counts_sentence,
    groups,
    page_html,
    summary_html,
)


def _validation(*checks: Check, **parts) -> Validation:
    fields = {"identities": [], "shares": [], "notes": []} | parts
    return Validation(report="dongyang 2017", era="old-free-text", checks=list(checks), **fields)


def _check(check: str, **changes) -> Check:
    fields = {
        "suite": "old-free-text.applications",
        "check": check,
        "severity": "warning",
        "success": True,
        "description": f"{check} 的说明",
        "table": "applications",
        "evaluated": 1,
    }
    return Check(**{**fields, **changes})


def _failed(check: str, severity: str, *plain: str, **changes) -> Check:
    details = [f"data/dongyang/2017/applications.csv 第{i + 2}行 {p}" for i, p in enumerate(plain)]
    return _check(check, severity=severity, success=False, plain=list(plain), details=details, **changes)


def _text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


class TestCountsSentence:
    def test_names_the_issuer_and_the_year_and_counts_every_verdict(self, dongyang):
        checks = (
            _check("a"),
            _check("b", evaluated=0),
            _check("c", evaluated=0, applicable=False),
            _failed("d", "warning", "一句"),
            _failed("e", "info", "一句"),
        )
        assert counts_sentence(dongyang, _validation(*checks)) == (
            "东阳市人民政府2017年度报告的数据共经过5项检查：1项通过，没有严重问题，1项警告，1项提示；"
            "另有1项因没有可核对的数据未作评估，1项不适用于本报告。"
        )

    def test_critical_failures(self, dongyang):
        checks = (_failed("d", "critical", "一句"), _failed("e", "critical", "两句"), _check("a"))
        assert counts_sentence(dongyang, _validation(*checks)) == (
            "东阳市人民政府2017年度报告的数据共经过3项检查：1项通过，2项严重问题，没有警告。"
        )


class TestSummaryHtml:
    def test_every_critical_failure_and_warning_in_plain_words_notices_counted(self, dongyang):
        checks = (
            _failed("w", "warning", "主动公开类别占比：“财政信息类信息”的占比公布为1.01%"),
            _failed("c", "critical", "自然人列：办理结果各项合计26件，与（七）总计20件相差6件"),
            _failed("n", "info", "正文中的数字36家未能对应到表格数据", "正文中的数字747项未能对应到表格数据"),
        )
        html = summary_html(dongyang, _validation(*checks))
        items = [li.get_text() for li in BeautifulSoup(html, "html.parser").find_all("li")]
        assert items == [
            "【严重】自然人列：办理结果各项合计26件，与（七）总计20件相差6件",
            "【警告】主动公开类别占比：“财政信息类信息”的占比公布为1.01%",
        ]
        assert "提示2条" in _text(html) and "36家" not in _text(html)

    def test_no_check_id_suite_file_or_line(self, dongyang):
        html = summary_html(
            dongyang, _validation(_failed("labels_declared", "critical", "“收到政府信息公开申请”缺少“当面申请”一项"))
        )
        text = _text(html)
        assert "labels_declared" not in text and "old-free-text" not in text and "dongyang" not in text
        assert not re.search(r"\.csv|第\d+行|/", text)

    def test_without_failures(self, dongyang):
        assert "没有发现需要更正的问题。" in _text(summary_html(dongyang, _validation(_check("a"))))

    def test_at_most_a_page_of_sentences(self, dongyang):
        checks = [_failed(f"w{i}", "warning", f"第{i}句") for i in range(SUMMARY_SENTENCES + 3)]
        html = summary_html(dongyang, _validation(*checks))
        assert len(BeautifulSoup(html, "html.parser").find_all("li")) == SUMMARY_SENTENCES
        assert "另有3条问题，详见校验页面。" in _text(html)

    def test_a_long_sentence_is_cut_in_the_summary_and_whole_on_the_page(self, dongyang):
        long = "正文“" + "甲" * 200 + "”与表格不一致"
        result = _validation(_failed("p", "warning", long))
        (item,) = BeautifulSoup(summary_html(dongyang, result), "html.parser").find_all("li")
        assert item.get_text() == "【警告】" + long[: SENTENCE_CHARS - 1] + "…"
        assert long in _text(page_html(dongyang, result, {}))

    def test_a_result_without_plain_sentences_shows_the_description(self, dongyang):
        html = summary_html(dongyang, _validation(_check("x", success=False, description="各申请方式之和应等于收到申请总数")))
        assert "【警告】各申请方式之和应等于收到申请总数" in _text(html)

    def test_only_the_report_points_to_the_page(self, dongyang):
        result = _validation(_check("a"))
        assert "校验页面" in _text(summary_html(dongyang, result))
        assert "校验页面" not in _text(summary_html(dongyang, result, in_report=False))


class TestGroups:
    def test_by_table_failures_first_most_severe_first(self, dongyang):
        checks = (
            _check("a1", table="proactive", suite="old-free-text.proactive"),
            _check("b1"),
            _failed("b2", "warning", "一句"),
            _check("b3", evaluated=0),
            _failed("p1", "info", "一句", table=None, suite="old-free-text.prose_numbers"),
            _failed("i1", "critical", "一句", table=None, suite="old-free-text.identities"),
        )
        found = groups(dongyang, _validation(*checks))
        assert [(g.title, [c.check for c in g.checks]) for g in found] == [
            ("勾稽关系与合理性", ["i1"]),
            ("收到政府信息公开申请", ["b2", "b3", "b1"]),
            ("正文中的数字", ["p1"]),
            ("主动公开政府信息数量", ["a1"]),
        ]


class TestPageHtml:
    @pytest.fixture
    def page(self, dongyang):
        identity = {
            "identity": "application_channels_sum",
            "column": "本年列",
            "lhs_expr": "当面申请 43 + 网络申请 21 = 64",
            "rhs_expr": "收到政府信息公开申请 91",
            "op": "==",
            "where": "data/dongyang/2017/applications.csv 第2、3、4行",
            "failed_checks": ["application_channels_sum"],
        }
        checks = (
            _check("b1"),
            _failed("application_channels_sum", "critical", "本年列：各申请方式合计64件，与收到政府信息公开申请91件相差27件",
                    table=None, suite="old-free-text.identities"),
        )  # fmt: skip
        result = _validation(*checks, identities=[identity], notes=["applications.csv 以 GB18030/GBK 编码读取"])
        return page_html(dongyang, result, {"全部报告": "../../index.html", "报告（PDF）": "report.pdf"})

    def test_a_page_of_its_own_with_the_policy_and_no_script(self, page):
        soup = BeautifulSoup(page, "html.parser")
        assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == CONTENT_SECURITY_POLICY
        assert soup.find("script") is None
        assert soup.title.get_text() == "东阳市2017年政府信息公开工作年度报告：数据校验"
        assert [(a.get_text(), a["href"]) for a in soup.find_all("a")] == [
            ("全部报告", "../../index.html"),
            ("报告（PDF）", "report.pdf"),
        ]

    def test_failures_first_with_their_cells_files_lines_and_ids(self, page):
        soup = BeautifulSoup(page, "html.parser")
        headings = [h.get_text() for h in soup.find_all("h2")]
        assert headings[0] == "校验摘要" and headings[1].startswith("勾稽关系与合理性（1项检查，1项未通过）")
        first = soup.find("table", class_="checks").find("tbody").find("tr")
        cells = [td.get_text() for td in first.find_all("td")]
        assert cells[0] == "不通过" and cells[1] == "严重" and cells[4] == "application_channels_sum"
        assert "data/dongyang/2017/applications.csv 第2行" in cells[3]
        assert "本年列：各申请方式合计64件，与收到政府信息公开申请91件相差27件" in cells[2]

    def test_every_identity_with_its_numbers_and_the_notes(self, page):
        text = _text(page)
        assert "当面申请 43 + 网络申请 21 = 64" in text and "data/dongyang/2017/applications.csv 第2、3、4行" in text
        assert "applications.csv 以 GB18030/GBK 编码读取" in text
