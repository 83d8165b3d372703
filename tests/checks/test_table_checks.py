"""The table checks: the expectations each builds from a declared table, and its words for a failure on a frame
made by hand (the rows GX would have flagged given as its result)."""

from __future__ import annotations

import pandas as pd
import pytest

from nianbao.checks.frames import table_frame
from nianbao.checks.registry import Outcome
from nianbao.checks.table_checks import (
    AmountsAreNonNegative,
    CellsReported,
    ChangesAreIntegers,
    CountsAreNonNegativeIntegers,
    LabelsDeclared,
    NoDuplicateRows,
    OneLayoutVariant,
    PlausibleMagnitude,
    RequiredRows,
    TableColumn,
    frame_id,
    kind_column,
    table_columns,
    text_column,
)
from nianbao.formats import load_format
from nianbao.inputs.report import Report, load_report

OLD = load_format("old-free-text")
STANDARD = load_format("2021-standard")
TRIAL = load_format("2019")


def _frame(report: Report, table_id: str, *records: dict) -> pd.DataFrame:
    """A table's frame made by hand: the given columns of each row, the others empty."""
    return pd.DataFrame.from_records(list(records), columns=table_columns(report.format.tables[table_id]))


def _outcome(report: Report, table_id: str, expectation: dict, frame: pd.DataFrame, **result) -> Outcome:
    suite = {"frame": frame_id(table_id), "table": table_id}
    return Outcome(report=report, suite=suite, expectation=expectation, frame=frame, result=result)


def _column(fmt, table_id: str, column_id: str) -> TableColumn:
    table = fmt.tables[table_id]
    return TableColumn(table, table.column(column_id))


@pytest.fixture
def pingtan2019(root):
    return load_report(root, "pingtan", 2019)


@pytest.fixture
def pingtan2022(root):
    return load_report(root, "pingtan", 2022)


class TestFrameColumns:
    def test_the_table_frame_has_the_columns_the_checks_name(self, dongyang):
        table = dongyang.format.tables["applications"]
        frame = table_frame(dongyang, "applications")
        assert list(frame.columns) == table_columns(table)
        assert table_columns(table)[:5] == ["label", "row", "kind", "line", "variant"]
        assert {"year", text_column("year"), kind_column("year")} <= set(frame.columns)

    def test_names(self):
        assert (text_column("made"), kind_column("made"), frame_id("fees")) == ("made_text", "made_kind", "table:fees")


class TestTableColumn:
    def test_a_column_without_a_kind_takes_the_kinds_of_the_rows(self):
        assert _column(OLD, "fees", "year").kinds == {"count", "text", "money"}

    def test_a_column_with_a_kind_keeps_it_and_text_rows(self):
        assert _column(TRIAL, "licensing", "change").kinds == {"signed"}
        assert _column(STANDARD, "charges", "amount").kinds == {"money"}


class TestLabelsDeclared:
    def test_expectation(self):
        (expectation,) = LabelsDeclared().expectations(OLD.tables["applications"])
        assert expectation["kwargs"]["value_set"][:2] == ["total", "in_person"]
        assert expectation["meta"] == {
            "check": "labels_declared",
            "type": "labels_declared",
            "description": "“收到政府信息公开申请”的每个指标都应是格式声明中的指标（或其已知别名）",
        }
        assert expectation["severity"] == "critical"

    def test_a_free_row_table_has_none(self):
        assert LabelsDeclared().expectations(OLD.tables["proactive_categories"]) == []

    def test_words_suggest_the_declared_label(self, dongyang):
        (expectation,) = LabelsDeclared().expectations(OLD.tables["applications"])
        frame = _frame(dongyang, "applications", {"label": "信涵申请", "row": None, "line": 5}, {"label": "x", "line": 6})
        outcome = _outcome(dongyang, "applications", expectation, frame, unexpected_index_list=[0])
        assert LabelsDeclared().details(outcome) == [
            "data/dongyang/2017/applications.csv 第5行 “信涵申请”: 不是表“收到政府信息公开申请”中声明的指标，"
            "是否想写“信函申请”？可用: 收到政府信息公开申请、当面申请、网上申请、信函申请、传真申请、电子邮件申请、信函、传真申请"
        ]

    def test_no_suggestion_for_a_label_close_to_none(self, dongyang):
        (expectation,) = LabelsDeclared().expectations(OLD.tables["appeals"])
        frame = _frame(dongyang, "appeals", {"label": "天气", "line": 4})
        (detail,) = LabelsDeclared().details(_outcome(dongyang, "appeals", expectation, frame, unexpected_index_list=[0]))
        assert "是否想写" not in detail and detail.startswith(
            "data/dongyang/2017/appeals.csv 第4行 “天气”: 不是表“行政复议和行政诉讼”"
        )


