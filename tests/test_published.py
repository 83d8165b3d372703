"""The data are the published report, cell by cell and in place.

- 2019/2021 formats: the pipe tables of the published text are read here, by their printed layout (FORMATS.md),
  without the importer, and every cell of data/ is compared with the published cell at the same row and column.
- Old format: every number of data/ is bound to the clause of the published text it was transcribed from
  (tests/sources/<body>-<year>.yaml, one quote per cell): the clause is in the text and states that number.
- The old format's 统计表 equals the published table row by row.
- The published texts kept in data/ are the corpus reports verbatim.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from helpers import CORPUS, ROOT, pipe_tables, published_files, read_csv

SOURCES = Path(__file__).parent / "sources"
STANDARD = [(b, y) for b, y in CORPUS if y >= 2019]
OLD = [(b, y) for b, y in CORPUS if y < 2019]
ZERO_WORDS = ("未", "没有", "无", "零")


@pytest.mark.parametrize("body, year", STANDARD)
def test_standard_tables_equal_the_published_tables_cell_by_cell(body, year):
    folder = ROOT / "data" / body / str(year)
    published = published_files((folder / "published.txt").read_text(encoding="utf-8"))
    assert set(published) == {p.name for p in folder.glob("*.csv")}
    for name, rows in published.items():
        data = read_csv(folder / name)
        assert data[0] == rows[0], f"{name}: header"
        assert len(data) == len(rows), f"{name}: {len(data) - 1} data rows, published {len(rows) - 1}"
        for line, (ours, theirs) in enumerate(zip(data[1:], rows[1:], strict=True), start=2):
            assert ours[0] == theirs[0], f"{name} 第{line}行: label {ours[0]!r}, published {theirs[0]!r}"
            for column, mine, printed in zip(data[0][1:], ours[1:], theirs[1:], strict=True):
                assert mine == printed, f"{name} 第{line}行 {ours[0]} / {column}: {mine!r}, published {printed!r}"


class TestPublishedTableReader:
    """The reader above finds a swapped or shifted cell: it compares positions, not sets of numbers."""

    def test_a_swapped_pair_of_cells_is_seen(self):
        text = (ROOT / "data/pingtan/2021/published.txt").read_text(encoding="utf-8")
        good = published_files(text)["requests.csv"]
        swapped = text.replace("| （一）予以公开 |  | 27 | 0 | 0 | 2 |", "| （一）予以公开 |  | 27 | 0 | 2 | 0 |")
        assert published_files(swapped)["requests.csv"] != good
        assert good[3] == ["（一）予以公开", "27", "0", "0", "2", "0", "1", "30"]

    def test_table4_blocks_by_position(self):
        text = (ROOT / "data/pingtan/2021/published.txt").read_text(encoding="utf-8")
        table4 = published_files(text)["reviews_litigation.csv"]
        assert table4 == [
            ["指标", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
            ["行政复议", "1", "0", "2", "0", "3"],
            ["行政诉讼·未经复议直接起诉", "12", "0", "0", "0", "12"],
            ["行政诉讼·复议后起诉", "0", "0", "0", "0", "0"],
        ]


def _number_in(value: str, quote: str) -> bool:
    if re.fullmatch(r"\d+(\.\d+)?", value):
        if re.search(rf"(?<![\d.]){re.escape(value)}(?![\d]|\.\d)", quote):
            return True
        return float(value) == 0 and any(word in quote for word in ZERO_WORDS)
    return value in quote  # a text cell (免收费, 暂不收费)


@pytest.mark.parametrize("body, year", OLD)
def test_every_old_format_number_is_bound_to_the_clause_it_was_transcribed_from(body, year):
    folder = ROOT / "data" / body / str(year)
    lines = (folder / "published.txt").read_text(encoding="utf-8").splitlines()
    sources = yaml.safe_load((SOURCES / f"{body}-{year}.yaml").read_text(encoding="utf-8"))
    bound = set()
    for path in sorted(folder.glob("*.csv")):
        if path.name == "statistics.csv":
            continue
        header, *rows = read_csv(path)
        for row in rows:
            for column, value in zip(header[1:], row[1:], strict=False):
                if not value.strip():
                    continue
                where = f"{path.name} {row[0]} / {column} = {value}"
                quote = sources.get(path.name, {}).get(row[0], {}).get(column)
                assert isinstance(quote, str), f"{where}: no clause in tests/sources/{body}-{year}.yaml"
                assert any(quote in line for line in lines), f"{where}: {quote!r} is not in published.txt"
                assert _number_in(value.strip(), quote), f"{where}: {quote!r} does not state {value}"
                bound.add((path.name, row[0], column))
    listed = {(f, label, c) for f, rows in sources.items() for label, cols in rows.items() for c in cols}
    assert listed == bound, f"clauses for cells that data/ does not have: {sorted(listed - bound)}"


class TestClauseBinding:
    def test_a_number_inside_a_longer_number_is_not_bound(self):
        assert _number_in("42", "当面申请42件")
        assert not _number_in("42", "当面申请142件") and not _number_in("42", "占4.2%") and not _number_in("4", "占4.2%")
        assert _number_in("0", "未收到有关政府信息公开申请") and not _number_in("1", "未收到有关政府信息公开申请")


def _statistics_reports():
    return [(b, y) for b, y in OLD if (ROOT / "data" / b / str(y) / "statistics.csv").exists()]


@pytest.mark.parametrize("body, year", _statistics_reports())
def test_statistics_table_is_the_published_table(body, year):
    """statistics.csv holds the attached 统计表 row by row: label, year and cumulative cells as printed."""
    folder = ROOT / "data" / body / str(year)
    table = next(t for t in pipe_tables((folder / "published.txt").read_text(encoding="utf-8")) if t[0][0] == "指标名称")
    published = [[label, this_year, cumulative] for label, _unit, this_year, cumulative in table[1:]]
    rows = read_csv(folder / "statistics.csv")
    assert rows[0] == ["指标", "本年", "历年累计"]
    assert rows[1:] == published


def test_statistics_tables_are_found():
    assert len(_statistics_reports()) == 8  # 平潭 2011–2018


@pytest.mark.parametrize("body, year", CORPUS)
def test_published_text_is_the_corpus_report_verbatim(body, year):
    """The SHA-256 of each corpus report (../shared/reports) is recorded; the copy in data/ has it, and so has
    the shared copy where it is beside the checkout."""
    recorded = dict(
        reversed(line.split()) for line in (SOURCES / "shared-reports.sha256").read_text(encoding="utf-8").splitlines()
    )
    name = f"{body}-{year}.txt"
    copy = ROOT / "data" / body / str(year) / "published.txt"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == recorded[name]
    shared = ROOT.parent / "shared" / "reports" / name
    if shared.exists():
        assert hashlib.sha256(shared.read_bytes()).hexdigest() == recorded[name]


class TestDongyangStatisticalSections:
    def test_every_count_of_sections_2_to_5_is_in_data(self):
        folder = ROOT / "data/dongyang/2017"
        published = (folder / "published.txt").read_text(encoding="utf-8")
        section = published[published.index("二、主动公开政府信息的情况") : published.index("六、政府信息公开工作存在的主要问题")]
        in_data = {cell.strip() for path in folder.glob("*.csv") for row in read_csv(path)[1:] for cell in row[1:]}
        numbers = re.findall(r"\d+(?:\.\d+)?", section)
        assert [n for n in numbers if n not in in_data and n != "2017"] == []
        assert len(numbers) > 40
