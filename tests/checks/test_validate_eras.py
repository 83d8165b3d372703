"""Each identity of the 2019/2021 formats and of the old statistics table: a passing case (the published report)
and a failing case (a mutated copy), through the Great Expectations suites."""

from __future__ import annotations

import pytest

from helpers import edit_csv
from nianbao.checks.validate import validate
from nianbao.inputs.report import load_report

pytestmark = pytest.mark.slow  # Great Expectations runs

P22 = "data/pingtan/2022"


def _checks(result, check):
    return [c for c in result.checks if c.check == check]


def _failed(result, check):
    return [c for c in _checks(result, check) if not c.success]


@pytest.fixture(scope="module")
def pingtan_2022(root):
    return validate(load_report(root, "pingtan", 2022))


class TestConsistentStandardReport:
    def test_passes_every_check_but_the_texts_count(self, pingtan_2022):
        assert pingtan_2022.success
        # the text's "收到政府信息公开申请75件" counts the 1 carried over with the 74 new ones: that reading holds;
        # what is left is the list of the prose's numbers no phrase binds (提示)
        assert pingtan_2022.warnings == []
        (notice,) = pingtan_2022.notices
        assert notice.check == "prose_numbers_bound" and notice.severity == "info"
        (received,) = [p for p in pingtan_2022.prose if p["stated"] == "75件"]
        assert (received["verdict"], received["reading"]) == ("一致", "本年新收与上年结转")

    @pytest.mark.parametrize(
        "check",
        [
            "I1_carry_balance",
            "I2_outcomes_total",
            "I3_applicants_total",
            "I5_review_litigation_totals",
            "S1_carried_over_matches_last_year",
            "S2_in_force_roll_forward",
        ],
    )
    def test_identity_was_evaluated(self, pingtan_2022, check):
        (found,) = _checks(pingtan_2022, check)
        assert found.success and found.evaluated > 0