class TestNoDuplicateRows:
    def test_words(self, dongyang):
        (expectation,) = NoDuplicateRows().expectations(OLD.tables["applications"])
        assert expectation["kwargs"] == {"column": "row"}
        rows = ({"label": "网络申请", "row": "online", "line": 4}, {"label": "网上申请数", "row": "online", "line": 9})
        outcome = _outcome(
            dongyang, "applications", expectation, _frame(dongyang, "applications", *rows), unexpected_index_list=[0, 1]
        )
        assert NoDuplicateRows().details(outcome) == [
            "data/dongyang/2017/applications.csv 第4行 “网络申请”: 指标重复出现",
            "data/dongyang/2017/applications.csv 第9行 “网上申请数”: 指标重复出现",
        ]


class TestRequiredRows:
    def test_expectation_lists_the_required_rows(self):
        (expectation,) = RequiredRows().expectations(TRIAL.tables["licensing"])
        assert expectation["kwargs"] == {"column": "row", "value_set": ["licensing", "other_services"]}
        assert expectation["meta"]["description"] == "“第二十条第（五）项”必须包含: 行政许可、其他对外管理服务事项"

    def test_none_without_required_rows(self):
        assert RequiredRows().expectations(OLD.tables["proactive_categories"]) == []

    def test_words_name_each_missing_row(self, pingtan2019):
        (expectation,) = RequiredRows().expectations(TRIAL.tables["licensing"])
        frame = _frame(pingtan2019, "licensing", {"label": "其他对外管理服务事项", "row": "other_services", "line": 2})
        outcome = _outcome(pingtan2019, "licensing", expectation, frame, observed_value=None, missing_count=1)
        assert RequiredRows().details(outcome) == ["data/pingtan/2019/licensing.csv: 缺少指标“行政许可”"]


class TestColumnChecksApply:
    def test_not_to_an_optional_column_the_data_file_does_not_have(self, dongyang):
        """东阳 2017 gives no 历年累计: the checks of that column do not apply (不适用), those of 本年 do."""
        check = CountsAreNonNegativeIntegers()
        for column, applies in (("year", True), ("cumulative", False)):
            (expectation,) = check.expectations(_column(OLD, "proactive", column))
            outcome = _outcome(dongyang, "proactive", expectation, _frame(dongyang, "proactive"))
            assert check.applies(outcome) is applies


class TestOneLayoutVariant:
    def test_expectation_describes_the_layouts(self):
        (expectation,) = OneLayoutVariant().expectations(STANDARD.tables["requests"])
        assert expectation["kwargs"] == {"column": "variant", "max_value": 1}
        assert expectation["meta"]["description"].startswith("“收到和处理政府信息公开申请情况”只能采用一种行布局：")
        assert "；或" in expectation["meta"]["description"]

    def test_none_without_variants(self):
        assert OneLayoutVariant().expectations(OLD.tables["applications"]) == []

    def test_words_name_every_row_of_a_variant(self, pingtan2022):
        (expectation,) = OneLayoutVariant().expectations(STANDARD.tables["requests"])
        frame = _frame(
            pingtan2022,
            "requests",
            {"label": "（六）其他处理", "line": 21, "variant": "single"},
            {"label": "（七）总计", "line": 22},
            {"label": "3.其他", "line": 25, "variant": "split"},
        )
        assert OneLayoutVariant().details(_outcome(pingtan2022, "requests", expectation, frame)) == [
            "data/pingtan/2022/requests.csv 第21行 “（六）其他处理”（single 布局）",
            "data/pingtan/2022/requests.csv 第25行 “3.其他”（split 布局）",
        ]


