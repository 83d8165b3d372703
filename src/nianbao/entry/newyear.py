"""A new report (``nianbao new BODY YEAR``): its params, blank data files, prose stubs and workbook.

The params carry over what the body's latest earlier report says of the body and of the run (issuer, scope, font,
timeouts, prose severity; with the same era also headings, share overrides and omitted chapters); the title is
last year's with the year changed; what belongs to one published report (date, claims, prose figures) is left out.
They are checked by the params model before anything is written. The data files hold every declared row and
column of the era in published order, every cell empty (a table with layout variants in one variant: the one last
year's report used, else the format's ``default_variant``). The workbook (``data/<body>/<year>/<body>-<year>.xlsx``)
lays the same cells out as the official tables, with the live check cells; a cell the format links to last year's
report (上年结转 = last year's 结转下年度继续办理) is filled in from it. Everything is written into a staging folder
and moved into place at the end; an existing report is never overwritten.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from nianbao.entry.formulas import Previous, Sources, carried_over, check_lines
from nianbao.entry.layout import all_variants, chosen_variants, template_rows, workbook_layout
from nianbao.entry.writer import Book, build, save
from nianbao.errors import InputError, ReportExists, did_you_mean
from nianbao.formats import ERAS, Format, load_format
from nianbao.inputs.importer import place_report
from nianbao.inputs.params import Params, checked_params, read_params_yaml
from nianbao.inputs.tables import DataTable, read_tables
from nianbao.paths import ProjectLayout

CARRIED = ("issuer", "scope", "font", "execution_timeout", "render_timeout", "prose_mismatch")  # kept from last year
CARRIED_SAME_ERA = ("headings", "shares", "omit")  # kept when the era is last year's (they name its chapters)
PROSE_STUB = "（待填写）\n"


@dataclass(frozen=True)
class NewReport:
    """What ``nianbao new`` was asked for; None: taken from the body's latest earlier report."""

    body: str
    year: int
    era: str | None = None
    issuer: str | None = None
    scope: str | None = None
    title: str | None = None
    variant: str | None = None


def workbook_path(layout: ProjectLayout, body: str, year: int) -> Path:
    return layout.data_dir(body, year) / f"{body}-{year}.xlsx"


def latest_year(layout: ProjectLayout, body: str, year: int) -> int | None:
    """The body's latest year before ``year`` that has params."""
    earlier = layout.years(body, year - 1)
    return earlier[-1] if earlier else None


def _title(last: dict, last_year: int | None, request: NewReport, issuer: str) -> str:
    if request.title:
        return request.title
    old = str(last.get("title") or "")
    if last_year is not None and str(last_year) in old:
        return old.replace(str(last_year), str(request.year))
    return f"{issuer}{request.year}年政府信息公开工作年度报告"


def era_of_year(year: int, last_era: str | None) -> str | None:
    """The format a report of ``year`` is written in: the newest format declared for ``year`` (``first_year``) when
    it is newer than last year's, else last year's format (None for a body's first report before any such year)."""
    eras = sorted((f.first_year, f.era) for f in map(load_format, ERAS) if f.first_year is not None and f.first_year <= year)
    newest = eras[-1] if eras else None
    if newest is None or (last_era is not None and last_era != newest[1] and _first_year(last_era) >= newest[0]):
        return last_era
    return newest[1]


def _first_year(era: str) -> int:
    first = load_format(era).first_year if era in ERAS else None
    return first if first is not None else 0


def new_params(layout: ProjectLayout, request: NewReport) -> Params:
    """The params of the new report, checked by the params model and the format."""
    last_year = latest_year(layout, request.body, request.year)
    last = read_params_yaml(layout.params_file(request.body, last_year)) if last_year is not None else {}
    era = request.era or era_of_year(request.year, last.get("era"))
    if era not in ERAS:
        raise InputError(
            f"{request.body} 没有更早的年度可沿用格式，请用 --era 指定" if era is None else "未知的格式 era",
            value=era,
            expected=" / ".join(ERAS),
            hint=f"是否想写 {guess!r}？" if era and (guess := did_you_mean(str(era), ERAS)) else None,
        )
    data: dict = {"body": request.body, "year": request.year, "era": era}
    data.update({key: last[key] for key in CARRIED if key in last})
    if last.get("era") == era:
        data.update({key: last[key] for key in CARRIED_SAME_ERA if key in last})
    data.update({k: v for k, v in (("issuer", request.issuer), ("scope", request.scope)) if v})
    data.setdefault("scope", "本机关")
    if not data.get("issuer"):
        raise InputError(f"{request.body} 没有更早的年度可沿用发布机关，请用 --issuer 指定", expected="发布机关全称")
    data["title"] = _title(last, last_year, request, str(data["issuer"]))
    order = ["body", "year", "era", "issuer", "title", "scope", *CARRIED, *CARRIED_SAME_ERA]
    ordered = {key: data[key] for key in order if key in data}
    return checked_params(ordered, layout.params_file(request.body, request.year))


