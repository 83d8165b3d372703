"""Checks done ahead: several reports checked together (``checks.batch``: every suite runs once for all of them)
before the first one renders, and each report's run takes its validation from here instead of running the suites
again. The check may run in another process than the runs (a batch's worker checks a group of reports, and the
workers that run them are given their validations: ``keep``). A report that cannot be loaded, or a batch that
fails, leaves nothing here: the report's run then meets the error, or validates on its own, as it would have anyway.

A validation is kept under the report and the run key its batch was given (the key of the inputs it read), and
taken once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.errors import NianbaoError

if TYPE_CHECKING:
    from nianbao.checks.results import Validation

_ready: dict[tuple[str, str, int, str], Validation] = {}


def _slot(root: Path | str, body: str, year: int, key: str) -> tuple[str, str, int, str]:
    return (str(Path(root).resolve()), body, int(year), key)


Checked = dict[tuple[str, int, str], "Validation"]
"""Validations of reports checked together, each under its report and run key: (body, year, key) → validation."""


def check(root: Path | str, reports: Sequence[tuple[str, int, str | None]]) -> Checked:
    """Check ``reports`` (body, year, run key) together: the validation of each that could be loaded. Reports
    without a key are left to their runs, and so is a single report (checking it together gains nothing)."""
    from nianbao.checks.batch import validate_reports

    keys = {(body, year): key for body, year, key in reports if key is not None}
    if len(keys) < 2:
        return {}
    try:
        validations, _ = validate_reports(root, list(keys))
    except (NianbaoError, OSError):
        return {}
    return {(*report, keys[report]): validation for report, validation in validations.items()}


def keep(root: Path | str, checked: Checked) -> None:
    """Keep each validation of ``checked`` for its report's run (in ``root``)."""
    _ready.update({_slot(root, *report): validation for report, validation in checked.items()})


def prepare(root: Path | str, reports: Sequence[tuple[str, int, str | None]]) -> None:
    """Check ``reports`` (body, year, run key) together and keep each validation for its run (``check``, ``keep``)."""
    keep(root, check(root, reports))


def take(root: Path | str, body: str, year: int, key: str | None) -> Validation | None:
    """The validation ``prepare`` kept for this report and key (once), or None."""
    if key is None:
        return None
    return _ready.pop(_slot(root, body, year, key), None)


def clear() -> None:
    """Forget every kept validation (the reports they were made for will not run)."""
    _ready.clear()
