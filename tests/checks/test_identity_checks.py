"""The identity check: one type for every identity a declaration lists, its expectations, its words for a failure
on an identities frame made by hand, and how the report's table of identities prints a relation and a verdict."""

from __future__ import annotations

import pandas as pd
import pytest

from nianbao.checks.identity_checks import COLUMNS, DeclaredIdentity, broken, relation, verdict
from nianbao.checks.registry import Outcome
from nianbao.formats import load_format
from nianbao.inputs.report import load_report

FMT = load_format("old-free-text")


def _identity(identity_id: str):
    return next(i for i in FMT.identities if i.id == identity_id)


class TestDeclaredIdentityExpectations:
    def test_an_equality_compares_the_two_sides_of_its_rows(self):
        (expectation,) = DeclaredIdentity().expectations(_identity("application_channels_sum"))
        assert expectation["type"] == "expect_column_pair_values_to_be_equal"
        assert expectation["kwargs"]["column_A"] == "lhs" and expectation["kwargs"]["column_B"] == "rhs"
        assert expectation["kwargs"]["row_condition"]["parameter"] == "application_channels_sum"
        assert expectation["meta"] == {
            "check": "application_channels_sum",
            "type": "identity",
            "description": "各申请方式之和应等于收到申请总数",
            "identity": "application_channels_sum",
            "op": "==",
        }
        assert expectation["severity"] == "critical"

    def test_an_inequality_asks_rhs_to_be_at_least_lhs(self):
        (expectation,) = DeclaredIdentity().expectations(_identity("proactive_parts_within_total"))
        assert expectation["type"] == "expect_column_pair_values_a_to_be_greater_than_b"
        assert {k: v for k, v in expectation["kwargs"].items() if k != "row_condition"} == {
            "column_A": "rhs",
            "column_B": "lhs",
            "or_equal": True,
        }
        assert expectation["severity"] == "warning" and expectation["meta"]["op"] == "<="


class TestDeclaredIdentityDetails:
    def test_one_sentence_per_flagged_row(self):
        (expectation,) = DeclaredIdentity().expectations(_identity("proactive_parts_within_total"))
        assert DeclaredIdentity().details(_flagged(expectation)) == [
            "本年列: a 1 + b 2 = 3 > c 2（x.csv 第2、3行）",
            "本年列: d 26 ≠ e 20.5（y.csv 第4行）",
        ]


def _flagged(expectation: dict) -> Outcome:
    """An identities frame of three rows, the first and the last flagged."""
    records = [
        [
            "proactive_parts_within_total",
            "本年列",
            3.0,
            2.0,
            "a 1 + b 2 = 3",
            "c 2",
            "<=",
            "x.csv 第2、3行",
            "a、b合计",
            "c",
            "条",
        ],
        ["proactive_parts_within_total", "历年累计列", 1.0, 2.0, "a 1", "c 2", "<=", "x.csv 第2行", "a", "c", "条"],
        [
            "application_channels_sum",
            "本年列",
            26.0,
            20.5,
            "d 26",
            "e 20.5",
            "==",
            "y.csv 第4行",
            "办理结果各项合计",
            "（七）总计",
            "件",
        ],
    ]
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    return Outcome(report=None, suite={}, expectation=expectation, frame=frame, result={"unexpected_index_list": [0, 2]})


class TestDeclaredIdentityPlain:
    def test_the_sides_by_name_with_the_observed_sums_and_their_difference(self):
        (expectation,) = DeclaredIdentity().expectations(_identity("proactive_parts_within_total"))
        assert DeclaredIdentity().plain(_flagged(expectation)) == [
            "本年列：a、b合计3条，比c2条多1条",
            "本年列：办理结果各项合计26件，与（七）总计20.5件相差5.5件",
        ]

    def test_names_and_units_come_from_the_frame(self, root):
        """平潭 2012 states more 部门 and 乡镇 disclosures than its total: the sentence of its frame row."""
        from nianbao.checks.frames import identities_frame

        frame = identities_frame(load_report(root, "pingtan", 2012))
        (rec,) = frame[(frame["identity"] == "proactive_parts_within_total") & (frame["column"] == "本年列")].to_dict("records")
        assert (rec["lhs_name"], rec["rhs_name"], rec["unit"]) == (
            "部门发布信息数、乡镇发布信息数合计",
            "主动公开政府信息数",
            "条",
        )


class TestRelation:
    @pytest.mark.parametrize("op, printed, failed", [("==", "=", "≠"), ("<=", "≤", ">")])
    def test_printed_and_broken(self, op, printed, failed):
        assert (relation(op), broken(op)) == (printed, failed)


class TestVerdict:
    def test_a_row_a_check_flagged_fails(self):
        assert verdict({"failed_checks": ["answers_sum"]}) == "不通过"
        assert verdict({"failed_checks": []}) == "通过"


class TestDeclaredIdentityApplies:
    """不适用 (does not apply by declaration) is told apart from 未评估 (applies, found nothing to evaluate)."""

    @staticmethod
    def _applies(report, identity_id: str) -> bool:
        (expectation,) = DeclaredIdentity().expectations(report.format.identity(identity_id))
        frame = pd.DataFrame(columns=list(COLUMNS))
        return DeclaredIdentity().applies(Outcome(report=report, suite={}, expectation=expectation, frame=frame, result={}))

    def test_an_identity_declared_for_a_claim_applies_only_to_the_reports_that_make_it(self, root):
        assert self._applies(load_report(root, "pingtan", 2015), "categories_cover_base")  # claims it
        assert not self._applies(load_report(root, "pingtan", 2011), "categories_cover_base")  # 主要类别 only
        assert self._applies(load_report(root, "pingtan", 2011), "categories_within_base")

    def test_not_over_a_table_the_report_has_no_data_file_for(self, root):
        report = load_report(root, "pingtan", 2014)  # no answers.csv; applications.csv without its total
        assert not self._applies(report, "answers_sum")
        assert self._applies(report, "application_channels_sum")  # applies; not evaluated (no total)

    def test_a_side_from_last_year_does_not_decide(self, root):
        assert self._applies(load_report(root, "pingtan", 2019), "S1_carried_over_matches_last_year")
