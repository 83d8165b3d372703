"""Reading a format declaration: ``declarations/<era>.yaml`` with the fragments it includes merged in, and its
narrative templates from ``narratives/<declaration>/<paragraph>.j2``."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from nianbao.errors import DeclarationError
from nianbao.formats.model import ERAS, Format, Limits
from nianbao.paths import DECLARATIONS_DIR, NARRATIVES_DIR

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: object, path: Path) -> M:
    """``data``, read from the declaration file ``path``, as a ``model``; DeclarationError naming the file if it is
    not one."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(f"{path}: invalid declaration:\n{exc}") from exc


def read_yaml(path: Path) -> dict:
    """A declaration file as it is written (no includes, no narratives)."""
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def declaration_path(era: str) -> Path:
    return DECLARATIONS_DIR / f"{era}.yaml"


def _merge(base: dict, extra: dict) -> dict:
    """``extra`` over ``base``: mappings merged key by key, lists concatenated, other values replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


def narratives(stem: str) -> dict[str, str]:
    """The narrative templates of one declaration file: paragraph id -> Jinja2 source."""
    folder = NARRATIVES_DIR / stem
    return {p.stem: p.read_text(encoding="utf-8").removesuffix("\n") for p in sorted(folder.glob("*.j2"))}


def read_declaration(path: Path) -> dict:
    """A declaration file with its ``include:`` fragments (declarations shared by several eras) and its
    narratives merged in."""
    data = read_yaml(path)
    merged: dict = {}
    for name in data.pop("include", []):
        merged = _merge(merged, read_declaration(DECLARATIONS_DIR / name))
    own = narratives(path.stem)
    if own:
        data["narratives"] = own
    return _merge(merged, data)


@functools.cache
def load_format(era: str) -> Format:
    """The declaration of ``era``. Raises DeclarationError if it is missing or inconsistent."""
    path = declaration_path(era)
    if era not in ERAS or not path.exists():
        raise DeclarationError(f"unknown format era {era!r}", hint=f"known eras: {', '.join(ERAS)}")
    return validated(Format, read_declaration(path), path)


@functools.cache
def input_limits() -> Limits:
    """The limits of the input files (``declarations/limits.yaml``), for what is read before a format is known
    (the params file); a format carries the same limits as ``Format.limits``."""
    path = DECLARATIONS_DIR / "limits.yaml"
    try:
        return Limits.model_validate(read_declaration(path)["limits"])
    except (ValidationError, KeyError) as exc:
        raise DeclarationError(f"{path}: invalid limits:\n{exc}") from exc
