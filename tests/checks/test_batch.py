"""batch.py: many reports validated together give each report exactly the validation ``validate`` gives it alone."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from helpers import copy_project, edit_csv
from nianbao.checks import batch
from nianbao.checks.batch import validate_many
from nianbao.checks.validate import validate
from nianbao.inputs.report import load_report

pytestmark = pytest.mark.slow  # Great Expectations runs

# one report of each era, the two published with an error, and one with no published share (an empty frame)
REPORTS = (("dongyang", 2017), ("pingtan", 2012), ("pingtan", 2019), ("pingtan", 2020), ("hongze", 2023), ("pingtan", 2022))
OTHER_PROCESSING = "（六）其他处理,0,0,0,0,0,0,0\n"


def _alone(project, reports):
    return [asdict(validate(load_report(project, body, year))) for body, year in reports]


def _together(project, reports):
    return [asdict(v) for v in validate_many([load_report(project, body, year) for body, year in reports])]


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project", reports=REPORTS)


class TestValidateMany:
    def test_each_report_as_validated_alone(self, project):
        together = _together(project, REPORTS)
        assert together == _alone(project, REPORTS)
        failed = {v["report"]: {c["check"] for c in v["checks"] if not c["success"]} for v in together}
        assert failed["hongze 2023"] and failed["pingtan 2020"]  # published with errors

    def test_one_reports_rows_never_answer_for_anothers(self, project):
        """Whole-column checks in one batch: a duplicate row, a missing required row and a second layout variant in
        one report each, none in the others (every report has the rows the others miss); and a blank cell (a missing
        value the checks of its column count apart)."""
        data = project / "data"
        edit_csv(data / "pingtan/2022/requests.csv", "3.其他,0,2,0,", "3.其他,0,,0,")
        with (data / "pingtan/2022/requests.csv").open("a", encoding="utf-8") as csv:
            csv.write(OTHER_PROCESSING)  # 2022 uses the three sub-rows: now both layouts
        partly = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）,4,0,0,0,0,0,4\n"
        edit_csv(data / "hongze/2023/requests.csv", partly, "")
        lines = (data / "pingtan/2019/requests.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        with (data / "pingtan/2019/requests.csv").open("a", encoding="utf-8") as csv:
            csv.write(lines[1])  # a row twice
        together = _together(project, REPORTS)
        assert together == _alone(project, REPORTS)
        failed = {
            (v["report"], c["check"]) for v in together for c in v["checks"] if not c["success"] and c["table"] == "requests"
        }
        assert ("pingtan 2022", "one_layout_variant") in failed
        assert ("hongze 2023", "required_rows") in failed
        assert ("pingtan 2019", "no_duplicate_rows") in failed
        assert ("pingtan 2022", "cells_reported") in failed
        assert len({check for _, check in failed if check in ("one_layout_variant", "required_rows", "no_duplicate_rows")}) == 3
        assert sum(1 for _, check in failed if check in ("one_layout_variant", "required_rows", "no_duplicate_rows")) == 3

    def test_a_suite_it_cannot_batch_is_validated_report_by_report(self, project, monkeypatch):
        suite = project / "expectations/2021-standard/requests.json"
        content = json.loads(suite.read_text(encoding="utf-8"))
        extra = dict(content["expectations"][0])
        extra.update(type="expect_column_values_to_be_in_set", kwargs={**extra["kwargs"], "mostly": 0.5})
        content["expectations"].append(extra)
        suite.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        seen: list[str] = []
        original = batch._suite_results

        def spy(suite, data):
            result = original(suite, data)
            seen.append(f"{suite.file}:{result is None}")
            return result

        monkeypatch.setattr(batch, "_suite_results", spy)
        reports = (("pingtan", 2022), ("hongze", 2023))
        assert _together(project, reports) == _alone(project, reports)
        assert "requests.json:True" in seen and "identities.json:False" in seen


class TestBatchForm:
    @pytest.mark.parametrize(
        ("kind", "kwargs"),
        [
            ("expect_column_max_to_be_between", {"column": "natural", "max_value": 1}),
            ("expect_column_values_to_be_unique", {"column": "row", "row_condition": {"column": {"name": "kind"}}}),
            ("expect_column_values_to_be_in_set", {"column": "row", "value_set": ["new"], "mostly": 0.9}),
        ],
    )
    def test_what_it_cannot_batch(self, kind, kwargs):
        assert batch._batched({"type": kind, "kwargs": kwargs, "meta": {}}, 0) is None

    def test_whole_column_expectations_run_on_a_column_of_their_own(self):
        form = batch._batched(
            {"type": "expect_column_distinct_values_to_contain_set", "kwargs": {"column": "row", "value_set": ["a"]}}, 3
        )
        assert form is not None and form.whole_column and form.column == "row"
        assert form.expectation["type"] == "expect_column_values_to_be_between"
        assert form.expectation["kwargs"] == {"column": "__batch_3", "min_value": 0, "max_value": 0}
