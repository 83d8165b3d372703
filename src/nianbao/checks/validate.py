"""Running the expectation suites of ``expectations/<era>/`` on a report with Great Expectations.

Great Expectations is imported here and only here, when a validation runs: it takes seconds to import.
The outcome is a ``Validation``: every check with its severity and success, and for every failure the
table, the rows (file and line), the expected and the observed values, in the words of the check type that
built the expectation (``registry``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd

from nianbao.checks import identity_checks, prose_checks, share_checks
from nianbao.checks.frames import frames
from nianbao.checks.registry import FAILED_CHECKS, REGISTRY, Outcome
from nianbao.checks.results import Check, Severity, Validation
from nianbao.checks.suites import load_suites
from nianbao.errors import DeclarationError
from nianbao.inputs.report import Report


def _gx() -> tuple[Any, Any]:
    """The great_expectations module and an ephemeral context that draws no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, context


@dataclass(frozen=True)
class _Suite:
    """One suite file of the era: its file name and its JSON."""

    file: str
    json: dict

    @property
    def name(self) -> str:
        return self.json["name"]

    @property
    def meta(self) -> dict:
        return self.json.get("meta", {})

    @property
    def frame(self) -> str:
        """The frame the suite runs on (``frames`` keeps it under this name)."""
        return self.meta.get("frame", "")

    @property
    def expectations(self) -> list[dict]:
        return self.json["expectations"]

    def check(
        self,
        expectation: dict,
        *,
        success: bool,
        details: list[str],
        evaluated: int,
        applicable: bool = True,
        severity: Severity | None = None,
        plain: list[str] | None = None,
    ) -> Check:
        """The result of one of its expectations (at ``severity`` when the check type decides it for the report)."""
        meta = expectation["meta"]
        return Check(
            suite=self.name,
            check=meta["check"],
            severity=severity or expectation["severity"],
            success=success,
            description=meta["description"],
            table=self.meta.get("table"),
            details=details,
            evaluated=evaluated,
            applicable=applicable,
            plain=plain or [],
        )


def _not_applicable(suite: _Suite) -> list[Check]:
    """The checks of a table the report has no data file for: they do not apply to this report."""
    return [suite.check(e, success=True, details=[], evaluated=0, applicable=False) for e in suite.expectations]


@dataclass(frozen=True)
class _Runner:
    """Great Expectations, ready to validate the frames of one report."""

    report: Report
    gx: Any  # the great_expectations module
    source: Any  # the pandas data source the frames are added to

    def run(self, suite: _Suite, frame: pd.DataFrame) -> list[Check]:
        """Validate ``frame`` against ``suite``; record on each row of the frame the checks that flagged it."""
        expectations = self.gx.ExpectationSuite(name=suite.name, expectations=suite.expectations, meta=suite.meta)
        asset = self.source.add_dataframe_asset(suite.file.removesuffix(".json"))
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(expectations, result_format="COMPLETE")
        checks: list[Check] = []
        failed_rows: dict[Any, list[str]] = {}  # frame index -> checks that flagged the row
        for config, result in zip(suite.expectations, outcome.results, strict=True):
            res = result.result or {}
            for index in res.get("unexpected_index_list") or []:
                failed_rows.setdefault(index, []).append(config["meta"]["check"])
            if result.exception_info and result.exception_info.get("raised_exception"):
                message = result.exception_info.get("exception_message")
                raise DeclarationError(f"校验规则 {suite.file} / {config['meta']['check']} 无法执行: {message}")
            seen = Outcome(report=self.report, suite=suite.meta, expectation=config, frame=frame, result=res)
            checks.append(self._check(suite, seen, success=bool(result.success)))
        frame[FAILED_CHECKS] = [failed_rows.get(index, []) for index in frame.index]
        return checks

    def _check(self, suite: _Suite, seen: Outcome, *, success: bool) -> Check:
        """The result of one expectation, worded and counted by the type that built it."""
        check_type = REGISTRY.for_expectation(seen.expectation)
        applicable = check_type.applies(seen)
        if (reason := check_type.blocked(seen)) is not None:
            return suite.check(seen.expectation, success=True, details=[reason], evaluated=0, applicable=applicable)
        details = [] if success else check_type.details(seen)
        return suite.check(
            seen.expectation,
            success=success,
            details=details,
            plain=[] if success else check_type.plain(seen),
            evaluated=check_type.evaluated(seen),
            applicable=applicable,
            severity=check_type.severity_of(seen),
        )


def validate(report: Report) -> Validation:
    """Run every suite of the report's era. Critical failures do not raise; the caller decides."""
    suites = load_suites(report.root, report.format.era)
    if not suites:
        raise DeclarationError(
            f"expectations/{report.format.era}/ 中没有校验规则",
            hint="运行 `nianbao expectations --write` 由格式声明生成",
        )
    gx, context = _gx()
    data = frames(report)
    runner = _Runner(report, gx, context.data_sources.add_pandas("report"))
    checks: list[Check] = []
    for file, suite_json in suites.items():
        suite = _Suite(file, suite_json)
        frame = data.get(suite.frame)
        if frame is None:  # the table has no data file in this report
            checks += _not_applicable(suite)
        else:
            checks += runner.run(suite, frame)
    return Validation(
        report=report.label,
        era=report.format.era,
        checks=checks,
        identities=data[identity_checks.FRAME].to_dict(orient="records"),
        shares=data[share_checks.FRAME].to_dict(orient="records"),
        prose=data[prose_checks.FRAME].to_dict(orient="records"),
        notes=report.notes,
    )
