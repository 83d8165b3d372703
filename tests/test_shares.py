from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.errors import DataError
from nianbao.shares import format_share, parse_published, percent, printed_decimals, round_half_up


class TestRoundHalfUp:
    @pytest.mark.parametrize(
        "value, precision, expected",
        [
            ("0.125", 2, "0.13"),  # float round() gives 0.12 (half to even)
            ("1.005", 2, "1.01"),  # float round() gives 1.0 (binary 1.00499…)
            ("2.675", 2, "2.68"),
            ("0.5", 0, "1"),
            ("1.5", 0, "2"),
            ("2.5", 0, "3"),  # round(2.5) == 2
            ("63.0235", 1, "63.0"),
            ("46.15384", 2, "46.15"),
            ("0.045", 1, "0.0"),
            ("0.05", 1, "0.1"),
        ],
    )
    def test_ties_round_up(self, value, precision, expected):
        assert str(round_half_up(Decimal(value), precision)) == expected

    def test_differs_from_float_round_on_ties(self):
        assert round(0.125, 2) == 0.12
        assert round_half_up("0.125", 2) == Decimal("0.13")


class TestPercent:
    def test_dongyang_category_share_is_of_departments(self):
        assert percent(10535, 16716, 1) == Decimal("63.0")
        assert percent(10535, 25080, 1) == Decimal("42.0")

    def test_exact_tie_from_integers(self):
        # 1/8 = 12.5 %, 1/16 = 6.25 %, 1/32 = 3.125 %: exact ties in decimal, rounded up
        assert percent(1, 8, 0) == Decimal("13")
        assert percent(1, 16, 1) == Decimal("6.3")
        assert percent(1, 32, 2) == Decimal("3.13")

    def test_zero_or_missing_base(self):
        assert percent(5, 0, 2) is None
        assert percent(5, None, 2) is None


class TestFormatShare:
    def test_keeps_trailing_zeros_by_default(self):
        assert format_share(Decimal("2.0"), 1) == "2.0"
        assert format_share(percent(1, 91, 2), 2) == "1.10"

    def test_drops_trailing_zeros_when_declared(self):
        assert format_share(percent(1, 91, 2), 2, "drop") == "1.1"
        assert format_share(Decimal("50.00"), 2, "drop") == "50"
        assert format_share(Decimal("46.15"), 2, "drop") == "46.15"

    def test_missing(self):
        assert format_share(None, 2) == "—"


class TestPrintedDecimals:
    @pytest.mark.parametrize("text, decimals", [("63.0", 1), ("46.15", 2), ("77", 0), ("59.34 %", 2), ("1.01%", 2)])
    def test_counts_printed_decimals(self, text, decimals):
        assert printed_decimals(text) == decimals


class TestParsePublished:
    def test_parses_with_percent_sign_and_spaces(self):
        assert parse_published("59.34 %") == Decimal("59.34")

    def test_not_a_number(self):
        assert parse_published("约六成") is None


class TestOutOfRange:
    """The rounding never ends in decimal.InvalidOperation: a value too large for the decimal context is a
    DataError (exit 2) saying so (the data files refuse such counts before; this guards every other caller)."""

    @pytest.mark.parametrize("call", [lambda: percent(10**30, 1, 2), lambda: round_half_up(Decimal(10) ** 30, 2)])
    def test_a_value_too_large_to_round_is_a_data_error(self, call):
        with pytest.raises(DataError, match="数值过大，无法按四舍五入保留小数"):
            call()

    def test_format_share_of_an_infinite_value(self):
        with pytest.raises(DataError, match="数值过大"):
            format_share(Decimal("Infinity"), 1)
