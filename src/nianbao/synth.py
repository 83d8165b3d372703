"""Synthetic reports for testing a setup at scale: N reports made from the corpus, every declared identity kept,
and a known few with an error put in on purpose, recorded in a manifest.

Each synthetic report takes one corpus report as its template (its format, its tables and rows as published, its
params and its prose) under a body id of its own (``synth-0001`` …), with one year, so the cross-year checks have no
previous year to compare with. The counts are drawn around the template's and then made to hold every identity of
the format exactly, by deriving the cells the identities determine:

- 2019/2021 表三: per applicant column, the outcome rows are drawn, （七）总计 is their sum (I2), 结转下年度 and 上年结转
  are drawn and 一、新收 = （七）总计 + 四 − 二 (I1); 总计 is the sum of the six applicant columns in every row (I3);
  表四: 总计 is the sum of the four results (I5); a ``<=`` identity between two columns of a row (S3) is kept by
  taking the smaller value;
- the old format: the applications received are the sum of the channels, the answers add up to their total (or to
  the applications received), the categories stay within their share's base (and equal it when the params claim
  they cover it), the parts and each channel stay within the proactive total, each 统计表 row that states the same
  indicator as the text (``same_as``) takes the text's figure, and every published share (公布占比) is recomputed from
  the counts at the declared precision, 四舍五入.

Empty cells stay empty, except the cells an identity derives, which are always filled. The prose is the template's
with every quantity (counts, amounts, shares, rates of change) written as 若干 / 一定比例: what it said belonged to
the template's counts, not to the synthetic ones, so the prose checks find nothing to compare.

A fraction of the reports gets one injected error of a known kind (``KINDS``), applied after the counts are made and
before the dependent cells (统计表 rows, published shares) are derived, so that exactly one check fails because of
it. ``manifest.json`` in the root lists every report, its template, and every injected error: the check that must
fail, its severity, the cells changed and by how much. ``recall`` compares the findings of a batch with it.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from nianbao.formats import CellRef, Format
from nianbao.formats.model import Terms
from nianbao.inputs.quantities import extract, normalize
from nianbao.inputs.report import Report, load_report
from nianbao.paths import EXPECTATIONS_DIR, NOTEBOOKS_DIR, ProjectLayout
from nianbao.shares import format_share, percent

MANIFEST = "manifest.json"
LABEL_HEADER = "指标"

Value = Decimal | str | None


@dataclass
class SynthRow:
    """One row of a synthetic table: its label as published, its cells by column id, its printed share."""

    key: str  # the declared row id, or the label of a free row
    label: str
    cells: dict[str, Value]
    published_share: str | None = None


@dataclass
class SynthTable:
    table: str
    columns: list[str]  # column ids, in the file's order
    rows: list[SynthRow]
    shares: bool  # the file has a 公布占比 column

    def row(self, key: str) -> SynthRow | None:
        return next((r for r in self.rows if r.key == key), None)


@dataclass
class SynthReport:
    """The counts of one synthetic report, before they are written."""

    body: str
    year: int
    template: Report
    tables: dict[str, SynthTable]

    @property
    def format(self) -> Format:
        return self.template.format

    def get(self, table: str, row: str, column: str) -> Value:
        found = self.tables.get(table)
        data_row = found.row(row) if found else None
        return None if data_row is None else data_row.cells.get(column)

    def set(self, table: str, row: str, column: str, value: Value) -> None:
        data_row = self.tables[table].row(row)
        if data_row is None:
            raise KeyError(f"{table}.{row}")
        data_row.cells[column] = value

    def has(self, table: str, row: str) -> bool:
        return table in self.tables and self.tables[table].row(row) is not None

    def ref_value(self, ref: CellRef) -> Value:
        column = ref.column or self.template.main_column(ref.table)
        return self.get(ref.table, ref.row, column)


@dataclass(frozen=True)
class Injection:
    """An error put into one synthetic report on purpose: the check that must fail because of it."""

    body: str
    year: int
    kind: str
    check: str
    severity: str
    cells: tuple[str, ...]  # table.row.column of every cell changed
    delta: str
    also: tuple[str, ...] = ()  # checks that fail with it by their nature (a share off is also printed off)

    @property
    def report(self) -> str:
        return f"{self.body} {self.year}"


# --- drawing counts ---------------------------------------------------------------------------------------------


def _draw(rng: random.Random, value: Value) -> Value:
    """A count or amount near ``value`` (0.6–1.4 times; a 0 stays 0 four times in five); text and empty as they are."""
    if not isinstance(value, Decimal):
        return value
    if value == 0:
        return Decimal(0) if rng.random() < 0.8 else Decimal(rng.randint(1, 3))
    drawn = value * Decimal(str(round(rng.uniform(0.6, 1.4), 3)))
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    result = drawn.quantize(Decimal(1).scaleb(-places))
    return result if value < 0 else max(result, Decimal(0))


def _num(value: Value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(0)


def _sum(values: Iterable[Value]) -> Decimal:
    return sum((_num(v) for v in values), Decimal(0))


def _split(rng: random.Random, total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` (an integer) split in parts about proportional to ``weights`` (largest remainder), summing exactly."""
    drawn = [max(Decimal(0), w) * Decimal(str(round(rng.uniform(0.5, 1.5), 3))) + Decimal("0.01") for w in weights]
    scale = sum(drawn, Decimal(0))
    exact = [total * d / scale for d in drawn]
    parts = [int(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: int(total) - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) for p in parts]


