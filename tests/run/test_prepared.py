"""prepared.py: the validations a worker makes ahead for a share of reports, each taken once by its run."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from helpers import copy_project, edit_csv
from nianbao.checks.validate import validate
from nianbao.inputs.report import load_report
from nianbao.run import prepared

pytestmark = pytest.mark.slow  # Great Expectations runs

REPORTS = (("pingtan", 2022), ("hongze", 2023), ("dongyang", 2017))


@pytest.fixture
def small(tmp_path):
    prepared.clear()
    yield copy_project(tmp_path / "project", reports=REPORTS)
    prepared.clear()


class TestPrepare:
    def test_each_validation_as_validate_gives_it_taken_once_under_its_key(self, small):
        prepared.prepare(small, [(body, year, f"key-{year}") for body, year in REPORTS])
        for body, year in REPORTS:
            assert prepared.take(small, body, year, "another key") is None
            kept = prepared.take(small, body, year, f"key-{year}")
            assert kept is not None and asdict(kept) == asdict(validate(load_report(small, body, year)))
            assert prepared.take(small, body, year, f"key-{year}") is None

    def test_a_report_that_cannot_be_loaded_is_left_to_its_run(self, small):
        edit_csv(small / "data/pingtan/2022/requests.csv", ",71,", ",七十一,")
        prepared.prepare(small, [(body, year, "k") for body, year in REPORTS])
        assert prepared.take(small, "pingtan", 2022, "k") is None
        assert prepared.take(small, "hongze", 2023, "k") is not None

    def test_one_report_or_no_key_is_left_to_its_run(self, small):
        prepared.prepare(small, [("pingtan", 2022, "k")])
        prepared.prepare(small, [("hongze", 2023, None), ("dongyang", 2017, None)])
        assert prepared.take(small, "pingtan", 2022, "k") is None
        assert prepared.take(small, "hongze", 2023, None) is None
