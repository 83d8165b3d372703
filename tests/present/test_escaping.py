"""Every text that reaches a page from params or data is escaped: a label, a heading, a narrative, a check's
description, its details and the loader's notes are text in the HTML, never markup. Each builder of HTML is fed
markup and its output parsed with an HTML parser."""

from __future__ import annotations

import dataclasses

import pytest
from bs4 import BeautifulSoup

from helpers import edit_csv
from nianbao.checks.results import Check, Validation
from nianbao.inputs.report import load_report
from nianbao.present import html as report_html
from nianbao.present import official
from nianbao.present import session as session_module
from nianbao.present import validation as validation_pages

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


def assert_inert(html: str, *, shows: str = HOSTILE) -> None:
    """No element or attribute came from the hostile text, and the text itself is shown as written."""
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["script", "img", "a"]) is None, html
    assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
    assert shows in soup.get_text()


@pytest.fixture
def captured(monkeypatch):
    pages: list[str] = []
    monkeypatch.setattr(session_module, "_html", pages.append)
    return pages


class TestLayout:
    def test_a_cell(self):
        assert_inert(official._td(HOSTILE))
        assert_inert(official._td(HOSTILE, tag="th", rowspan=2, colspan=3, cls="row-label"))

    def test_header_rows(self):
        assert_inert("".join(official.header_rows([(HOSTILE, "a"), (HOSTILE, "b")], lead=official._td("corner"))))

    @pytest.mark.parametrize(
        "table_id, builder",
        [
            ("requests", lambda r: official.grid_html(r, "requests")),
            ("regulations", lambda r: official.blocks_html(r, "表二")),
            ("reviews_litigation", lambda r: official.transposed_html(r, "reviews_litigation")),
        ],
    )
    def test_a_published_label_noted_under_an_official_table(self, root, table_id, builder):
        report = load_report(root, "pingtan", 2021)
        data = report.tables[table_id]
        data.rows[0] = dataclasses.replace(data.rows[0], label=HOSTILE)  # printed as: <the hostile label>
        assert_inert(builder(report))


class TestSession:
    def test_a_narrative_with_a_hostile_scope(self, dongyang, captured):
        report = dataclasses.replace(dongyang, params=dongyang.params.model_copy(update={"scope": HOSTILE}))
        session_module.Session(report, None, None).narrative("applications")
        assert_inert(captured[0])

    def test_a_hostile_heading(self, dongyang, captured):
        params = dongyang.params.model_copy(update={"headings": {"applications": HOSTILE}})
        session_module.Session(dataclasses.replace(dongyang, params=params), None, None).heading("applications")
        assert_inert(captured[0])

    def test_a_hostile_category_label_in_a_plain_table(self, dongyang_copy):
        edit_csv(dongyang_copy / "data/dongyang/2017/proactive_categories.csv", "教育类信息", HOSTILE.replace('"', "'"))
        report = load_report(dongyang_copy, "dongyang", 2017)
        assert_inert(report_html.table_html(report, "proactive_categories"), shows="<script>alert(1)</script>")


class TestValidationPages:
    @pytest.fixture
    def result(self) -> Validation:
        def check(suite: str) -> Check:
            return Check(
                suite=suite,
                check="c",
                severity="warning",
                success=False,
                description=HOSTILE,
                details=[HOSTILE],
                evaluated=1,
                plain=[HOSTILE],
            )

        return Validation(
            report=HOSTILE,
            era="old-free-text",
            checks=[check(HOSTILE), check("old-free-text.identities"), check("old-free-text.published_shares")],
            identities=[
                {
                    "identity": "c",
                    "column": HOSTILE,
                    "lhs_expr": HOSTILE,
                    "rhs_expr": HOSTILE,
                    "op": "==",
                    "where": HOSTILE,
                    "failed_checks": ["c"],
                }
            ],
            shares=[
                {
                    "title": HOSTILE,
                    "base": HOSTILE,
                    "label": HOSTILE,
                    "value": HOSTILE,
                    "published": "1",
                    "exact": "1",
                    "at_printed": "1",
                    "at_declared": "1",
                    "file": HOSTILE,
                    "line": 2,
                    "failed_checks": [],
                }
            ],
            notes=[HOSTILE],
        )

    def test_the_summary(self, dongyang, result):
        html = validation_pages.summary_html(dongyang, result)
        assert_inert(html)
        assert BeautifulSoup(html, "html.parser").get_text().count(HOSTILE) == 3

    def test_the_page_descriptions_details_identities_shares_and_notes(self, dongyang, result):
        html = validation_pages.page_html(dongyang, result, {})
        assert_inert(html)
        assert BeautifulSoup(html, "html.parser").get_text().count(HOSTILE) >= 15
