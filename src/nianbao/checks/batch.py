"""Validating many reports at once: every suite runs once over the frames of all the reports, not once per report.

Great Expectations spends tens of milliseconds on each expectation however few rows it reads (it builds and
resolves a graph of metrics), and a report's suites hold 70 to 110 expectations: a second or more per report, while
the counts themselves take microseconds to check. ``validate_many`` puts the frames of the reports that share a suite
one under the other, with the report's position in ``REPORT`` (``batch frame``), lets Great Expectations validate
that frame once, and gives each report its share of every result: the flagged rows that are its own (mapped back to
its frame's index), the rows it counted and the empty cells it skipped, so that each report's checks are worded
and counted exactly as ``validate`` words and counts them on the report alone.

A row-wise expectation (a cell's range, set, pattern, emptiness, two columns compared) flags the same rows in the
batch frame as in each report's frame. The three expectations that look at a whole column run on a column the batch
frame derives per report (``_PER_REPORT``), so that one report's rows never answer for another's:

- ``expect_column_values_to_be_unique``: on (report, value), so a value repeated by two reports is no duplicate;
- ``expect_column_unique_value_count_to_be_between``: the count of distinct values of the report, on each of its
  rows, must be in the range (``expect_column_values_to_be_between``);
- ``expect_column_distinct_values_to_contain_set``: the number of the set's values the report lacks, on each of its
  rows, must be 0.

A suite with any other expectation (a suite file edited by hand), a ``mostly``, a row condition on a whole-column
expectation, is validated report by report with ``validate``'s own runner: slower, never different. So is a frame with
no rows (a report that publishes no shares): Great Expectations runs once for all the empty frames of a suite, which
are alike (``validate`` keeps results by frame content).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nianbao.checks.frames import frames
from nianbao.checks.results import Check, Validation
from nianbao.checks.validate import Result, Runner, Suite, era_suites, gx_results, not_applicable, validation_of
from nianbao.errors import NianbaoError
from nianbao.inputs.report import Report

REPORT = "__batch_report"
"""The column of the batch frame that holds the position of the row's report in the batch."""

_ROW_WISE = frozenset(
    {
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_pair_values_to_be_equal",
        "expect_column_pair_values_a_to_be_greater_than_b",
    }
)


