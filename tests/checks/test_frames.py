"""The identities of the formats, term by term: each cell FORMATS.md names on a side of an identity, changed by one
in an otherwise consistent report, breaks that identity where it stands (and only there). The terms are listed
here by their official labels, as FORMATS.md prints them, not read from the declarations, so that a term dropped
from (or added to) a declaration fails a test."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest

from helpers import copy_project, read_csv
from nianbao.checks.frames import identity_records
from nianbao.inputs.report import load_report

NEW = "一、本年新收政府信息公开申请数量"
CARRIED_OVER = "二、上年结转政府信息公开申请数量"
TOTAL = "（七）总计"
CARRIED_FORWARD = "四、结转下年度继续办理"
OUTCOMES = [
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
]
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
TABLE4_ROWS = ["行政复议", "行政诉讼·未经复议直接起诉", "行政诉讼·复议后起诉"]


def bump(path, label: str, column: str, by: int = 1) -> None:
    """Add ``by`` to one cell of a data file, found by its row label and column header."""
    rows = read_csv(path)
    header = rows[0]
    (row,) = [r for r in rows[1:] if r[0] == label]
    index = header.index(column)
    row[index] = str(int(row[index]) + by)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def broken(project, body: str, year: int, identity: str) -> list[str]:
    """Where ``identity`` does not hold in the report: the slots (columns or rows) of its failing records."""
    report = load_report(project, body, year, previous=False)
    (declared,) = [i for i in report.format.identities if i.id == identity]
    failing = []
    for rec in identity_records(report, declared):
        holds = rec["lhs"] == rec["rhs"] if rec["op"] == "==" else rec["lhs"] <= rec["rhs"]
        if not holds:
            failing.append(rec["column"])
    return failing


@pytest.fixture
def pingtan2021_requests(pingtan2021):
    return pingtan2021 / "data/pingtan/2021/requests.csv"


class TestConsistentReport:
    @pytest.mark.parametrize(
        "identity", ["I1_carry_balance", "I2_outcomes_total", "I3_applicants_total", "I5_review_litigation_totals"]
    )
    def test_every_identity_holds_in_pingtan_2021(self, pingtan2021, identity):
        assert broken(pingtan2021, "pingtan", 2021, identity) == []


class TestI2OutcomesAddUpToTheTotal:
    @pytest.mark.parametrize("label", OUTCOMES)
    def test_each_outcome_row_is_a_term(self, pingtan2021, pingtan2021_requests, label):
        bump(pingtan2021_requests, label, "自然人")
        assert broken(pingtan2021, "pingtan", 2021, "I2_outcomes_total") == ["自然人列"]

    def test_the_total_is_the_other_side(self, pingtan2021, pingtan2021_requests):
        bump(pingtan2021_requests, TOTAL, "总计")
        assert broken(pingtan2021, "pingtan", 2021, "I2_outcomes_total") == ["总计列"]

    def test_the_single_other_row_is_a_term(self, tmp_path):
        project = copy_project(tmp_path / "project", reports=[("hongze", 2024)])
        bump(project / "data/hongze/2024/requests.csv", "（六）其他处理", "其他")
        assert broken(project, "hongze", 2024, "I2_outcomes_total") == ["其他列"]

    @pytest.mark.parametrize("label", [NEW, CARRIED_OVER, CARRIED_FORWARD])
    def test_rows_outside_the_outcomes_are_not_terms(self, pingtan2021, pingtan2021_requests, label):
        bump(pingtan2021_requests, label, "自然人")
        assert broken(pingtan2021, "pingtan", 2021, "I2_outcomes_total") == []


class TestI1CarryBalance:
    @pytest.mark.parametrize("label", [NEW, CARRIED_OVER, TOTAL, CARRIED_FORWARD])
    def test_each_of_the_four_rows_is_a_term(self, pingtan2021, pingtan2021_requests, label):
        bump(pingtan2021_requests, label, "商业企业")
        assert broken(pingtan2021, "pingtan", 2021, "I1_carry_balance") == ["商业企业列"]

    def test_an_outcome_row_is_not_a_term(self, pingtan2021, pingtan2021_requests):
        bump(pingtan2021_requests, OUTCOMES[0], "商业企业")
        assert broken(pingtan2021, "pingtan", 2021, "I1_carry_balance") == []


class TestI3ApplicantsAddUpToTheTotal:
    @pytest.mark.parametrize("column", [*APPLICANTS, "总计"])
    def test_each_column_is_a_term(self, pingtan2021, pingtan2021_requests, column):
        bump(pingtan2021_requests, NEW, column)
        assert broken(pingtan2021, "pingtan", 2021, "I3_applicants_total") == [f"“{NEW}”行"]


class TestI5ReviewLitigationTotals:
    @pytest.mark.parametrize("row", TABLE4_ROWS)
    @pytest.mark.parametrize("column", [*RESULTS, "总计"])
    def test_each_result_of_each_block_is_a_term(self, pingtan2021, row, column):
        bump(pingtan2021 / "data/pingtan/2021/reviews_litigation.csv", row, column)
        assert broken(pingtan2021, "pingtan", 2021, "I5_review_litigation_totals") == [f"“{row}”行"]


class TestOldFormat:
    @pytest.fixture
    def dongyang(self, tmp_path):
        return copy_project(tmp_path / "project", reports=[("dongyang", 2017)])

    @pytest.mark.parametrize("label", ["收到政府信息公开申请", "当面申请", "网络申请", "信函申请"])
    def test_each_channel_and_the_total_are_terms_of_the_channel_identity(self, dongyang, label):
        bump(dongyang / "data/dongyang/2017/applications.csv", label, "本年")
        assert broken(dongyang, "dongyang", 2017, "application_channels_sum") == ["本年列"]

    @pytest.mark.parametrize(
        "label",
        [
            "同意公开",
            "同意部分公开",
            "不同意公开答复数",
            "不属于本行政机关公开数",
            "告知作出更改补充数",
            "告知通过其他途径办理数",
        ],
    )
    def test_each_answer_is_a_term_of_the_answer_identity(self, dongyang, label):
        bump(dongyang / "data/dongyang/2017/answers.csv", label, "本年")
        assert broken(dongyang, "dongyang", 2017, "answers_sum") == ["本年列"]

    def test_each_channel_is_checked_on_its_own_against_the_total(self, dongyang):
        """``each``: every channel ≤ the total, not their sum (channels overlap: one item goes out on several)."""
        report = load_report(dongyang, "dongyang", 2017, previous=False)
        (declared,) = [i for i in report.format.identities if i.id == "proactive_channel_within_total"]
        records = identity_records(report, declared)
        assert [r["lhs_expr"] for r in records] == ["政府网站 17534", "政务微博 4374", "政务微信 1466"]
        assert {r["rhs"] for r in records} == {25080.0}
        # 17534 + 10000 + 1466 > 25080, but no channel exceeds it: the check holds
        bump(dongyang / "data/dongyang/2017/proactive_channels.csv", "政务微博", "本年", by=10000 - 4374)
        assert broken(dongyang, "dongyang", 2017, "proactive_channel_within_total") == []
        bump(dongyang / "data/dongyang/2017/proactive_channels.csv", "政府网站", "本年", by=25081 - 17534)
        assert broken(dongyang, "dongyang", 2017, "proactive_channel_within_total") == ["本年列"]


def test_sums_are_exact_decimals(tmp_path):
    """A side is summed in Decimal before it is compared: 0.1 + 0.2 == 0.3 holds."""
    from nianbao.checks.frames import TermCell, _expression

    cells = [TermCell("a", Decimal("0.1"), tmp_path, 1), TermCell("b", Decimal("0.2"), tmp_path, 2)]
    assert _expression(cells) == "a 0.1 + b 0.2 = 0.3"


class TestStatementsAgainstCells:
    """Identities along ``same_as`` (a 统计表 row against the same indicator in the text), record by record."""

    def test_statistics_row_against_the_text(self, root):
        report = load_report(root, "pingtan", 2012, previous=False)
        (declared,) = [i for i in report.format.identities if i.id == "statistics_match_text"]
        records = {r["lhs_expr"]: r for r in identity_records(report, declared)}
        received = records["政府信息公开情况统计表“主动公开信息数” 739"]
        assert (received["lhs"], received["rhs"]) == (739.0, 1913.0)
        assert received["rhs_expr"].startswith("正文“") and received["column"] == "本年列"
        assert "statistics.csv 第" in received["where"] and "proactive.csv 第" in received["where"]
        assert broken(root, "pingtan", 2012, "statistics_match_text")


@pytest.fixture
def dongyang_frames(root):
    from nianbao.checks.frames import frames

    return frames(load_report(root, "dongyang", 2017))


class TestFrames:
    """The frames the expectation suites run on: one per table, the identities and the published shares."""

    def test_one_frame_per_table_and_the_three_others(self, dongyang_frames):
        tables = {
            "proactive",
            "proactive_channels",
            "responses",
            "proactive_categories",
            "applications",
            "answers",
            "fees",
            "appeals",
        }
        assert set(dongyang_frames) == {f"table:{t}" for t in tables} | {"identities", "published_shares", "prose_numbers"}

    def test_table_frame_holds_each_row_with_its_line_kind_number_and_text(self, dongyang_frames):
        frame = dongyang_frames["table:applications"]
        assert list(frame.columns) == [
            "label",
            "row",
            "kind",
            "line",
            "variant",
            "year",
            "year_text",
            "year_kind",
            "cumulative",
            "cumulative_text",
            "cumulative_kind",
        ]
        record = frame.to_dict(orient="records")[1]
        assert math.isnan(record.pop("cumulative"))  # a float column: an unreported number is NaN
        assert record == {
            "label": "当面申请",
            "row": "in_person",
            "kind": "count",
            "line": 3,
            "variant": None,
            "year": 42.0,
            "year_text": "42",
            "year_kind": "count",
            "cumulative_text": None,
            "cumulative_kind": "count",
        }
        fees = dongyang_frames["table:fees"].to_dict(orient="records")[0]
        assert math.isnan(fees["year"]) and (fees["year_text"], fees["year_kind"]) == ("免收费", "text")

    def test_identities_frame_sums_each_side(self, dongyang_frames):
        frame = dongyang_frames["identities"]
        channels = frame[frame["identity"] == "application_channels_sum"].to_dict(orient="records")
        assert channels == [
            {
                "identity": "application_channels_sum",
                "column": "本年列",
                "lhs": 91.0,
                "rhs": 91.0,
                "lhs_expr": "当面申请 42 + 网络申请 21 + 信函申请 28 = 91",
                "rhs_expr": "收到政府信息公开申请 91",
                "op": "==",
                "where": "data/dongyang/2017/applications.csv 第2、3、4、5行",
                "lhs_name": "各申请方式合计",
                "rhs_name": "收到政府信息公开申请",
                "unit": "件",
            }
        ]
        assert len(frame[frame["identity"] == "proactive_channel_within_total"]) == 3

    def test_published_shares_frame_recomputes_each_share(self, dongyang_frames):
        frame = dongyang_frames["published_shares"]
        financial = frame[frame["label"] == "财政信息类信息"].to_dict(orient="records")[0]
        assert financial == {
            "share": "categories",
            "title": "主动公开类别占比",
            "table": "proactive_categories",
            "label": "财政信息类信息",
            "line": 5,
            "value": "169",
            "base": "部门发布信息数 16716",
            "published": "1.01",
            "exact": "1.011007",
            "at_printed": "1.01",
            "at_declared": "1.0",
            "as_declared": "1.0",
            "precision": 1,
            "printed_decimals": 2,
            "file": "proactive_categories.csv",
        }
        face = frame[frame["label"] == "当面申请"].to_dict(orient="records")[0]
        assert (face["published"], face["exact"], face["at_printed"], face["at_declared"]) == (
            "46.15",
            "46.153846",
            "46.15",
            "46.15",
        )
        assert frame.groupby("share").size().to_dict() == {"categories": 9, "application_channels": 3, "answers": 6}


def declared(report, identity_id: str):
    (found,) = [i for i in report.format.identities if i.id == identity_id]
    return found


class TestUnknownLabels:
    """A table with a label the declaration does not know is not summed, nor are shares of it recomputed."""

    def test_no_sum_and_no_share_over_a_table_with_an_unknown_label(self, dongyang_copy):
        from helpers import edit_csv
        from nianbao.checks.frames import shares_frame

        edit_csv(dongyang_copy / "data/dongyang/2017/applications.csv", "信函申请,28", "信涵申请,28")
        report = load_report(dongyang_copy, "dongyang", 2017)
        assert [r.label for r in report.unknown_labels("applications")] == ["信涵申请"]
        assert identity_records(report, declared(report, "application_channels_sum")) == []
        assert identity_records(report, declared(report, "answers_sum")) == []  # its fallback is the total
        assert identity_records(report, declared(report, "proactive_parts_within_total")) != []
        assert set(shares_frame(report)["share"]) == {"categories"}  # not the channels nor the answers

    def test_free_row_tables_have_no_unknown_labels(self, root):
        report = load_report(root, "dongyang", 2017)
        assert report.unknown_labels("proactive_categories") == [] and report.unknown_labels("applications") == []


class TestIdentityRecords:
    """How the sides of an identity are gathered: empty cells left out, the previous year's cells named as such,
    a restriction to some columns or rows, a side with no reported cell not evaluated."""

    def test_empty_cells_are_left_out_of_a_row(self, root):
        report = load_report(root, "shanghai-office", 2019, previous=False)
        records = {r["column"]: r for r in identity_records(report, declared(report, "I3_applicants_total"))}
        new = records["“一、本年新收政府信息公开申请数量”行"]
        assert new["lhs_expr"] == "自然人 821 + 商业企业 35 + 法律服务机构 2 + 其他 1 = 859"
        assert new["rhs_expr"] == "总计 859" and new["where"] == "data/shanghai-office/2019/requests.csv 第2行"

    def test_columns_without_any_reported_cell_are_not_evaluated(self, root):
        report = load_report(root, "shanghai-office", 2019, previous=False)
        columns = [r["column"] for r in identity_records(report, declared(report, "I1_carry_balance"))]
        assert columns == ["自然人列", "商业企业列", "法律服务机构列", "其他列", "总计列"]

    def test_the_previous_years_cells(self, root):
        report = load_report(root, "pingtan", 2022)
        records = identity_records(report, declared(report, "S1_carried_over_matches_last_year"))
        total = next(r for r in records if r["column"] == "总计列")
        assert total["lhs_expr"] == "二、上年结转政府信息公开申请数量 1"
        assert total["rhs_expr"] == "上年四、结转下年度继续办理 1"
        assert total["where"] == "data/pingtan/2022/requests.csv 第3行；data/pingtan/2021/requests.csv 第26行"

    def test_without_the_previous_year_a_cross_year_identity_is_not_evaluated(self, root):
        report = load_report(root, "pingtan", 2022, previous=False)
        assert identity_records(report, declared(report, "S1_carried_over_matches_last_year")) == []

    def test_a_side_with_more_terms_from_the_same_row(self, root):
        """统计表: 历年累计 = 上年历年累计 + 本年 (``also``)."""
        report = load_report(root, "pingtan", 2013)
        records = identity_records(report, declared(report, "statistics_cumulative_roll_forward"))
        first = records[0]
        assert first["rhs_expr"].startswith("上年历年累计 ") and " + 本年 " in first["rhs_expr"]
        assert len(records) == 15  # every row of the 统计表 that the 2012 table also has

    def test_restricted_to_some_columns(self, root):
        report = load_report(root, "pingtan", 2021, previous=False)
        identity = declared(report, "I1_carry_balance").model_copy(update={"columns": ("total", "natural")})
        assert [r["column"] for r in identity_records(report, identity)] == ["自然人列", "总计列"]

    def test_restricted_to_some_rows(self, root):
        report = load_report(root, "pingtan", 2021, previous=False)
        identity = declared(report, "I3_applicants_total").model_copy(update={"rows": ("new",)})
        assert [r["column"] for r in identity_records(report, identity)] == [f"“{NEW}”行"]

    def test_where_names_a_file_outside_the_project_as_it_is(self, root, tmp_path):
        from nianbao.checks.frames import TermCell, _where

        report = load_report(root, "dongyang", 2017, previous=False)
        cells = [
            TermCell("a", Decimal(1), tmp_path / "a.csv", 3),
            TermCell("b", Decimal(1), root / "data/dongyang/2017/answers.csv", 2),
            TermCell("c", Decimal(1), tmp_path / "a.csv", 2),
        ]
        assert _where(report, cells) == f"{tmp_path / 'a.csv'} 第2、3行；data/dongyang/2017/answers.csv 第2行"


class TestStatementRecords:
    def test_each_statistics_row_that_states_a_text_indicator(self, root):
        report = load_report(root, "pingtan", 2012, previous=False)
        records = identity_records(report, declared(report, "statistics_match_text"))
        assert [r["rhs_expr"].split("”")[0] for r in records] == [
            "正文“主动公开政府信息数",
            "正文“政府网站公开数",
            "正文“收到政府信息公开申请",
            "正文“行政复议申请",
        ]
        assert all(re.search(r"statistics\.csv 第\d+行；data/pingtan/2012/\w+\.csv 第\d+行$", r["where"]) for r in records)


class TestEmptyFrames:
    """A frame with no rows still has its columns and their types: the suites name them."""

    def test_identities_frame_without_identities(self, root):
        import dataclasses

        from nianbao.checks.frames import identities_frame

        report = load_report(root, "dongyang", 2017, previous=False)
        report = dataclasses.replace(report, format=report.format.model_copy(update={"identities": []}))
        frame = identities_frame(report)
        assert list(frame.columns) == [
            *("identity", "column", "lhs", "rhs", "lhs_expr", "rhs_expr", "op", "where"),
            *("lhs_name", "rhs_name", "unit"),
        ]
        assert len(frame) == 0 and str(frame["lhs"].dtype) == "float64"

    def test_shares_frame_without_published_shares(self, root):
        from nianbao.checks.frames import shares_frame

        frame = shares_frame(load_report(root, "pingtan", 2021, previous=False))
        assert len(frame) == 0 and list(frame.columns) == [
            "share",
            "title",
            "table",
            "label",
            "line",
            "value",
            "base",
            "published",
            "exact",
            "at_printed",
            "at_declared",
            "as_declared",
            "precision",
            "printed_decimals",
            "file",
        ]

    def test_table_frame_of_a_table_without_rows(self, tmp_path):
        from nianbao.checks.frames import table_frame

        project = copy_project(tmp_path / "project", reports=[("dongyang", 2017)])
        (project / "data/dongyang/2017/appeals.csv").write_text("指标,本年\n", encoding="utf-8")
        frame = table_frame(load_report(project, "dongyang", 2017), "appeals")
        assert len(frame) == 0
        assert list(frame.columns)[:5] == ["label", "row", "kind", "line", "variant"]
        assert str(frame["year"].dtype) == "float64" and str(frame["variant"].dtype) == "object"

    def test_a_column_of_empty_cells_is_a_number_column(self, root):
        from nianbao.checks.frames import table_frame

        frame = table_frame(load_report(root, "shanghai-office", 2019, previous=False), "requests")
        assert frame["research"].isna().all() and str(frame["research"].dtype) == "float64"

    def test_variant_rows_carry_their_layout(self, root):
        from nianbao.checks.frames import table_frame

        frame = table_frame(load_report(root, "hongze", 2024, previous=False), "requests")
        assert frame[frame["row"] == "other_processing"]["variant"].tolist() == ["single"]
        assert frame[frame["row"] == "granted"]["variant"].isna().all()


class TestSharesFrameEdges:
    def test_a_share_without_its_base(self, dongyang_copy):
        from nianbao.checks.frames import shares_frame

        path = dongyang_copy / "data/dongyang/2017/applications.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("收到政府信息公开申请,91,\n", ""), encoding="utf-8")
        frame = shares_frame(load_report(dongyang_copy, "dongyang", 2017))
        face = frame[frame["label"] == "当面申请"].to_dict(orient="records")[0]
        assert (face["base"], face["exact"], face["at_printed"], face["at_declared"]) == ("—", "—", "—", "—")
        assert face["published"] == "46.15"

    def test_an_unprinted_share_is_skipped_not_the_rest(self, dongyang_copy):
        from nianbao.checks.frames import shares_frame

        path = dongyang_copy / "data/dongyang/2017/proactive_categories.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("法规文件类信息,1202,7.2", "法规文件类信息,1202,"))
        frame = shares_frame(load_report(dongyang_copy, "dongyang", 2017))
        assert frame.groupby("share").size().to_dict()["categories"] == 8

    def test_a_printed_share_with_its_percent_sign(self, dongyang_copy):
        from nianbao.checks.frames import shares_frame

        path = dongyang_copy / "data/dongyang/2017/answers.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("同意公开,54,59.34", "同意公开,54,59.34 %"))
        frame = shares_frame(load_report(dongyang_copy, "dongyang", 2017))
        granted = frame[frame["label"] == "同意公开"].to_dict(orient="records")[0]
        assert (granted["published"], granted["printed_decimals"], granted["at_printed"]) == ("59.34", 2, "59.34")

    def test_an_unreadable_printed_share_is_kept_as_printed(self, dongyang_copy):
        from nianbao.checks.frames import shares_frame

        path = dongyang_copy / "data/dongyang/2017/answers.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("同意公开,54,59.34", "同意公开,54,约六成"))
        frame = shares_frame(load_report(dongyang_copy, "dongyang", 2017))
        assert frame[frame["label"] == "同意公开"]["published"].tolist() == ["约六成"]