# --- from the template ------------------------------------------------------------------------------------------


def _tables_of(template: Report, rng: random.Random) -> dict[str, SynthTable]:
    """The template's tables with every count and amount drawn anew (text cells and empty cells kept)."""
    tables = {}
    for table_id, data in template.tables.items():
        rows = [
            SynthRow(
                key=row.key,
                label=row.label,
                cells={column: _draw(rng, cell.value) for column, cell in row.cells.items()},
                published_share=row.published_share,
            )
            for row in data.rows
        ]
        shares = any(row.published_share is not None for row in data.rows)
        tables[table_id] = SynthTable(table_id, list(data.columns), rows, shares)
    return tables


def _side(terms: Terms | None) -> tuple[str, ...]:
    """The rows a side of an identity names (none for ``all`` or no side)."""
    return tuple(terms.rows) if terms is not None and terms.rows != "all" else ()


def _columns(terms: Terms | None) -> tuple[str, ...]:
    return terms.columns if terms is not None else ()


# --- the 2019 and 2021 tables ------------------------------------------------------------------------------------


def _standard(report: SynthReport, rng: random.Random) -> None:
    fmt = report.format
    balance, outcomes, applicants = (fmt.identity(i) for i in ("I1_carry_balance", "I2_outcomes_total", "I3_applicants_total"))
    requests = report.tables.get(str(outcomes.lhs.table))
    if requests is not None:
        parts = [r for r in _side(outcomes.lhs) if requests.row(r)]
        (answered,) = _side(outcomes.rhs)
        received, carried_over = _side(balance.lhs)
        carried_forward = next(r for r in _side(balance.rhs) if r != answered)
        person_columns = list(applicants.lhs.columns)
        (total_column,) = _columns(applicants.rhs)
        for column in person_columns:
            for key in parts + [carried_forward, carried_over]:
                if report.get(requests.table, key, column) is None:
                    report.set(requests.table, key, column, Decimal(0))
            done = _sum(report.get(requests.table, r, column) for r in parts)
            report.set(requests.table, answered, column, done)
            forward = _num(report.get(requests.table, carried_forward, column))
            over = min(_num(report.get(requests.table, carried_over, column)), done + forward)
            report.set(requests.table, carried_over, column, over)
            report.set(requests.table, received, column, done + forward - over)
        for data_row in requests.rows:
            data_row.cells[total_column] = _sum(data_row.cells.get(c) for c in person_columns)
            for column in requests.columns:
                data_row.cells.setdefault(column, Decimal(0))
    totals = fmt.identity("I5_review_litigation_totals")
    reviews = report.tables.get(str(totals.lhs.table))
    if reviews is not None and totals.rhs is not None:
        (review_total,) = totals.rhs.columns
        for data_row in reviews.rows:
            for column in totals.lhs.columns:
                data_row.cells[column] = _num(data_row.cells.get(column))
            data_row.cells[review_total] = _sum(data_row.cells[c] for c in totals.lhs.columns)
    _keep_row_bounds(report)


