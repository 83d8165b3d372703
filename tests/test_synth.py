"""The synthetic reports: every identity kept, each injected error breaking its check and no other, the manifest,
and the recall of a batch's findings against it."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from nianbao.checks import identity_checks, share_checks
from nianbao.checks.frames import frames
from nianbao.inputs.quantities import extract, normalize
from nianbao.inputs.report import Report, load_report
from nianbao.paths import ProjectLayout
from nianbao.synth import KINDS, Injection, Manifest, generate, kinds_for, make_report, recall, scrub_prose, write_report

CORPUS = ProjectLayout.at(ROOT).reports()


@pytest.fixture(scope="module")
def templates() -> list[Report]:
    return [load_report(ROOT, body, year, previous=False) for body, year in CORPUS]


def _written(report, folder: Path) -> Report:
    """The synthetic report written into ``folder`` and read back by the package."""
    write_report(ProjectLayout.at(folder), report)
    return load_report(folder, report.body, report.year)


def _broken(loaded: Report) -> set[str]:
    """The identities and published-share checks the counts break, computed from the frames the suites run on."""
    data = frames(loaded)
    broken = set()
    for record in data[identity_checks.FRAME].to_dict(orient="records"):
        lhs, rhs = record["lhs"], record["rhs"]
        if (
            lhs is None
            or rhs is None
            or (isinstance(lhs, float) and math.isnan(lhs))
            or (isinstance(rhs, float) and math.isnan(rhs))
        ):
            continue
        holds = lhs == rhs if record["op"] == "==" else lhs <= rhs
        if not holds:
            broken.add(record["identity"])
    for record in data[share_checks.FRAME].to_dict(orient="records"):
        if record["published"] is not None and Decimal(str(record["published"])) != Decimal(str(record["at_printed"])):
            broken.add("published_share_matches_counts")
    return broken


SEEDS = st.integers(min_value=0, max_value=2**32)
TEMPLATE = st.integers(min_value=0, max_value=len(CORPUS) - 1)
PROPERTY = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much]
)


class TestMakeReport:
    @PROPERTY
    @given(seed=SEEDS, index=TEMPLATE)
    def test_keeps_every_identity_and_every_published_share(self, templates, tmp_path_factory, seed, index):
        report, injection = make_report(templates[index], "synth-0001", seed)
        assert injection is None
        assert _broken(_written(report, tmp_path_factory.mktemp("synth"))) == set()

    @PROPERTY
    @given(seed=SEEDS, index=TEMPLATE, which=st.integers(min_value=0, max_value=len(KINDS) - 1))
    def test_an_injected_error_breaks_its_check_and_no_other(self, templates, tmp_path_factory, seed, index, which):
        kind = KINDS[which]
        assume(kind in kinds_for(templates[index].format))  # the format declares the check
        report, injection = make_report(templates[index], "synth-0001", seed, kind)
        assume(injection is not None)  # the report has a place for this kind (e.g. a 公布占比 column)
        assert injection is not None
        assert injection.check == kind.check and injection.cells
        assert _broken(_written(report, tmp_path_factory.mktemp("synth"))) == {kind.check}

    def test_every_kind_has_a_place_in_some_corpus_report(self, templates):
        placed = set()
        for template in templates:
            for kind in kinds_for(template.format):
                if make_report(template, "synth-0001", 3, kind)[1] is not None:
                    placed.add(kind.id)
        assert placed == {kind.id for kind in KINDS}

    def test_the_two_corpus_reports_that_break_an_identity_make_reports_that_do_not(self, templates, tmp_path):
        for template in templates:
            if template.label in ("hongze 2023", "pingtan 2020"):
                assert _broken(template) != set()
                report, _ = make_report(template, f"synth-{template.params.body}", 7)
                assert _broken(_written(report, tmp_path)) == set()

    def test_the_same_seed_makes_the_same_report(self, templates):
        first, _ = make_report(templates[0], "synth-0001", 11)
        again, _ = make_report(templates[0], "synth-0001", 11)
        other, _ = make_report(templates[0], "synth-0001", 12)
        assert first.tables == again.tables
        assert first.tables != other.tables


class TestScrubProse:
    def test_leaves_no_quantity_and_keeps_years_and_dates(self):
        text = "2022年，全区收到政府信息公开申请75件，占33.9%，同比增长5.2%；3月1日发布14万余条。"
        scrubbed = scrub_prose(text)
        assert extract(normalize(scrubbed)).quantities == ()
        assert scrubbed.startswith("2022年，全区收到政府信息公开申请若干件，占一定比例")
        assert "3月1日" in scrubbed and "若干条" in scrubbed

    def test_a_text_without_numbers_is_unchanged(self):
        assert scrub_prose("依法依规做好政府信息公开工作。") == "依法依规做好政府信息公开工作。"


class TestGenerate:
    def test_writes_a_project_with_a_manifest(self, tmp_path):
        manifest = generate(ROOT, tmp_path / "synth", 24, fraction=0.25, seed=5)
        layout = ProjectLayout.at(tmp_path / "synth")
        assert len(layout.reports()) == 24
        assert [r["body"] for r in manifest.reports] == [f"synth-{i:04d}" for i in range(1, 25)]
        assert len(manifest.injections) == 6
        assert len({i.kind for i in manifest.injections}) > 3
        assert (layout.root / "notebooks").is_dir() and (layout.root / "expectations").is_dir()
        assert Manifest.read(layout.root / "manifest.json").to_json() == manifest.to_json()
        params = (layout.params_file("synth-0001", 2017)).read_text(encoding="utf-8")
        assert "body: synth-0001" in params and "dongyang 2017" in params

    def test_refuses_to_write_into_the_source(self, tmp_path):
        with pytest.raises(ValueError, match="folder of their own"):
            generate(ROOT, ROOT, 1)

    def test_the_manifest_names_cells_that_differ_from_the_clean_report(self, tmp_path, templates):
        manifest = generate(ROOT, tmp_path / "synth", 19, fraction=1.0, seed=2)
        for injection in manifest.injections:
            index = int(injection.body.split("-")[1]) - 1
            clean, _ = make_report(templates[index], injection.body, 2 * 1_000_003 + index)
            written = json.loads((tmp_path / "synth" / "manifest.json").read_text(encoding="utf-8"))
            assert written["injections"][manifest.injections.index(injection)]["check"] == injection.check
            table, row, column = injection.cells[0].split(".")
            if column != "公布占比":
                path = tmp_path / "synth" / "data" / injection.body / str(injection.year) / f"{table}.csv"
                assert path.exists()
                assert clean.get(table, row, column) is not None


def _injection(body: str, check: str = "I1_carry_balance", also: tuple[str, ...] = ()) -> Injection:
    return Injection(body, 2023, "carry_balance", check, "critical", ("requests.new.natural",), "3", also)


def _manifest(*injections: Injection, count: int = 3) -> Manifest:
    reports = [
        {"body": f"synth-000{i}", "year": 2023, "template": "hongze 2023", "era": "2021-standard"} for i in range(1, count + 1)
    ]
    return Manifest(0, count, 0.3, reports, list(injections))


class TestRecall:
    def test_every_injection_found_and_nothing_else(self):
        manifest = _manifest(_injection("synth-0001"))
        found = recall(
            manifest, {"synth-0001 2023": [("I1_carry_balance", "critical")], "synth-0002 2023": [], "synth-0003 2023": []}
        )
        assert found.recall == 1.0 and found.missed == () and found.unexpected == () and found.unread == ()

    def test_a_missed_injection_lowers_the_recall(self):
        manifest = _manifest(_injection("synth-0001"), _injection("synth-0002", "I5_review_litigation_totals"))
        found = recall(
            manifest, {"synth-0001 2023": [("I1_carry_balance", "critical")], "synth-0002 2023": [], "synth-0003 2023": []}
        )
        assert found.recall == 0.5
        assert [i.body for i in found.missed] == ["synth-0002"]

    def test_a_critical_failure_no_injection_explains_is_a_false_critical(self):
        manifest = _manifest(_injection("synth-0001"))
        findings = {
            "synth-0001 2023": [("I1_carry_balance", "critical"), ("I3_applicants_total", "critical")],
            "synth-0002 2023": [("I2_outcomes_total", "critical"), ("cells_reported", "warning")],
            "synth-0003 2023": [],
        }
        found = recall(manifest, findings)
        assert found.recall == 1.0
        assert found.false_criticals == (("synth-0001 2023", "I3_applicants_total"), ("synth-0002 2023", "I2_outcomes_total"))
        assert ("synth-0002 2023", "cells_reported", "warning") in found.unexpected

    def test_the_checks_that_fail_with_an_injection_by_their_nature_are_expected(self):
        manifest = _manifest(_injection("synth-0001", "published_share_matches_counts", ("published_share_precision",)))
        findings = {"synth-0001 2023": [("published_share_matches_counts", "warning"), ("published_share_precision", "warning")]}
        found = recall(manifest, findings)
        assert found.recall == 1.0 and found.unexpected == ()
        assert found.unread == ("synth-0002 2023", "synth-0003 2023")

    def test_no_injection_is_full_recall(self):
        assert recall(_manifest(), {}).recall == 1.0


@pytest.mark.slow
class TestValidateSynthetic:
    def test_the_real_checks_find_each_injected_error_and_nothing_else(self, tmp_path):
        from nianbao.checks.validate import validate

        manifest = generate(ROOT, tmp_path / "synth", 5, fraction=0.6, seed=4)
        assert len(manifest.injections) == 3
        findings = {}
        for entry in manifest.reports:
            result = validate(load_report(tmp_path / "synth", entry["body"], entry["year"]))
            findings[result.report] = [(c.check, c.severity.value) for c in result.checks if not c.success]
        found = recall(manifest, findings)
        assert found.recall == 1.0
        assert found.unexpected == ()
