"""The vocabulary of the prose (``declarations/prose-vocabulary.yaml``): the phrase families that bind a number
written in a prose chapter to the cells of the tables it states, per era, checked against every era's
declaration and against the indicators."""

from __future__ import annotations

import functools
import re

from pydantic import Field, field_validator

from nianbao.errors import DeclarationError
from nianbao.formats.indicators import indicator_refs, load_indicators
from nianbao.formats.loader import load_format, read_yaml, validated
from nianbao.formats.model import ERAS, CellRef, _Model
from nianbao.paths import DECLARATIONS_DIR

VOCABULARY_FILE = "prose-vocabulary.yaml"


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"{text!r} is not a regular expression: {exc}") from None
    return text


class Reading(_Model):
    """One sense of a phrase: the cells whose sum it states (or the cells of an indicator for the era)."""

    label: str
    cells: tuple[str, ...] = ()
    indicator: str | None = None


class Family(_Model):
    """Phrases that state one figure of the tables, its readings per era, the base of its shares, its parts."""

    id: str
    label: str
    phrases: tuple[str, ...] = Field(min_length=1)
    units: tuple[str, ...] = Field(min_length=1)
    readings: dict[str, tuple[Reading, ...]] = Field(default_factory=dict)
    share: str | None = None  # a share of the format whose base a 占X% of this family is taken over
    share_base: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    parts: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    @field_validator("phrases", "unless")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_regex(p) for p in value)


class Claim(_Model):
    """Words that say the cells listed per family (stated before them in the sentence) are 0."""

    id: str
    label: str
    phrase: str
    zero: dict[str, tuple[str, ...]]

    @field_validator("phrase")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _regex(value)


class Vocabulary(_Model):
    around: float = Field(gt=0, lt=1)
    column_sums: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    breakdown: str
    exhaustive: str
    unbound: str
    families: tuple[Family, ...]
    claims: tuple[Claim, ...] = ()

    def family(self, family_id: str) -> Family:
        for family in self.families:
            if family.id == family_id:
                return family
        raise KeyError(family_id)

    def readings(self, family: Family, era: str) -> list[tuple[str, tuple[str, ...]]]:
        """(label, cells) of every reading of ``family`` in ``era``, indicators resolved to their cells."""
        result = []
        for reading in family.readings.get(era, ()):
            if reading.indicator is not None:
                result.append((reading.label, load_indicators().get(reading.indicator).cells.get(era, ())))
            else:
                result.append((reading.label, reading.cells))
        return result


def _cell_problems(where: str, era: str, text: str) -> list[str]:
    fmt = load_format(era)
    problems = []
    for ref in indicator_refs(text) if "|" in text else [CellRef.parse(text)]:
        table = fmt.tables.get(ref.table)
        if table is None or ref.row not in {r.id for r in table.rows} | set(table.groups):
            problems.append(f"{where}: {era} has no cell {ref}")
        elif ref.column and ref.column not in {c.id for c in table.columns}:
            problems.append(f"{where}: {era} has no column {ref}")
    return problems


def _problems(vocabulary: Vocabulary) -> list[str]:
    problems: list[str] = []
    ids = [f.id for f in vocabulary.families]
    indicators = {i.id for i in load_indicators().indicators}
    problems += [f"family {i!r} declared twice" for i in {i for i in ids if ids.count(i) > 1}]
    for family in vocabulary.families:
        for era, readings in family.readings.items():
            if era not in ERAS:
                problems.append(f"family {family.id}: unknown era {era!r}")
                continue
            for reading in readings:
                if reading.indicator is not None and reading.indicator not in indicators:
                    problems.append(f"family {family.id}: unknown indicator {reading.indicator!r}")
                if reading.indicator is None and not reading.cells:
                    problems.append(f"family {family.id}: reading {reading.label!r} names no cell and no indicator")
            for label, cells in vocabulary.readings(family, era) if era in ERAS else []:
                for text in cells:
                    problems += _cell_problems(f"family {family.id} ({label})", era, text)
        for era, cells in family.share_base.items():
            for text in cells:
                problems += _cell_problems(f"family {family.id} share_base", era, text)
        problems += [f"family {family.id}: unknown part {p!r}" for p in family.parts if p not in ids]
    for claim in vocabulary.claims:
        for family_id, cells in claim.zero.items():
            if family_id not in ids:
                problems.append(f"claim {claim.id}: unknown family {family_id!r}")
            for era in ("2019", "2021-standard"):
                for text in cells:
                    problems += _cell_problems(f"claim {claim.id}", era, text)
    return problems


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The prose vocabulary, checked against every era's declaration and the indicators."""
    path = DECLARATIONS_DIR / VOCABULARY_FILE
    vocabulary = validated(Vocabulary, read_yaml(path), path)
    if problems := _problems(vocabulary):
        raise DeclarationError(f"{path}: " + "; ".join(problems))
    return vocabulary
