"""The registry of check types: lookup by id, registration, the types of a family in order, the type of each
expectation the suites hold, the rows a check counts as evaluated, and the frame columns the types read."""

from __future__ import annotations

import pandas as pd
import pytest

from nianbao.checks import registry
from nianbao.checks.frames import frames
from nianbao.checks.identity_checks import DeclaredIdentity
from nianbao.checks.registry import REGISTRY, CheckType, Outcome, Registry, UnknownCheckType, check_type, register
from nianbao.checks.share_checks import ShareCheck
from nianbao.checks.suites import build_suites
from nianbao.checks.table_checks import ColumnCheck, TableCheck, TableColumn, frame_id
from nianbao.errors import DeclarationError
from nianbao.formats import ERAS, Table, load_format
from nianbao.inputs.report import load_report


class _Probe(CheckType[Table]):
    """A check type for the tests: no expectations, no words."""

    id = "probe"
    frame = "table"

    def expectations(self, declared: Table) -> list[dict]:
        return []

    def reads(self, declared: Table) -> tuple[str, ...]:
        return ()

    def details(self, outcome: Outcome) -> list[str]:
        return []

    plain_wording = "“{label}”的数字是{value}"

    def findings(self, outcome: Outcome) -> list[dict]:
        return [{"label": "甲", "value": 3}, {"label": "乙", "value": 4}]


class _OtherProbe(_Probe):
    id = "other_probe"


class TestRegistryGet:
    def test_a_registered_id(self):
        assert check_type("required_rows").id == "required_rows"
        assert REGISTRY.get("identity") is check_type("identity")

    def test_an_unknown_id_suggests_the_closest_one(self):
        with pytest.raises(UnknownCheckType) as caught:
            REGISTRY.get("required_row")
        assert isinstance(caught.value, DeclarationError)
        assert caught.value.message == "未知的检查类型 'required_row'"
        assert "是否想写“required_rows”？" in caught.value.hint
        assert "nianbao expectations --write" in caught.value.hint

    def test_an_unknown_id_far_from_any_lists_the_registered_ones(self):
        with pytest.raises(UnknownCheckType) as caught:
            REGISTRY.get("zzz")
        registered = sorted(t.id for t in REGISTRY)
        assert "labels_declared" in registered and "identity" in registered
        assert caught.value.hint.startswith("已注册: " + "、".join(registered) + "；或")

    def test_contains(self):
        assert "cells_reported" in REGISTRY and "cell_reported" not in REGISTRY


class TestRegistryAdd:
    def test_an_id_is_registered_once(self):
        fresh = Registry()
        fresh.add(_Probe())
        with pytest.raises(ValueError, match="probe"):
            fresh.add(_Probe())

    def test_types_are_kept_in_registration_order(self):
        fresh = Registry()
        fresh.add(_OtherProbe())
        fresh.add(_Probe())
        assert [t.id for t in fresh] == ["other_probe", "probe"]


class TestRegistryOfKind:
    def test_only_instances_of_the_kind(self):
        fresh = Registry()
        fresh.add(_Probe())
        fresh.add(_OtherProbe())
        assert [t.id for t in fresh.of_kind(_OtherProbe)] == ["other_probe"]
        assert [t.id for t in fresh.of_kind(_Probe)] == ["probe", "other_probe"]


class TestRegistryLoad:
    def test_family_modules_are_imported_on_the_first_lookup(self):
        fresh = Registry(("nianbao.checks.table_checks",))
        fresh.add(_Probe())  # registering does not import the families
        assert fresh._loaded is False
        assert "probe" in fresh and fresh._loaded


class TestForExpectation:
    def test_the_type_named_in_meta(self):
        expectation = {"type": "expect_x", "meta": {"check": "I1_carry_balance", "type": "identity"}}
        assert isinstance(REGISTRY.for_expectation(expectation), DeclaredIdentity)

    def test_an_expectation_naming_no_type(self):
        with pytest.raises(UnknownCheckType) as caught:
            REGISTRY.for_expectation({"type": "expect_x", "meta": {"check": "required_rows"}})
        assert caught.value.message == "校验规则 required_rows 没有注明检查类型（meta.type）"


class TestRegister:
    def test_the_decorator_registers_one_instance_and_returns_the_class(self, monkeypatch):
        fresh = Registry()
        monkeypatch.setattr(registry, "REGISTRY", fresh)
        assert register(_Probe) is _Probe
        assert isinstance(fresh.get("probe"), _Probe)


class TestRegistered:
    def test_table_checks_in_order(self):
        assert [t.id for t in TableCheck.registered()] == [
            "labels_declared",
            "no_duplicate_rows",
            "required_rows",
            "one_layout_variant",
        ]

    def test_column_checks_in_order(self):
        assert [t.id for t in ColumnCheck.registered()] == [
            "counts_are_non_negative_integers",
            "amounts_are_non_negative",
            "changes_are_integers",
            "cells_reported",
            "plausible_magnitude",
        ]

    def test_share_checks_in_order(self):
        assert [t.id for t in ShareCheck.registered()] == ["published_share_matches_counts", "published_share_precision"]

    def test_one_type_serves_every_identity(self):
        assert [t.id for t in DeclaredIdentity.registered()] == ["identity"]


