"""The result of the checks of a report: each check's severity, success and wording (``Check``), all of them
together (``Validation``, written to and read from ``validation.json``), and the words a report prints for a
severity (``Severity``) and for an outcome (``Verdict``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from nianbao.labels import Labelled


class Severity(Labelled):
    """How much a failed check matters: a critical failure stops the report, the others are listed in it."""

    CRITICAL = "critical", "严重"
    WARNING = "warning", "警告"
    INFO = "info", "提示"


class Verdict(StrEnum):
    """What a check, or a row it checked, came to, in the words of the report.

    不通过 whenever the check failed; otherwise 不适用 when the check does not apply to this report by its
    declaration (the report has no such table, does not make the statement the check is declared for); 未评估 when
    it applies but found nothing to evaluate (no reported cell, no sentence, a table whose labels are not all
    known); 通过 when it evaluated something and that held."""

    PASSED = "通过"
    FAILED = "不通过"
    NOT_EVALUATED = "未评估"
    NOT_APPLICABLE = "不适用"

    @classmethod
    def of(cls, *, success: bool, evaluated: int | None, applicable: bool = True) -> Verdict:
        """The verdict of a check from its success, the rows it evaluated and whether it applies (see the class)."""
        if not success:
            return cls.FAILED
        if not applicable:
            return cls.NOT_APPLICABLE
        return cls.NOT_EVALUATED if evaluated == 0 else cls.PASSED


@dataclass
class Check:
    """One expectation run on a report: its suite, check id, severity, success and, when it failed, the details."""

    suite: str
    check: str
    severity: Severity
    success: bool
    description: str
    table: str | None = None
    details: list[str] = field(default_factory=list)
    evaluated: int | None = None  # rows the check looked at (0: nothing to evaluate)
    applicable: bool = True  # False: the check does not apply to this report by its declaration
    plain: list[str] = field(default_factory=list)  # the failure in plain sentences, for the check summary

    def __post_init__(self) -> None:
        self.severity = Severity(self.severity)

    @property
    def failed_critical(self) -> bool:
        return not self.success and self.severity == Severity.CRITICAL

    @property
    def verdict(self) -> Verdict:
        return Verdict.of(success=self.success, evaluated=self.evaluated, applicable=self.applicable)

    def to_json(self) -> dict:
        """The check as ``validation.json`` holds it: its fields in order, the severity as a plain string, and its
        verdict."""
        return {**asdict(self), "severity": self.severity.value, "verdict": self.verdict.value}

    def message(self) -> str:
        """The check as the command line prints it: ``[severity] description`` and one line per detail."""
        head = f"[{self.severity.label}] {self.description}"
        return head + "".join(f"\n    - {d}" for d in self.details)


@dataclass
class Validation:
    """Every check of a report, with the identities and published shares they ran on and the reading notes."""

    report: str
    era: str
    checks: list[Check]
    identities: list[dict]
    shares: list[dict]
    notes: list[str]
    prose: list[dict] = field(default_factory=list)  # every number of the prose chapters and its verdict

    @property
    def critical_failures(self) -> list[Check]:
        return [c for c in self.checks if c.failed_critical]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if not c.success and c.severity is Severity.WARNING]

    @property
    def notices(self) -> list[Check]:
        """Failed checks of severity 提示: for the analyst (e.g. the numbers of the prose no table states)."""
        return [c for c in self.checks if not c.success and c.severity is Severity.INFO]

    @property
    def success(self) -> bool:
        return not self.critical_failures

    def count(self, verdict: Verdict) -> int:
        """How many checks came to ``verdict``."""
        return sum(c.verdict is verdict for c in self.checks)

    def counts(self) -> dict[str, int]:
        """The checks, and how many passed, failed (critical, as a warning, or as a notice), were not evaluated and
        do not apply: every check is counted once."""
        return {
            "checks": len(self.checks),
            "passed": self.count(Verdict.PASSED),
            "critical_failures": len(self.critical_failures),
            "warnings": len(self.warnings),
            "notices": len(self.notices),
            "not_evaluated": self.count(Verdict.NOT_EVALUATED),
            "not_applicable": self.count(Verdict.NOT_APPLICABLE),
        }

    def summary(self) -> str:
        n = self.counts()
        return (
            f"{self.report}: {n['checks']} 项检查，{n['passed']} 项通过，{n['critical_failures']} 项严重不通过，"
            f"{n['warnings']} 项警告，{n['notices']} 项提示，{n['not_evaluated']} 项未评估，{n['not_applicable']} 项不适用"
        )

    def to_json(self) -> dict:
        return {
            "report": self.report,
            "era": self.era,
            "success": self.success,
            "counts": self.counts(),
            "checks": [c.to_json() for c in self.checks],
            "identities": self.identities,
            "shares": self.shares,
            "notes": self.notes,
            "prose": self.prose,
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Validation:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            report=data["report"],
            era=data["era"],
            checks=[Check(**{k: v for k, v in c.items() if k != "verdict"}) for c in data["checks"]],
            identities=data["identities"],
            shares=data["shares"],
            notes=data["notes"],
            prose=data.get("prose", []),
        )