def _keep_row_bounds(report: SynthReport) -> None:
    """``lhs <= rhs`` between two columns of the same row of one table (S3): the smaller value is taken."""
    for identity in report.format.identities:
        if identity.op != "<=" or identity.along != "row" or identity.rhs is None or identity.rhs.previous:
            continue
        table = report.tables.get(str(identity.lhs.table))
        if table is None or identity.rhs.table != identity.lhs.table:
            continue
        (lhs,), (rhs,) = identity.lhs.columns, identity.rhs.columns
        for row in table.rows:
            low, high = row.cells.get(lhs), row.cells.get(rhs)
            if isinstance(low, Decimal) and isinstance(high, Decimal):
                row.cells[lhs] = min(low, high)


# --- the old free-text format -----------------------------------------------------------------------------------


def _old(report: SynthReport, rng: random.Random) -> None:
    fmt = report.format
    channels_sum, answers_sum = fmt.identity("application_channels_sum"), fmt.identity("answers_sum")
    applications = str(channels_sum.lhs.table)
    channels = [r for r in _side(channels_sum.lhs) if report.has(applications, r)]
    (received,) = _side(channels_sum.rhs)
    answers = str(answers_sum.lhs.table)
    answer_parts = [r for r in _side(answers_sum.lhs) if report.has(answers, r)]
    rhs = answers_sum.rhs
    assert rhs is not None and rhs.fallback is not None
    (answers_total,) = _side(rhs)
    if answer_parts:
        for row in answer_parts:
            if report.get(answers, row, "year") is None:
                report.set(answers, row, "year", Decimal(0))
        given = _sum(report.get(answers, r, "year") for r in answer_parts)
        if report.has(answers, answers_total):
            report.set(answers, answers_total, "year", given)
        elif report.has(applications, received):
            if channels:
                weights = [_num(report.get(applications, r, "year")) for r in channels]
                for row, part in zip(channels, _split(rng, given, weights), strict=True):
                    report.set(applications, row, "year", part)
            report.set(applications, received, "year", given)
    if channels and report.has(applications, received):
        report.set(applications, received, "year", _sum(report.get(applications, r, "year") for r in channels))
    _proactive(report)


def _proactive(report: SynthReport) -> None:
    """The categories within (or, when claimed, equal to) their base; the parts and channels within the total."""
    fmt = report.format
    parts_identity, channel_identity = (
        fmt.identity("proactive_parts_within_total"),
        fmt.identity("proactive_channel_within_total"),
    )
    proactive, (total,) = str(parts_identity.lhs.table), _side(parts_identity.rhs)
    if not report.has(proactive, total):
        return
    parts = [r for r in _side(parts_identity.lhs) if isinstance(report.get(proactive, r, "year"), Decimal)]
    channel_table = str(channel_identity.lhs.table)
    channels = [r for r in _side(channel_identity.lhs) if isinstance(report.get(channel_table, r, "year"), Decimal)]
    base = report.template.share_spec("categories").base_ref
    categories = report.tables.get(report.format.shares["categories"].table)
    claimed = "categories_cover_total" in report.template.params.claims
    if categories is not None and report.has(base.table, base.row):
        summed = _sum(r.cells.get("year") for r in categories.rows)
        drawn = _num(report.ref_value(base))
        report.set(base.table, base.row, base.column or "year", summed if claimed else max(drawn, summed))
    total_value = _num(report.get(proactive, total, "year"))
    if base.table == proactive and base.row != total:
        floor = max(
            [_sum(report.get(proactive, r, "year") for r in parts)]
            + [_num(report.get(channel_table, c, "year")) for c in channels]
        )
        report.set(proactive, total, "year", max(total_value, floor))
        return
    left = total_value
    for row in parts:
        value = min(_num(report.get(proactive, row, "year")), left)
        report.set(proactive, row, "year", value)
        left -= value
    for row in channels:
        report.set(channel_table, row, "year", min(_num(report.get(channel_table, row, "year")), total_value))


