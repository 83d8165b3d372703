"""The language of live numbers in prose (``declarations/fields.yaml``): the names that stand for indicators, the
report's year, the default columns of a row named without one, and the modifiers written after a name."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal

from pydantic import Field

from nianbao.errors import DeclarationError
from nianbao.formats.indicators import load_indicators
from nianbao.formats.loader import read_yaml, validated
from nianbao.formats.model import _Model, normalize_label
from nianbao.paths import DECLARATIONS_DIR

ModifierKind = Literal["share", "previous", "change", "growth", "direction", "amount"]

_QUOTES = re.compile(r"[\"'“”‘’「」『』]")


def field_key(name: str) -> str:
    """The form of a field name (or label) used for matching: NFKC, no spaces, no quotation marks, no numbering."""
    text = _QUOTES.sub("", unicodedata.normalize("NFKC", str(name)))
    return normalize_label(text)


class Modifier(_Model):
    names: tuple[str, ...]
    precision: int = Field(default=1, ge=0, le=6)  # growth: decimals of the rate
    words: dict[Literal["up", "down", "same"], str] = Field(default_factory=dict)  # direction


class FieldLanguage(_Model):
    names: dict[str, str]  # field name -> indicator id
    sums: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # field name -> the fields it adds up
    year: tuple[str, ...]
    default_columns: tuple[str, ...]
    modifiers: dict[ModifierKind, Modifier]

    def modifier(self, word: str) -> ModifierKind | None:
        key = field_key(word)
        for kind, modifier in self.modifiers.items():
            if key in {field_key(n) for n in modifier.names}:
                return kind
        return None

    def modifier_name(self, kind: ModifierKind) -> str:
        return self.modifiers[kind].names[0]


@functools.cache
def load_fields() -> FieldLanguage:
    """``fields.yaml``, checked: every name stands for a declared indicator, every modifier kind is declared once."""
    path = DECLARATIONS_DIR / "fields.yaml"
    language = validated(FieldLanguage, read_yaml(path), path)
    indicators = {i.id for i in load_indicators().indicators}
    problems = [f"names.{name}: unknown indicator {i!r}" for name, i in language.names.items() if i not in indicators]
    problems += [
        f"sums.{name}: {part!r} is not a name"
        for name, parts in language.sums.items()
        for part in parts
        if part not in language.names
    ]
    missing = set(ModifierKind.__args__) - set(language.modifiers)  # type: ignore[attr-defined]
    problems += [f"modifiers: {kind} is not declared" for kind in sorted(missing)]
    direction = language.modifiers.get("direction")
    if direction is not None and set(direction.words) != {"up", "down", "same"}:
        problems.append("modifiers.direction: words needs up, down and same")
    words = [field_key(n) for m in language.modifiers.values() for n in m.names]
    problems += [f"modifiers: {w!r} names two modifiers" for w in sorted({w for w in words if words.count(w) > 1})]
    if problems:
        raise DeclarationError(f"{path}: " + "; ".join(problems))
    return language
