"""The live check cells, written from the identity declarations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nianbao.entry.formulas import Sources, carried_over, check_lines, identity_lines, reference
from nianbao.entry.layout import ValueCell, workbook_layout
from nianbao.formats import load_format


def sources(era: str, *, previous=None, claims=()) -> Sources:
    fmt = load_format(era)
    return Sources(fmt, workbook_layout(fmt), fmt.shares.__getitem__, claims, previous)


@pytest.fixture
def s2021():
    return sources("2021-standard")


class TestReference:
    def test_same_sheet_plain_other_sheet_quoted(self):
        cell = ValueCell("t", "r", "c", "count", "C7")
        assert reference("表三", "表三", cell) == "C7"
        assert reference("表二", "表三", cell) == "'表三'!C7"


class TestIdentityLines:
    def test_the_printed_identity_for_each_column(self, s2021):
        lines = identity_lines(s2021, load_format("2021-standard").identity("I1_carry_balance"))
        assert [line.place for line in lines][:2] == ["自然人列", "商业企业列"] and len(lines) == 7
        first = lines[0]
        assert first.sheet == "表三"
        assert first.lhs.total == "SUM(D7,D8)" and first.rhs.total == "SUM(D30,D31)"
        assert first.result() == (
            '=IF(AND(COUNT(D7,D8)>0,COUNT(D30,D31)>0),IF(ROUND((SUM(D7,D8))-(SUM(D30,D31)),6)=0,"✓","✗"),"")'
        )
        assert first.value(first.lhs) == '=IF(COUNT(D7,D8)>0,SUM(D7,D8),"")'

    def test_along_rows_for_every_row(self, s2021):
        lines = identity_lines(s2021, load_format("2021-standard").identity("I3_applicants_total"))
        assert len(lines) == 25
        assert lines[0].place == "“一、本年新收政府信息公开申请数量”行"
        assert lines[0].lhs.total == "SUM(D7,E7,F7,G7,H7,I7)" and lines[0].rhs.total == "SUM(J7)"

    def test_outcomes_sum_the_rows_of_the_chosen_variant(self, s2021):
        (line, *_) = identity_lines(s2021, load_format("2021-standard").identity("I2_outcomes_total"))
        assert line.lhs.total.count(",") + 1 == 21  # 18 outcome rows and the three rows of （六）

    def test_last_year_is_written_as_constants_and_not_checked_without_it(self, s2021):
        identity = load_format("2021-standard").identity("S1_carried_over_matches_last_year")
        assert identity_lines(s2021, identity) == []  # no last year: not checked live
        last = {("requests", "carried_forward", "natural"): Decimal(12)}
        with_last = sources("2021-standard", previous=lambda *key: last.get(key))
        (line,) = identity_lines(with_last, identity)
        assert line.place == "自然人列" and line.rhs.total == "12" and line.rhs.ready == "TRUE"
        assert "ROUND((SUM(D8))-(12),6)=0" in line.result()

    def test_at_most_is_written_as_at_most(self):
        s2019 = sources("2019")
        (line, *_) = identity_lines(s2019, load_format("2019").identity("S3_published_within_made"))
        assert line.relation == "≤" and "<=0" in line.result()

    def test_fallback_each_and_claims_of_the_old_format(self):
        old = sources("old-free-text")
        fmt = old.fmt
        (answers, *_) = identity_lines(old, fmt.identity("answers_sum"))
        assert answers.rhs.total.startswith("IF(COUNT(") and "'收到政府信息公开申请'!" in answers.rhs.total
        assert answers.rhs.ready.startswith("OR(")
        channels = identity_lines(old, fmt.identity("proactive_channel_within_total"))
        assert len(channels) == 4 * 2  # each channel on its own, in both value columns
        assert identity_lines(old, fmt.identity("categories_cover_base")) == []  # a claim the report does not make
        claimed = sources("old-free-text", claims=("categories_cover_total",))
        assert identity_lines(claimed, fmt.identity("categories_cover_base"))

    def test_a_row_stated_twice(self):
        old = sources("old-free-text")
        lines = identity_lines(old, old.fmt.identity("statistics_match_text"))
        assert len(lines) == len([r for r in old.fmt.tables["statistics"].rows if r.same_as])
        assert lines[0].rhs.total.startswith("'主动公开政府信息数量'!")


class TestCheckLines:
    def test_by_sheet(self, s2021):
        by_sheet = check_lines(s2021)
        assert by_sheet["表二"] == []  # its only identity reads last year
        assert {line.identity.id for line in by_sheet["表三"]} == {"I1_carry_balance", "I2_outcomes_total", "I3_applicants_total"}
        assert len(by_sheet["表四"]) == 3


class TestCarriedOver:
    def test_the_declared_link_to_last_year(self):
        last = {("requests", "carried_forward", "total"): Decimal(5), ("requests", "carried_forward", "natural"): Decimal(5)}
        found = carried_over(sources("2021-standard", previous=lambda *key: last.get(key)))
        assert set(found) == {("requests", "carried_over", "total"), ("requests", "carried_over", "natural")}
        assert found[("requests", "carried_over", "total")][0] == 5

    def test_nothing_without_last_year(self, s2021):
        assert carried_over(s2021) == {}
