"""Importing a published report's pipe tables (nianbao import), and the committed data of the 2019/2021 reports
against their published text."""

from __future__ import annotations

import csv
import io

import pytest

from helpers import CORPUS, published_files
from nianbao.errors import TextImportError
from nianbao.formats import load_format
from nianbao.inputs.importer import import_text, write_imported
from nianbao.inputs.params import load_params
from nianbao.paths import ProjectLayout

STANDARD_REPORTS = [(body, year) for body, year in CORPUS if year >= 2019]


class TestImportText:
    def test_hongze_2023_tables(self, root):
        imported = import_text(root / "data/hongze/2023/published.txt", load_format("2021-standard"))
        assert imported.title == "洪泽区人民政府2023年政府信息公开工作年度报告"
        assert set(imported.tables) == {"regulations", "licensing", "enforcement", "charges", "requests", "reviews_litigation"}
        requests = imported.tables["requests"]
        assert len(requests) == 1 + 23  # the single （六） row
        assert ["2.其他法律行政止公开", "0", "0", "0", "0", "0", "0", "0"] in requests
        assert imported.tables["charges"][1] == ["行政事业性收费", "7730.28"]
        assert imported.tables["reviews_litigation"][1] == ["行政复议", "10", "1", "0", "0", "0"]

    def test_empty_cells_stay_empty(self, root):
        imported = import_text(root / "data/shanghai-office/2019/published.txt", load_format("2019"))
        assert imported.tables["requests"][3] == ["（一）予以公开", "258", "12", "", "", "1", "1", ""]
        assert imported.tables["procurement"][1] == ["政府集中采购", "6", "251000元"]

    def test_2021_headers_in_a_report_declared_2019_are_refused_with_the_line(self, root):
        with pytest.raises(TextImportError) as info:
            import_text(root / "data/hongze/2023/published.txt", load_format("2019"))
        message = str(info.value)
        assert "本年制发件数" in message and "第" in message and "era" in message

    def test_existing_data_is_never_overwritten(self, root, tmp_path):
        imported = import_text(root / "data/hongze/2024/published.txt", load_format("2021-standard"))
        target = tmp_path / "2024"
        write_imported(imported, target, root / "data/hongze/2024/published.txt")
        committed = (root / "data/hongze/2024/requests.csv").read_text(encoding="utf-8")
        assert (target / "requests.csv").read_text(encoding="utf-8") == committed
        with pytest.raises(TextImportError, match="不会覆盖"):
            write_imported(imported, target, root / "data/hongze/2024/published.txt")


@pytest.mark.parametrize("body, year", STANDARD_REPORTS)
def test_the_importer_reads_every_published_cell_where_it_is_printed(root, body, year):
    """The importer's tables equal the published tables as the tests read them by position (helpers.published_files),
    cell by cell; the committed data files are compared with the same reading in test_published."""
    text_path = root / "data" / body / str(year) / "published.txt"
    imported = import_text(text_path, load_params(root, body, year).format)
    expected = published_files(text_path.read_text(encoding="utf-8"))
    assert {f"{t}.csv" for t in imported.tables} == set(expected)
    for table_id in imported.tables:
        rows = list(csv.reader(io.StringIO(imported.csv_text(table_id))))
        assert rows == expected[f"{table_id}.csv"], table_id


def test_the_corpus_is_complete(root):
    reports = ProjectLayout.at(root).reports()
    assert set(CORPUS) <= set(reports)
