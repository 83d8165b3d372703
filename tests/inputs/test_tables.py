from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.errors import DataError
from nianbao.formats import load_format
from nianbao.inputs.tables import parse_cell, read_table, read_tables

FMT = load_format("old-free-text")
APPLICATIONS = FMT.table("applications")


def _write(tmp_path, text: str, encoding: str = "utf-8", name: str = "applications.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


class TestReadTable:
    def test_dongyang_applications(self, root):
        table = read_table(root / "data/dongyang/2017/applications.csv", APPLICATIONS, FMT)
        assert table.encoding == "UTF-8"
        assert [r.key for r in table.rows] == ["total", "in_person", "online", "letter"]
        assert table.find("online").label == "网络申请"  # the published wording is kept
        assert table.find("in_person").value() == Decimal(42)
        assert table.find("in_person").published_share == "46.15"
        assert table.find("total").published_share is None

    @pytest.mark.parametrize("encoding, name", [("utf-8-sig", "UTF-8 with BOM"), ("gb18030", "GB18030/GBK")])
    def test_excel_encodings_are_read_and_reported(self, tmp_path, encoding, name):
        path = _write(tmp_path, "指标,本年\n收到政府信息公开申请,91\n当面申请,42\n", encoding)
        table = read_table(path, APPLICATIONS, FMT)
        assert table.encoding == name
        assert table.find("in_person").value() == Decimal(42)
        assert any(name in note for note in table.notes)

    def test_unambiguous_number_forms_are_normalised_and_reported(self, tmp_path):
        path = _write(tmp_path, "")
        path.write_text('指标,本年\n收到政府信息公开申请," 1,234 "\n当面申请,１２\n', encoding="utf-8")
        table = read_table(path, APPLICATIONS, FMT)
        assert table.find("total").value() == Decimal(1234)
        assert table.find("in_person").value() == Decimal(12)
        notes = " ".join(table.notes)
        assert "千位分隔符" in notes and "全角" in notes and "第3行" in notes

    @pytest.mark.parametrize("value", ["十二", "12件", "N/A", "约12"])
    def test_non_numbers_are_refused_with_file_line_column_value(self, tmp_path, value):
        path = _write(tmp_path, f"指标,本年\n收到政府信息公开申请,91\n当面申请,{value}\n")
        with pytest.raises(DataError) as err:
            read_table(path, APPLICATIONS, FMT)
        text = str(err.value)
        assert "applications.csv" in text and "第3行" in text and "本年" in text and repr(value) in text
        assert err.value.line == 3 and err.value.value == value

    def test_negative_and_decimal_numbers_are_passed_on_for_the_expectations(self, tmp_path):
        path = _write(tmp_path, "指标,本年\n收到政府信息公开申请,-3\n当面申请,4.5\n")
        table = read_table(path, APPLICATIONS, FMT)
        assert table.find("total").value() == Decimal(-3)
        assert table.find("in_person").cells["year"].text == "4.5"

    def test_empty_cell_is_kept_distinct_from_zero(self, tmp_path):
        path = _write(tmp_path, "指标,本年\n收到政府信息公开申请,\n当面申请,0\n")
        table = read_table(path, APPLICATIONS, FMT)
        assert table.find("total").cells["year"].empty
        assert table.find("total").value() is None
        assert table.find("in_person").value() == Decimal(0)

    def test_unknown_column_suggests_the_nearest(self, tmp_path):
        path = _write(tmp_path, "指标,本 年度\n当面申请,1\n")
        with pytest.raises(DataError) as err:
            read_table(path, APPLICATIONS, FMT)
        assert "未知的列" in str(err.value) and "第1行" in str(err.value)

    def test_missing_value_column(self, tmp_path):
        path = _write(tmp_path, "指标,公布占比\n当面申请,1\n")
        with pytest.raises(DataError, match="缺少列"):
            read_table(path, APPLICATIONS, FMT)

    def test_empty_file(self, tmp_path):
        path = _write(tmp_path, "")
        with pytest.raises(DataError, match="文件为空"):
            read_table(path, APPLICATIONS, FMT)

    def test_extra_cells_in_a_row(self, tmp_path):
        path = _write(tmp_path, "指标,本年\n当面申请,1,2\n")
        with pytest.raises(DataError, match="第2行.*3 个单元格"):
            read_table(path, APPLICATIONS, FMT)

    def test_unknown_label_is_kept_for_the_expectations(self, tmp_path):
        path = _write(tmp_path, "指标,本年\n当面申请,1\n飞鸽传书,2\n")
        table = read_table(path, APPLICATIONS, FMT)
        assert table.rows[1].row is None and table.rows[1].key == "飞鸽传书"

    def test_text_rows_keep_their_text(self, root):
        table = read_table(root / "data/dongyang/2017/fees.csv", FMT.table("fees"), FMT)
        assert table.find("status").value() == "免收费"


class TestParseCell:
    def test_full_width_space_counts_as_empty(self, tmp_path):
        assert parse_cell("\u3000", "count", path=tmp_path, line=2, column="本年", max_number=1).empty


class TestReadTables:
    def test_missing_required_table(self, project):
        path = project / "data/dongyang/2017/applications.csv"
        path.unlink()
        with pytest.raises(DataError, match="缺少数据文件") as err:
            read_tables(project / "data/dongyang/2017", FMT)
        assert err.value.path == path
        assert err.value.expected == "表“收到政府信息公开申请”的 CSV（指标,本年,历年累计）"

    def test_optional_table_may_be_absent(self, project):
        (project / "data/dongyang/2017/responses.csv").unlink()
        assert "responses" not in read_tables(project / "data/dongyang/2017", FMT)

    def test_undeclared_file_is_refused_with_a_suggestion(self, project):
        (project / "data/dongyang/2017/application.csv").write_text("指标,本年\n", encoding="utf-8")
        with pytest.raises(DataError) as err:
            read_tables(project / "data/dongyang/2017", FMT)
        assert "application.csv" in str(err.value) and "'applications.csv'" in str(err.value)
        assert err.value.path == project / "data/dongyang/2017/application.csv"
        assert ": 数据文件不属于格式声明中的任何表；应为 answers.csv / appeals.csv / " in err.value.message
        assert err.value.expected.split(" / ")[:2] == ["answers.csv", "appeals.csv"]

    def test_an_undeclared_file_unlike_any_table_gets_no_suggestion(self, project):
        (project / "data/dongyang/2017/政府信息公开工作年度报告汇总数据.csv").write_text("指标,本年\n", encoding="utf-8")
        with pytest.raises(DataError) as err:
            read_tables(project / "data/dongyang/2017", FMT)
        assert err.value.hint is None


@pytest.fixture
def requests():
    from nianbao.formats import load_format

    return load_format("2021-standard").tables["requests"]


class TestIsVariant:
    """A published label is a variant (noted under the table) when it differs from the declared one beyond spacing."""

    def test_other_numbering_of_a_numbered_row_is_a_variant(self, requests):
        from nianbao.inputs.tables import is_variant

        assert is_variant("1、属于国家秘密", requests.row("refused_secret"))

    def test_an_alias_is_a_variant(self, requests):
        from nianbao.inputs.tables import is_variant

        assert is_variant("2.其他法律行政止公开", requests.row("refused_law"))

    def test_spacing_and_full_width_forms_are_not(self, requests):
        from nianbao.inputs.tables import is_variant

        assert not is_variant(" 1. 属于国家秘密 ", requests.row("refused_secret"))
        assert not is_variant("１.属于国家秘密", requests.row("refused_secret"))

    def test_numbering_added_to_an_unnumbered_row_is_not(self):
        from nianbao.formats import load_format
        from nianbao.inputs.tables import is_variant

        statistics = load_format("old-free-text").tables["statistics"]
        row = statistics.match("政府网站公开数")
        assert row is not None and not is_variant("其中：1、政府网站公开数", row)


class TestGroupRows:
    """A declared subtotal (不予公开, 无法提供, …) sums the reported cells of its rows per column, and stays empty
    (not 0) where none of them is reported."""

    def test_every_subtotal_of_every_corpus_report(self, root):
        from decimal import Decimal

        from helpers import CORPUS
        from nianbao.inputs.report import load_report

        checked = empty = 0
        for body, year in CORPUS:
            report = load_report(root, body, year, previous=False)
            for table_id, data in report.tables.items():
                for group_id, group in data.table.groups.items():
                    members = [r for r in data.rows if r.row is not None and r.row.id in group.rows]
                    subtotal = report.row(table_id, group_id)
                    if not members:
                        assert subtotal is None
                        continue
                    for column in data.columns:
                        values = [r.value(column) for r in members if r.value(column) is not None]
                        expected = sum(values, Decimal(0)) if values else None
                        assert subtotal.value(column) == expected, (body, year, group_id, column)
                        checked += 1
                        empty += expected is None
        assert checked >= 400 and empty > 0  # 上海 2019 leaves whole subtotals unreported

    def test_shanghai_2019_prints_no_zero_for_an_unreported_subtotal(self, root):
        from nianbao.inputs.report import load_report

        report = load_report(root, "shanghai-office", 2019, previous=False)
        assert report.value("requests", "refused", "research") is None
        assert report.num("requests", "refused", "research") == "—"


class TestCellKind:
    def test_a_text_row_is_text_whatever_its_column(self):
        from nianbao.formats import Column
        from nianbao.inputs.tables import cell_kind

        assert cell_kind("text", Column(id="amount", label="金额", kind="money")) == "text"
        assert cell_kind("count", Column(id="amount", label="金额", kind="money")) == "money"
        assert cell_kind("count", Column(id="year", label="本年")) == "count"


class TestGroupRowCells:
    def test_a_subtotal_row_as_the_tables_use_it(self, root):
        from nianbao.inputs.report import load_report

        report = load_report(root, "pingtan", 2021, previous=False)
        refused = report.row("requests", "refused")
        assert (refused.table, refused.label, refused.line, refused.row) == ("requests", "不予公开", 6, None)
        total = refused.cells["total"]
        assert (total.raw, total.text, total.value) == ("", "8", Decimal(8))
        assert report.num("requests", "refused", "total") == "8"


APPLICATIONS = FMT.tables["applications"]


class TestReadTableMessages:
    """Each malformed file gets one message naming the file, the line, the column and the value, and saying what
    was expected (the catalogue of test_bad_input, in-process and word for word)."""

    @pytest.mark.parametrize(
        "text, message",
        [
            ("", "applications.csv: 文件为空；应为 表头 指标,本年,历年累计 和数据行"),
            ("\n \n", "applications.csv: 文件为空；应为 表头 指标,本年,历年累计 和数据行"),
            (
                "指标,本年度\n当面申请,1\n",
                "applications.csv, 第1行: 未知的列：'本年度'；应为 指标 / 本年 / 历年累计 / 公布占比\n  提示: 是否想写 '本年'？",
            ),
            (
                "指标,完全无关的列名称\n当面申请,1\n",
                "applications.csv, 第1行: 未知的列：'完全无关的列名称'；应为 指标 / 本年 / 历年累计 / 公布占比",
            ),
            ("指标,本年,本年\n当面申请,1,2\n", "applications.csv, 第1行: 表头有重复的列：'指标,本年,本年'"),
            ("本年\n1\n", "applications.csv, 第1行: 缺少列：'指标'；应为 指标,本年,历年累计,公布占比"),
            (
                "指标,本年\n当面申请,1,2\n",
                "applications.csv, 第2行: 该行有 3 个单元格，表头只有 2 列：'当面申请,1,2'；应为 指标,本年",
            ),
            ("指标,本年\n,1\n", "applications.csv, 第2行: 指标名称为空：',1'"),
            (
                "指标,本年\n当面申请,十二\n",
                "applications.csv, 第2行, 列 本年: 不是数字：'十二'；应为 阿拉伯数字，例如 12（不带单位、不用汉字数字）\n"
                "  提示: 未报告的数据请留空，不要填 N/A 或 —",
            ),
        ],
        ids=[
            "empty",
            "blank-lines",
            "unknown-column",
            "unknown-column-far",
            "duplicate-column",
            "missing-column",
            "extra-cells",
            "empty-label",
            "not-a-number",
        ],
    )
    def test_message(self, tmp_path, text, message):
        path = tmp_path / "applications.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as err:
            read_table(path, APPLICATIONS, FMT)
        assert str(err.value) == f"{tmp_path}/{message}"
        assert err.value.path == path

    def test_trailing_empty_cells_are_not_extra(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_text("指标,本年\n当面申请,1,,\n", encoding="utf-8")
        assert read_table(path, APPLICATIONS, FMT).rows[0].value() == Decimal(1)


class TestEncodingsAndDelimiters:
    @pytest.mark.parametrize("encoding, bom, name", [("utf-16-le", b"\xff\xfe", "UTF-16"), ("utf-16-be", b"\xfe\xff", "UTF-16")])
    def test_unicode_text_from_excel(self, tmp_path, encoding, bom, name):
        path = tmp_path / "applications.csv"
        path.write_bytes(bom + "指标\t本年\n当面申请\t7\n".encode(encoding))
        table = read_table(path, APPLICATIONS, FMT)
        assert table.encoding == name and table.rows[0].value() == Decimal(7)
        assert table.notes == ["applications.csv 以 UTF-16 编码读取", "applications.csv 以制表符分隔读取"]

    def test_utf8_with_and_without_bom(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_bytes("指标,本年\n当面申请,7\n".encode())
        assert read_table(path, APPLICATIONS, FMT).encoding == "UTF-8"
        path.write_bytes("指标,本年\n当面申请,7\n".encode("utf-8-sig"))
        table = read_table(path, APPLICATIONS, FMT)
        assert table.encoding == "UTF-8 with BOM" and table.notes == ["applications.csv 以 UTF-8 with BOM 编码读取"]

    def test_gbk(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_bytes("指标,本年\n当面申请,7\n".encode("gbk"))
        assert read_table(path, APPLICATIONS, FMT).encoding == "GB18030/GBK"

    def test_neither_utf8_nor_gbk(self, tmp_path):
        from nianbao.inputs.tables import decode

        path = tmp_path / "applications.csv"
        path.write_bytes(b"\x81\x20\xff\xff")
        with pytest.raises(DataError) as err:
            decode(path)
        assert str(err.value) == (
            f"{path}, 第1行: 文件既不是 UTF-8 也不是 GBK/GB18030 编码\n  提示: 在 Excel/WPS 中另存为“CSV UTF-8”"
        )

    @pytest.mark.parametrize(
        "text, delimiter",
        [
            ("指标,本年\n当面申请;7\n", ","),
            ("\ufeff指标;本年\n当面申请;7\n", ";"),
            ("指标\t本年\n当面,申请\t7\n", "\t"),
            ("指标;本年\n当面申请;7\n其他,申请;1\n", ";"),
            ("指标\n当面申请\n", ","),
        ],
    )
    def test_the_header_decides_the_delimiter(self, text, delimiter):
        from nianbao.inputs.tables import _delimiter

        assert _delimiter(text) == delimiter


class TestLineEndings:
    @pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
    def test_every_line_ending_gives_the_same_rows_and_lines(self, tmp_path, end):
        path = tmp_path / "applications.csv"
        path.write_bytes(end.join(["指标,本年", "当面申请,7", "", "网络申请,3", ""]).encode())
        table = read_table(path, APPLICATIONS, FMT)
        assert [(r.line, r.label, r.value()) for r in table.rows] == [(2, "当面申请", Decimal(7)), (4, "网络申请", Decimal(3))]

    def test_a_file_that_starts_with_a_lone_carriage_return(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_bytes("\r指标,本年\r当面申请,7\r".encode())
        assert [(r.line, r.label) for r in read_table(path, APPLICATIONS, FMT).rows] == [(3, "当面申请")]

    def test_text_that_is_not_csv_is_a_data_error_naming_the_line(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_text("指标,本年\n当面申请,7\n网络申请," + "9" * 200_000 + "\n", encoding="utf-8")
        with pytest.raises(DataError) as error:
            read_table(path, APPLICATIONS, FMT)
        assert error.value.path == path and error.value.line == 3
        assert "无法按 CSV 读取" in str(error.value) and "field larger than field limit" in str(error.value)


LIMITS = FMT.limits.data
HEAD = "指标,本年\n收到政府信息公开申请,91\n"


def _refused(tmp_path, text: str | bytes) -> DataError:
    path = tmp_path / "applications.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(DataError) as err:
        read_table(path, APPLICATIONS, FMT)
    assert err.value.path == path
    return err.value


class TestLimits:
    """A data file beyond a declared limit (declarations/limits.yaml) is refused with the file, the line and the
    limit, before the expensive work, and its message echoes no more than about 80 characters of the input."""

    def test_a_file_over_the_size_limit_is_refused_before_it_is_read_whole(self, tmp_path, monkeypatch):
        text = HEAD + "当面申请,1\n" * (LIMITS.file_bytes // 10)
        monkeypatch.setattr("pathlib.Path.read_bytes", lambda self: pytest.fail("read whole"))
        error = _refused(tmp_path, text)
        assert error.line == text.encode()[: LIMITS.file_bytes].count(b"\n") + 1
        assert "数据文件超过 1048576 字节（1024 KiB）的上限，从该行起超出" in str(error)

    def test_rows_beyond_the_limit_are_refused_at_the_first_one(self, tmp_path):
        error = _refused(tmp_path, HEAD + "当面申请,1\n" * LIMITS.rows)
        assert error.line == LIMITS.rows + 2
        assert str(error).endswith(
            f"第{LIMITS.rows + 2}行: 数据行超过 {LIMITS.rows} 行的上限；应为 至多 {LIMITS.rows} 行数据"
            "（上限见 src/nianbao/formats/declarations/limits.yaml）"
        )

    def test_rows_up_to_the_limit_are_read(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_text("指标,本年\n" + "当面申请,1\n" * LIMITS.rows, encoding="utf-8")
        assert len(read_table(path, APPLICATIONS, FMT).rows) == LIMITS.rows

    def test_a_line_with_more_cells_than_the_limit(self, tmp_path):
        error = _refused(tmp_path, HEAD + "当面申请,1" + "," * 100_000 + "\n")
        assert error.line == 3 and "该行有 100002 个单元格，超过 30 个的上限" in str(error)
        assert len(str(error)) < 300

    def test_a_label_longer_than_the_limit(self, tmp_path):
        error = _refused(tmp_path, HEAD + "申" * 100_000 + ",1\n")
        assert error.line == 3 and error.column == "指标"
        assert "指标名称有 100000 个字符，超过 200 个字符的上限" in str(error) and len(str(error)) < 300

    def test_a_label_of_the_limit_is_read(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_text(HEAD + "申" * LIMITS.label_chars + ",1\n", encoding="utf-8")
        assert read_table(path, APPLICATIONS, FMT).rows[1].label == "申" * LIMITS.label_chars

    def test_a_cell_longer_than_the_limit(self, tmp_path):
        error = _refused(tmp_path, HEAD + "当面申请," + "1" * 1000 + "\n")
        assert error.line == 3 and error.column == "本年"
        assert "单元格有 1000 个字符，超过 500 个字符的上限" in str(error) and len(str(error)) < 300

    @pytest.mark.parametrize("value", ["1" + "0" * 30, "1000000000001", "-1000000000001", "1,000,000,000,001"])
    def test_a_number_above_the_declared_maximum_is_refused_before_any_arithmetic(self, tmp_path, value):
        error = _refused(tmp_path, HEAD + f'当面申请,"{value}"\n')
        assert error.line == 3 and error.column == "本年" and error.value == value
        assert "超过上限 1000000000000（没有机关报告这么多）" in str(error)

    def test_the_maximum_itself_is_read(self, tmp_path):
        path = tmp_path / "applications.csv"
        path.write_text(HEAD + f"当面申请,{LIMITS.max_number}\n", encoding="utf-8")
        assert read_table(path, APPLICATIONS, FMT).rows[1].value() == Decimal(LIMITS.max_number)


class TestNumberForms:
    """Only the forms the README promises are normalised: full-width digits and signs, thousands separators,
    surrounding spaces, leading zeros and a '+' on a count or an amount. Every other form of a digit is refused
    with the character and its Unicode name, never silently read as another number."""

    @pytest.mark.parametrize(
        "value, named",
        [
            ("4²", "“²”（U+00B2 SUPERSCRIPT TWO）"),
            ("4⁷", "“⁷”（U+2077 SUPERSCRIPT SEVEN）"),
            ("⑦", "“⑦”（U+2466 CIRCLED DIGIT SEVEN）"),
            ("Ⅻ", "“Ⅻ”（U+216B ROMAN NUMERAL TWELVE）"),
            ("½", "“½”（U+00BD VULGAR FRACTION ONE HALF）"),
            ("١٢", "“١”（U+0661 ARABIC-INDIC DIGIT ONE）"),
            ("1₂", "“₂”（U+2082 SUBSCRIPT TWO）"),
            ("〇", "“〇”（U+3007 IDEOGRAPHIC NUMBER ZERO）"),
            ("1\u00a0234", "“\u00a0”（U+00A0 NO-BREAK SPACE）"),
        ],
    )
    def test_other_forms_of_digits_are_refused_with_the_character_named(self, tmp_path, value, named):
        error = _refused(tmp_path, HEAD + f"当面申请,{value}\n")
        assert error.line == 3 and error.column == "本年" and error.value == value
        assert f"不接受的数字形式 {named}" in str(error)
        assert "应为 阿拉伯数字 0–9" in str(error)

    def test_the_message_word_for_word(self, tmp_path):
        error = _refused(tmp_path, HEAD + "当面申请,4²\n")
        assert str(error) == (
            f"{tmp_path}/applications.csv, 第3行, 列 本年: 含有不接受的数字形式 “²”（U+00B2 SUPERSCRIPT TWO）：'4²'"
            "；应为 阿拉伯数字 0–9（全角数字、千位分隔符、首尾空格、前导零和正号会自动转换）\n"
            "  提示: 上标、下标、带圈数字、罗马数字、分数和其他文字的数字不转换，以免读错（4² 不是 42）；请按原意改写"
        )

    @pytest.mark.parametrize(
        "value, kind, text, note",
        [
            ("１２", "count", "12", "全角字符已转换: '１２' → '12'"),
            ("１，２３４", "count", "1234", "已去除千位分隔符: '1,234'"),
            ("007", "count", "7", "已去除前导零: '007' → '7'"),
            ("+5", "count", "5", "已去除正号: '+5' → '5'"),
            ("+007", "count", "7", "已去除正号: '+007' → '7'"),
            ("00", "count", "0", "已去除前导零: '00' → '0'"),
            ("0012.50", "money", "12.50", "已去除前导零: '0012.50' → '12.50'"),
            ("+5", "signed", "+5", None),
            ("-007", "signed", "-7", "已去除前导零: '-007' → '-7'"),
            ("-007", "count", "-7", "已去除前导零: '-007' → '-7'"),
        ],
    )
    def test_accepted_forms_are_normalised_and_reported(self, tmp_path, value, kind, text, note):
        cell = parse_cell(value, kind, path=tmp_path, line=2, column="本年", max_number=LIMITS.max_number)
        assert cell.text == text and cell.value == Decimal(text)
        assert (note in cell.notes) if note else cell.notes == ()

    def test_a_negative_count_is_left_to_the_check_that_refuses_it(self, tmp_path):
        """'-' is not dropped: the count is passed on as negative and the critical check names it."""
        cell = parse_cell("-7", "count", path=tmp_path, line=2, column="本年", max_number=LIMITS.max_number)
        assert cell.text == "-7" and cell.value == Decimal(-7)


class TestMixedEncodings:
    def test_a_gbk_line_in_a_utf8_file_is_named(self, tmp_path):
        raw = HEAD.encode() + "当面申请,42\n".encode("gbk") + "网络申请,21\n".encode()
        error = _refused(tmp_path, raw)
        assert error.line == 3
        assert str(error) == (
            f"{tmp_path}/applications.csv, 第3行: 该行不是 UTF-8 编码，而此前的行是 UTF-8（同一文件混用了两种编码）\n"
            "  提示: 在 Excel/WPS 中另存为“CSV UTF-8”，或在文本编辑器中以 UTF-8 重新输入该行"
        )

    def test_a_utf8_line_in_a_gbk_file_is_named(self, tmp_path):
        """GB18030 would decode it into other characters without an error; it is refused instead."""
        raw = HEAD.encode("gbk") + "当面申请,42\n".encode() + "网络申请,21\n".encode("gbk")
        error = _refused(tmp_path, raw)
        assert error.line == 3
        assert "该行是 UTF-8 编码，而此前的行是 GBK/GB18030（同一文件混用了两种编码）" in str(error)

    def test_undecodable_bytes_name_their_line(self, tmp_path):
        error = _refused(tmp_path, b"a,b\n\x81\x20\xff\xff\n")
        assert error.line == 2 and "文件既不是 UTF-8 也不是 GBK/GB18030 编码" in str(error)

    def test_every_corpus_table_saved_as_gbk_is_read_as_gbk(self, root, tmp_path):
        """No GBK file of the corpus is mistaken for a mixed one."""
        for fmt_era, folder in (
            ("old-free-text", "dongyang/2017"),
            ("2021-standard", "pingtan/2024"),
            ("2019", "shanghai-office/2019"),
        ):
            fmt = load_format(fmt_era)
            for table in fmt.tables.values():
                source = root / "data" / folder / table.file
                if not source.exists():
                    continue
                path = tmp_path / table.file
                path.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
                assert read_table(path, table, fmt).encoding == "GB18030/GBK", path


class TestEarlierWordingInA2021Report:
    """A 2019 row label in a 2021 table (FORMATS.md §3, “Differences, 2019 试行 → 2021”) is an alias of the 2021 row:
    read, and reported as the published wording, not refused as an unknown label."""

    def test_2019_normative_documents_in_a_2021_table(self, tmp_path):
        fmt = load_format("2021-standard")
        text = "指标,本年制发件数,本年废止件数,现行有效件数\n规章,0,0,0\n规范性文件,69,3,665\n"
        table = read_table(_write(tmp_path, text, name="regulations.csv"), fmt.table("regulations"), fmt)
        row = table.find("normative")
        assert row is not None and row.label == "规范性文件" and row.alias_used
        assert row.value("in_force") == Decimal(665)
        assert any("“规范性文件”按已知别名对应到“行政规范性文件”" in note for note in table.notes)
