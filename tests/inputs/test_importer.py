"""Importing a published report's pipe tables (nianbao import), and the committed data of the 2019/2021 reports
against their published text."""

from __future__ import annotations

import csv
import io

import pytest

from helpers import CORPUS, published_files
from nianbao.errors import TextImportError, echo
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


HONGZE_2024 = "data/hongze/2024/published.txt"


def _target(body="newbody", year=2024):
    from nianbao.inputs.importer import Target

    return Target(body, year, "2021-standard", "洪泽区人民政府", "全区")


class TestImportReport:
    """``import_report``: data and params written together or not at all, never outside data/ and params/."""

    @pytest.fixture
    def imported(self, root):
        return import_text(root / HONGZE_2024, load_format("2021-standard"))

    def _import(self, imported, tmp_path, root, target):
        from nianbao.inputs.importer import import_report

        return import_report(imported, ProjectLayout.at(tmp_path / "project"), target, root / HONGZE_2024)

    def test_writes_data_and_params_that_load(self, imported, tmp_path, root):
        written = self._import(imported, tmp_path, root, _target())
        project = tmp_path / "project"
        assert all(path.is_file() for path in written)
        assert written[-1] == project / "params/newbody/2024.yaml"
        assert (project / "data/newbody/2024/requests.csv").read_text(encoding="utf-8") == (
            root / "data/hongze/2024/requests.csv"
        ).read_text(encoding="utf-8")
        assert load_params(project, "newbody", 2024).issuer == "洪泽区人民政府"
        assert sorted(p.name for p in (project / "data/newbody").iterdir()) == ["2024"]

    @pytest.mark.parametrize(
        "body, year, shown",
        [
            ("../../x", 2024, "'../../x'"),
            ("/tmp/x", 2024, "'/tmp/x'"),
            ("NewBody", 2024, "'NewBody'"),
            ("x" * 500, 2024, echo("x" * 500)),
            ("newbody", 1999, "1999"),
        ],
        ids=["parent", "absolute", "capitals", "long", "year"],
    )
    def test_a_body_or_year_the_params_model_refuses_writes_nothing(self, imported, tmp_path, root, body, year, shown):
        with pytest.raises(TextImportError) as info:
            self._import(imported, tmp_path, root, _target(body, year))
        assert f"--body 或 --year 无效：{shown}；应为" in str(info.value)
        assert list(tmp_path.iterdir()) == []

    def test_existing_params_refuse_before_any_data_is_written(self, imported, tmp_path, root):
        params = tmp_path / "project/params/newbody/2024.yaml"
        params.parent.mkdir(parents=True)
        params.write_text("body: newbody\n", encoding="utf-8")
        with pytest.raises(TextImportError, match="参数文件已存在，不会覆盖"):
            self._import(imported, tmp_path, root, _target())
        assert not (tmp_path / "project/data").exists()

    @pytest.mark.parametrize("fail", ["data", "params", "move-params"])
    def test_an_import_that_fails_half_way_leaves_nothing_and_can_run_again(self, imported, tmp_path, root, monkeypatch, fail):
        from nianbao.inputs import importer

        real_rename, real_write = importer.os.rename, importer.write_params

        def rename(src, dst):
            if fail == "move-params" and str(dst).endswith(".yaml"):
                raise OSError(28, "No space left on device", str(dst))
            real_rename(src, dst)

        def write_params(imported, path, target):
            if fail == "params":
                raise OSError(28, "No space left on device", str(path))
            return real_write(imported, path, target)

        def write_imported(*args):
            raise OSError(28, "No space left on device", "x.csv")

        monkeypatch.setattr(importer.os, "rename", rename)
        monkeypatch.setattr(importer, "write_params", write_params)
        if fail == "data":
            monkeypatch.setattr(importer, "write_imported", write_imported)
        with pytest.raises(OSError):
            self._import(imported, tmp_path, root, _target())
        project = tmp_path / "project"
        assert not (project / "data/newbody/2024").exists() and not (project / "params/newbody/2024.yaml").exists()
        assert list((project / "data/newbody").iterdir()) == []  # no staging folder left
        monkeypatch.undo()
        self._import(imported, tmp_path, root, _target())
        assert (project / "params/newbody/2024.yaml").exists()