class TestIdentitiesFail:
    def test_I1_names_column_rows_and_numbers(self, project):
        new = "一、本年新收政府信息公开申请数量"
        edit_csv(project / P22 / "requests.csv", f"{new},71,3,0,0,0,0,74", f"{new},72,3,0,0,0,0,75")
        result = validate(load_report(project, "pingtan", 2022))
        (check,) = _failed(result, "I1_carry_balance")
        assert check.severity == "critical" and not result.success
        assert any("自然人列" in d and "72" in d and "≠" in d and "requests.csv" in d for d in check.details)
        assert any("总计列" in d for d in check.details)

    def test_I2_outcomes_against_total(self, project):
        edit_csv(project / P22 / "requests.csv", "（一）予以公开,21,0,0,0,0,0,21", "（一）予以公开,22,0,0,0,0,0,22")
        result = validate(load_report(project, "pingtan", 2022))
        assert _failed(result, "I2_outcomes_total")
        assert not _failed(result, "I3_applicants_total")

    def test_I3_row_total(self, project):
        edit_csv(project / P22 / "requests.csv", "（一）予以公开,21,0,0,0,0,0,21", "（一）予以公开,21,0,0,0,0,0,20")
        (check,) = _failed(validate(load_report(project, "pingtan", 2022)), "I3_applicants_total")
        assert any("“（一）予以公开”行" in d and "= 21 ≠ 总计 20" in d for d in check.details)

    def test_I5_review_block_total(self, project):
        edit_csv(project / P22 / "reviews_litigation.csv", "行政复议,0,1,1,0,2", "行政复议,0,1,1,0,3")
        (check,) = _failed(validate(load_report(project, "pingtan", 2022)), "I5_review_litigation_totals")
        assert any("行政复议" in d and "≠ 总计 3" in d for d in check.details)

    def test_S1_against_last_years_carried_forward_is_a_warning(self, project):
        carried = "二、上年结转政府信息公开申请数量"
        edit_csv(project / P22 / "requests.csv", f"{carried},1,0,0,0,0,0,1", f"{carried},2,0,0,0,0,0,2")
        result = validate(load_report(project, "pingtan", 2022))
        (check,) = _failed(result, "S1_carried_over_matches_last_year")
        assert check.severity == "warning"
        assert any("上年四、结转下年度继续办理 1" in d and "data/pingtan/2021/requests.csv" in d for d in check.details)

    def test_S1_is_not_evaluated_without_the_previous_year(self, project):
        (project / "params/pingtan/2021.yaml").unlink()
        (check,) = _checks(validate(load_report(project, "pingtan", 2022)), "S1_carried_over_matches_last_year")
        assert check.success and check.evaluated == 0

    def test_S2_stock_roll_forward(self, project):
        edit_csv(project / P22 / "regulations.csv", "行政规范性文件,88,55,698", "行政规范性文件,88,55,699")
        (check,) = _failed(validate(load_report(project, "pingtan", 2022)), "S2_in_force_roll_forward")
        assert check.severity == "warning"
        assert any("上年现行有效件数 665" in d for d in check.details)

    def test_S3_2019_published_within_made(self, project):
        edit_csv(project / "data/pingtan/2019/regulations.csv", "规范性文件,89,89,89", "规范性文件,89,90,90")
        result = validate(load_report(project, "pingtan", 2019))
        assert _failed(result, "S3_published_within_made")[0].severity == "warning"
        assert result.success

    def test_both_layouts_of_other_processing_are_refused(self, project):
        path = project / P22 / "requests.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("（七）总计", "（六）其他处理,0,0,0,0,0,0,0\n（七）总计", 1), encoding="utf-8")
        (check,) = _failed(validate(load_report(project, "pingtan", 2022)), "one_layout_variant")
        assert check.severity == "critical"
        assert any("（六）其他处理" in d for d in check.details)

    def test_empty_cells_are_warnings_and_not_zeros(self, project):
        edit_csv(project / P22 / "requests.csv", "（一）予以公开,21,0,0,0,0,0,21", "（一）予以公开,21,0,0,0,0,0,")
        result = validate(load_report(project, "pingtan", 2022))
        (check,) = [c for c in _failed(result, "cells_reported") if "总计列" in c.description]
        assert check.severity == "warning" and "（一）予以公开" in check.details[0]
        assert not _failed(result, "I3_applicants_total")  # a row whose 总计 is not reported is not checked

    def test_fee_may_have_decimals_but_counts_may_not(self, project):
        edit_csv(project / P22 / "regulations.csv", "行政规范性文件,88,55,698", "行政规范性文件,88,55,698.5")
        result = validate(load_report(project, "pingtan", 2022))
        assert _failed(result, "counts_are_non_negative_integers")
        assert not _failed(result, "amounts_are_non_negative")


class TestCorpusVerdicts:
    """The published reports whose tables break an identity fail; the others pass."""

    @pytest.mark.parametrize(
        "body, year, check, fragment",
        [
            ("hongze", 2023, "I5_review_litigation_totals", "结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11 ≠ 总计 0"),
            ("pingtan", 2020, "I2_outcomes_total", "= 26 ≠ （七）总计 20"),
        ],
    )
    def test_published_errors_are_found(self, root, body, year, check, fragment):
        result = validate(load_report(root, body, year))
        assert not result.success
        (failed,) = _failed(result, check)
        assert any(fragment in d for d in failed.details)

    def test_typo_label_is_reported_as_an_alias(self, root):
        report = load_report(root, "hongze", 2023)
        assert any("2.其他法律行政止公开" in n and "2.其他法律行政法规禁止公开" in n for n in report.notes)

    def test_shanghai_empty_cells_are_warnings_only(self, root):
        result = validate(load_report(root, "shanghai-office", 2019))
        assert result.success
        assert {c.check for c in result.warnings} == {"cells_reported", "prose_matches_tables"}
        assert {c.check for c in result.notices} == {"prose_numbers_bound"}