def _derive(report: SynthReport) -> None:
    """The cells that restate other cells: 统计表 rows (``same_as``) and published shares (公布占比)."""
    for table_id, table in report.tables.items():
        declared = {row.id: row for row in report.format.tables[table_id].rows}
        for row in table.rows:
            same_as = declared[row.key].same_as if row.key in declared else None
            stated = report.ref_value(CellRef.parse(same_as)) if same_as else None
            if isinstance(stated, Decimal) and "year" in row.cells:
                row.cells["year"] = stated
                if isinstance(row.cells.get("cumulative"), Decimal):
                    row.cells["cumulative"] = max(_num(row.cells["cumulative"]), stated)
    _published_shares(report)


def _share_of(report: SynthReport, table: str, key: str) -> str | None:
    for share_id, share in report.format.shares.items():
        if share.table == table and share.row is None and (share.rows is None or key in share.rows):
            return share_id
    return None


def _published_shares(report: SynthReport) -> None:
    for table_id, table in report.tables.items():
        for row in table.rows:
            if not row.published_share:
                continue
            share_id = _share_of(report, table_id, row.key)
            if share_id is None:
                continue
            spec = report.template.share_spec(share_id)
            value = percent(_num(row.cells.get("year")), _num(report.ref_value(spec.base_ref)), spec.precision)
            row.published_share = "" if value is None else format_share(value, spec.precision, spec.trailing_zeros)


