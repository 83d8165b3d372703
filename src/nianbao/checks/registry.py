"""Check types and their registry.

A check type is one kind of check, registered once under its id: it builds its Great Expectations
expectations from a declaration, names the frame columns they read, words a failure in sentences a reviewer can
act on and counts the rows it looked at. Every expectation it builds names it in ``meta.type``; ``suites``
asks the registry for the types of a family to build a suite, and ``validate`` asks it for the type of each
result. The built-in types live in one module per family (``BUILTIN_FAMILIES``), imported on first use.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, Self, TypeVar

from nianbao.checks.results import Severity
from nianbao.errors import DeclarationError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

    from nianbao.inputs.report import Report

BUILTIN_FAMILIES: Final = (
    "nianbao.checks.table_checks",
    "nianbao.checks.identity_checks",
    "nianbao.checks.share_checks",
    "nianbao.checks.prose_checks",
)
FAILED_CHECKS: Final = "failed_checks"
"""The column ``validate`` adds to every frame: the ids of the checks that flagged the row."""

REGENERATE_HINT: Final = "运行 `nianbao expectations --write` 由格式声明重新生成"

D = TypeVar("D")


def where(column: str, value: str) -> dict:
    """A GX row condition ``column == value`` in its JSON form."""
    return {"column": {"name": column}, "operator": "==", "parameter": value, "type": "comparison"}


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """One expectation's result on the frame it ran on: what a check type words and counts."""

    report: Report
    suite: dict  # the suite's meta: frame, title, era, and the table of a table's suite
    expectation: dict  # as the suite file holds it: type, kwargs, meta, severity
    frame: pd.DataFrame
    result: dict  # the result Great Expectations returned, in the COMPLETE format

    @property
    def meta(self) -> dict:
        return self.expectation["meta"]

    @property
    def kwargs(self) -> dict:
        return self.expectation["kwargs"]

    def unexpected(self) -> list[dict]:
        """The rows of the frame the expectation flagged, as records, in the order GX listed them."""
        index = self.result.get("unexpected_index_list") or []
        return [self.frame.loc[i].to_dict() for i in index if i in self.frame.index]


class CheckType(ABC, Generic[D]):
    """One kind of check. ``D`` is the declaration its expectations are built from (a table, a column of a
    table, an identity, the format); ``frame`` names the family of frames they run on."""

    id: str
    frame: ClassVar[str]
    plain_wording: ClassVar[str]
    """How the check summary words one failure for a reader who is not a programmer: a template filled with the
    fields of each finding (``findings``). It names the table, the row and column by their printed labels and the
    observed numbers; never a file, a line or a check id."""

    @abstractmethod
    def expectations(self, declared: D) -> list[dict]:
        """The expectations this type asks of ``declared``, in their suite-file form (none when it does not apply)."""

    @abstractmethod
    def reads(self, declared: D) -> tuple[str, ...]:
        """The frame columns its expectations and its wording of a failure read."""

    @abstractmethod
    def details(self, outcome: Outcome) -> list[str]:
        """Sentences naming the rows, the expected and the observed values of a failed expectation."""

    @abstractmethod
    def findings(self, outcome: Outcome) -> list[dict[str, Any]]:
        """The fields of ``plain_wording`` for each failure of a failed expectation (a flagged row, a missing row…)."""

    def plain(self, outcome: Outcome) -> list[str]:
        """A failed expectation in plain sentences: ``plain_wording`` filled with each of its ``findings``."""
        return [self.plain_wording.format(**fields) for fields in self.findings(outcome)]

    def severity_of(self, outcome: Outcome) -> Severity:
        """The severity of a failure on this report: the expectation's (a type may let the report's params decide)."""
        return Severity(outcome.expectation["severity"])

    def evaluated(self, outcome: Outcome) -> int:
        """How many rows of the frame the expectation looked at (0: it found nothing to evaluate): the rows GX
        counted (those of the row condition) less the empty cells it skipped; without a count from GX, the rows of
        the row condition, else every row."""
        result = outcome.result
        if "element_count" in result:
            return int(result["element_count"]) - int(result.get("missing_count") or 0)
        condition = outcome.kwargs.get("row_condition")
        if condition:
            return int((outcome.frame[condition["column"]["name"]] == condition["parameter"]).sum())
        return len(outcome.frame)

    def applies(self, outcome: Outcome) -> bool:
        """Whether the check applies to this report by its declaration (False: 不适用). A check whose frame exists
        applies; a type whose declaration can exclude a report says so."""
        return True

    def blocked(self, outcome: Outcome) -> str | None:
        """Why the check cannot come to a verdict on this report (it is then 未评估, with this reason), or None."""
        return None

    @classmethod
    def registered(cls) -> list[Self]:
        """The registered check types of this kind (instances of this class), in registration order."""
        return REGISTRY.of_kind(cls)

    def expectation(
        self, gx_type: str, kwargs: dict, *, severity: Severity, description: str, check: str | None = None, **meta: Any
    ) -> dict:
        """One expectation in its suite-file form; ``meta.check`` is ``check`` (default: this type's id), ``meta.type``
        this type's id."""
        return {
            "type": gx_type,
            "kwargs": kwargs,
            "meta": {"check": check or self.id, "type": self.id, "description": description, **meta},
            "severity": severity.value,
        }


