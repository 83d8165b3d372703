"""The declarations of the three eras and the cross-era indicator mapping (formats/*.yaml)."""

from __future__ import annotations

import pytest

from helpers import CORPUS, read_csv
from nianbao.formats import ERAS, indicator_refs, input_limits, load_format, load_indicators, normalize_label

STANDARD = ("2019", "2021-standard")


class TestStandardTables:
    @pytest.mark.parametrize("era", STANDARD)
    def test_table_three_has_seven_columns_in_the_official_order(self, era):
        requests = load_format(era).tables["requests"]
        labels = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
        assert [c.label for c in requests.columns] == labels
        assert [c.group for c in requests.columns][1:6] == [("申请人情况", "法人或其他组织")] * 5

    @pytest.mark.parametrize("era", STANDARD)
    def test_table_three_has_23_rows_with_the_single_other_row_and_25_with_the_three(self, era):
        requests = load_format(era).tables["requests"]
        variants = requests.variants()
        common = [r for r in requests.rows if r.variant is None]
        assert len(common) + len(variants["single"]) == 23
        assert len(common) + len(variants["split"]) == 25

    @pytest.mark.parametrize("era", STANDARD)
    def test_table_four_is_three_blocks_of_five_columns(self, era):
        table = load_format(era).tables["reviews_litigation"]
        assert len(table.rows) * len(table.columns) == 15
        assert [c.label for c in table.columns] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

    def test_table_two_columns_differ_between_2019_and_2021(self):
        old, new = load_format("2019").tables, load_format("2021-standard").tables
        assert [c.label for c in old["regulations"].columns] == ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
        assert [c.label for c in new["regulations"].columns] == ["本年制发件数", "本年废止件数", "现行有效件数"]
        assert "procurement" in old and "procurement" not in new
        assert [r.label for r in old["licensing"].rows] == ["行政许可", "其他对外管理服务事项"]
        assert new["charges"].columns[0].kind == "money" and new["charges"].unit == "万元"

    def test_table_two_has_22_cells_in_2019_and_10_in_2021(self):
        def cells(era):
            return sum(len(t.rows) * len(t.columns) for t in load_format(era).tables.values() if t.official == "表二")

        assert cells("2019") == 22
        assert cells("2021-standard") == 10

    def test_published_typo_maps_to_the_official_row(self):
        requests = load_format("2021-standard").tables["requests"]
        assert requests.match("2.其他法律行政止公开").id == "refused_law"
        assert requests.match("1、属于国家秘密").id == "refused_secret"

    @pytest.mark.parametrize("era", STANDARD)
    def test_the_official_identity_is_declared_critical_per_column(self, era):
        identities = {i.id: i for i in load_format(era).identities}
        i1 = identities["I1_carry_balance"]
        assert i1.severity == "critical" and i1.along == "column"
        for name in ("I2_outcomes_total", "I3_applicants_total", "I5_review_litigation_totals"):
            assert identities[name].severity == "critical"
        assert identities["S1_carried_over_matches_last_year"].severity == "warning"


class TestOldStatisticsTable:
    def test_every_statistics_row_maps_to_a_declared_indicator_or_none(self):
        fmt = load_format("old-free-text")
        for row in fmt.tables["statistics"].rows:
            if row.same_as:
                table, row_id = row.same_as.split(".")
                assert row_id in {r.id for r in fmt.tables[table].rows}

    @pytest.mark.parametrize(
        "label, row",
        [
            ("其中：1、网站公开", "website"),
            ("其中：1.政府网站公开数", "website"),
            ("3、否决公开答复数", "refused"),
            ("主动公开信息数", "proactive_total"),
            ("受理政府信息依申请公开总数", "applications_total"),
        ],
    )
    def test_published_wordings_of_2011_to_2018_match(self, label, row):
        assert load_format("old-free-text").tables["statistics"].match(label).id == row


class TestIndicators:
    def test_every_indicator_cell_exists_in_its_era(self):
        indicators = load_indicators()  # raises DeclarationError otherwise
        assert {e for i in indicators.indicators for e in i.cells} <= set(ERAS)

    def test_granted_is_mapped_across_all_three_eras(self):
        granted = load_indicators().get("granted")
        assert set(granted.cells) == set(ERAS)
        refs = [str(r) for r in indicator_refs(granted.cells["old-free-text"][0])]
        assert refs == ["answers.granted", "statistics.granted"]

    def test_unmapped_indicators_leave_gaps_with_a_note(self):
        unavailable = load_indicators().get("unavailable")
        assert "old-free-text" not in unavailable.cells and "old-free-text" in unavailable.notes
        assert "2019" not in load_indicators().get("proactive_total").cells


class TestHeadings:
    def test_a_heading_given_with_its_number_is_kept(self):
        chapter = load_format("old-free-text").chapter("problems")
        assert chapter.title("五、主要问题和改进措施") == "五、主要问题和改进措施"
        assert chapter.title("主要问题") == "六、主要问题"
        assert normalize_label("（一）予以公开") == "予以公开"


class TestLimits:
    """The limits of the input files are declared once (limits.yaml) and every format carries them."""

    @pytest.mark.parametrize("era", ERAS)
    def test_every_format_carries_the_declared_limits(self, era):
        assert load_format(era).limits == input_limits()

    def test_the_limits_are_far_above_the_corpus(self, root):
        """The largest file, table, label and cell of the corpus stay well within the limits."""
        data = input_limits().data
        files = [path for body, year in CORPUS for path in sorted((root / "data" / body / str(year)).glob("*.csv"))]
        assert len(files) > 19
        for path in files:
            rows = read_csv(path)
            assert path.stat().st_size * 100 < data.file_bytes, path
            assert len(rows) * 10 < data.rows, path
            assert max(map(len, rows)) * 3 < data.columns, path
            assert max(len(r[0]) for r in rows) * 5 < data.label_chars, path
            assert max(len(c) for r in rows for c in r[1:]) * 5 < data.cell_chars, path
        params = [root / "params" / body / f"{year}.yaml" for body, year in CORPUS]
        assert input_limits().params.file_bytes > 20 * max(p.stat().st_size for p in params)
