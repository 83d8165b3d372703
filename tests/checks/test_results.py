"""The result types of the checks: severities and verdicts in the report's words, a check as validation.json holds
it, and a validation read back from its file."""

from __future__ import annotations

import json

import pytest

from nianbao.checks.results import Check, Severity, Validation, Verdict


def _check(**changes) -> Check:
    fields = {"suite": "s", "check": "c", "severity": "warning", "success": True, "description": "d"}
    return Check(**{**fields, **changes})


class TestSeverity:
    @pytest.mark.parametrize("severity, label", [("critical", "严重"), ("warning", "警告"), ("info", "提示")])
    def test_label(self, severity, label):
        assert Severity(severity).label == label

    def test_compares_and_serialises_as_its_plain_string(self):
        assert Severity.CRITICAL == "critical"
        assert json.dumps(Severity.WARNING) == '"warning"'

    def test_an_unknown_severity_is_refused(self):
        with pytest.raises(ValueError):
            Severity("fatal")


class TestVerdict:
    @pytest.mark.parametrize(
        "success, evaluated, applicable, verdict",
        [
            (True, 3, True, "通过"),
            (False, 3, True, "不通过"),
            (True, 0, True, "未评估"),  # applies, found nothing to evaluate
            (False, 0, True, "不通过"),  # a failure is a failure, whatever it counted
            (True, 0, False, "不适用"),  # does not apply to this report by declaration
            (False, 0, False, "不通过"),
            (True, None, True, "通过"),
        ],
    )
    def test_of(self, success, evaluated, applicable, verdict):
        assert Verdict.of(success=success, evaluated=evaluated, applicable=applicable) == verdict


class TestCheck:
    def test_severity_given_as_a_string_becomes_a_severity(self):
        assert _check(severity="critical").severity is Severity.CRITICAL

    def test_to_json_keeps_the_field_order_and_a_plain_severity(self):
        data = _check(details=["x"], evaluated=2).to_json()
        fields = ["suite", "check", "severity", "success", "description", "table", "details", "evaluated", "applicable"]
        assert list(data) == [*fields, "plain", "verdict"]
        assert type(data["severity"]) is str and data["severity"] == "warning"
        assert data["verdict"] == "通过" and _check(evaluated=0).to_json()["verdict"] == "未评估"

    def test_failed_critical(self):
        assert _check(severity="critical", success=False).failed_critical
        assert not _check(severity="warning", success=False).failed_critical
        assert not _check(severity="critical", success=True).failed_critical

    def test_message_names_the_severity_and_lists_the_details(self):
        assert _check(severity="critical", details=["a", "b"]).message() == "[严重] d\n    - a\n    - b"

    def test_verdict(self):
        assert _check(success=False, evaluated=0).verdict is Verdict.FAILED
        assert _check(success=False, evaluated=1).verdict is Verdict.FAILED
        assert _check(evaluated=0).verdict is Verdict.NOT_EVALUATED
        assert _check(evaluated=0, applicable=False).verdict is Verdict.NOT_APPLICABLE


class TestValidation:
    def _validation(self) -> Validation:
        checks = [
            _check(check="a", severity="critical", success=False, details=["x"], evaluated=1),
            _check(check="b", severity="warning", success=False, evaluated=1),
            _check(check="c", severity="info", success=True, evaluated=0),
            _check(check="f", severity="info", success=False, details=["y"], evaluated=2),
            _check(check="d", severity="critical", success=True, evaluated=0, applicable=False),
            _check(check="e", severity="critical", success=True, evaluated=4),
        ]
        return Validation(report="r", era="2019", checks=checks, identities=[], shares=[], notes=["n"])

    def test_counts(self):
        result = self._validation()
        assert [c.check for c in result.critical_failures] == ["a"]
        assert [c.check for c in result.warnings] == ["b"]
        assert [c.check for c in result.notices] == ["f"]
        assert not result.success
        assert result.summary() == "r: 6 项检查，1 项通过，1 项严重不通过，1 项警告，1 项提示，1 项未评估，1 项不适用"
        assert result.to_json()["counts"] == {
            "checks": 6,
            "passed": 1,
            "critical_failures": 1,
            "warnings": 1,
            "notices": 1,
            "not_evaluated": 1,
            "not_applicable": 1,
        }

    def test_written_with_plain_severities_and_read_back(self, tmp_path):
        result = self._validation()
        result.write(tmp_path / "v.json")
        text = (tmp_path / "v.json").read_text(encoding="utf-8")
        assert json.loads(text)["checks"][0]["severity"] == "critical"
        again = Validation.read(tmp_path / "v.json")
        assert again == result and again.checks[1].severity is Severity.WARNING
        again.write(tmp_path / "again.json")
        assert (tmp_path / "again.json").read_text(encoding="utf-8") == text