class TestValueText:
    @pytest.mark.parametrize(
        "check, declared, kind, wording",
        [
            (CountsAreNonNegativeIntegers(), _column(OLD, "fees", "year"), "count", "件数应为非负整数"),
            (AmountsAreNonNegative(), _column(OLD, "fees", "year"), "money", "金额应为非负数"),
            (ChangesAreIntegers(), _column(TRIAL, "licensing", "change"), "signed", "增减数应为整数（可带正负号）"),
        ],
    )
    def test_expectation_matches_the_text_of_cells_of_its_kind(self, check, declared, kind, wording):
        (expectation,) = check.expectations(declared)
        column = declared.column.id
        assert expectation["kwargs"]["column"] == f"{column}_text"
        assert expectation["kwargs"]["row_condition"]["column"]["name"] == f"{column}_kind"
        assert expectation["kwargs"]["row_condition"]["parameter"] == kind
        assert expectation["meta"]["column"] == column
        assert expectation["meta"]["description"] == f"“{declared.table.title}”{declared.column.label}列的{wording}"

    def test_a_kind_the_column_cannot_hold_has_none(self):
        assert ChangesAreIntegers().expectations(_column(OLD, "fees", "year")) == []
        assert CountsAreNonNegativeIntegers().expectations(_column(STANDARD, "charges", "amount")) == []

    @pytest.mark.parametrize(
        "check, text, expected",
        [(CountsAreNonNegativeIntegers(), "-7", "非负整数"), (AmountsAreNonNegative(), "-7", "非负数")],
    )
    def test_words(self, dongyang, check, text, expected):
        (expectation,) = check.expectations(_column(OLD, "fees", "year"))
        frame = _frame(dongyang, "fees", {"label": "收取费用", "line": 3, "year_text": text})
        outcome = _outcome(dongyang, "fees", expectation, frame, unexpected_index_list=[0])
        assert check.details(outcome) == [f"data/dongyang/2017/fees.csv 第3行 “收取费用” 本年列: '{text}' 不是{expected}"]

    def test_words_of_a_change(self, pingtan2019):
        (expectation,) = ChangesAreIntegers().expectations(_column(TRIAL, "licensing", "change"))
        frame = _frame(pingtan2019, "licensing", {"label": "行政许可", "line": 2, "change_text": "1.5"})
        outcome = _outcome(pingtan2019, "licensing", expectation, frame, unexpected_index_list=[0])
        assert ChangesAreIntegers().details(outcome) == [
            "data/pingtan/2019/licensing.csv 第2行 “行政许可” 本年增/减列: '1.5' 不是整数"
        ]


class TestCellsReported:
    def test_a_warning_on_complete_tables_only(self):
        (expectation,) = CellsReported().expectations(_column(STANDARD, "requests", "total"))
        assert expectation["severity"] == "warning" and expectation["kwargs"] == {"column": "total_text"}
        assert CellsReported().expectations(_column(OLD, "applications", "year")) == []

    def test_words_list_the_empty_cells_in_one_sentence(self, pingtan2022):
        (expectation,) = CellsReported().expectations(_column(STANDARD, "requests", "total"))
        rows = ({"label": "（一）予以公开", "line": 4}, {"label": "（七）总计", "line": 22})
        outcome = _outcome(
            pingtan2022, "requests", expectation, _frame(pingtan2022, "requests", *rows), unexpected_index_list=[0, 1]
        )
        assert CellsReported().details(outcome) == [
            "data/pingtan/2022/requests.csv 总计列空白（未报告，与 0 区分）: 第4行“（一）予以公开”、第22行“（七）总计”"
        ]


class TestPlausibleMagnitude:
    def test_a_warning_on_the_counts_of_tables_with_a_limit(self):
        (expectation,) = PlausibleMagnitude().expectations(_column(OLD, "proactive", "year"))
        assert expectation["severity"] == "warning"
        assert expectation["kwargs"]["column"] == "year" and expectation["kwargs"]["max_value"] == 5000000
        assert expectation["kwargs"]["row_condition"]["parameter"] == "count"
        assert PlausibleMagnitude().expectations(_column(STANDARD, "charges", "amount")) == []  # money only

    def test_words(self, dongyang):
        (expectation,) = PlausibleMagnitude().expectations(_column(OLD, "proactive", "year"))
        frame = _frame(dongyang, "proactive", {"label": "乡镇发布信息数", "line": 4, "year": 9999125.0, "year_text": "9999125"})
        outcome = _outcome(dongyang, "proactive", expectation, frame, unexpected_index_list=[0])
        assert PlausibleMagnitude().details(outcome) == [
            "data/dongyang/2017/proactive.csv 第4行 “乡镇发布信息数” 本年列: 9999125 大于 5000000，请核对是否多输入了数字"
        ]


