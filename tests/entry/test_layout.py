"""The sheets of a format's workbook, cell by cell, from the declarations."""

from __future__ import annotations

import pytest

from nianbao.entry.layout import (
    FREE_ROWS,
    TABLE_TOP,
    Span,
    all_variants,
    cells_by_key,
    chosen_variants,
    sheet_groups,
    spans,
    template_rows,
    workbook_layout,
)
from nianbao.formats import load_format


@pytest.fixture
def fmt2021():
    return load_format("2021-standard")


class TestSpans:
    def test_equal_prefixes_merge_and_short_paths_stretch(self):
        paths = [("a", "x"), ("a", "b", "y"), ("a", "b", "z"), ("c",)]
        found = {(s.index, s.level): s for s in spans(paths)}
        assert found[(0, 0)] == Span(0, 0, 3, 1, "a")  # a over the first three
        assert found[(0, 1)] == Span(0, 1, 1, 2, "x")  # a leaf at level 1 stretched to the last level
        assert found[(1, 1)] == Span(1, 1, 2, 1, "b")
        assert found[(3, 0)] == Span(3, 0, 1, 3, "c")

    def test_leaves_with_the_same_text_stay_apart(self):
        assert [s.length for s in spans([("总计",), ("总计",)])] == [1, 1]


class TestTemplateRows:
    def test_a_table_with_variants_takes_one(self, fmt2021):
        table = fmt2021.tables["requests"]
        assert len(template_rows(table)) == 25  # the declared default of the 2021 format: （六） in three rows
        single = template_rows(table, "single")
        assert len(single) == 23 and "other_processing" in [r.id for r in single]

    def test_the_2019_format_declares_the_single_row(self):
        assert len(template_rows(load_format("2019").tables["requests"])) == 23

    def test_choices(self, fmt2021):
        assert chosen_variants(fmt2021, None) == {"requests": "split"}
        assert chosen_variants(fmt2021, "single") == {"requests": "single"}
        assert set(all_variants(fmt2021)) == {"single", "split"}


class TestSheetGroups:
    def test_official_tables_in_published_order(self, fmt2021):
        groups = sheet_groups(fmt2021)
        assert [name for name, _ in groups] == ["表二", "表三", "表四"]
        assert [t.id for t in groups[0][1]] == ["regulations", "licensing", "enforcement", "charges"]

    def test_a_format_without_official_tables_has_a_sheet_per_table(self):
        fmt = load_format("old-free-text")
        assert [name for name, _ in sheet_groups(fmt)] == [t.title for t in fmt.tables.values()]


class TestWorkbookLayout:
    def test_table_three_is_laid_out_as_printed(self, fmt2021):
        sheet = {s.name: s for s in workbook_layout(fmt2021)}["表三"]
        caption = fmt2021.tables["requests"].caption
        assert sheet.labels[f"A{TABLE_TOP}"] == caption
        assert f"A{TABLE_TOP}:C{TABLE_TOP + 2}" in sheet.merges  # the corner: three header rows, three label columns
        assert sheet.labels["D4"] == "申请人情况" and "D4:J4" in sheet.merges
        assert sheet.labels["E5"] == "法人或其他组织" and "E5:I5" in sheet.merges
        assert sheet.labels["D5"] == "自然人" and "D5:D6" in sheet.merges
        assert sheet.labels["A9"] == "三、本年度办理结果" and "A9:A30" in sheet.merges  # spans 22 rows
        assert sheet.labels["A7"] == "一、本年新收政府信息公开申请数量" and "A7:C7" in sheet.merges
        assert len(sheet.values) == 25 * 7
        first = sheet.cell_of("requests", "new", "natural")
        assert first is not None and first.at == "D7" and first.kind == "count"

    def test_table_four_is_one_data_row_of_fifteen(self, fmt2021):
        sheet = {s.name: s for s in workbook_layout(fmt2021)}["表四"]
        assert sheet.labels["A4"] == "行政复议" and "A4:E4" in sheet.merges
        assert sheet.labels["F4"] == "行政诉讼" and "F4:O4" in sheet.merges
        assert sheet.labels["F5"] == "未经复议直接起诉"
        assert {c.at[1:] for c in sheet.values} == {"7"} and len(sheet.values) == 15

    def test_money_cells_are_marked(self, fmt2021):
        cells = cells_by_key(workbook_layout(fmt2021))
        assert cells[("charges", "admin_fees", "amount")][1].kind == "money"
        assert load_format("2019").tables["licensing"].column("change").kind == "signed"
        signed = cells_by_key(workbook_layout(load_format("2019")))[("licensing", "licensing", "change")][1]
        assert signed.kind == "signed"

    def test_free_rows_offer_label_cells(self):
        sheets = {s.name: s for s in workbook_layout(load_format("old-free-text"))}
        sheet = sheets["主动公开政府信息的主要类别"]
        assert len(sheet.free_labels["proactive_categories"]) == FREE_ROWS
        assert all(c.label_at for c in sheet.values)
