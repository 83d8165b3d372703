"""The live check cells of a workbook: each identity the format declares, at every place the validation checks it
(a column, a row, a row stated twice), as Excel formulas over the value cells, so that the workbook shows while
the analyst types whether the identities hold.

The formulas follow the validation's reading of an identity (``checks.frames``): a side is the sum of the reported
cells of its terms (an empty cell is not a 0); a side with no reported cell falls back to its ``fallback`` terms or
is not evaluated, and the check cell stays empty; ``also`` terms are added; ``each`` checks every term of the left
side on its own. Terms from last year's report (``previous``) are last year's numbers, written into the formula as
constants (without last year's data the place is not checked live). An identity declared for a ``claim`` is
written only when the params make that claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from nianbao.entry.layout import SheetLayout, ValueCell
from nianbao.formats import CellRef, Format, Identity, ShareSpec, Terms

PASSED = "✓"
FAILED = "✗"

Previous = Callable[[str, str, str], Decimal | None]  # (table, row, column) -> last year's value, None if not reported


@dataclass(frozen=True)
class Side:
    """One side of an identity at one place: its sum and the condition under which it can be summed."""

    total: str
    ready: str


@dataclass(frozen=True)
class CheckLine:
    identity: Identity
    sheet: str  # the sheet whose check block shows the line
    place: str  # the column or row checked, as the validation names it
    lhs: Side
    rhs: Side

    @property
    def relation(self) -> str:
        return "=" if self.identity.op == "==" else "≤"

    def value(self, side: Side) -> str:
        return f'=IF({side.ready},{side.total},"")'

    def result(self) -> str:
        difference = f"ROUND(({self.lhs.total})-({self.rhs.total}),6)"
        holds = f"{difference}=0" if self.identity.op == "==" else f"{difference}<=0"
        return f'=IF(AND({self.lhs.ready},{self.rhs.ready}),IF({holds},"{PASSED}","{FAILED}"),"")'


@dataclass(frozen=True)
class Sources:
    """What the formulas read: the format, its sheets, the report's shares and claims, and last year's values."""

    fmt: Format
    sheets: list[SheetLayout]
    share: Callable[[str], ShareSpec]
    claims: tuple[str, ...] = ()
    previous: Previous | None = None

    def cells(self, table: str, rows: tuple[str, ...] | str, column: str) -> list[tuple[str, ValueCell]]:
        """(sheet, cell) of ``rows`` (``"all"``: every row, free rows included) of ``table`` in ``column``."""
        found = []
        for sheet in self.sheets:
            for cell in sheet.values:
                if cell.table == table and cell.column == column and (rows == "all" or cell.row in rows):
                    found.append((sheet.name, cell))
        if rows == "all":
            return found
        order = {row: index for index, row in enumerate(rows)}
        return sorted(found, key=lambda item: order[item[1].row])

    def sheet_of(self, table: str) -> str | None:
        return next((s.name for s in self.sheets if table in s.tables), None)


def reference(here: str, sheet: str, cell: ValueCell) -> str:
    """The cell as a formula on sheet ``here`` names it."""
    return cell.at if sheet == here else f"'{sheet}'!{cell.at}"


def _terms_table(sources: Sources, terms: Terms) -> tuple[str | None, tuple[str, ...] | str]:
    if terms.share_base is not None:
        ref = sources.share(terms.share_base).base_ref
        return ref.table, (ref.row,)
    return terms.table, terms.rows


def _addresses(sources: Sources, terms: Terms, along: str, slot: str) -> list[tuple[str, ValueCell]]:
    table, rows = _terms_table(sources, terms)
    if table is None:
        return []
    if along == "column":
        return sources.cells(table, rows, slot)
    return [found for column in terms.columns for found in sources.cells(table, (slot,), column)]


def _previous_side(sources: Sources, terms: Terms, along: str, slot: str) -> Side | None:
    table, rows = _terms_table(sources, terms)
    if sources.previous is None or table is None:
        return None
    keys = (
        [(table, row, slot) for row in rows if rows != "all"]
        if along == "column"
        else [(table, slot, column) for column in terms.columns]
    )
    values = [v for v in (sources.previous(*key) for key in keys) if v is not None]
    return Side(f"{sum(values, Decimal(0)):f}", "TRUE") if values else None


def side(sources: Sources, terms: Terms, *, along: str, slot: str, here: str) -> Side | None:
    """One side at ``slot`` as formulas on sheet ``here``; None when it can never be summed (no such cells, or
    last year's cells not reported)."""
    if terms.previous:
        own = _previous_side(sources, terms, along, slot)
    else:
        cells = ",".join(reference(here, sheet, cell) for sheet, cell in _addresses(sources, terms, along, slot))
        own = Side(f"SUM({cells})", f"COUNT({cells})>0") if cells else None
    if terms.fallback is not None:
        fallback = side(sources, terms.fallback, along=along, slot=slot, here=here)
        if own is None:
            own = fallback
        elif fallback is not None:
            primary = own.ready
            own = Side(f"IF({primary},{own.total},{fallback.total})", f"OR({primary},{fallback.ready})")
    for extra in terms.also:
        more = side(sources, extra, along=along, slot=slot, here=here)
        if own is None or more is None:
            return None
        own = Side(f"{own.total}+{more.total}", f"AND({own.ready},{more.ready})")
    return own


def _slots(sources: Sources, identity: Identity) -> list[tuple[str, str]]:
    """(slot id, how the validation names it) for every column or row of the identity."""
    table = sources.fmt.tables[identity.lhs.table] if identity.lhs.table else None
    if identity.along == "column":
        columns = table.columns if table is not None else sources.fmt.columns
        return [(c.id, f"{c.label}列") for c in columns if not identity.columns or c.id in identity.columns]
    rows = {cell.row: cell.label for sheet in sources.sheets for cell in sheet.values if table and cell.table == table.id}
    return [(row, f"“{label}”行") for row, label in rows.items() if row and (not identity.rows or row in identity.rows)]


def _same_as_lines(sources: Sources, identity: Identity, here: str) -> list[CheckLine]:
    """A row stated twice (``Row.same_as``): the table's row against the row it states again, in the first column."""
    table = sources.fmt.tables[str(identity.lhs.table)]
    column = table.columns[0].id
    lines = []
    for row in table.rows:
        if row.same_as is None:
            continue
        ref = CellRef.parse(row.same_as)
        left = sources.cells(table.id, (row.id,), column)
        right = sources.cells(ref.table, (ref.row,), column)
        if left and right:
            lhs, rhs = (reference(here, *left[0]), reference(here, *right[0]))
            lines.append(
                CheckLine(identity, here, f"“{row.label}”行", Side(lhs, f"COUNT({lhs})>0"), Side(rhs, f"COUNT({rhs})>0"))
            )
    return lines


def identity_lines(sources: Sources, identity: Identity) -> list[CheckLine]:
    """The check lines of one identity, on the sheet of its left side's table."""
    if identity.claim is not None and identity.claim not in sources.claims:
        return []
    table, _ = _terms_table(sources, identity.lhs)
    here = sources.sheet_of(table) if table is not None else None
    if here is None:
        return []
    if identity.along == "same_as":
        return _same_as_lines(sources, identity, here)
    lines = []
    for slot, place in _slots(sources, identity):
        lhs = side(sources, identity.lhs, along=identity.along, slot=slot, here=here)
        rhs = side(sources, identity.rhs, along=identity.along, slot=slot, here=here) if identity.rhs else None
        if lhs is None or rhs is None:
            continue
        if identity.each and not identity.lhs.previous:
            for sheet, cell in _addresses(sources, identity.lhs, identity.along, slot):
                ref = reference(here, sheet, cell)
                lines.append(CheckLine(identity, here, f"{place}“{cell.label}”", Side(ref, f"COUNT({ref})>0"), rhs))
        else:
            lines.append(CheckLine(identity, here, place, lhs, rhs))
    return lines


def check_lines(sources: Sources) -> dict[str, list[CheckLine]]:
    """Every check line of the format, by the sheet that shows it."""
    by_sheet: dict[str, list[CheckLine]] = {s.name: [] for s in sources.sheets}
    for identity in sources.fmt.identities:
        for line in identity_lines(sources, identity):
            by_sheet[line.sheet].append(line)
    return by_sheet


def carried_over(sources: Sources) -> dict[tuple[str, str, str], tuple[Decimal, str]]:
    """Cells a new report can take from last year's: the left side of an identity ``this == last year's`` with one
    term on each side (e.g. 上年结转 = last year's 结转下年度继续办理). (table, row, column) -> (value, the identity's
    description)."""
    found: dict[tuple[str, str, str], tuple[Decimal, str]] = {}
    if sources.previous is None:
        return found
    for identity in sources.fmt.identities:
        lhs, rhs = identity.lhs, identity.rhs
        if rhs is None or not rhs.previous or lhs.previous or lhs.also or rhs.also or lhs.share_base or rhs.share_base:
            continue
        if identity.op != "==" or identity.along != "column":
            continue
        if len(lhs.rows) != 1 or len(rhs.rows) != 1 or lhs.table is None or rhs.table is None:
            continue
        for slot, _ in _slots(sources, identity):
            value = sources.previous(rhs.table, rhs.rows[0], slot)
            if value is not None:
                found[(lhs.table, lhs.rows[0], slot)] = (value, identity.description)
    return found