# --- injected errors --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of injected error: the check it breaks, and how (``apply`` returns the cells changed, or None when the
    report has no place for it). ``late``: applied after the dependent cells are derived; ``also``: the checks that
    fail with it by their nature."""

    id: str
    check: str
    severity: str
    apply: Callable[[SynthReport, random.Random, int], tuple[str, ...] | None]
    late: bool = False
    also: tuple[str, ...] = ()


def _requests_parts(report: SynthReport) -> tuple[str, list[str], list[str], str] | None:
    outcomes = report.format.identity("I2_outcomes_total")
    table = report.tables.get(str(outcomes.lhs.table))
    if table is None:
        return None
    applicants = report.format.identity("I3_applicants_total")
    return (
        table.table,
        [r for r in _side(outcomes.lhs) if table.row(r)],
        list(applicants.lhs.columns),
        _columns(applicants.rhs)[0],
    )


def _bump(report: SynthReport, cells: list[tuple[str, str, str]], delta: int) -> tuple[str, ...]:
    for table, row, column in cells:
        report.set(table, row, column, _num(report.get(table, row, column)) + delta)
    return tuple(".".join(c) for c in cells)


def _break_balance(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """一、新收 + k in one applicant column and in 总计: the row still adds up (I3), the column does not (I1)."""
    found = _requests_parts(report)
    if found is None:
        return None
    table, _, persons, total = found
    received = _side(report.format.identity("I1_carry_balance").lhs)[0]
    return _bump(report, [(table, received, rng.choice(persons)), (table, received, total)], k)


def _break_outcomes(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """One outcome row + k in one applicant column and in 总计: the row adds up (I3), the outcomes do not (I2)."""
    found = _requests_parts(report)
    if found is None:
        return None
    table, parts, persons, total = found
    row = rng.choice(parts)
    return _bump(report, [(table, row, rng.choice(persons)), (table, row, total)], k)


def _break_applicants(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """k moved between two outcome rows of one applicant column: the columns add up (I1, I2), the rows not (I3)."""
    found = _requests_parts(report)
    if found is None:
        return None
    table, parts, persons, _ = found
    places = [(r, c) for r in parts for c in persons if _num(report.get(table, r, c)) >= k]
    if not places:
        return None
    source, column = rng.choice(places)
    target = rng.choice([r for r in parts if r != source])
    _bump(report, [(table, source, column)], -k)
    return (f"{table}.{source}.{column}", *_bump(report, [(table, target, column)], k))


def _break_review_totals(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """One result of 表四 + k, its 总计 kept (I5)."""
    identity = report.format.identity("I5_review_litigation_totals")
    table = report.tables.get(str(identity.lhs.table))
    if table is None:
        return None
    row = rng.choice(table.rows)
    return _bump(report, [(table.table, row.key, rng.choice(identity.lhs.columns))], k)


def _break_within(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """2019 本年新公开 above 本年新制作 by k (S3), 对外公开总数 raised to keep the other bound."""
    identity = report.format.identity("S3_published_within_made")
    table = report.tables.get(str(identity.lhs.table))
    cover = report.format.identity("S3_public_total_covers_new")
    if table is None or cover.rhs is None:
        return None
    rows = [r for r in table.rows if isinstance(r.cells.get(identity.lhs.columns[0]), Decimal)]
    if not rows:
        return None
    row = rng.choice(rows)
    (lhs,), (made,), (public,) = identity.lhs.columns, _columns(identity.rhs), _columns(cover.rhs)
    published = _num(row.cells.get(made)) + k
    row.cells[lhs] = published
    changed = [f"{table.table}.{row.key}.{lhs}"]
    if _num(row.cells.get(public)) < published:
        row.cells[public] = published
        changed.append(f"{table.table}.{row.key}.{public}")
    return tuple(changed)


def _break_rows_sum(identity_id: str) -> Callable[[SynthReport, random.Random, int], tuple[str, ...] | None]:
    def apply(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
        identity = report.format.identity(identity_id)
        table = str(identity.lhs.table)
        rows = [r for r in _side(identity.lhs) if isinstance(report.get(table, r, "year"), Decimal)]
        if not rows or not _evaluated_sum(report, identity_id):
            return None
        return _bump(report, [(table, rng.choice(rows), "year")], k)

    apply.__doc__ = f"One part of {identity_id} + k, the total kept."
    return apply


def _evaluated_sum(report: SynthReport, identity_id: str) -> bool:
    """Whether the total side of an old-format sum is reported (else the identity is not evaluated)."""
    rhs = report.format.identity(identity_id).rhs
    while rhs is not None:
        table = str(rhs.table)
        if any(isinstance(report.get(table, r, "year"), Decimal) for r in _side(rhs)):
            return True
        rhs = rhs.fallback
    return False


def _break_channel(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """One channel k above the proactive total."""
    identity = report.format.identity("proactive_channel_within_total")
    table, proactive = str(identity.lhs.table), identity.rhs
    assert proactive is not None
    total = report.get(str(proactive.table), _side(proactive)[0], "year")
    rows = [r for r in _side(identity.lhs) if isinstance(report.get(table, r, "year"), Decimal)]
    if not rows or not isinstance(total, Decimal):
        return None
    row = rng.choice(rows)
    report.set(table, row, "year", total + k)
    return (f"{table}.{row}.year",)


def _break_share(report: SynthReport, rng: random.Random, k: int) -> tuple[str, ...] | None:
    """A printed share k units of its last decimal off the share of the counts."""
    places = [(t, r) for t in report.tables.values() for r in t.rows if r.published_share]
    if not places:
        return None
    table, row = rng.choice(places)
    printed = Decimal(str(row.published_share))
    exponent = printed.as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    row.published_share = str(printed + k * step)
    return (f"{table.table}.{row.key}.公布占比",)


KINDS: tuple[Kind, ...] = (
    Kind("carry_balance", "I1_carry_balance", "critical", _break_balance),
    Kind("outcomes_total", "I2_outcomes_total", "critical", _break_outcomes),
    Kind("applicants_total", "I3_applicants_total", "critical", _break_applicants),
    Kind("review_totals", "I5_review_litigation_totals", "critical", _break_review_totals),
    Kind("published_exceeds_made", "S3_published_within_made", "warning", _break_within),
    Kind("channels_sum", "application_channels_sum", "critical", _break_rows_sum("application_channels_sum")),
    Kind("answers_sum", "answers_sum", "critical", _break_rows_sum("answers_sum")),
    Kind("channel_above_total", "proactive_channel_within_total", "warning", _break_channel),
    Kind(
        "published_share",
        "published_share_matches_counts",
        "warning",
        _break_share,
        late=True,
        also=("published_share_precision",),
    ),
)
"""The kinds of injected errors; a kind applies to the reports whose format declares its check."""


def kinds_for(fmt: Format) -> list[Kind]:
    declared = {i.id for i in fmt.identities} | {"published_share_matches_counts"}
    return [k for k in KINDS if k.check in declared]


# --- making and writing -----------------------------------------------------------------------------------------


def make_report(template: Report, body: str, seed: int, kind: Kind | None = None) -> tuple[SynthReport, Injection | None]:
    """The synthetic report ``body`` from ``template`` (drawn with ``seed``), with an error of ``kind`` when given
    (None when the report has no place for that kind)."""
    rng = random.Random(seed)
    report = SynthReport(body, template.params.year, template, _tables_of(template, rng))
    (_old if report.format.era == "old-free-text" else _standard)(report, rng)
    injection = None
    k = rng.randint(1, 9)
    if kind is not None and not kind.late:
        injection = _inject(report, kind, rng, k)
    _derive(report)
    if kind is not None and kind.late:
        injection = _inject(report, kind, rng, k)
    return report, injection


def _inject(report: SynthReport, kind: Kind, rng: random.Random, k: int) -> Injection | None:
    cells = kind.apply(report, rng, k)
    if cells is None:
        return None
    return Injection(report.body, report.year, kind.id, kind.check, kind.severity, cells, str(k), kind.also)


def _csv(table: SynthTable, fmt: Format) -> str:
    declared = fmt.tables[table.table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [LABEL_HEADER] + [declared.column(c).label for c in table.columns]
    writer.writerow(header + ([fmt.share_column] if table.shares else []))
    for row in table.rows:
        cells = [_text(row.cells.get(c)) for c in table.columns]
        writer.writerow([row.label, *cells] + ([row.published_share or ""] if table.shares else []))
    return out.getvalue()


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def scrub_prose(text: str) -> str:
    """``text`` with every quantity (count, amount, share, rate) written as 若干 (with its unit) or 一定比例."""
    found = extract(normalize(text)).quantities
    for quantity in sorted(found, key=lambda q: q.start, reverse=True):
        words = f"若干{quantity.unit}" if quantity.kind == "count" and quantity.unit != "%" else "一定比例"
        text = text[: quantity.start] + words + text[quantity.end :]
    return text


def _params(report: SynthReport) -> str:
    params = report.template.params
    data = params.model_dump(mode="json", exclude_defaults=True, exclude={"non_table_figures"})
    number = report.body.rsplit("-", 1)[-1]
    data.update(body=report.body, issuer=f"合成机关{number}", title=f"合成机关{number} {report.year}年政府信息公开工作年度报告")
    note = f"# Synthetic report (nianbao.synth), made from {report.template.label}; not a published report.\n"
    return note + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_report(layout: ProjectLayout, report: SynthReport) -> None:
    data_dir = layout.data_dir(report.body, report.year)
    (data_dir / "prose").mkdir(parents=True, exist_ok=True)
    for table in report.tables.values():
        (data_dir / report.format.tables[table.table].file).write_text(_csv(table, report.format), encoding="utf-8")
    for chapter_id, text in report.template.prose_source.items():
        chapter = report.format.chapter(chapter_id)
        (data_dir / "prose" / str(chapter.file)).write_text(scrub_prose(text), encoding="utf-8")
    layout.params_file(report.body, report.year).parent.mkdir(parents=True, exist_ok=True)
    layout.params_file(report.body, report.year).write_text(_params(report), encoding="utf-8")


@dataclass
class Manifest:
    seed: int
    count: int
    fraction: float
    reports: list[dict] = field(default_factory=list)  # body, year, template, era
    injections: list[Injection] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "count": self.count,
            "fraction": self.fraction,
            "reports": self.reports,
            "injections": [asdict(i) for i in self.injections],
        }

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        injections = [Injection(**{**i, "cells": tuple(i["cells"]), "also": tuple(i["also"])}) for i in data["injections"]]
        return cls(data["seed"], data["count"], data["fraction"], data["reports"], injections)


def generate(source: Path, target: Path, count: int = 1000, *, fraction: float = 0.05, seed: int = 0) -> Manifest:
    """``count`` synthetic reports made from the corpus of the project in ``source``, written as a project into
    ``target`` (params/, data/, and the source's notebooks/ and expectations/), ``fraction`` of them with an
    injected error; the manifest is written to ``target/manifest.json`` and returned."""
    source_layout, layout = ProjectLayout.at(source), ProjectLayout.at(target)
    if layout.root == source_layout.root:
        raise ValueError("the synthetic reports go into a folder of their own, not into the source project")
    templates = [load_report(source_layout, body, year, previous=False) for body, year in source_layout.reports()]
    rng = random.Random(seed)
    width = max(4, len(str(count)))
    chosen = set(rng.sample(range(count), round(count * fraction)))
    layout.root.mkdir(parents=True, exist_ok=True)
    for folder in (NOTEBOOKS_DIR, EXPECTATIONS_DIR):
        shutil.copytree(source_layout.root / folder, layout.root / folder, dirs_exist_ok=True)
    manifest = Manifest(seed, count, fraction)
    used = dict.fromkeys((k.id for k in KINDS), 0)
    for index in range(count):
        template = templates[index % len(templates)]
        body = f"synth-{index + 1:0{width}d}"
        injection = None
        report, _ = make_report(template, body, seed * 1_000_003 + index)
        if index in chosen:  # the kind used least so far; the next one when the report has no place for it
            for kind in sorted(kinds_for(template.format), key=lambda k: (used[k.id], KINDS.index(k))):
                report, injection = make_report(template, body, seed * 1_000_003 + index, kind)
                if injection is not None:
                    used[kind.id] += 1
                    break
        write_report(layout, report)
        manifest.reports.append({"body": body, "year": report.year, "template": template.label, "era": report.format.era})
        if injection is not None:
            manifest.injections.append(injection)
    (layout.root / MANIFEST).write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


# --- comparing a batch's findings with the manifest -------------------------------------------------------------


@dataclass(frozen=True)
class Recall:
    """What a batch found, against the injected errors."""

    injected: int
    found: tuple[Injection, ...]
    missed: tuple[Injection, ...]
    unexpected: tuple[tuple[str, str, str], ...]  # (report, check id, severity): failures no injection explains
    unread: tuple[str, ...]  # reports of the manifest the batch gave no findings for

    @property
    def recall(self) -> float:
        return len(self.found) / self.injected if self.injected else 1.0

    @property
    def false_criticals(self) -> tuple[tuple[str, str], ...]:
        return tuple((report, check) for report, check, severity in self.unexpected if severity == "critical")


def recall(manifest: Manifest, findings: Mapping[str, Iterable[tuple[str, str]]]) -> Recall:
    """``findings``: report label ("synth-0001 2023") → the (check id, severity) of every failed check of the
    report; a report the batch did not read is left out (it is listed as unread)."""
    expected = {i.report: i for i in manifest.injections}
    found: list[Injection] = []
    missed: list[Injection] = []
    unexpected: list[tuple[str, str, str]] = []
    for injection in manifest.injections:
        checks = {check for check, _ in findings.get(injection.report, ())}
        (found if injection.check in checks else missed).append(injection)
    for report, failed in sorted(findings.items()):
        injected = expected.get(report)
        explained = {injected.check, *injected.also} if injected else set()
        unexpected += [(report, check, severity) for check, severity in failed if check not in explained]
    labels = [f"{r['body']} {r['year']}" for r in manifest.reports]
    unread = tuple(label for label in labels if label not in findings)
    return Recall(len(manifest.injections), tuple(found), tuple(missed), tuple(unexpected), unread)