C = TypeVar("C", bound=CheckType[Any])


class UnknownCheckType(DeclarationError):
    """A suite names a check type no module registered."""


class Registry:
    """Check types by id, in the order they were registered: a suite lists a family's expectations in that order.

    ``families`` are the modules that register types when imported; they are imported on the first lookup."""

    def __init__(self, families: tuple[str, ...] = ()) -> None:
        self._types: dict[str, CheckType[Any]] = {}
        self._families = families
        self._loaded = False

    def add(self, check_type: CheckType[Any]) -> None:
        """Register ``check_type`` under its id; an id is registered once."""
        if check_type.id in self._types:
            raise ValueError(f"检查类型 {check_type.id!r} 已注册（{type(self._types[check_type.id]).__name__}）")
        self._types[check_type.id] = check_type

    def get(self, type_id: str) -> CheckType[Any]:
        """The type registered under ``type_id``; ``UnknownCheckType`` names the closest registered id."""
        self._load()
        if type_id not in self._types:
            guess = did_you_mean(type_id, self._types)
            hint = f"是否想写“{guess}”？" if guess else f"已注册: {'、'.join(sorted(self._types))}"
            raise UnknownCheckType(f"未知的检查类型 {type_id!r}", hint=f"{hint}；或{REGENERATE_HINT}")
        return self._types[type_id]

    def for_expectation(self, expectation: dict) -> CheckType[Any]:
        """The type that built ``expectation`` (named in its ``meta.type``)."""
        type_id = expectation.get("meta", {}).get("type")
        if type_id is None:
            check = expectation.get("meta", {}).get("check", expectation.get("type"))
            raise UnknownCheckType(f"校验规则 {check} 没有注明检查类型（meta.type）", hint=REGENERATE_HINT)
        return self.get(type_id)

    def of_kind(self, kind: type[C]) -> list[C]:
        """The registered types that are instances of ``kind``, in registration order."""
        self._load()
        return [t for t in self._types.values() if isinstance(t, kind)]

    def __iter__(self) -> Iterator[CheckType[Any]]:
        self._load()
        return iter(list(self._types.values()))

    def __contains__(self, type_id: object) -> bool:
        self._load()
        return type_id in self._types

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._families:
            importlib.import_module(module)


REGISTRY: Final = Registry(BUILTIN_FAMILIES)


def register(cls: type[C]) -> type[C]:
    """Class decorator: register one instance of ``cls`` (made without arguments) in ``REGISTRY``."""
    REGISTRY.add(cls())
    return cls


def check_type(type_id: str) -> CheckType[Any]:
    """The registered type ``type_id`` (see ``Registry.get``)."""
    return REGISTRY.get(type_id)
