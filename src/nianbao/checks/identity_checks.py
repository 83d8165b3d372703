"""The identities of a format declaration (``lhs op rhs``), one check per declared identity, whose id, severity
and description the declaration gives.

The identities frame (``frames.identities_frame``) has a row per identity and place it is checked at (a column,
a row, a row stated twice), with the columns named here: the two sides summed (``lhs``, ``rhs``), written out as
expressions (``lhs_expr``, ``rhs_expr``), the relation (``op``) and the files and lines of the terms (``where``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from nianbao.checks.registry import FAILED_CHECKS, CheckType, Outcome, register, where
from nianbao.checks.results import Severity, Verdict
from nianbao.formats import Identity, Terms
from nianbao.inputs.report import format_number

if TYPE_CHECKING:
    from nianbao.inputs.report import Report

FRAME: Final = "identities"
IDENTITY: Final = "identity"
PLACE: Final = "column"  # where the identity is checked: a column, a row, a chapter
LHS: Final = "lhs"
RHS: Final = "rhs"
LHS_EXPR: Final = "lhs_expr"
RHS_EXPR: Final = "rhs_expr"
OP: Final = "op"
WHERE: Final = "where"
LHS_NAME: Final = "lhs_name"  # how the summary names a side (the declared ``name``, else its terms' labels)
RHS_NAME: Final = "rhs_name"
UNIT: Final = "unit"  # the unit both sides are counted in ("" when they differ)
COLUMNS: Final = (IDENTITY, PLACE, LHS, RHS, LHS_EXPR, RHS_EXPR, OP, WHERE, LHS_NAME, RHS_NAME, UNIT)
"""Every column of the identities frame, in order."""


def _present(report: Report, terms: Terms) -> bool:
    """Whether the report has the table one side of an identity reads (or the table of its fallback)."""
    if terms.previous:
        return True
    table = report.share_spec(terms.share_base).base_ref.table if terms.share_base is not None else terms.table
    if table is None or table in report.tables:
        return True
    return terms.fallback is not None and _present(report, terms.fallback)


def _tables(report: Report, terms: Terms | None) -> list[str]:
    """The tables of this report one side of an identity reads (with its fallback and the terms it adds)."""
    if terms is None or terms.previous:
        return []
    table = report.share_spec(terms.share_base).base_ref.table if terms.share_base is not None else terms.table
    found = [table] if table is not None else []
    for more in (terms.fallback, *terms.also):
        found += _tables(report, more)
    return found


def unreadable_tables(report: Report, identity: Identity) -> list[str]:
    """The tables whose rows an identity sums that have a label the declaration does not know: a sum over such a
    table would leave the row out, so the identity is not evaluated (the unknown label is the finding). A
    comparison row by row (``same_as``) compares the known rows only."""
    if identity.along == "same_as":
        return []
    tables = dict.fromkeys(_tables(report, identity.lhs) + _tables(report, identity.rhs))
    return [t for t in tables if report.unknown_labels(t)]


def relation(op: str) -> str:
    """How a table of identities prints the relation ``op``: = or ≤."""
    return "=" if op == "==" else "≤"


def broken(op: str) -> str:
    """How a failure prints the relation ``op`` does not hold in: ≠ or >."""
    return "≠" if op == "==" else ">"


def verdict(record: dict) -> Verdict:
    """What the identity came to at one row of the identities frame: 不通过 when a check flagged the row."""
    return Verdict.FAILED if record[FAILED_CHECKS] else Verdict.PASSED


@register
class DeclaredIdentity(CheckType[Identity]):
    """``lhs == rhs`` or ``lhs <= rhs`` at every row of the identities frame that belongs to the identity."""

    id = "identity"
    frame = FRAME

    def expectations(self, declared: Identity) -> list[dict]:
        condition = {"row_condition": where(IDENTITY, declared.id)}
        kwargs: dict[str, Any]
        if declared.op == "==":
            gx_type, kwargs = "expect_column_pair_values_to_be_equal", {"column_A": LHS, "column_B": RHS}
        else:
            gx_type = "expect_column_pair_values_a_to_be_greater_than_b"
            kwargs = {"column_A": RHS, "column_B": LHS, "or_equal": True}
        return [
            self.expectation(
                gx_type,
                {**kwargs, **condition},
                severity=Severity(declared.severity),
                description=declared.description,
                check=declared.id,
                identity=declared.id,
                op=declared.op,
            )
        ]

    def reads(self, declared: Identity) -> tuple[str, ...]:
        return COLUMNS

    def applies(self, outcome: Outcome) -> bool:
        """Not for a report that does not make the ``claim`` the identity is declared for, or that has no data file
        for the table of one of its sides (nor of its fallback).
        A side taken from last year's report does not decide: without last year the identity applies but is not
        evaluated."""
        report = outcome.report
        identity = report.format.identity(outcome.meta["identity"])
        if identity.claim is not None and identity.claim not in report.params.claims:
            return False
        return all(_present(report, side) for side in (identity.lhs, identity.rhs) if side is not None)

    def blocked(self, outcome: Outcome) -> str | None:
        report = outcome.report
        tables = unreadable_tables(report, report.format.identity(outcome.meta["identity"]))
        if not tables:
            return None
        titles = "、".join(f"“{report.format.tables[t].title}”" for t in tables)
        return f"未评估：{titles}中有未声明的指标，无法求和"

    def details(self, outcome: Outcome) -> list[str]:
        return [
            f"{rec[PLACE]}: {rec[LHS_EXPR]} {broken(rec[OP])} {rec[RHS_EXPR]}（{rec[WHERE]}）" for rec in outcome.unexpected()
        ]

    plain_wording = "{place}：{lhs_name}{lhs}{unit}，与{rhs_name}{rhs}{unit}相差{difference}{unit}"
    plain_wording_at_most = "{place}：{lhs_name}{lhs}{unit}，比{rhs_name}{rhs}{unit}多{difference}{unit}"

    def findings(self, outcome: Outcome) -> list[dict]:
        found = []
        for rec in outcome.unexpected():
            lhs, rhs = _decimal(rec[LHS]), _decimal(rec[RHS])
            found.append(
                {
                    "op": rec[OP],
                    "place": rec[PLACE],
                    "lhs_name": rec[LHS_NAME],
                    "rhs_name": rec[RHS_NAME],
                    "unit": rec[UNIT],
                    "lhs": format_number(lhs),
                    "rhs": format_number(rhs),
                    "difference": format_number(abs(lhs - rhs)),
                }
            )
        return found

    def plain(self, outcome: Outcome) -> list[str]:
        """``plain_wording`` for an equality, ``plain_wording_at_most`` for a side that may not exceed the other."""
        return [
            (self.plain_wording if fields["op"] == "==" else self.plain_wording_at_most).format(**fields)
            for fields in self.findings(outcome)
        ]


def _decimal(value: float) -> Decimal:
    """A side's sum (a float in the frame) as the decimal it was summed from, without binary noise."""
    return Decimal(repr(float(value))).normalize()
