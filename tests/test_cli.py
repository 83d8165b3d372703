from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import edit_csv
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
        assert "0 项严重不通过，2 项警告" in result.output  # the share precision; the unbound prose numbers (提示)

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
        from nianbao.cli import _summary
        from nianbao.errors import ExitCode
        from nianbao.run.status import RunResult, Status

        _summary(
            [
                RunResult("a", 2020, Status.RENDERED, tmp_path / "a", unchanged=True),
                RunResult("b", 2021, Status.FAILED_VALIDATION, None, "未通过\n第二行", ExitCode.VALIDATION_FAILED),
                RunResult("c", 2022, Status.ERROR, None, "出错了", ExitCode.EXECUTION_ERROR),
            ]
        )
        assert capsys.readouterr().out == (
            "\n汇总:\n"
            f"  a 2020: 已生成（rendered），输入未变 → {tmp_path / 'a'}\n"
            "  b 2021: 未通过校验（failed validation）\n      未通过\n      第二行\n"
            "  c 2022: 出错（error）\n      出错了\n"
            "共 3 个报告: 已生成 1，未通过校验 1，出错 1（其中 1 个输入未变，未重新运行）\n"
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
