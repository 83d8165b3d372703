from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import edit_csv, nianbao
from nianbao.cli import main

pytestmark = pytest.mark.slow  # the command line: Great Expectations runs


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


class TestList:
    def test_lists_reports(self, root):
        result = _invoke("list", "--root", root)
        assert result.exit_code == 0 and "dongyang 2017" in result.output


class TestValidateCommand:
    def test_published_data_passes(self, root):
        result = _invoke("validate", "dongyang", 2017, "--root", root)
        assert result.exit_code == 0
        assert "0 项严重不通过，1 项警告，1 项提示" in result.output  # the share precision; the unbound prose numbers

    def test_broken_identity_exits_1_and_names_it(self, project):
        edit_csv(project / "data/dongyang/2017/applications.csv", "当面申请,42", "当面申请,43")
        result = _invoke("validate", "dongyang", 2017, "--root", project)
        assert result.exit_code == 1
        assert "各申请方式之和应等于收到申请总数" in result.output and "92 ≠" in result.output

    def test_bad_input_exits_2(self, project):
        edit_csv(project / "data/dongyang/2017/applications.csv", "当面申请,42", "当面申请,四十二")
        result = _invoke("validate", "dongyang", 2017, "--root", project)
        assert result.exit_code == 2
        assert "applications.csv, 第3行, 列 本年: 不是数字：'四十二'" in result.output


class TestRunCommand:
    def test_unknown_body_exits_2_and_lists_bodies(self, root):
        result = _invoke("run", "dongyan", 2017, "--root", root)
        assert result.exit_code == 2
        assert "dongyang" in result.output

    def test_body_and_all_together_is_a_usage_error(self, root):
        result = _invoke("run", "dongyang", 2017, "--all", "--root", root)
        assert result.exit_code == 2 and "either BODY YEAR or --all" in result.output

    def test_missing_year_is_a_usage_error(self, root):
        result = _invoke("run", "dongyang", "--root", root)
        assert result.exit_code == 2

    def test_a_bug_exits_4_with_its_traceback_not_1(self, root, monkeypatch, tmp_path):
        from nianbao.run import pipeline

        def broken(*args, **kwargs):
            raise TypeError("unexpected keyword argument")

        monkeypatch.setattr(pipeline, "run_report", broken)
        result = _invoke("run", "dongyang", 2017, "--root", root, "--outputs", tmp_path)  # not the project's outputs
        assert result.exit_code == 4, result.output
        assert "Traceback" in result.output and "TypeError: unexpected keyword argument" in result.output
        assert "内部错误（nianbao 的缺陷，不是输入的问题）" in result.output


class TestFieldsInProse:
    def test_unknown_field_stops_the_run_with_exit_2_and_nothing_published(self, dongyang_copy, tmp_path):
        prose = dongyang_copy / "data/dongyang/2017/prose/overview.md"
        prose.write_text("第一段。\n\n全年收到申请{{收到申情}}件。\n", encoding="utf-8")
        outputs = tmp_path / "outputs"
        result = nianbao("run", "dongyang", 2017, "--root", dongyang_copy, "--outputs", outputs, cwd=dongyang_copy)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "data/dongyang/2017/prose/overview.md, 第3行: 未知的字段：'{{收到申情}}'" in result.stderr
        assert "是否想写 {{收到申请}}？" in result.stderr
        assert not (outputs / "dongyang" / "2017").exists()

    def test_validate_fills_the_fields_before_the_checks(self, dongyang_copy):
        prose = dongyang_copy / "data/dongyang/2017/prose/overview.md"
        prose.write_text("{{收到申请.上年}}\n", encoding="utf-8")
        result = _invoke("validate", "dongyang", 2017, "--root", dongyang_copy)
        assert result.exit_code == 2 and "没有上一年度（2016年）的报告：'{{收到申请.上年}}'" in result.output


class TestExpectationsCommand:
    def test_in_sync(self, root):
        result = _invoke("expectations", "--root", root)
        assert result.exit_code == 0

    def test_stale_exits_1_and_write_repairs(self, project):
        (project / "expectations/old-free-text/answers.json").unlink()
        assert _invoke("expectations", "--root", project).exit_code == 1
        assert _invoke("expectations", "--write", "--root", project).exit_code == 0
        assert _invoke("expectations", "--root", project).exit_code == 0


