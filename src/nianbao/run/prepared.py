"""Checks done ahead: a worker given several reports checks them together (``checks.batch``: every suite runs once
for all of them) before the first one renders, and each report's run takes its validation from here instead of
running the suites again. A report that cannot be loaded, or a batch that fails, leaves nothing here: the report's
run then meets the error, or validates on its own, as it would have anyway.

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


def prepare(root: Path | str, reports: Sequence[tuple[str, int, str | None]]) -> None:
    """Check ``reports`` (body, year, run key) together and keep each validation for its run. Reports without a
    key are left to their runs."""
    from nianbao.checks.batch import validate_reports

    keys = {(body, year): key for body, year, key in reports if key is not None}
    if len(keys) < 2:
        return
    try:
        validations, _ = validate_reports(root, list(keys))
    except (NianbaoError, OSError):
        return
    _ready.update({_slot(root, *report, keys[report]): validation for report, validation in validations.items()})


def take(root: Path | str, body: str, year: int, key: str | None) -> Validation | None:
    """The validation ``prepare`` kept for this report and key (once), or None."""
    if key is None:
        return None
    return _ready.pop(_slot(root, body, year, key), None)


def clear() -> None:
    """Forget every kept validation (the reports they were made for will not run)."""
    _ready.clear()
