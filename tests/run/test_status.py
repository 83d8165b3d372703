"""status.py: the stages of a run and the status of its result, with the labels the command line prints."""

from __future__ import annotations

import pickle

import pytest

from nianbao.errors import ExitCode
from nianbao.run.status import RunResult, Section, Stage, Status


class TestStatusLabel:
    @pytest.mark.parametrize(
        "status, value, label",
        [
            (Status.RENDERED, "rendered", "已生成"),
            (Status.FAILED_VALIDATION, "failed validation", "未通过校验"),
            (Status.ERROR, "error", "出错"),
        ],
    )
    def test_value_and_chinese_label(self, status, value, label):
        assert status.value == value and status.label == label

    def test_in_the_order_the_summary_counts_them(self):
        assert [s.value for s in Status] == ["rendered", "failed validation", "error"]


class TestStageLabel:
    @pytest.mark.parametrize(
        "stage, label",
        [
            (Stage.QUEUED, "排队"),
            (Stage.LOADING, "读取数据"),
            (Stage.WAITING_FOR_LOCK, "等待锁"),
            (Stage.VALIDATING, "校验"),
            (Stage.RENDERING_HTML, "渲染 HTML"),
            (Stage.RENDERING_PDF, "渲染 PDF"),
            (Stage.RENDERING_DOCX, "渲染 Word"),
            (Stage.DONE, "完成"),
            (Stage.UNCHANGED, "未变，跳过"),
            (Stage.FAILED_VALIDATION, "未通过校验"),
            (Stage.FAILED_UNCHANGED, "未通过校验（未变）"),
            (Stage.ERROR, "出错"),
        ],
    )
    def test_chinese_label(self, stage, label):
        assert stage.label == label


class TestStageFinal:
    def test_the_stages_a_run_ends_at(self):
        assert {s for s in Stage if s.final} == {
            Stage.DONE,
            Stage.UNCHANGED,
            Stage.FAILED_VALIDATION,
            Stage.FAILED_UNCHANGED,
            Stage.ERROR,
        }


class TestSection:
    def test_label_names_the_notebook_of_all(self):
        assert Section(2, 5).label == "执行章节 2/5"

    def test_not_final(self):
        assert not Section(5, 5).final

    def test_crosses_processes(self):
        """Stages go from a batch's workers to the parent through a queue."""
        assert pickle.loads(pickle.dumps(Section(1, 3))) == Section(1, 3)
        assert pickle.loads(pickle.dumps(Stage.DONE)) is Stage.DONE


class TestRunResult:
    def test_a_rendered_result_exits_0_and_ran(self, tmp_path):
        result = RunResult("a", 2020, Status.RENDERED, tmp_path)
        assert result.exit_code == ExitCode.OK == 0 and not result.unchanged and result.message == ""
