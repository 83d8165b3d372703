"""A report's workbook read back into its data files, and the workbooks it refuses."""

from __future__ import annotations

import openpyxl
import pytest

from helpers import ROOT, copy_project, fill_workbook, read_csv, tree_digest
from nianbao.entry.newyear import NewReport, create, workbook_path
from nianbao.entry.reader import entered, import_workbook, read_workbook
from nianbao.errors import DataError, ReportExists, ReportNotFound, WorkbookError
from nianbao.formats import load_format
from nianbao.inputs.tables import parse_cell
from nianbao.paths import ProjectLayout

FMT = load_format("2021-standard")


@pytest.fixture
def filled(tmp_path):
    """平潭 2022 made by ``nianbao new``, its workbook filled in with 平潭 2021's numbers: (layout, workbook path)."""
    layout = ProjectLayout.at(copy_project(tmp_path / "project", reports=[("pingtan", 2021)]))
    create(layout, NewReport("pingtan", 2022))
    book = workbook_path(layout, "pingtan", 2022)
    fill_workbook(book, ROOT / "data/pingtan/2021", FMT)
    return layout, book


def edited(book, edit) -> None:
    workbook = openpyxl.load_workbook(book)
    edit(workbook)
    workbook.save(book)


def refused(book, **kwargs) -> WorkbookError:
    with pytest.raises(WorkbookError) as info:
        read_workbook(book, FMT, body=kwargs.get("body", "pingtan"), year=kwargs.get("year", 2022))
    return info.value


class TestReadWorkbook:
    def test_every_cell_as_typed(self, filled):
        _, book = filled
        records = read_workbook(book, FMT, body="pingtan", year=2022)
        for table in FMT.tables.values():
            assert records[table.id] == read_csv(ROOT / "data/pingtan/2021" / table.file), table.id

    def test_a_row_moved(self, filled):
        _, book = filled

        def swap(workbook):
            sheet = workbook["表三"]
            for column in ("A", *"DEFGHIJ"):
                sheet[f"{column}7"].value, sheet[f"{column}8"].value = sheet[f"{column}8"].value, sheet[f"{column}7"].value

        edited(book, swap)
        error = refused(book)
        assert (error.sheet, error.cell) == ("表三", "A7")
        assert "一、本年新收政府信息公开申请数量" in str(error) and "A8" in str(error)

    def test_a_sheet_renamed(self, filled):
        _, book = filled
        edited(book, lambda wb: setattr(wb["表三"], "title", "申请情况"))
        error = refused(book)
        assert "缺少工作表“表三”" in str(error) and "“申请情况”" in str(error)

    def test_a_merged_cell_broken(self, filled):
        _, book = filled
        edited(book, lambda wb: wb["表三"].unmerge_cells("A9:A30"))
        error = refused(book)
        assert (error.sheet, error.cell) == ("表三", "A9") and "合并单元格" in str(error) and "A9:A30" in str(error)

    def test_a_merged_cell_over_values(self, filled):
        _, book = filled
        edited(book, lambda wb: wb["表四"].merge_cells("A7:B7"))
        error = refused(book)
        assert (error.sheet, error.cell) == ("表四", "A7") and "多出了合并单元格" in str(error)

    def test_a_formula_in_a_value_cell(self, filled):
        _, book = filled
        edited(book, lambda wb: wb["表三"].__setitem__("D7", "=60+4"))
        error = refused(book)
        assert (error.sheet, error.cell) == ("表三", "D7") and "公式" in str(error) and "=60+4" in str(error)

    def test_a_value_is_refused_with_the_loaders_words(self, filled, tmp_path):
        _, book = filled
        edited(book, lambda wb: wb["表三"].__setitem__("E9", "十二"))
        error = refused(book)
        with pytest.raises(DataError) as loader:
            parse_cell("十二", "count", path=tmp_path / "x.csv", line=9, column="商业企业", max_number=10**12)
        assert (error.sheet, error.cell, error.value) == ("表三", "E9", "十二")
        assert error.reason == loader.value.reason and error.expected == loader.value.expected
        assert str(error).startswith(f"{book}, 工作表“表三”, 单元格 E9: 不是数字：'十二'；应为")

    def test_a_changed_label_of_the_header(self, filled):
        _, book = filled
        edited(book, lambda wb: wb["表三"].__setitem__("D5", "个人"))
        error = refused(book)
        assert (error.cell, error.value) == ("D5", "个人") and "“自然人”" in str(error)

    def test_the_workbook_of_another_report(self, filled):
        _, book = filled
        error = refused(book, year=2023)
        assert (error.sheet, error.cell) == ("说明", "B5") and "2023" in str(error)

    def test_not_a_workbook(self, tmp_path):
        path = tmp_path / "book.xlsx"
        path.write_text("指标,本年\n", encoding="utf-8")
        assert "无法作为 .xlsx 工作簿读取" in str(refused(path))