class TestSuitesAskTheRegistry:
    @pytest.mark.parametrize("era", ERAS)
    def test_every_expectation_names_a_registered_type_of_its_suites_frame(self, era):
        for suite in build_suites(load_format(era)).values():
            family = suite["meta"]["frame"].partition(":")[0]
            for expectation in suite["expectations"]:
                found = REGISTRY.for_expectation(expectation)
                assert found.frame == family, expectation["meta"]

    @pytest.mark.parametrize("era", ERAS)
    def test_check_ids_are_type_ids_but_for_identities_whose_ids_the_declaration_gives(self, era):
        fmt = load_format(era)
        suites = build_suites(fmt)
        identities = [e["meta"]["check"] for e in suites["identities.json"]["expectations"]]
        assert identities == [i.id for i in fmt.identities]
        for name, suite in suites.items():
            for expectation in suite["expectations"]:
                meta = expectation["meta"]
                assert meta["type"] == ("identity" if name == "identities.json" else meta["check"])

    def test_every_registered_type_is_used_by_some_era(self):
        used = {e["meta"]["type"] for era in ERAS for s in build_suites(load_format(era)).values() for e in s["expectations"]}
        assert used == {t.id for t in REGISTRY}


class TestEvaluated:
    FRAME = pd.DataFrame({"identity": ["a", "b", "a"], "lhs": [1, 2, 3]})

    def _outcome(self, kwargs: dict, result: dict) -> Outcome:
        expectation = {"type": "expect_x", "kwargs": kwargs, "meta": {"check": "a"}}
        return Outcome(report=None, suite={}, expectation=expectation, frame=self.FRAME, result=result)

    def test_the_rows_of_its_row_condition_when_gx_reports_no_count(self):
        kwargs = {"row_condition": registry.where("identity", "a")}
        assert check_type("identity").evaluated(self._outcome(kwargs, {})) == 2

    def test_the_element_count_gx_reports(self):
        assert check_type("no_duplicate_rows").evaluated(self._outcome({"column": "row"}, {"element_count": 7})) == 7

    def test_empty_cells_gx_skipped_are_not_counted(self):
        """GX counts the rows of the row condition and skips the empty cells among them: a check over rows whose
        cells are all empty evaluated nothing."""
        kwargs = {"column": "year_text", "row_condition": registry.where("identity", "a")}
        result = {"element_count": 2, "missing_count": 2}
        assert check_type("counts_are_non_negative_integers").evaluated(self._outcome(kwargs, result)) == 0
        result = {"element_count": 2, "missing_count": 1}
        assert check_type("counts_are_non_negative_integers").evaluated(self._outcome(kwargs, result)) == 1

    def test_every_row_when_gx_reports_no_count(self):
        assert check_type("required_rows").evaluated(self._outcome({"column": "row"}, {})) == 3


class TestReads:
    """The columns a type names are the columns of the frames it runs on."""

    @pytest.mark.parametrize("body, year", [("dongyang", 2017), ("pingtan", 2019), ("pingtan", 2022)])
    def test_every_column_read_is_in_its_frame(self, root, body, year):
        report = load_report(root, body, year)
        data = frames(report)
        for table_id, table in report.format.tables.items():
            if table_id not in report.tables:
                continue
            columns = set(data[frame_id(table_id)].columns)
            for check in TableCheck.registered():
                assert set(check.reads(table)) <= columns, check.id
            for check in ColumnCheck.registered():
                for column in table.columns:
                    assert set(check.reads(TableColumn(table, column))) <= columns, (check.id, column.id)
        for identity in report.format.identities:
            assert set(check_type("identity").reads(identity)) == set(data["identities"].columns)
        for check in ShareCheck.registered():
            assert set(check.reads(report.format)) <= set(data["published_shares"].columns)


class TestPlain:
    def test_the_wording_filled_with_each_finding(self):
        assert _Probe().plain(None) == ["“甲”的数字是3", "“乙”的数字是4"]

    @pytest.mark.parametrize("check_type", list(REGISTRY), ids=lambda t: t.id)
    def test_every_type_words_a_failure_without_a_file_a_line_or_its_id(self, check_type):
        """The fields of a wording are named data, never where the data were read."""
        import string

        wordings = [
            w for name in dir(check_type) if name.startswith("plain_wording") and isinstance(w := getattr(check_type, name), str)
        ]
        fields = {f for w in wordings for _, f, _, _ in string.Formatter().parse(w) if f}
        assert wordings and not fields & {"file", "line", "path", "where", "check", "id"}
        assert check_type.id not in "".join(wordings)
