"""Importing a published report of the 2019 or 2021 format from its text with pipe tables.

A published report whose tables were copied as Markdown pipe tables (a merged cell written once, its continuation
cells empty) is split into the data files of ``data/<body>/<year>/``: one CSV per declared table, the prose
chapters, and the published text itself. Every cell is copied as printed; an empty cell stays empty. The tables
are found by their headers, not by position: 表二 by its 第二十条 captions and 信息内容 header rows, 表三 by the
勾稽关系 corner cell, 表四 by its 行政复议 header. A header that the era's declaration does not have (a 2021
header in a report declared as 2019) is an ImportError naming the line.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from nianbao.errors import TextImportError
from nianbao.formats import Format, Table, normalize_label
from nianbao.inputs.params import BodyId, Year
from nianbao.paths import ProjectLayout

HEADING = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
CHAPTER_BY_NUMBER = {"一": "overview", "二": "proactive", "三": "applications", "四": "appeals", "五": "problems", "六": "other"}


@dataclass
class Imported:
    title: str
    tables: dict[str, list[list[str]]] = field(default_factory=dict)  # table id -> CSV records (header first)
    prose: dict[str, str] = field(default_factory=dict)  # chapter id -> text
    headings: dict[str, str] = field(default_factory=dict)  # chapter id -> printed heading

    def csv_text(self, table_id: str) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(self.tables[table_id])
        return buffer.getvalue()


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _pipe_tables(lines: list[str]) -> list[list[tuple[int, list[str]]]]:
    """Runs of pipe-table lines, without separator rows, each row with its 1-based line number."""
    tables, current = [], []
    for number, line in enumerate(lines, start=1):
        if line.startswith("|"):
            if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line.strip()):
                current.append((number, _cells(line)))
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _same(a: str, b: str) -> bool:
    return normalize_label(a) == normalize_label(b)


def _column_ids(table: Table, labels: list[str], path: Path, line: int) -> list[str]:
    ids = []
    for label in labels:
        match = next((c for c in table.columns if any(_same(label, n) for n in c.names())), None)
        if match is None:
            raise TextImportError(
                f"“{table.caption or table.title}”的表头“{label}”不属于该格式",
                path=path,
                line=line,
                value=label,
                expected=" / ".join(c.label for c in table.columns),
                hint="表头决定格式：请核对参数中的 era（2019 试行格式与 2021 格式的表二表头不同）",
            )
        ids.append(match.id)
    return ids


def _table_two(fmt: Format, rows, path: Path, out: Imported) -> None:
    blocks = {t.caption: t for t in fmt.tables.values() if t.official == "表二" and t.caption}
    current: Table | None = None
    columns: list[str] = []
    for line, cells in rows:
        first = cells[0]
        if first.startswith("第二十条"):
            current = next((t for caption, t in blocks.items() if _same(caption, first)), None)
            if current is None:
                raise TextImportError(
                    f"表二的“{first}”不属于该格式", path=path, line=line, value=first, expected=" / ".join(blocks)
                )
            columns = []
        elif first == "信息内容" and current is not None:
            labels = [c for c in cells[1:] if c]
            ids = _column_ids(current, labels, path, line)
            columns = [current.column(i).label for i in ids]
            out.tables[current.id] = [["指标", *columns]]
        elif current is not None and columns:
            out.tables[current.id].append([first, *cells[1 : 1 + len(columns)]])


def _table_three(fmt: Format, rows, path: Path, out: Imported) -> None:
    table = fmt.tables["requests"]
    header = ["指标", *(c.label for c in table.columns)]
    records = [header]
    for line, cells in rows:
        labels, values = cells[:3], cells[3:]
        leaf = next((c for c in reversed(labels) if c), "")
        if not leaf or "勾稽关系" in leaf:
            continue
        if len(values) != len(table.columns):
            raise TextImportError(
                f"表三的行有 {len(values)} 个数值单元格",
                path=path,
                line=line,
                value=leaf,
                expected=f"{len(table.columns)} 个（{'、'.join(c.label for c in table.columns)}）",
            )
        records.append([leaf, *values])
    out.tables[table.id] = records


def _table_four(fmt: Format, rows, path: Path, out: Imported) -> None:
    table = fmt.tables["reviews_litigation"]
    data = [(line, cells) for line, cells in rows if cells and all(re.fullmatch(r"[0-9]*", c) for c in cells)]
    if len(data) != 1 or len(data[0][1]) != 15:
        line = data[0][0] if data else rows[0][0]
        raise TextImportError("表四应有一行 15 个数值单元格", path=path, line=line, expected="行政复议 5 列，行政诉讼 10 列")
    values = data[0][1]
    records = [["指标", *(c.label for c in table.columns)]]
    for index, row in enumerate(table.rows):
        records.append([row.label, *values[5 * index : 5 * index + 5]])
    out.tables[table.id] = records


def _prose(lines: list[str], start: int, out: Imported) -> None:
    """Chapters by their numbered headings; the text before 一 is the preamble."""
    chapter = "preamble"
    texts: dict[str, list[str]] = {"preamble": []}
    for line in lines[start:]:
        if line.startswith("|"):
            continue
        heading = HEADING.match(line.strip())
        if heading and heading.group(1) in CHAPTER_BY_NUMBER:
            chapter = CHAPTER_BY_NUMBER[heading.group(1)]
            out.headings[chapter] = unicodedata.normalize("NFC", line.strip())
            texts[chapter] = []
            continue
        if line.strip():
            texts.setdefault(chapter, []).append(line.strip())
    for chapter, paragraphs in texts.items():
        if paragraphs and chapter in ("preamble", "overview", "problems", "other"):
            out.prose[chapter] = "\n\n".join(paragraphs) + "\n"


def import_text(path: Path, fmt: Format) -> Imported:
    """Split a published report (text with pipe tables) into the tables and prose chapters of ``fmt``."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise TextImportError(
            "不是 UTF-8 文本", path=path, value=f"第 {exc.start} 字节", hint="PDF、网页请以 .pdf、.html 为扩展名导入"
        ) from None
    # The corpus files start with source, format and completeness lines and bracketed transcription notes.
    start = 0
    while start < len(lines) and (
        not lines[start].strip() or lines[start].startswith(("[", "source:", "format:", "completeness:"))
    ):
        start += 1
    if start >= len(lines):
        raise TextImportError("文本中没有报告标题", path=path)
    out = Imported(title=lines[start].strip())
    for rows in _pipe_tables(lines):
        first = rows[0][1][0]
        if first.startswith("第二十条"):
            _table_two(fmt, rows, path, out)
        elif "勾稽关系" in first:
            _table_three(fmt, rows, path, out)
        elif first == "行政复议":
            _table_four(fmt, rows, path, out)
        else:
            raise TextImportError("无法识别的表格", path=path, line=rows[0][0], value=first)
    _prose(lines, start + 1, out)
    return out