@dataclass(frozen=True)
class LastYear:
    """The era and the data of the body's report of the year before."""

    era: str
    tables: dict[str, DataTable]


def last_year(layout: ProjectLayout, body: str, year: int) -> LastYear | None:
    """The body's report of ``year`` (None when it has none or its data do not read)."""
    path = layout.params_file(body, year)
    if not path.exists():
        return None
    try:
        era = str(read_params_yaml(path).get("era"))
        return LastYear(era, read_tables(layout.data_dir(body, year), load_format(era)))
    except InputError:
        return None


def previous_values(previous: LastYear | None) -> Previous | None:
    """Last year's values by (table, row, column), as the cross-year checks read them."""
    if previous is None:
        return None
    tables = previous.tables

    def value(table: str, row: str, column: str) -> Decimal | None:
        data = tables.get(table)
        found = data.find(row) if data is not None else None
        number = found.value(column) if found is not None else None
        return number if isinstance(number, Decimal) else None

    return value


def _variants(fmt: Format, request: NewReport, previous: LastYear | None) -> dict[str, str]:
    """The layout variant of each table: asked for, else last year's (in the same era), else the declared default."""
    if request.variant is not None and request.variant not in all_variants(fmt):
        raise InputError(
            "未知的行布局", value=request.variant, expected=" / ".join(all_variants(fmt)) or "（此格式没有行布局变体）"
        )
    chosen = chosen_variants(fmt, request.variant)
    if request.variant is None and previous is not None and previous.era == fmt.era:
        for table_id in chosen:
            data = previous.tables.get(table_id)
            used = {r.row.variant for r in data.rows if r.row and r.row.variant} if data is not None else set()
            if len(used) == 1:
                chosen[table_id] = used.pop()
    return chosen


def blank_csv(fmt: Format, table_id: str, variant: str | None) -> str:
    """A data file with every declared row and column, every cell empty."""
    table = fmt.tables[table_id]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([fmt.label_column, *(c.label for c in table.columns)])
    for row in [] if table.free_rows else template_rows(table, variant):
        writer.writerow([row.label, *([""] * len(table.columns))])
    return buffer.getvalue()


def book_for(params: Params, variants: dict[str, str], previous: Previous | None) -> Book:
    """The workbook of a report: its layout, check lines and the cells carried over from last year."""
    fmt = params.format
    sheets = workbook_layout(fmt, variants)
    sources = Sources(fmt, sheets, params.share, params.claims, previous)
    return Book(
        body=params.body,
        year=params.year,
        title=params.title,
        era=fmt.era,
        format_name=fmt.name,
        variants=variants,
        sheets=sheets,
        checks=check_lines(sources),
        max_number=fmt.limits.data.max_number,
        prefilled=carried_over(sources),
    )


def _write_data(folder: Path, params: Params, variants: dict[str, str], book: Book) -> None:
    fmt = params.format
    (folder / "prose").mkdir(parents=True)
    for table_id, table in fmt.tables.items():
        (folder / table.file).write_text(blank_csv(fmt, table_id, variants.get(table_id)), encoding="utf-8")
    for chapter in fmt.chapters:
        if chapter.source == "prose" and chapter.file and not chapter.optional and chapter.id not in params.omit:
            (folder / "prose" / chapter.file).write_text(PROSE_STUB, encoding="utf-8")
    save(build(book), folder / f"{params.body}-{params.year}.xlsx")


def create(layout: ProjectLayout, request: NewReport) -> list[Path]:
    """Write the new report's params, data files, prose stubs and workbook together, or nothing."""
    params_path = layout.params_file(request.body, request.year)
    data_dir = layout.data_dir(request.body, request.year)
    for existing, what in ((params_path, "参数文件"), (data_dir, "数据目录")):
        if existing.exists():
            raise ReportExists(f"{what}已存在，不会覆盖", path=existing, hint="新建年度只用于还没有的报告；已有的报告请直接编辑")
    params = new_params(layout, request)
    previous = last_year(layout, request.body, request.year - 1)
    variants = _variants(params.format, request, previous)
    book = book_for(params, variants, previous_values(previous))
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    params_path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{request.year}.new-", dir=data_dir.parent))
    try:
        _write_data(staging / "data", params, variants, book)
        text = yaml.safe_dump(params.model_dump(mode="json", exclude_defaults=True), allow_unicode=True, sort_keys=False)
        (staging / "params.yaml").write_text(text, encoding="utf-8")
        place_report(staging, data_dir, params_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [params_path, *sorted(p for p in data_dir.rglob("*") if p.is_file())]
