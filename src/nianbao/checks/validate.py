"""Running the expectation suites of ``expectations/<era>/`` on a report with Great Expectations.

Great Expectations is imported here and only here, when a validation runs: it takes seconds to import. Its
context, its data source and assets, and the expectation suites are made once per process and kept (the suites
under the hash of their JSON, so that an edited suite file is built again), so that the validations after the first
in a process (a batch worker, ``nianbao watch``) take milliseconds.
The outcome is a ``Validation``: every check with its severity and success, and for every failure the
table, the rows (file and line), the expected and the observed values, in the words of the check type that
built the expectation (``registry``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import pickle
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


@functools.cache
def gx_source() -> tuple[Any, Any]:
    """The great_expectations module and the pandas data source of an ephemeral context that draws no progress
    bars (made once per process)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, context.data_sources.add_pandas("report")


@functools.cache
def batch_definition(asset: str) -> Any:
    """The whole-dataframe batch definition of the asset named ``asset`` (one per suite file, made once)."""
    _, source = gx_source()
    return source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("all")


_suites: dict[str, Any] = {}  # the hash of a suite's JSON -> its ExpectationSuite


def suite_digest(suite: Suite) -> str:
    return hashlib.sha256(json.dumps(suite.json, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def expectation_suite(suite: Suite, digest: str) -> Any:
    """The ExpectationSuite of ``suite``, whose JSON hashes to ``digest``, built once per content."""
    if digest not in _suites:
        gx, _ = gx_source()
        expectations = copy.deepcopy(suite.expectations)  # the suite keeps them
        _suites[digest] = gx.ExpectationSuite(name=suite.name, expectations=expectations, meta=copy.deepcopy(suite.meta))
    return _suites[digest]


Result = tuple[bool, dict, "str | None"]  # an expectation's success, its result, the message of what it raised
_outcomes: dict[tuple[str, str], list[Result]] = {}  # (suite hash, frame hash) -> the results of its expectations
_OUTCOMES_KEPT = 256


def _frame_digest(frame: pd.DataFrame) -> str:
    """A hash of the frame's content (columns, index, values)."""
    return hashlib.sha256(pickle.dumps(frame, protocol=5)).hexdigest()


def _outcome(suite: Suite, frame: pd.DataFrame) -> list[Result]:
    """The result of each expectation of ``suite`` on ``frame``, in the suite's order. Great Expectations runs once
    per suite and frame content in a process: validating again data that did not change (``nianbao watch`` after
    another file of the report was saved) takes no time."""
    digest = suite_digest(suite)
    key = (digest, _frame_digest(frame))
    if key in _outcomes:
        return _outcomes[key]
    results = gx_results(suite, frame, digest)
    if len(_outcomes) >= _OUTCOMES_KEPT:
        _outcomes.pop(next(iter(_outcomes)))
    _outcomes[key] = results
    return results


def gx_results(suite: Suite, frame: pd.DataFrame, digest: str | None = None) -> list[Result]:
    """Great Expectations' result of each expectation of ``suite`` on ``frame``, in the suite's order (``digest``:
    the suite's hash, if known)."""
    expectations = expectation_suite(suite, digest or suite_digest(suite))
    batch = batch_definition(suite.file.removesuffix(".json")).get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(expectations, result_format="COMPLETE")
    results = []
    for result in outcome.results:
        info = result.exception_info or {}
        raised = info.get("exception_message") if info.get("raised_exception") else None
        results.append((bool(result.success), result.result or {}, raised))
    return results


def warm_up() -> None:
    """Import Great Expectations and make its context now rather than in the first validation."""
    gx_source()


@dataclass(frozen=True)
class Suite:
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


def not_applicable(suite: Suite) -> list[Check]:
    """The checks of a table the report has no data file for: they do not apply to this report."""
    return [suite.check(e, success=True, details=[], evaluated=0, applicable=False) for e in suite.expectations]


@dataclass(frozen=True)
class Runner:
    """Great Expectations, ready to validate the frames of one report."""

    report: Report

    def run(self, suite: Suite, frame: pd.DataFrame, results: list[Result] | None = None) -> list[Check]:
        """Validate ``frame`` against ``suite`` (or word ``results``, the results of its expectations on the frame
        that a batch validation found); record on each row of the frame the checks that flagged it."""
        checks: list[Check] = []
        failed_rows: dict[Any, list[str]] = {}  # frame index -> checks that flagged the row
        if results is None:
            results = _outcome(suite, frame)
        for config, (success, res, raised) in zip(suite.expectations, results, strict=True):
            for index in res.get("unexpected_index_list") or []:
                failed_rows.setdefault(index, []).append(config["meta"]["check"])
            if raised is not None:
                raise DeclarationError(f"校验规则 {suite.file} / {config['meta']['check']} 无法执行: {raised}")
            seen = Outcome(report=self.report, suite=suite.meta, expectation=config, frame=frame, result=res)
            checks.append(self._check(suite, seen, success=success))
        frame[FAILED_CHECKS] = [failed_rows.get(index, []) for index in frame.index]
        return checks

    def _check(self, suite: Suite, seen: Outcome, *, success: bool) -> Check:
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


def era_suites(report: Report) -> list[Suite]:
    """The suites of the report's era, in file order."""
    suites = load_suites(report.root, report.format.era)
    if not suites:
        raise DeclarationError(
            f"expectations/{report.format.era}/ 中没有校验规则",
            hint="运行 `nianbao expectations --write` 由格式声明生成",
        )
    return [Suite(file, suite_json) for file, suite_json in suites.items()]


def validate(report: Report) -> Validation:
    """Run every suite of the report's era. Critical failures do not raise; the caller decides."""
    data = frames(report)
    runner = Runner(report)
    checks: list[Check] = []
    for suite in era_suites(report):
        frame = data.get(suite.frame)
        if frame is None:  # the table has no data file in this report
            checks += not_applicable(suite)
        else:
            checks += runner.run(suite, frame)
    return validation_of(report, checks, data)


def validation_of(report: Report, checks: list[Check], data: dict[str, pd.DataFrame]) -> Validation:
    """The validation of ``report``: its checks, and the identities, shares and prose numbers of its frames."""
    return Validation(
        report=report.label,
        era=report.format.era,
        checks=checks,
        identities=data[identity_checks.FRAME].to_dict(orient="records"),
        shares=data[share_checks.FRAME].to_dict(orient="records"),
        prose=data[prose_checks.FRAME].to_dict(orient="records"),
        notes=report.notes,
    )
