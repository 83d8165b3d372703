"""The data are the published report: every number in data/ is in the published text, and every count of
sections 二–五 of the published text is in data/."""

from __future__ import annotations

import csv
import re

import pytest

from nianbao.params import available_reports

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _data_numbers(folder):
    numbers = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig") as fh:
            for line, row in enumerate(csv.reader(fh), start=1):
                for cell in row[1:] if line > 1 else []:
                    if NUMBER.fullmatch(cell.strip()):
                        numbers.append((path.name, line, cell.strip()))
    return numbers


@pytest.mark.parametrize("body, year", available_reports(__import__("conftest").ROOT))
class TestDataMatchesPublishedText:
    def test_every_number_in_data_is_in_the_published_text(self, root, body, year):
        folder = root / "data" / body / str(year)
        published = (folder / "published.txt").read_text(encoding="utf-8")
        tokens = set(NUMBER.findall(published))
        missing = [f"{name}:{line} {value}" for name, line, value in _data_numbers(folder) if value not in tokens]
        assert missing == []

    def test_text_cells_are_in_the_published_text(self, root, body, year):
        folder = root / "data" / body / str(year)
        published = (folder / "published.txt").read_text(encoding="utf-8")
        for path in folder.glob("*.csv"):
            with path.open(encoding="utf-8-sig") as fh:
                for row in list(csv.reader(fh))[1:]:
                    for cell in row[1:]:
                        if cell.strip() and not NUMBER.fullmatch(cell.strip()):
                            assert cell.strip() in published, f"{path.name}: {cell}"


class TestDongyangStatisticalSections:
    def test_every_count_of_sections_2_to_5_is_in_data(self, root):
        folder = root / "data/dongyang/2017"
        published = (folder / "published.txt").read_text(encoding="utf-8")
        start = published.index("二、主动公开政府信息的情况")
        end = published.index("六、政府信息公开工作存在的主要问题")
        section = published[start:end]
        in_data = {value for _, _, value in _data_numbers(folder)}
        ignore = {"2017"}  # the year
        numbers = [n for n in NUMBER.findall(section)]
        missing = [n for n in numbers if n not in in_data and n not in ignore]
        assert missing == []
        assert len(numbers) > 40


def _statistics_reports():
    root = __import__("conftest").ROOT
    return [(b, y) for b, y in available_reports(root) if (root / "data" / b / str(y) / "statistics.csv").exists()]


@pytest.mark.parametrize("body, year", _statistics_reports())
def test_statistics_table_is_the_published_table(root, body, year):
    """statistics.csv holds the attached 统计表 row by row: label, year and cumulative cells as printed."""
    folder = root / "data" / body / str(year)
    lines = (folder / "published.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| 指标名称"))
    published = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        label, _unit, this_year, cumulative = [c.strip() for c in line.strip().strip("|").split("|")]
        published.append([label, this_year, cumulative])
    with (folder / "statistics.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["指标", "本年", "历年累计"]
    assert rows[1:] == published