def write_imported(imported: Imported, folder: Path, published: Path, copy_as: str = "published.txt") -> list[Path]:
    """Write the tables, prose and a copy of the published report (named ``copy_as``) into ``folder`` (which must
    not exist)."""
    if folder.exists():
        raise TextImportError("数据目录已存在，不会覆盖", path=folder, hint="原始数据不可变：先确认后手动删除或改名")
    (folder / "prose").mkdir(parents=True)
    written = []
    for table_id in imported.tables:
        path = folder / f"{table_id}.csv"
        path.write_text(imported.csv_text(table_id), encoding="utf-8")
        written.append(path)
    for chapter, text in imported.prose.items():
        path = folder / "prose" / f"{chapter}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    copy = folder / copy_as
    copy.write_bytes(Path(published).read_bytes())
    written.append(copy)
    return written


@dataclass(frozen=True)
class Target:
    """Where an import goes (``body``, ``year``) and what its params file says of the report."""

    body: str
    year: int
    era: str
    issuer: str
    scope: str

    def check(self) -> None:
        """Refuse a body id or year the params model would refuse, before anything is written (a body id is a
        folder name: ``../x`` would write outside data/ and params/)."""
        for adapter, value, expected in (
            (TypeAdapter(BodyId), self.body, "小写字母、数字、- 和 _，以字母或数字开头，至多 64 个字符"),
            (TypeAdapter(Year), self.year, "2008 至 2100 之间的年份"),
        ):
            try:
                adapter.validate_python(value)
            except ValidationError:
                raise TextImportError("--body 或 --year 无效", value=value, expected=expected) from None


def import_report(
    imported: Imported, layout: ProjectLayout, target: Target, published: Path, *, copy_as: str = "published.txt"
) -> list[Path]:
    """Write ``data/<body>/<year>/`` and ``params/<body>/<year>.yaml`` together, or nothing: both are written into a
    staging folder first and moved into place at the end; an existing folder or file is never overwritten. The
    published report is kept beside the data as ``copy_as``."""
    target.check()
    data_dir = layout.data_dir(target.body, target.year)
    params = layout.params_file(target.body, target.year)
    for existing, what in ((data_dir, "数据目录"), (params, "参数文件")):
        if existing.exists():
            raise TextImportError(f"{what}已存在，不会覆盖", path=existing, hint="原始数据不可变：先确认后手动删除或改名")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    params.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.year}.import-", dir=data_dir.parent))
    try:
        written = write_imported(imported, staging / "data", published, copy_as)
        write_params(imported, staging / "params.yaml", target)
        place_report(staging, data_dir, params)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [data_dir / path.relative_to(staging / "data") for path in written] + [params]


def place_report(staging: Path, data_dir: Path, params: Path) -> None:
    """Move a report staged as ``staging/data/`` and ``staging/params.yaml`` into place: the data folder, then the
    params file; when the second move fails, the first is undone, so that a report has both or neither."""
    os.rename(staging / "data", data_dir)
    try:
        os.rename(staging / "params.yaml", params)
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise


def write_params(imported: Imported, path: Path, target: Target) -> Path:
    """A params file for an imported report: title and headings as printed; the rest for the analyst to check."""
    if path.exists():
        raise TextImportError("参数文件已存在，不会覆盖", path=path)
    import yaml

    data = {
        "body": target.body,
        "year": target.year,
        "era": target.era,
        "issuer": target.issuer,
        "title": imported.title,
        "scope": target.scope,
    }
    if imported.headings:
        data["headings"] = imported.headings
    omitted = [c for c in ("other",) if c not in imported.prose]
    if omitted:
        data["omit"] = omitted
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
