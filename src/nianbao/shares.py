"""Shares (占比) in exact decimal arithmetic, rounded 四舍五入 (ROUND_HALF_UP).

Python's ``round()`` and ``format(x, '.2f')`` round half to even on binary floats, so 1.005 becomes 1.0 and
0.125 becomes 0.12; published Chinese reports round half up. Every share here is a Decimal computed from
integer counts and quantized with ROUND_HALF_UP. A value too large for the decimal context (the data files refuse
numbers above their declared maximum before any arithmetic) is a DataError, never ``decimal.InvalidOperation``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from nianbao.errors import DataError

HUNDRED = Decimal(100)


def quantum(precision: int) -> Decimal:
    return Decimal(1).scaleb(-precision)


def round_half_up(value: Decimal | int | str, precision: int) -> Decimal:
    """``value`` rounded to ``precision`` decimals, ties away from zero (四舍五入); DataError when it is too large
    to be rounded."""
    try:
        return Decimal(value).quantize(quantum(precision), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise DataError(
            "数值过大，无法按四舍五入保留小数",
            value=str(value),
            expected="数据文件中的数不超过其声明的上限（src/nianbao/formats/declarations/limits.yaml）",
        ) from None


def percent(part: Decimal | int, base: Decimal | int, precision: int) -> Decimal | None:
    """``part / base`` as a percentage rounded half up; None when the base is zero or missing."""
    if part is None or base is None:
        return None
    base = Decimal(base)
    if base == 0:
        return None
    return round_half_up(Decimal(part) * HUNDRED / base, precision)


def format_share(value: Decimal | None, precision: int, trailing_zeros: Literal["keep", "drop"] = "keep") -> str:
    """The share as printed: ``precision`` decimals, or without trailing zeros ("1.10" -> "1.1")."""
    if value is None:
        return "—"
    text = f"{round_half_up(value, precision):.{precision}f}"
    if trailing_zeros == "drop" and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def printed_decimals(text: str) -> int:
    """How many decimals a published share was printed with ("63.0" -> 1, "46.15" -> 2, "77" -> 0)."""
    text = str(text).strip().rstrip("%").strip()
    _, _, decimals = text.partition(".")
    return len(decimals)


def parse_published(text: str) -> Decimal | None:
    """A published share as a Decimal ("59.34 %" -> 59.34); None if it is not a number."""
    try:
        return Decimal(str(text).strip().rstrip("%").strip())
    except InvalidOperation:
        return None
