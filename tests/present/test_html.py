"""The validation chapter's words for the outcome of the checks: a report whose checks did not all evaluate something
is not said to have passed them all."""

from __future__ import annotations

from nianbao.checks.results import Check, Validation
from nianbao.present.html import validation_html


def _validation(*checks: Check) -> Validation:
    return Validation(report="r", era="old-free-text", checks=list(checks), identities=[], shares=[], notes=[])


def _check(check: str, **changes) -> Check:
    fields = {"suite": "s", "check": check, "severity": "warning", "success": True, "description": check, "evaluated": 1}
    return Check(**{**fields, **changes})


class TestFindings:
    def test_all_passed_only_when_every_check_evaluated_something(self, dongyang):
        html = validation_html(dongyang, _validation(_check("a"), _check("b")))
        assert "<p>全部检查通过。</p>" in html

    def test_checks_not_evaluated_or_not_applicable_are_counted_apart(self, dongyang):
        checks = (_check("a"), _check("b", evaluated=0), _check("c", evaluated=0, applicable=False))
        html = validation_html(dongyang, _validation(*checks))
        assert "全部检查通过" not in html
        assert "<p>没有不通过的检查；1 项通过，1 项未评估，1 项不适用。</p>" in html
        assert "r: 3 项检查，1 项通过，0 项严重不通过，0 项警告，0 项提示，1 项未评估，1 项不适用" in html
        assert html.count("<td>未评估</td>") == 1 and html.count("<td>不适用</td>") == 1
