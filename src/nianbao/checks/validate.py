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
def _gx() -> tuple[Any, Any]:
    """The great_expectations module and the pandas data source of an ephemeral context that draws no progress
    bars (made once per process)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, context.data_sources.add_pandas("report")


@functools.cache
def _batch_definition(asset: str) -> Any:
    """The whole-dataframe batch definition of the asset named ``asset`` (one per suite file, made once)."""
    _, source = _gx()
    return source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("all")


_suites: dict[str, Any] = {}  # the hash of a suite's JSON -> its ExpectationSuite


def _suite_digest(suite: _Suite) -> str:
    return hashlib.sha256(json.dumps(suite.json, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _expectation_suite(suite: _Suite, digest: str) -> Any:
    """The ExpectationSuite of ``suite``, whose JSON hashes to ``digest``, built once per content."""
    if digest not in _suites:
        gx, _ = _gx()
        expectations = copy.deepcopy(suite.expectations)  # the suite keeps them
        _suites[digest] = gx.ExpectationSuite(name=suite.name, expectations=expectations, meta=copy.deepcopy(suite.meta))
    return _suites[digest]


_Result = tuple[bool, dict, "str | None"]  # an expectation's success, its result, the message of what it raised
_outcomes: dict[tuple[str, str], list[_Result]] = {}  # (suite hash, frame hash) -> the results of its expectations
_OUTCOMES_KEPT = 256


def _frame_digest(frame: pd.DataFrame) -> str:
    """A hash of the frame's content (columns, index, values)."""
    return hashlib.sha256(pickle.dumps(frame, protocol=5)).hexdigest()


def _outcome(suite: _Suite, frame: pd.DataFrame) -> list[_Result]:
    """The result of each expectation of ``suite`` on ``frame``, in the suite's order. Great Expectations runs once
    per suite and frame content in a process: validating again data that did not change (``nianbao watch`` after
    another file of the report was saved) takes no time."""
    digest = _suite_digest(suite)
    key = (digest, _frame_digest(frame))
    if key in _outcomes:
        return _outcomes[key]
    expectations = _expectation_suite(suite, digest)
    batch = _batch_definition(suite.file.removesuffix(".json")).get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(expectations, result_format="COMPLETE")
    results = []
    for result in outcome.results:
        info = result.exception_info or {}
        raised = info.get("exception_message") if info.get("raised_exception") else None
        results.append((bool(result.success), result.result or {}, raised))
    if len(_outcomes) >= _OUTCOMES_KEPT:
        _outcomes.pop(next(iter(_outcomes)))
    _outcomes[key] = results
    return results


def warm_up() -> None:
    """Import Great Expectations and make its context now rather than in the first validation."""
    _gx()


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

    def run(self, suite: _Suite, frame: pd.DataFrame) -> list[Check]:
        """Validate ``frame`` against ``suite``; record on each row of the frame the checks that flagged it."""
        checks: list[Check] = []
        failed_rows: dict[Any, list[str]] = {}  # frame index -> checks that flagged the row
        for config, (success, res, raised) in zip(suite.expectations, _outcome(suite, frame), strict=True):
            for index in res.get("unexpected_index_list") or []:
                failed_rows.setdefault(index, []).append(config["meta"]["check"])
            if raised is not None:
                raise DeclarationError(f"校验规则 {suite.file} / {config['meta']['check']} 无法执行: {raised}")
            seen = Outcome(report=self.report, suite=suite.meta, expectation=config, frame=frame, result=res)
            checks.append(self._check(suite, seen, success=success))
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
    data = frames(report)
    runner = _Runner(report)
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