class TestImportWorkbook:
    def test_replaces_the_blank_data_files_and_keeps_the_workbook(self, filled, tmp_path):
        layout, book = filled
        outside = tmp_path / "filled.xlsx"
        outside.write_bytes(book.read_bytes())
        written = import_workbook(outside, layout, body="pingtan", year=2022)
        data = layout.data_dir("pingtan", 2022)
        assert data / "requests.csv" in written and workbook_path(layout, "pingtan", 2022) in written
        assert read_csv(data / "requests.csv") == read_csv(ROOT / "data/pingtan/2021/requests.csv")
        assert workbook_path(layout, "pingtan", 2022).read_bytes() == outside.read_bytes()
        assert not [p for p in data.iterdir() if p.name.startswith(".")]

    def test_data_already_entered_only_with_replace(self, filled):
        layout, book = filled
        import_workbook(book, layout, body="pingtan", year=2022)
        before = tree_digest(layout.root)
        with pytest.raises(ReportExists, match="--replace"):
            import_workbook(book, layout, body="pingtan", year=2022)
        assert tree_digest(layout.root) == before
        edited(book, lambda wb: wb["表四"].__setitem__("A7", 2))
        import_workbook(book, layout, body="pingtan", year=2022, replace=True)
        assert read_csv(layout.data_dir("pingtan", 2022) / "reviews_litigation.csv")[1][1] == "2"

    def test_a_bad_workbook_writes_nothing(self, filled):
        layout, book = filled
        edited(book, lambda wb: wb["表三"].__setitem__("D7", "=1"))
        before = tree_digest(layout.root)
        with pytest.raises(WorkbookError):
            import_workbook(book, layout, body="pingtan", year=2022)
        assert tree_digest(layout.root) == before

    def test_a_report_without_params(self, filled):
        layout, book = filled
        with pytest.raises(ReportNotFound, match="nianbao new"):
            import_workbook(book, layout, body="pingtan", year=2030)


class TestEntered:
    def test_labels_alone_are_not_data(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_text("指标,本年\n行政许可,\n", encoding="utf-8")
        assert not entered(path)
        path.write_text("指标,本年\n行政许可,0\n", encoding="utf-8")
        assert entered(path)
        assert not entered(tmp_path / "missing.csv")


class TestFreeRows:
    """The old format's categories, whose labels the body writes into the workbook."""

    @pytest.fixture
    def old(self, tmp_path):
        layout = ProjectLayout.at(copy_project(tmp_path / "project", reports=[("dongyang", 2017)]))
        create(layout, NewReport("dongyang", 2018))
        return layout, workbook_path(layout, "dongyang", 2018)

    def test_labelled_rows_are_read_in_order(self, old):
        layout, book = old
        sheet_name = load_format("old-free-text").tables["proactive_categories"].title

        def categories(workbook):
            sheet = workbook[sheet_name]
            sheet["A5"], sheet["B5"] = "财政预决算", 12
            sheet["A7"], sheet["B7"] = "人事信息", 3

        edited(book, categories)
        import_workbook(book, layout, body="dongyang", year=2018)
        rows = read_csv(layout.data_dir("dongyang", 2018) / "proactive_categories.csv")
        assert rows == [["指标", "本年", "历年累计"], ["财政预决算", "12", ""], ["人事信息", "3", ""]]

    def test_a_number_without_its_label(self, old):
        _, book = old
        sheet_name = load_format("old-free-text").tables["proactive_categories"].title
        edited(book, lambda wb: wb[sheet_name].__setitem__("B6", 4))
        with pytest.raises(WorkbookError, match="指标名称为空") as info:
            read_workbook(book, load_format("old-free-text"), body="dongyang", year=2018)
        assert info.value.cell == "A6"


class TestOpen:
    def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unread(self, tmp_path):
        import zipfile

        from nianbao.entry.reader import MAX_UNPACKED

        path = tmp_path / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED + 1))
        assert path.stat().st_size < 100_000
        with pytest.raises(WorkbookError, match="解压后超过"):
            read_workbook(path, FMT, body="pingtan", year=2022)

    def test_a_cell_beyond_the_data_limits(self, filled):
        _, book = filled
        edited(book, lambda wb: wb["表四"].__setitem__("B7", "1" * (FMT.limits.data.cell_chars + 1)))
        error = refused(book)
        assert error.cell == "B7" and "上限" in str(error)
