"""The published-share checks: their expectations, their words for a failure on a published-shares frame made by
hand, and the word the report's table of shares gives each share."""

from __future__ import annotations

import pandas as pd
import pytest

from nianbao.checks.registry import Outcome
from nianbao.checks.share_checks import COLUMNS, PublishedShareMatchesCounts, PublishedSharePrecision, share_verdict
from nianbao.formats import load_format

FMT = load_format("old-free-text")
ROW = {
    "share": "applications_by_channel",
    "title": "申请方式",
    "table": "applications",
    "label": "当面申请",
    "line": 3,
    "value": "43",
    "base": "收到政府信息公开申请 91",
    "published": "46.15",
    "exact": "47.252747",
    "at_printed": "47.25",
    "at_declared": "47.3",
    "as_declared": "46.2",
    "precision": 1,
    "printed_decimals": 2,
    "file": "applications.csv",
}


def _outcome(check, *rows: dict) -> Outcome:
    (expectation,) = check.expectations(FMT)
    frame = pd.DataFrame.from_records(list(rows), columns=COLUMNS)
    result = {"unexpected_index_list": list(range(len(rows)))}
    return Outcome(report=None, suite={}, expectation=expectation, frame=frame, result=result)


class TestPublishedShareMatchesCounts:
    def test_expectation(self):
        (expectation,) = PublishedShareMatchesCounts().expectations(FMT)
        assert expectation["kwargs"] == {"column_A": "published", "column_B": "at_printed"}
        assert expectation["severity"] == "warning"
        assert expectation["meta"]["type"] == expectation["meta"]["check"] == "published_share_matches_counts"

    def test_words(self):
        assert PublishedShareMatchesCounts().details(_outcome(PublishedShareMatchesCounts(), ROW)) == [
            "applications.csv 第3行 当面申请: 公布 46.15%，由 43 / 收到政府信息公开申请 91 计算为 47.252747%，"
            "按公布的 2 位小数四舍五入应为 47.25%"
        ]

    def test_plain(self):
        assert PublishedShareMatchesCounts().plain(_outcome(PublishedShareMatchesCounts(), ROW)) == [
            "申请方式：“当面申请”43，按收到政府信息公开申请 91计算占比应为47.25%，报告公布为46.15%"
        ]


class TestPublishedSharePrecision:
    def test_expectation(self):
        (expectation,) = PublishedSharePrecision().expectations(FMT)
        assert expectation["kwargs"] == {"column_A": "published", "column_B": "as_declared"}
        assert expectation["meta"]["description"] == "公布的占比应按声明的小数位数印刷（报告中按声明的精度呈现）"

    def test_a_wrong_value_printed_with_the_declared_decimals_is_not_a_precision_finding(self, root):
        from nianbao.checks.validate import validate
        from nianbao.inputs.report import load_report

        report = load_report(root, "pingtan", 2012, previous=False)  # 乡镇发布信息数 27% (28% from the counts), both 0 decimals
        result = validate(report)
        flagged = {rec["label"]: rec["failed_checks"] for rec in result.shares if rec["failed_checks"]}
        assert flagged["乡镇发布信息数"] == ["published_share_matches_counts"]
        precision = next(c for c in result.checks if c.check == "published_share_precision")
        assert not any("乡镇发布信息数" in d for d in precision.details)

    def test_a_share_printed_without_the_trailing_zeros_its_params_drop_is_as_declared(self, root):
        from nianbao.checks.validate import validate
        from nianbao.inputs.report import load_report

        report = load_report(root, "dongyang", 2017, previous=False)  # answers: 2 decimals, trailing zeros dropped
        flagged = {rec["label"]: rec["failed_checks"] for rec in validate(report).shares if rec["failed_checks"]}
        assert flagged == {"财政信息类信息": ["published_share_precision"]}  # 1.01 among one-decimal shares; 1.1 is 1.10

    def test_words(self):
        assert PublishedSharePrecision().details(_outcome(PublishedSharePrecision(), ROW)) == [
            "applications.csv 第3行 当面申请: 公布 46.15%（2 位小数），同组占比声明为 1 位小数，报告中呈现为 47.3%"
        ]

    def test_plain(self):
        assert PublishedSharePrecision().plain(_outcome(PublishedSharePrecision(), ROW)) == [
            "申请方式：“当面申请”的占比公布为46.15%，报告中按同组的1位小数呈现为47.3%"
        ]


class TestShareVerdict:
    @pytest.mark.parametrize(
        "failed, word",
        [
            ([], "一致"),
            (["published_share_precision"], "精度不同"),
            (["published_share_matches_counts"], "与件数不符"),
            (["published_share_precision", "published_share_matches_counts"], "与件数不符"),
        ],
    )
    def test_the_first_share_check_that_flagged_the_row_names_it(self, failed, word):
        assert share_verdict({**ROW, "failed_checks": failed}) == word
