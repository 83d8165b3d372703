"""Typed errors. Each carries what failed, so that the CLI can print a message a user can act on, and the exit
code the CLI ends with (``ExitCode``)."""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path

from nianbao.paths import display_path


class ExitCode(IntEnum):
    """The exit codes of the command line."""

    OK = 0
    VALIDATION_FAILED = 1  # the data break a critical check (with ``run --all``: a report was not rendered)
    INPUT_ERROR = 2  # usage or input error: params, data files, missing font, unknown body or year
    EXECUTION_ERROR = 3  # a notebook cell raised, the kernel died or timed out, rendering or writing a file failed
    INTERNAL_ERROR = 4  # a bug in nianbao: the traceback is printed, to be reported
    INTERRUPTED = 130  # Ctrl-C
    TERMINATED = 143  # SIGTERM (a CI job cancelled, ``timeout``, ``kill``)


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM; raised where it was, and handled like Ctrl-C (``run.signals``)."""


ECHO_CHARS = 80  # a value from the input is echoed in a message cut to about this many characters

_ECHO = reprlib.Repr()
_ECHO.maxstring = _ECHO.maxother = ECHO_CHARS
_ECHO.maxlevel = 3


def echo(value: object) -> str:
    """``repr(value)`` cut to about ``ECHO_CHARS`` characters (a long text keeps its start and end and says how
    long it is), so that a message never repeats input of unbounded size."""
    text = _ECHO.repr(value)
    if isinstance(value, str) and len(value) > ECHO_CHARS:
        text += f"（共 {len(value)} 个字符）"
    return text


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word``, if any is close enough to be a plausible typo."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.5)
    return matches[0] if matches else None


def os_error_message(exc: OSError) -> str:
    """A file that could not be read or written (permissions, disk full), in words."""
    where = f": {exc.filename}" if exc.filename else ""
    return f"无法读写文件{where}（{exc.strerror or exc}）；上一次成功生成的报告保持不变。"


class NianbaoError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code: ExitCode = ExitCode.INPUT_ERROR

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  提示: {self.hint}"
        return self.message


class InputError(NianbaoError):
    """A file the user edits (params, data, prose) is missing or malformed.

    ``path``, ``line``, ``column`` and ``value`` locate the problem; ``expected`` says what would be valid.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: str | int | None = None,
        value: object = None,
        expected: str | None = None,
        hint: str | None = None,
    ):
        self.reason = message  # what is wrong, without where and what was expected
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected
        where = []
        if self.path is not None:
            where.append(display_path(self.path))
        if line is not None:
            where.append(f"第{line}行")
        if column is not None:
            where.append(f"列 {column!s}")
        text = message
        if value is not None:
            text += f"：{echo(value)}"
        if expected:
            text += f"；应为 {expected}"
        if where:
            text = f"{', '.join(where)}: {text}"
        super().__init__(text, hint=hint)


class ParamsError(InputError):
    """The params file of a report is missing, is not valid YAML, or has an unknown, missing or mistyped key."""


class DataError(InputError):
    """A data file of a report is missing or cannot be read as the format declares."""


class WorkbookError(DataError):
    """A workbook read back into the data files (``nianbao import book.xlsx``) is not laid out as its format's
    workbook, or one of its cells is not a value; ``sheet`` and ``cell`` (an address such as C7) locate it."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        value: object = None,
        expected: str | None = None,
        hint: str | None = None,
    ):
        super().__init__(message, path=path, value=value, expected=expected, hint=hint)
        self.sheet = sheet
        self.cell = cell
        where = [display_path(self.path)] if self.path is not None else []
        where += [f"工作表“{sheet}”"] if sheet is not None else []
        where += [f"单元格 {cell}"] if cell is not None else []
        text = message + (f"：{echo(value)}" if value is not None else "") + (f"；应为 {expected}" if expected else "")
        self.message = f"{', '.join(where)}: {text}" if where else text


class ReportExists(InputError):
    """A new report (``nianbao new``) or an import would overwrite a report's params or data."""


class FieldError(InputError):
    """A field of a prose chapter ({{名称}}) names nothing the report has, or its value cannot be computed."""


class TextImportError(InputError):
    """A published report's text cannot be split into the tables its format declares."""


class PublishedImportError(TextImportError):
    """A published report (PDF or web page) has cells the importer could not place: a row label, a column or a table
    its format does not declare, or a declared table it did not find. ``problems`` lists every one, each with where
    it is printed (page or table and row) and the printed text."""

    def __init__(self, message: str, problems: list[str], *, path: Path | str | None = None, hint: str | None = None):
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{message}\n{listed}" if listed else message, path=path, hint=hint)


class ScannedPdfError(TextImportError):
    """A PDF whose pages are images (a scan) has no text layer to import; nianbao does no OCR."""


class DeclarationError(NianbaoError):
    """A format declaration shipped with the package is inconsistent (a bug in the declaration, not user input)."""


class ReportNotFound(NianbaoError):
    """No params exist for the requested body or year."""


class FontMissingError(NianbaoError):
    """No CJK font is installed, so charts and the PDF would show boxes instead of Chinese text."""


class ValidationFailed(NianbaoError):
    """The data break at least one critical check; ``findings`` lists every failed check, not only the first."""

    exit_code = ExitCode.VALIDATION_FAILED

    def __init__(self, message: str, findings: list | None = None, *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.findings = findings or []


class DiskFull(NianbaoError):
    """The disk (or the user's quota) filled up while a report was being built; the build was removed, not kept."""

    exit_code = ExitCode.EXECUTION_ERROR


class ExecutionError(NianbaoError):
    """A notebook could not be executed or rendered. ``notebook`` and ``cell`` locate the failure."""

    exit_code = ExitCode.EXECUTION_ERROR

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell: int | None = None,
        kept: Path | None = None,
        hint: str | None = None,
    ):
        self.detail = message
        self.notebook = notebook
        self.cell = cell
        self.kept = kept
        text = message
        if notebook:
            text = f"{notebook}" + (f" 单元格 In [{cell}]" if cell is not None else "") + f": {message}"
        if kept:
            text += f"\n  已保留执行到出错处的笔记本: {display_path(kept)}"
        super().__init__(text, hint=hint)


class RunLocked(NianbaoError):
    """Another run of the same report holds the lock."""
