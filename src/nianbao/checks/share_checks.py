"""The published shares: each share a report prints, against the share recomputed from the counts at the precision
it was printed with, and against itself as the declared precision and trailing zeros print it (a share whose value
is wrong but printed as declared is flagged once, as not matching the counts).

The published-shares frame (``frames.shares_frame``) has a row per published share and the columns named here.
A share check also says how the report's table of shares names a share it flagged (``ShareCheck.finding``);
``share_verdict`` gives that word for a row.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar, Final

from nianbao.checks.registry import FAILED_CHECKS, CheckType, Outcome, register
from nianbao.checks.results import Severity
from nianbao.formats import Format

FRAME: Final = "published_shares"
SHARE: Final = "share"
TITLE: Final = "title"
TABLE: Final = "table"
LABEL: Final = "label"
LINE: Final = "line"
VALUE: Final = "value"
BASE: Final = "base"
PUBLISHED: Final = "published"
EXACT: Final = "exact"
AT_PRINTED: Final = "at_printed"
AT_DECLARED: Final = "at_declared"
AS_DECLARED: Final = "as_declared"  # the published share as the declared precision and trailing zeros print it
PRECISION: Final = "precision"
PRINTED_DECIMALS: Final = "printed_decimals"
FILE: Final = "file"
COLUMNS: Final = (
    SHARE,
    TITLE,
    TABLE,
    LABEL,
    LINE,
    VALUE,
    BASE,
    PUBLISHED,
    EXACT,
    AT_PRINTED,
    AT_DECLARED,
    AS_DECLARED,
    PRECISION,
    PRINTED_DECIMALS,
    FILE,
)
"""Every column of the published-shares frame, in order."""

CONSISTENT: Final = "一致"


class ShareCheck(CheckType[Format]):
    """Two columns of the published-shares frame are equal (``columns``)."""

    frame = FRAME
    severity: ClassVar[Severity] = Severity.WARNING
    columns: ClassVar[tuple[str, str]]
    description: ClassVar[str]
    finding: ClassVar[str]  # how the table of shares names a share this check flagged

    def expectations(self, declared: Format) -> list[dict]:
        return [
            self.expectation(
                "expect_column_pair_values_to_be_equal",
                {"column_A": self.columns[0], "column_B": self.columns[1]},
                severity=self.severity,
                description=self.description,
            )
        ]

    def details(self, outcome: Outcome) -> list[str]:
        return [self.sentence(rec) for rec in outcome.unexpected()]

    def findings(self, outcome: Outcome) -> list[dict]:
        return outcome.unexpected()  # the template reads the frame's columns

    @abstractmethod
    def sentence(self, record: dict) -> str:
        """One flagged share in words: where it is printed, what it is and what it should be."""


@register
class PublishedShareMatchesCounts(ShareCheck):
    """The published share is the share of the counts, rounded to the decimals it is printed with."""

    id = "published_share_matches_counts"
    columns = (PUBLISHED, AT_PRINTED)
    description = "公布的占比应与由件数按公布的小数位数四舍五入重新计算的占比一致"
    finding = "与件数不符"
    plain_wording = "{title}：“{label}”{value}，按{base}计算占比应为{at_printed}%，报告公布为{published}%"

    def reads(self, declared: Format) -> tuple[str, ...]:
        return (PUBLISHED, AT_PRINTED, FILE, LINE, LABEL, VALUE, BASE, EXACT, PRINTED_DECIMALS)

    def sentence(self, record: dict) -> str:
        return (
            f"{record[FILE]} 第{record[LINE]}行 {record[LABEL]}: 公布 {record[PUBLISHED]}%，"
            f"由 {record[VALUE]} / {record[BASE]} 计算为 {record[EXACT]}%，"
            f"按公布的 {record[PRINTED_DECIMALS]} 位小数四舍五入应为 {record[AT_PRINTED]}%"
        )


@register
class PublishedSharePrecision(ShareCheck):
    """The published share is printed with the decimals the declaration gives its group."""

    id = "published_share_precision"
    columns = (PUBLISHED, AS_DECLARED)
    description = "公布的占比应按声明的小数位数印刷（报告中按声明的精度呈现）"
    finding = "精度不同"
    plain_wording = "{title}：“{label}”的占比公布为{published}%，报告中按同组的{precision}位小数呈现为{at_declared}%"

    def reads(self, declared: Format) -> tuple[str, ...]:
        return (PUBLISHED, AS_DECLARED, AT_DECLARED, FILE, LINE, LABEL, PRINTED_DECIMALS, PRECISION)

    def sentence(self, record: dict) -> str:
        return (
            f"{record[FILE]} 第{record[LINE]}行 {record[LABEL]}: 公布 {record[PUBLISHED]}%"
            f"（{record[PRINTED_DECIMALS]} 位小数），同组占比声明为 {record[PRECISION]} 位小数，"
            f"报告中呈现为 {record[AT_DECLARED]}%"
        )


def share_verdict(record: dict) -> str:
    """How the table of shares names one row of the published-shares frame: the finding of the first share check
    (in registration order) that flagged it, else 一致."""
    for check in ShareCheck.registered():
        if check.id in record[FAILED_CHECKS]:
            return check.finding
    return CONSISTENT
