"""The validation engine on the real 东阳 2017 data and on mutated copies of it."""

from __future__ import annotations

import pytest

from helpers import edit_csv
from nianbao.checks.results import Validation
from nianbao.checks.validate import validate
from nianbao.inputs.report import load_report

pytestmark = pytest.mark.slow  # Great Expectations runs

DATA = "data/dongyang/2017"


def _run(project):
    return validate(load_report(project, "dongyang", 2017))


def _failed(result, check):
    return [c for c in result.checks if c.check == check and not c.success]


@pytest.fixture(scope="module")
def result(root):
    return validate(load_report(root, "dongyang", 2017))


class TestValidateDongyang:
    def test_published_report_passes_every_critical_check(self, result):
        assert result.success
        assert result.critical_failures == []

    def test_only_warning_is_the_two_decimal_financial_share(self, result):
        assert [c.check for c in result.warnings] == ["published_share_precision"]
        # and, as a 提示, the list of the prose's numbers no phrase binds
        assert [(c.check, c.severity) for c in result.notices] == [("prose_numbers_bound", "info")]
        (detail,) = result.warnings[0].details
        assert "财政信息类信息" in detail and "1.01" in detail and "1 位小数" in detail and "1.0%" in detail

    def test_every_published_share_is_rechecked(self, result):
        assert len(result.shares) == 18
        assert all(s["published"] == s["at_printed"] for s in result.shares)

    def test_each_row_records_the_checks_that_flagged_it(self, result):
        flagged = {s["label"]: s["failed_checks"] for s in result.shares if s["failed_checks"]}
        assert flagged == {"财政信息类信息": ["published_share_precision"]}
        assert all(r["failed_checks"] == [] for r in result.identities)

    def test_the_validation_page_verdicts_follow_the_checks(self, result, dongyang):
        from nianbao.present.validation import page_html

        html = page_html(dongyang, result, {})
        shares = html[html.index("<h3>每个公布占比的复核</h3>") :]
        shares = shares[: shares.index("</table>")]
        assert shares.count("<td>精度不同</td>") == 1 and shares.count("<td>一致</td>") == 17

    def test_identities_are_evaluated_with_their_terms(self, result):
        channels = next(r for r in result.identities if r["identity"] == "application_channels_sum")
        assert channels["lhs_expr"] == "当面申请 42 + 网络申请 21 + 信函申请 28 = 91"
        assert channels["rhs_expr"] == "收到政府信息公开申请 91"

    def test_round_trips_through_json(self, result, tmp_path):
        result.write(tmp_path / "v.json")
        again = Validation.read(tmp_path / "v.json")
        assert again.summary() == result.summary() and again.success == result.success