class TestOldStatisticsChecks:
    def test_text_and_table_disagreement_is_a_warning(self, root):
        result = validate(load_report(root, "pingtan", 2012))
        (check,) = _failed(result, "statistics_match_text")
        assert any("739" in d and "1913" in d for d in check.details)
        assert result.success

    def test_cumulative_roll_forward_passes_when_consistent(self, root):
        (check,) = _checks(validate(load_report(root, "pingtan", 2015)), "statistics_cumulative_roll_forward")
        assert check.success and check.evaluated > 0

    def test_cumulative_roll_forward_fails_when_not(self, project):
        edit_csv(project / "data/pingtan/2015/statistics.csv", "主动公开文件数,2949,81916", "主动公开文件数,2949,81917")
        (check,) = _failed(validate(load_report(project, "pingtan", 2015)), "statistics_cumulative_roll_forward")
        assert any("上年历年累计 78967 + 本年 2949 = 81916" in d for d in check.details)


class TestCategoryCoverage:
    """Old format: categories that a report says cover every disclosure (claims: [categories_cover_total]) must not
    add up to less than the base either; the other reports list their main categories only."""

    def test_a_list_with_a_catch_all_that_adds_up_passes(self, root):
        (check,) = _checks(validate(load_report(root, "pingtan", 2015)), "categories_cover_base")
        assert check.verdict == "通过" and check.evaluated == 1

    def test_a_sum_below_the_total_is_a_warning_when_the_report_claims_coverage(self, project):
        edit_csv(project / "data/pingtan/2015/proactive_categories.csv", "其他应主动公开的信息,1831", "其他应主动公开的信息,1800")
        result = validate(load_report(project, "pingtan", 2015))
        (check,) = _failed(result, "categories_cover_base")
        assert check.severity == "warning" and result.success
        (detail,) = check.details
        assert detail.startswith("本年列: 主动公开政府信息数 2949 > 机构职能类信息 117 + ")
        files = (
            "data/pingtan/2015/proactive.csv 第2行",
            "data/pingtan/2015/proactive_categories.csv 第2、3、4、5、6、7、8、9、10、11、12行",
        )
        assert detail.endswith(f"其他应主动公开的信息 1800 = 2918（{'；'.join(files)}）")
        assert _checks(result, "categories_within_base")[0].success  # one finding, not two

    def test_main_categories_only_do_not_apply(self, root):
        result = validate(load_report(root, "pingtan", 2011))  # 主要类别: 421 of 425
        (check,) = _checks(result, "categories_cover_base")
        assert check.verdict == "不适用" and check.success


class TestTextStatements:
    """The numbers the prose states, against the cells they state (prose_matches_tables, a warning)."""

    def test_consistent_statements_pass(self, root):
        result = validate(load_report(root, "pingtan", 2022))
        (found,) = _checks(result, "prose_matches_tables")
        assert found.success and found.evaluated > 0

    def test_published_disagreement_is_found(self, root):
        result = validate(load_report(root, "hongze", 2024))
        (check,) = _failed(result, "prose_matches_tables")
        assert check.severity == "warning" and result.success
        assert any("【17件】" in d and "正文 17件" in d and "总计 95" in d and "prose/overview.md" in d for d in check.details)

    def test_an_edited_statement_fails(self, project):
        path = project / "data/hongze/2023/prose/overview.md"
        text = path.read_text(encoding="utf-8")
        assert "受理政府信息公开申请21件" in text
        path.write_text(text.replace("受理政府信息公开申请21件", "受理政府信息公开申请22件"), encoding="utf-8")
        (check,) = _failed(validate(load_report(project, "hongze", 2023)), "prose_matches_tables")
        assert any("正文 22件" in d and "21" in d for d in check.details)

    def test_params_make_it_critical(self, project):
        path = project / "params/hongze/2024.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "prose_mismatch: critical\n", encoding="utf-8")
        result = validate(load_report(project, "hongze", 2024))
        (check,) = _failed(result, "prose_matches_tables")
        assert check.severity == "critical" and not result.success