def _distinct_count(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.groupby(REPORT)[column].transform("nunique")


def _lacking(value_set: list) -> Callable[[pd.DataFrame, str], pd.Series]:
    wanted = set(value_set)

    def lacking(frame: pd.DataFrame, column: str) -> pd.Series:
        present = frame.groupby(REPORT)[column].agg(lambda values: len(wanted - set(values.dropna())))
        return frame[REPORT].map(present)

    return lacking


def _report_and_value(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    pairs = pd.Series(list(zip(frame[REPORT], values, strict=True)), index=frame.index, dtype="object")
    return pairs.where(values.notna(), None)


@dataclass(frozen=True)
class _Batched:
    """How one expectation of a suite runs on the batch frame: as it is, or on a column derived per report."""

    expectation: dict  # the expectation the batch frame is validated with
    derive: Callable[[pd.DataFrame, str], pd.Series] | None = None  # the derived column, from the batch frame
    column: str = ""  # the column it is derived from
    whole_column: bool = False  # the original reads the whole column: its result is a verdict, not rows

    @property
    def derived(self) -> str:
        return self.expectation["kwargs"]["column"]


def _batched(expectation: dict, index: int) -> _Batched | None:
    """The form of ``expectation`` for the batch frame, or None when it cannot run there."""
    kind, kwargs = expectation["type"], expectation["kwargs"]
    if "mostly" in kwargs:
        return None
    if kind in _ROW_WISE:
        return _Batched(expectation)
    if "row_condition" in kwargs or "column" not in kwargs:
        return None
    column = kwargs["column"]
    derived = f"__batch_{index}"

    def rewritten(kind: str, **changed: object) -> dict:
        form = {k: v for k, v in kwargs.items() if k != "value_set"}
        return {**expectation, "type": kind, "kwargs": {**form, "column": derived, **changed}}

    if kind == "expect_column_values_to_be_unique":
        return _Batched(rewritten(kind), _report_and_value, column)
    between = "expect_column_values_to_be_between"
    if kind == "expect_column_unique_value_count_to_be_between":
        return _Batched(rewritten(between), _distinct_count, column, whole_column=True)
    if kind == "expect_column_distinct_values_to_contain_set":
        form = rewritten(between, min_value=0, max_value=0)
        return _Batched(form, _lacking(kwargs["value_set"]), column, whole_column=True)
    return None


def _batch_suite(suite: Suite) -> tuple[Suite, list[_Batched]] | None:
    """The suite the batch frame is validated with, and how each expectation maps to it; None: not batchable."""
    batched = [_batched(e, i) for i, e in enumerate(suite.expectations)]
    if any(b is None for b in batched):
        return None
    forms = [b for b in batched if b is not None]
    json = {**suite.json, "expectations": [b.expectation for b in forms]}
    return Suite(suite.file, json), forms


def _domain(frame: pd.DataFrame, kwargs: dict) -> np.ndarray:
    """Which rows of the batch frame the expectation reads (its row condition; ``==`` is the only operator the
    suites use, any other makes the suite run report by report)."""
    condition = kwargs.get("row_condition")
    if not condition:
        return np.ones(len(frame), dtype=bool)
    return (frame[condition["column"]["name"]] == condition["parameter"]).to_numpy()


def _missing(frame: pd.DataFrame, expectation: dict) -> np.ndarray:
    """The rows Great Expectations counts as missing for a row-wise expectation: an empty cell of its column; of a
    pair of columns, a row where both are empty (``ignore_row_if`` "both_values_are_missing", the default), or
    either (``"either_value_is_missing"``)."""
    kwargs = expectation["kwargs"]
    if "column" in kwargs:
        return frame[kwargs["column"]].isna().to_numpy()
    a, b = frame[kwargs["column_A"]].isna().to_numpy(), frame[kwargs["column_B"]].isna().to_numpy()
    if kwargs.get("ignore_row_if") == "either_value_is_missing":
        return a | b
    if kwargs.get("ignore_row_if") == "neither":
        return np.zeros(len(frame), dtype=bool)
    return a & b


def _conditions_supported(suite: Suite) -> bool:
    for expectation in suite.expectations:
        condition = expectation["kwargs"].get("row_condition")
        if condition and (condition.get("type") != "comparison" or condition.get("operator") != "=="):
            return False
    return True


def _split(
    form: _Batched, result: Result, *, combined: pd.DataFrame, bounds: np.ndarray, indexes: list[pd.Index]
) -> list[Result]:
    """Each report's share of ``result``, the result of ``form`` on the batch frame ``combined``, whose report ``k``
    holds the rows ``bounds[k]:bounds[k + 1]`` (its own frame's index: ``indexes[k]``)."""
    success, res, raised = result
    count = len(indexes)
    if raised is not None:
        return [(success, {}, raised)] * count
    flagged = np.asarray(res.get("unexpected_index_list") or [], dtype=np.int64)
    owner = np.searchsorted(bounds, flagged, side="right") - 1
    if form.whole_column:
        failed = set(owner.tolist())
        return [(k not in failed, {}, None) for k in range(count)]
    domain = _domain(combined, form.expectation["kwargs"])
    elements = np.add.reduceat(domain.astype(np.int64), bounds[:-1]) if len(combined) else np.zeros(count, np.int64)
    if "missing_count" in res:
        missing = np.add.reduceat((domain & _missing(combined, form.expectation)).astype(np.int64), bounds[:-1])
    shares: list[Result] = []
    for k in range(count):
        own = flagged[owner == k] - bounds[k]
        share: dict = {
            "element_count": int(elements[k]),
            "unexpected_count": len(own),
            "unexpected_index_list": [indexes[k][i] for i in own.tolist()],
        }
        if "missing_count" in res:
            share["missing_count"] = int(missing[k])
        shares.append((len(own) == 0, share, None))
    return shares


def _suite_results(suite: Suite, data: list[pd.DataFrame]) -> list[list[Result]] | None:
    """The results of ``suite``'s expectations on each frame of ``data``, from one validation of the batch frame;
    None when the suite cannot run on a batch frame."""
    batch = _batch_suite(suite)
    if batch is None or not _conditions_supported(suite):
        return None
    form_suite, forms = batch
    lengths = np.array([len(frame) for frame in data], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    combined = pd.concat(data, ignore_index=True)
    combined[REPORT] = np.repeat(np.arange(len(data)), lengths)
    for form in forms:
        if form.derive is not None:
            combined[form.derived] = form.derive(combined, form.column)
    results = gx_results(form_suite, combined)
    indexes = [frame.index for frame in data]
    per_expectation = [
        _split(f, r, combined=combined, bounds=bounds, indexes=indexes) for f, r in zip(forms, results, strict=True)
    ]
    return [[shares[k] for shares in per_expectation] for k in range(len(data))]


def validate_reports(
    root: Path | str, reports: Sequence[tuple[str, int]]
) -> tuple[dict[tuple[str, int], Validation], dict[tuple[str, int], NianbaoError | OSError]]:
    """Load each of ``reports`` (body, year) and validate together those that load (``validate_many``): their
    validations, and the error of each report that could not be loaded. An error of the batch itself is raised."""
    from nianbao.inputs.report import load_report

    loaded: dict[tuple[str, int], Report] = {}
    errors: dict[tuple[str, int], NianbaoError | OSError] = {}
    for body, year in reports:
        try:
            loaded[(body, year)] = load_report(root, body, year)
        except (NianbaoError, OSError) as exc:
            errors[(body, year)] = exc
    return dict(zip(loaded, validate_many(list(loaded.values())), strict=True)), errors


def validate_many(reports: Sequence[Report]) -> list[Validation]:
    """The validation of each report, as ``validate`` gives it, with every suite run once for all the reports of
    its era."""
    data = [frames(report) for report in reports]
    checks: list[list[Check]] = [[] for _ in reports]
    eras: dict[tuple[str, str], list[int]] = {}
    for k, report in enumerate(reports):
        eras.setdefault((str(report.root), report.format.era), []).append(k)
    for members in eras.values():
        for suite in era_suites(reports[members[0]]):
            having = [k for k in members if suite.frame in data[k] and len(data[k][suite.frame])]
            shares = _suite_results(suite, [data[k][suite.frame] for k in having]) if having else None
            given = dict(zip(having, shares, strict=True)) if shares is not None else {}
            for k in members:
                frame = data[k].get(suite.frame)
                if frame is None:  # the table has no data file in this report
                    checks[k] += not_applicable(suite)
                else:  # an empty frame (a report with no published shares) is validated on its own: GX runs once
                    checks[k] += Runner(reports[k]).run(suite, frame, given.get(k))  # for all the empty frames
    return [validation_of(report, checks[k], data[k]) for k, report in enumerate(reports)]