class TestValidateMutations:
    def test_channel_sum_broken_is_critical_and_names_rows_and_numbers(self, project):
        edit_csv(project / DATA / "applications.csv", "当面申请,42", "当面申请,43")
        result = _run(project)
        assert not result.success
        (failure,) = _failed(result, "application_channels_sum")
        assert failure.severity == "critical"
        assert failure.description == "各申请方式之和应等于收到申请总数"
        (detail,) = failure.details
        assert "当面申请 43 + 网络申请 21 + 信函申请 28 = 92 ≠ 收到政府信息公开申请 91" in detail
        assert "applications.csv 第2、3、4、5行" in detail
        (row,) = [r for r in result.identities if r["identity"] == "application_channels_sum"]
        assert row["failed_checks"] == ["application_channels_sum"]
        # the published shares no longer match the counts either: reported as warnings
        assert _failed(result, "published_share_matches_counts")

    def test_answers_sum_broken(self, project):
        edit_csv(project / DATA / "answers.csv", "同意公开,54", "同意公开,50")
        result = _run(project)
        (failure,) = _failed(result, "answers_sum")
        assert "= 87 ≠ 收到政府信息公开申请 91" in failure.details[0]

    def test_negative_and_decimal_counts(self, project):
        edit_csv(project / DATA / "appeals.csv", "行政复议申请,7", "行政复议申请,-7")
        edit_csv(project / DATA / "appeals.csv", "行政诉讼,9", "行政诉讼,9.5")
        result = _run(project)
        (failure,) = _failed(result, "counts_are_non_negative_integers")
        text = " ".join(failure.details)
        assert "appeals.csv 第2行 “行政复议申请” 本年列: '-7'" in text
        assert "第3行 “行政诉讼” 本年列: '9.5'" in text

    def test_unknown_label_suggests_the_declared_one(self, project):
        edit_csv(project / DATA / "applications.csv", "信函申请,28", "信涵申请,28")
        result = _run(project)
        (failure,) = _failed(result, "labels_declared")
        assert "信涵申请" in failure.details[0] and "是否想写“信函申请”" in failure.details[0]

    @pytest.mark.parametrize(
        "old, new",
        [("信函申请,28", "信涵申请,28"), ("收到政府信息公开申请,91", "收到政府信息公开申清,91")],  # a part; the total
    )
    def test_an_unknown_label_is_the_one_finding(self, project, old, new):
        """The mistyped row is not also reported missing, nor left out of a sum that then fails, nor its shares
        recomputed without it: those checks are 未评估 and say why."""
        edit_csv(project / DATA / "applications.csv", old, new)
        result = _run(project)
        failed = [c.check for c in result.critical_failures + result.warnings]
        assert failed == ["labels_declared", "published_share_precision"]  # (and the 提示 of the published data)
        assert [c.check for c in result.notices] == ["prose_numbers_bound"]
        assert [d.split(":")[0] for d in _failed(result, "published_share_precision")[0].details] == [
            "proactive_categories.csv 第5行 财政信息类信息"  # as in the published report
        ]
        for check in ("required_rows", "application_channels_sum", "answers_sum"):
            (found,) = [c for c in result.checks if c.check == check and c.table in (None, "applications")]
            assert found.verdict == "未评估" and found.details and found.details[0].startswith("未评估：")

    def test_duplicate_row_through_an_alias(self, project):
        path = project / DATA / "applications.csv"
        path.write_text(path.read_text(encoding="utf-8") + "网上申请数,21,\n", encoding="utf-8")
        result = _run(project)
        (failure,) = _failed(result, "no_duplicate_rows")
        assert "指标重复出现" in failure.details[0]

    def test_missing_required_row(self, project):
        edit_csv(project / DATA / "applications.csv", "收到政府信息公开申请,91,\n", "")
        result = _run(project)
        (failure,) = _failed(result, "required_rows")
        assert "缺少指标“收到政府信息公开申请”" in failure.details[0]

    def test_all_failures_are_reported_together(self, project):
        edit_csv(project / DATA / "applications.csv", "当面申请,42", "当面申请,43")
        edit_csv(project / DATA / "answers.csv", "同意公开,54", "同意公开,50")
        edit_csv(project / DATA / "appeals.csv", "行政诉讼,9", "行政诉讼,-9")
        result = _run(project)
        assert {c.check for c in result.critical_failures} == {
            "application_channels_sum",
            "answers_sum",
            "counts_are_non_negative_integers",
        }

    def test_plausibility_is_a_warning(self, project):
        edit_csv(project / DATA / "proactive.csv", "乡镇发布信息数,1125", "乡镇发布信息数,9125")
        result = _run(project)
        assert result.success
        (failure,) = _failed(result, "proactive_parts_within_total")
        assert failure.severity == "warning"
        assert "部门发布信息数 16716 + 乡镇发布信息数 9125 = 25841 > 主动公开政府信息数 25080" in failure.details[0]

    def test_categories_above_their_base(self, project):
        edit_csv(project / DATA / "proactive_categories.csv", "教育类信息,10535", "教育类信息,12535")
        result = _run(project)
        (failure,) = _failed(result, "categories_within_base")
        assert "> 部门发布信息数 16716" in failure.details[0]
