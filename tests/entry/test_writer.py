"""The workbook of a new report: sheets, merged cells, cell validation, check formulas, last year's cells."""

from __future__ import annotations

import openpyxl
import pytest

from helpers import copy_project
from nianbao.entry.newyear import NewReport, book_for, create, last_year, previous_values, workbook_path
from nianbao.entry.writer import META_KEYS, META_SHEET, META_TOP, build, check_cells, save
from nianbao.inputs.params import load_params
from nianbao.paths import ProjectLayout


@pytest.fixture
def made(tmp_path):
    """平潭 2022 made by ``create`` after 平潭 2021: (layout, the book it was written from, the workbook)."""
    layout = ProjectLayout.at(copy_project(tmp_path / "project", reports=[("pingtan", 2021)]))
    create(layout, NewReport("pingtan", 2022))
    params = load_params(layout, "pingtan", 2022)
    book = book_for(params, {"requests": "split"}, previous_values(last_year(layout, "pingtan", 2021)))
    return layout, book, openpyxl.load_workbook(workbook_path(layout, "pingtan", 2022))


class TestBuild:
    def test_sheets_and_what_the_workbook_is_for(self, made):
        _, _, workbook = made
        assert workbook.sheetnames == [META_SHEET, "表二", "表三", "表四"]
        meta = workbook[META_SHEET]
        values = {meta.cell(META_TOP + i, 1).value: meta.cell(META_TOP + i, 2).value for i in range(len(META_KEYS))}
        assert values == {"机关": "pingtan", "年度": 2022, "格式": "2021-standard", "行布局": "requests=split"}

    def test_labels_and_merged_cells_as_laid_out(self, made):
        _, book, workbook = made
        for layout in book.sheets:
            sheet = workbook[layout.name]
            assert {at: sheet[at].value for at in layout.labels} == layout.labels
            assert set(layout.merges) <= {str(r) for r in sheet.merged_cells.ranges}

    def test_every_value_cell_is_validated_by_its_kind(self, made):
        _, book, workbook = made
        for layout in book.sheets:
            rules = workbook[layout.name].data_validations.dataValidation
            for cell in layout.values:
                (rule,) = [r for r in rules if cell.at in r.sqref]
                assert rule.type == ("decimal" if cell.kind == "money" else "whole")
                assert rule.formula1 == "0" and rule.showErrorMessage
        fee = workbook["表二"]["B17"]
        assert fee.coordinate in [r for r in workbook["表二"].data_validations.dataValidation if r.type == "decimal"][0].sqref

    def test_check_cells_hold_the_identity_formulas(self, made):
        _, book, workbook = made
        lines = book.checks["表三"]
        cells = check_cells(next(s for s in book.sheets if s.name == "表三"), lines)
        sheet = workbook["表三"]
        assert [sheet[at].value for at in cells] == [line.result() for line in lines]
        assert sheet[cells[0]].value.startswith("=IF(AND(COUNT(D7,D8)>0,COUNT(D30,D31)>0)")

    def test_last_years_carried_forward_is_this_years_carried_over(self, made):
        _, _, workbook = made
        sheet = workbook["表三"]
        assert [sheet.cell(8, c).value for c in range(4, 11)] == [1, 0, 0, 0, 0, 0, 1]  # 平潭 2021 四、结转下年度
        assert "2021" in sheet["D8"].comment.text
        assert sheet["D7"].value is None


class TestSave:
    def test_writes_through_a_temporary_file(self, made, tmp_path):
        _, book, _ = made
        target = tmp_path / "out" / "book.xlsx"
        save(build(book), target)
        assert [p.name for p in target.parent.iterdir()] == ["book.xlsx"]
        assert openpyxl.load_workbook(target).sheetnames[0] == META_SHEET