class TestPlainWording:
    """Each table check words its failure for the check summary: the table and the row by their printed labels, the
    observed text or number; no file, no line, no check id."""

    def test_labels_declared(self, dongyang):
        (expectation,) = LabelsDeclared().expectations(OLD.tables["applications"])
        frame = _frame(dongyang, "applications", {"label": "信涵申请", "row": None, "line": 5}, {"label": "x", "line": 6})
        outcome = _outcome(dongyang, "applications", expectation, frame, unexpected_index_list=[0])
        assert LabelsDeclared().plain(outcome) == ["“收到政府信息公开申请”中的“信涵申请”不是该表的指标（可能应为“信函申请”）"]

    def test_no_duplicate_rows_names_the_labels_of_one_indicator(self, dongyang):
        (expectation,) = NoDuplicateRows().expectations(OLD.tables["applications"])
        rows = ({"label": "网络申请", "row": "online", "line": 4}, {"label": "网上申请数", "row": "online", "line": 9})
        outcome = _outcome(
            dongyang, "applications", expectation, _frame(dongyang, "applications", *rows), unexpected_index_list=[0, 1]
        )
        assert NoDuplicateRows().plain(outcome) == ["“收到政府信息公开申请”中的“网络申请”和“网上申请数”是同一个指标，填了2次"]

    def test_required_rows(self, pingtan2019):
        (expectation,) = RequiredRows().expectations(TRIAL.tables["licensing"])
        frame = _frame(pingtan2019, "licensing", {"label": "其他对外管理服务事项", "row": "other_services", "line": 2})
        outcome = _outcome(pingtan2019, "licensing", expectation, frame, observed_value=None, missing_count=1)
        assert RequiredRows().plain(outcome) == ["“第二十条第（五）项”缺少“行政许可”一项"]

    def test_one_layout_variant_names_the_rows_not_the_variants(self, pingtan2022):
        (expectation,) = OneLayoutVariant().expectations(STANDARD.tables["requests"])
        frame = _frame(
            pingtan2022,
            "requests",
            {"label": "（六）其他处理", "line": 21, "variant": "single"},
            {"label": "（七）总计", "line": 22},
            {"label": "3.其他", "line": 25, "variant": "split"},
        )
        assert OneLayoutVariant().plain(_outcome(pingtan2022, "requests", expectation, frame)) == [
            "“收到和处理政府信息公开申请情况”混用了两种行布局：“（六）其他处理”与“3.其他”不能同时填报"
        ]

    @pytest.mark.parametrize(
        "check, expected", [(CountsAreNonNegativeIntegers(), "非负整数"), (AmountsAreNonNegative(), "非负数")]
    )
    def test_value_text(self, dongyang, check, expected):
        (expectation,) = check.expectations(_column(OLD, "fees", "year"))
        frame = _frame(dongyang, "fees", {"label": "收取费用", "line": 3, "year_text": "-7"})
        outcome = _outcome(dongyang, "fees", expectation, frame, unexpected_index_list=[0])
        assert check.plain(outcome) == [f"“收费及减免”“收取费用”一行本年列填写的“-7”不是{expected}"]

    def test_changes_are_integers(self, pingtan2019):
        (expectation,) = ChangesAreIntegers().expectations(_column(TRIAL, "licensing", "change"))
        frame = _frame(pingtan2019, "licensing", {"label": "行政许可", "line": 2, "change_text": "1.5"})
        outcome = _outcome(pingtan2019, "licensing", expectation, frame, unexpected_index_list=[0])
        assert ChangesAreIntegers().plain(outcome) == ["“第二十条第（五）项”“行政许可”一行本年增/减列填写的“1.5”不是整数"]

    def test_cells_reported_counts_the_empty_cells(self, pingtan2022):
        (expectation,) = CellsReported().expectations(_column(STANDARD, "requests", "total"))
        rows = ({"label": "（一）予以公开", "line": 4}, {"label": "（七）总计", "line": 22})
        outcome = _outcome(
            pingtan2022, "requests", expectation, _frame(pingtan2022, "requests", *rows), unexpected_index_list=[0, 1]
        )
        assert CellsReported().plain(outcome) == [
            "“收到和处理政府信息公开申请情况”总计列有2个单元格未填写（空白表示未报告，不等于0）：“（一）予以公开”、“（七）总计”"
        ]

    def test_plausible_magnitude(self, dongyang):
        (expectation,) = PlausibleMagnitude().expectations(_column(OLD, "proactive", "year"))
        frame = _frame(dongyang, "proactive", {"label": "乡镇发布信息数", "line": 4, "year": 9999125.0, "year_text": "9999125"})
        outcome = _outcome(dongyang, "proactive", expectation, frame, unexpected_index_list=[0])
        assert PlausibleMagnitude().plain(outcome) == [
            "“主动公开政府信息数量”“乡镇发布信息数”一行本年列为9999125，超过合理上限5000000，可能多输入了数字"
        ]