class TestSummary:
    def test_each_report_and_the_counts_by_status(self, capsys, tmp_path):
        """A report rendered in this run shows its checks counted by verdict (未评估 and 不适用 apart from 通过)."""
        from nianbao.cli import _summary
        from nianbao.errors import ExitCode
        from nianbao.run.status import RunResult, Status

        _summary(
            [
                RunResult("a", 2020, Status.RENDERED, tmp_path / "a", unchanged=True),
                RunResult(
                    "d",
                    2019,
                    Status.RENDERED,
                    tmp_path / "d",
                    "d 2019: 3 项检查，1 项通过，0 项严重不通过，0 项警告，0 项提示，2 项未评估，0 项不适用",
                ),
                RunResult("b", 2021, Status.FAILED_VALIDATION, None, "未通过\n第二行", ExitCode.VALIDATION_FAILED),
                RunResult("c", 2022, Status.ERROR, None, "出错了", ExitCode.EXECUTION_ERROR),
            ]
        )
        assert capsys.readouterr().out == (
            "\n汇总:\n"
            f"  a 2020: 已生成（rendered），输入未变 → {tmp_path / 'a'}\n"
            f"  d 2019: 已生成（rendered） → {tmp_path / 'd'}\n"
            "      d 2019: 3 项检查，1 项通过，0 项严重不通过，0 项警告，0 项提示，2 项未评估，0 项不适用\n"
            "  b 2021: 未通过校验（failed validation）\n      未通过\n      第二行\n"
            "  c 2022: 出错（error）\n      出错了\n"
            "共 4 个报告: 已生成 2，未通过校验 1，出错 1（其中 1 个输入未变，未重新运行）\n"
        )


class TestImportCommand:
    def test_imports_and_says_what_it_wrote(self, root, tmp_path):
        result = _invoke(
            "import", root / "data/hongze/2024/published.txt", "--body", "newbody", "--year", 2024,
            "--era", "2021-standard", "--issuer", "洪泽区人民政府", "--root", tmp_path,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "params/newbody/2024.yaml" in result.output and (tmp_path / "data/newbody/2024/requests.csv").exists()

    def test_a_body_outside_the_project_is_refused_before_anything_is_written(self, root, tmp_path):
        project = tmp_path / "a" / "b"
        project.mkdir(parents=True)
        result = _invoke(
            "import", root / "data/hongze/2024/published.txt", "--body", "../../x", "--year", 2024,
            "--era", "2021-standard", "--issuer", "洪泽区人民政府", "--root", project,
        )  # fmt: skip
        assert result.exit_code == 2, result.output
        assert "错误: --body 或 --year 无效：'../../x'；应为 小写字母、数字、- 和 _" in result.output
        assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*")] == [Path("a"), Path("a/b")]


class TestValidateAllCommand:
    def test_a_verdict_per_report_and_the_summary(self, tmp_path):
        from helpers import copy_project

        project = copy_project(tmp_path / "p", reports=(("dongyang", 2017), ("hongze", 2023)))
        result = _invoke("validate", "--all", "--root", project)
        assert result.exit_code == 1  # hongze 2023 was published with an error
        assert "[dongyang 2017] dongyang 2017: 71 项检查" in result.output
        assert "[hongze 2023] hongze 2023:" in result.output and "1 项严重不通过" in result.output
        assert result.output.rstrip().endswith("共 2 个报告: 通过 1，未通过严重级别的校验 1，无法校验 0")

    def test_body_and_all_together_is_a_usage_error(self, root):
        result = _invoke("validate", "dongyang", 2017, "--all", "--root", root)
        assert result.exit_code == 2 and "either BODY YEAR or --all" in result.output


def _imported(args: list[str], cwd) -> tuple[str, str]:
    """Run ``nianbao ARGS`` in a fresh interpreter: its output, then the heavy modules it imported (as a list)."""
    code = (
        "import sys\nfrom nianbao.cli import main\n"
        f"try:\n    main({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'great_expectations', 'nbformat', 'jupyter_client') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    *output, imported = result.stdout.strip().splitlines() or [result.stderr]
    return "\n".join(output) + result.stderr, imported


def _unchanged(project, outputs, reports) -> None:
    """Outputs for ``reports`` as a run with the current inputs leaves them."""
    from nianbao.paths import ProjectLayout
    from nianbao.run.cache import run_key

    layout = ProjectLayout.at(project, outputs)
    for body, year in reports:
        final = outputs / body / str(year)
        final.mkdir(parents=True)
        (final / "manifest.json").write_text(json.dumps({"run_key": run_key(layout, body, year)}), encoding="utf-8")
        (final / "report.pdf").write_bytes(b"%PDF")


class TestLazyImports:
    @pytest.mark.parametrize("args", [["--help"], ["list"], ["run", "--help"], ["validate", "--help"], ["watch", "--help"]])
    def test_commands_that_need_no_data_import_no_pandas_nor_great_expectations(self, root, args):
        output, imported = _imported(args, root)
        assert imported == "[]", output

    def test_run_all_with_nothing_changed_imports_none_of_a_run(self, project, tmp_path):
        from nianbao.paths import ProjectLayout

        outputs = tmp_path / "out"
        _unchanged(project, outputs, ProjectLayout.at(project).reports())
        output, imported = _imported(["run", "--all", "--outputs", str(outputs)], project)
        assert "个输入未变" in output and imported == "[]", output
        assert (outputs / "index.html").is_file()

    def test_run_of_an_unchanged_report_imports_none_of_a_run(self, project, tmp_path):
        outputs = tmp_path / "out"
        _unchanged(project, outputs, [("pingtan", 2022)])
        output, imported = _imported(["run", "pingtan", "2022", "--outputs", str(outputs)], project)
        assert "输入未变" in output and imported == "[]", output
