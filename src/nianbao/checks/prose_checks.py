"""The numbers of the prose chapters against the tables (``prose``): a check that no number contradicts the tables
and one that every number is bound to a figure of the tables.

The prose frame (``frames.prose_frame``) has a row per number of the prose chapters (and per claim such as
均获维持), with the columns named here: where it is, the sentence with the number marked, what it was bound to,
the cells it was compared with, what the tables give and the verdict (``prose.VERDICTS``; 非数量 for a number
that is not a quantity, with the reason it was skipped).
"""

from __future__ import annotations

from typing import ClassVar, Final

from nianbao.checks.prose import INCONSISTENT, SKIPPED, UNBOUND
from nianbao.checks.registry import CheckType, Outcome, register
from nianbao.checks.results import Severity
from nianbao.formats import Format

FRAME: Final = "prose_numbers"
CHAPTER: Final = "chapter"
FILE: Final = "file"
LINE: Final = "line"
SENTENCE: Final = "sentence"
STATED: Final = "stated"
KIND: Final = "kind"
VERDICT: Final = "verdict"
FAMILY: Final = "family"
READING: Final = "reading"
CELL: Final = "cell"
EXPECTED: Final = "expected"
REASON: Final = "reason"
COLUMNS: Final = (CHAPTER, FILE, LINE, SENTENCE, STATED, KIND, VERDICT, FAMILY, READING, CELL, EXPECTED, REASON)
"""Every column of the prose frame, in order (the fields of ``prose.Finding``)."""


class ProseCheck(CheckType[Format]):
    """No row of the prose frame has the verdict ``flagged``."""

    frame = FRAME
    severity: ClassVar[Severity]
    flagged: ClassVar[str]
    description: ClassVar[str]

    def expectations(self, declared: Format) -> list[dict]:
        return [
            self.expectation(
                "expect_column_values_to_not_be_in_set",
                {"column": VERDICT, "value_set": [self.flagged]},
                severity=self.severity,
                description=self.description,
            )
        ]

    def evaluated(self, outcome: Outcome) -> int:
        """The quantities and claims of the prose (not the numbers skipped as no quantity)."""
        return int((outcome.frame[VERDICT] != SKIPPED).sum()) if len(outcome.frame) else 0


@register
class ProseMatchesTables(ProseCheck):
    """Every number of the prose bound to a figure of the tables agrees with it (a warning; ``prose_mismatch:
    critical`` in the params makes it critical)."""

    id = "prose_matches_tables"
    severity = Severity.WARNING
    flagged = INCONSISTENT
    description = "正文中的数字应与表格一致（数量、占比、增减幅度、其中各项之和、“均获维持”等表述）"

    def reads(self, declared: Format) -> tuple[str, ...]:
        return (VERDICT, FILE, LINE, SENTENCE, REASON, CELL, STATED)

    def severity_of(self, outcome: Outcome) -> Severity:
        return Severity(outcome.report.params.prose_mismatch)

    plain_wording = "正文“{sentence}”与表格不一致：{reason}"

    def findings(self, outcome: Outcome) -> list[dict]:
        return outcome.unexpected()

    def details(self, outcome: Outcome) -> list[str]:
        return [f"{rec[FILE]} 第{rec[LINE]}行 “{rec[SENTENCE]}”: {rec[REASON]}" for rec in outcome.unexpected()]


@register
class ProseNumbersBound(ProseCheck):
    """Every number of the prose is bound to a figure of the tables or declared not a table figure (a number
    nothing binds is listed, never counted as passed)."""

    id = "prose_numbers_bound"
    severity = Severity.INFO
    flagged = UNBOUND
    description = "正文中的每个数字应能对应到表格数据，或在参数 non_table_figures 中声明为非表格数据"

    def reads(self, declared: Format) -> tuple[str, ...]:
        return (VERDICT, FILE, LINE, SENTENCE, REASON, STATED)

    def details(self, outcome: Outcome) -> list[str]:
        return [
            f"{rec[FILE]} 第{rec[LINE]}行 “{rec[SENTENCE]}”" + (f": {rec[REASON]}" if rec[REASON] else "")
            for rec in outcome.unexpected()
        ]

    plain_wording = "正文中的数字{stated}未能对应到表格数据：“{sentence}”"

    def findings(self, outcome: Outcome) -> list[dict]:
        return outcome.unexpected()
