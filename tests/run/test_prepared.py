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

    def test_checked_in_one_process_kept_for_the_runs_in_another(self, small):
        """A batch's worker checks a group; the workers that run its reports are given their validations."""
        import pickle

        checked = prepared.check(small, [(body, year, f"key-{year}") for body, year in REPORTS])
        assert sorted(checked) == sorted((body, year, f"key-{year}") for body, year in REPORTS)
        assert prepared.take(small, "pingtan", 2022, "key-2022") is None  # checked, not kept here
        given = pickle.loads(pickle.dumps({k: v for k, v in checked.items() if k[0] == "pingtan"}))  # to a worker
        prepared.keep(small, given)
        kept = prepared.take(small, "pingtan", 2022, "key-2022")
        assert kept is not None and asdict(kept) == asdict(checked[("pingtan", 2022, "key-2022")])
        assert prepared.take(small, "hongze", 2023, "key-2023") is None  # given to another worker

    def test_one_report_or_no_key_is_left_to_its_run(self, small):
        prepared.prepare(small, [("pingtan", 2022, "k")])
        prepared.prepare(small, [("hongze", 2023, None), ("dongyang", 2017, None)])
        assert prepared.take(small, "pingtan", 2022, "k") is None
        assert prepared.take(small, "hongze", 2023, None) is None
