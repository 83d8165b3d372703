"""batch.py: every report of a project, a failing report turned into a result instead of stopping the others."""

from __future__ import annotations

import json
import queue
from concurrent.futures import Future

import pytest

from nianbao.errors import ExitCode, ReportNotFound, ValidationFailed
from nianbao.paths import ProjectLayout
from nianbao.run import batch
from nianbao.run.batch import Batch, Group, Job, groups, report_result, run_all
from nianbao.run.cache import era_named, run_key
from nianbao.run.status import RunResult, Section, Stage, Status


def raising(exc):
    def run_report(root, body, year, **kwargs):
        raise exc

    return run_report


class TestReportResult:
    def test_a_rendered_report_is_its_result(self, monkeypatch, tmp_path):
        done = RunResult("a", 2020, Status.RENDERED, tmp_path)
        monkeypatch.setattr(batch, "run_report", lambda root, body, year, **kwargs: done)
        assert report_result(Batch(tmp_path), "a", 2020, log=print, stage=print) is done

    def test_failed_validation(self, monkeypatch, tmp_path):
        monkeypatch.setattr(batch, "run_report", raising(ValidationFailed("未通过")))
        stages = []
        result = report_result(Batch(tmp_path), "a", 2020, log=print, stage=stages.append)
        assert (result.status, result.output, result.message, result.exit_code) == (
            Status.FAILED_VALIDATION,
            None,
            "未通过",
            ExitCode.VALIDATION_FAILED,
        )
        assert stages == []  # the run reported its own stage

    def test_an_error_of_the_package(self, monkeypatch, tmp_path):
        monkeypatch.setattr(batch, "run_report", raising(ReportNotFound("没有", hint="换一个")))
        stages = []
        result = report_result(Batch(tmp_path), "a", 2020, log=print, stage=stages.append)
        assert (result.status, result.message, result.exit_code) == (Status.ERROR, "没有\n  提示: 换一个", ExitCode.INPUT_ERROR)
        assert stages == [Stage.ERROR]

    def test_a_file_that_cannot_be_written(self, monkeypatch, tmp_path):
        monkeypatch.setattr(batch, "run_report", raising(PermissionError(13, "Permission denied", "/x")))
        stages = []
        result = report_result(Batch(tmp_path), "a", 2020, log=print, stage=stages.append)
        assert result.status is Status.ERROR and result.exit_code == ExitCode.EXECUTION_ERROR == 3
        assert "无法读写文件: /x（Permission denied）" in result.message
        assert stages == [Stage.ERROR]

    def test_a_bug_is_a_result_with_its_traceback(self, monkeypatch, tmp_path):
        monkeypatch.setattr(batch, "run_report", raising(TypeError("unexpected keyword argument")))
        stages = []
        result = report_result(Batch(tmp_path), "a", 2020, log=print, stage=stages.append)
        assert result.status is Status.ERROR and result.exit_code == ExitCode.INTERNAL_ERROR == 4
        assert result.message.startswith("内部错误（nianbao 的缺陷，不是输入的问题）:\nTraceback")
        assert result.message.endswith("TypeError: unexpected keyword argument")
        assert stages == [Stage.ERROR]

    def test_an_interrupt_stops_the_batch(self, monkeypatch, tmp_path):
        monkeypatch.setattr(batch, "run_report", raising(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            report_result(Batch(tmp_path), "a", 2020, log=print, stage=print)


class TestRunAll:
    def test_every_report_in_order_with_its_options_and_stages(self, project, monkeypatch, tmp_path):
        calls, stages = [], []

        def run_report(root, body, year, *, outputs, log, stage, force, key, index):
            assert index is False  # the batch rewrites the index once, at its end
            calls.append((root, body, year, outputs, force))
            assert key == run_key(ProjectLayout.at(root, outputs), body, year)  # computed by the parent
            stage(Stage.DONE)
            if body == "hongze":
                raise ValidationFailed("未通过")
            return RunResult(body, year, Status.RENDERED, None)

        monkeypatch.setattr(batch, "run_report", run_report)
        monkeypatch.setattr(batch, "_prepare", lambda batch, jobs: None)  # no checks ahead for runs that check nothing
        results = run_all(project, outputs=tmp_path / "out", stage=lambda *event: stages.append(event), jobs=1, force=True)
        reports = ProjectLayout.at(project).reports()
        assert [(r.body, r.year) for r in results] == reports
        # run by era (a share of one era is checked together), each once; results in report order
        assert sorted(calls) == sorted((project, body, year, tmp_path / "out", True) for body, year in reports)
        assert sorted(stages) == sorted((body, year, Stage.DONE) for body, year in reports)
        eras = [era_named(ProjectLayout.at(project).params_file(body, year)) for _, body, year, _, _ in calls]
        assert len(eras) == len(reports) and eras == sorted(eras, key=eras.index)  # each era's reports together
        assert {r.status for r in results if r.body == "hongze"} == {Status.FAILED_VALIDATION}

    def test_a_project_without_reports(self, tmp_path):
        assert run_all(tmp_path, jobs=4) == []

    def test_the_index_is_rewritten_once_at_the_end_also_when_interrupted(self, project, monkeypatch, tmp_path):
        from nianbao.run import site

        written = []
        monkeypatch.setattr(site, "write_index", lambda layout: written.append(layout.outputs))
        monkeypatch.setattr(batch, "_prepare", lambda batch, jobs: None)
        monkeypatch.setattr(batch, "run_report", lambda *a, **k: RunResult(a[1], a[2], Status.RENDERED, None))
        run_all(project, outputs=tmp_path / "out", jobs=1, force=True)
        assert written == [tmp_path / "out"]
        monkeypatch.setattr(batch, "run_report", raising(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            run_all(project, outputs=tmp_path / "out", jobs=1, force=True)
        assert written == [tmp_path / "out"] * 2


class TestGroups:
    def _jobs(self, project):
        return [Job(body, year) for body, year in ProjectLayout.at(project).reports()]

    def test_one_era_a_group_split_in_a_share_per_worker_largest_first(self, project):
        jobs = self._jobs(project)
        layout = ProjectLayout.at(project)
        cut = groups(Batch(project), jobs, 2)
        assert sorted((j.body, j.year) for group in cut for j in group.jobs) == sorted((j.body, j.year) for j in jobs)
        for group in cut:
            assert len({era_named(layout.params_file(j.body, j.year)) for j in group.jobs}) == 1
            assert [j for share in group.shares for j in share] == group.jobs
            assert len(group.shares) == min(2, len(group.jobs))  # split evenly over the 2 workers
            assert max(map(len, group.shares)) - min(map(len, group.shares)) <= 1
        assert len(cut) == 3  # one group per era: each era checked once
        assert [len(group.jobs) for group in cut] == sorted((len(group.jobs) for group in cut), reverse=True)

    def test_no_group_above_the_limit(self, project, monkeypatch):
        monkeypatch.setattr(batch, "GROUP", 2)
        cut = groups(Batch(project), self._jobs(project), 1)
        assert max(len(group.jobs) for group in cut) == 2 and sum(len(group.jobs) for group in cut) == len(self._jobs(project))
        assert all(group.shares == [group.jobs] for group in cut)  # one worker: one share, the group


class _Pool:
    """A pool that runs nothing until told: what was submitted, in order, each with a future set by ``finish``."""

    def __init__(self):
        self.submitted = []

    def submit(self, fn, *args):
        future = Future()
        self.submitted.append((fn.__name__, args, future))
        return future

    def finish(self, index, result=None, error=None):
        future = self.submitted[index][2]
        future.set_exception(error) if error is not None else future.set_result(result)


class TestSchedule:
    def _groups(self):
        a = [Job("a", 2020, "ka"), Job("b", 2020, "kb"), Job("c", 2020, "kc")]
        d = [Job("d", 2021, "kd"), Job("e", 2021, "ke")]
        f = [Job("f", 2019, "kf")]
        return [Group(a, [a[:2], a[2:]]), Group(d, [d[:1], d[1:]]), Group(f, [f])]

    def test_a_check_per_worker_first_then_each_groups_shares_with_their_validations_then_the_next_check(self):
        pool, events = _Pool(), object()
        a, d, f = self._groups()
        schedule = batch._Schedule(pool, Batch("root"), [a, d, f], events, ahead=2)
        assert [(name, args[1]) for name, args, _ in pool.submitted] == [("_check", a.jobs), ("_check", d.jobs)]
        assert schedule.advance() is False  # nothing came back yet
        pool.finish(1, {("d", 2021, "kd"): "vd", ("e", 2021, "ke"): "ve"})  # the second group's check came back first
        assert schedule.advance() is False
        assert [(name, args[1]) for name, args, _ in pool.submitted[2:]] == [
            ("_worker", d.shares[0]),
            ("_worker", d.shares[1]),
            ("_check", f.jobs),  # after the runs it makes possible
        ]
        assert pool.submitted[2][1][3] == {("d", 2021, "kd"): "vd"} and pool.submitted[3][1][3] == {("e", 2021, "ke"): "ve"}
        pool.finish(0, error=RuntimeError("the check failed"))  # its reports validate on their own
        pool.finish(4, {})
        schedule.advance()
        runs = [(args[1], args[3]) for name, args, _ in pool.submitted if name == "_worker"]
        assert (a.shares[0], {}) in runs and (a.shares[1], {}) in runs and (f.jobs, {}) in runs
        assert len(pool.submitted) == 2 + 2 + 1 + 2 + 1  # every group checked once, every share run once
        results = {}
        for index, (name, args, _) in enumerate(pool.submitted):
            if name == "_worker":
                results[index] = [RunResult(j.body, j.year, Status.RENDERED, None) for j in args[1]]
        for index in list(results)[:-1]:
            pool.finish(index, results[index])
        assert schedule.advance() is False  # a share still runs
        pool.finish(list(results)[-1], results[list(results)[-1]])
        assert schedule.advance() is True
        assert sorted(r.body for r in schedule.results()) == ["a", "b", "c", "d", "e", "f"]


class TestWorkerStarted:
    def test_a_worker_takes_a_kernel_the_parent_started_or_starts_its_own(self, monkeypatch):
        from nianbao.run import warm

        taken = []
        monkeypatch.setattr(warm, "enable", lambda: None)
        monkeypatch.setattr(warm, "adopt", lambda handoff: taken.append(("adopt", handoff)))
        monkeypatch.setattr(warm, "launch", lambda: taken.append(("launch", None)))
        monkeypatch.setattr(batch.signal, "signal", lambda *args: None)
        events, kernels = queue.Queue(), queue.Queue()
        kernels.put("handoff")
        batch._worker_started(events, kernels)
        batch._worker_started(events, kernels)
        assert taken == [("adopt", "handoff"), ("launch", None)]
        assert [events.get_nowait()[0] for _ in range(2)] == ["pid", "pid"]


class TestRelay:
    def test_passes_log_lines_and_stages_until_every_report_is_done(self):
        events = queue.Queue()
        events.put(("log", "a", 2020, "[a 2020] 执行"))
        events.put(("stage", "a", 2020, Section(1, 2)))
        events.put(("pid", "", 0, 4242))
        advanced = []
        lines, stages, workers = [], [], set()

        def advance():
            advanced.append(events.qsize())
            return events.empty()

        batch._relay(events, advance, workers, log=lines.append, stage=lambda *event: stages.append(event))
        assert lines == ["[a 2020] 执行"] and stages == [("a", 2020, Section(1, 2))]
        assert workers == {4242}
        assert advanced == [2, 1, 0, 0]  # after each event, and once the queue is empty


def _rendered(layout: ProjectLayout, body: str, year: int, key: str) -> None:
    """Outputs of ``body`` ``year`` as a rendered run with ``key`` leaves them."""
    final = layout.output_dir(body, year)
    final.mkdir(parents=True)
    (final / "manifest.json").write_text(json.dumps({"run_key": key}), encoding="utf-8")
    (final / "report.pdf").write_bytes(b"%PDF")


class TestSettle:
    def test_unchanged_reports_are_settled_the_others_are_jobs_with_their_keys(self, project, tmp_path):
        layout = ProjectLayout.at(project, tmp_path / "out")
        reports = layout.reports()
        for body, year in reports[1:]:
            _rendered(layout, body, year, run_key(layout, body, year))
        stages = []
        settled, jobs = batch.settle(Batch(project, tmp_path / "out"), log=print, stage=lambda *e: stages.append(e))
        body, year = reports[0]
        assert jobs == [batch.Job(body, year, run_key(layout, body, year))]
        assert sorted(settled) == reports[1:]
        assert all(r.unchanged and r.status is Status.RENDERED for r in settled.values())
        assert stages == [(b, y, Stage.UNCHANGED) for b, y in reports[1:]]

    def test_a_changed_input_or_force_makes_a_job(self, project, tmp_path):
        layout = ProjectLayout.at(project, tmp_path / "out")
        for body, year in layout.reports():
            _rendered(layout, body, year, run_key(layout, body, year))
        (project / "params" / "pingtan" / "2025.yaml").write_text(
            (project / "params" / "pingtan" / "2025.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
        )
        _, jobs = batch.settle(Batch(project, tmp_path / "out"), log=print, stage=lambda *e: None)
        assert [(j.body, j.year) for j in jobs] == [("pingtan", 2025)]
        _, forced = batch.settle(Batch(project, tmp_path / "out", force=True), log=print, stage=lambda *e: None)
        assert len(forced) == len(layout.reports())

    def test_nothing_changed_starts_no_worker(self, project, tmp_path, monkeypatch):
        layout = ProjectLayout.at(project, tmp_path / "out")
        for body, year in layout.reports():
            _rendered(layout, body, year, run_key(layout, body, year))
        monkeypatch.setattr(batch, "_run_jobs", lambda *a, **k: pytest.fail("a worker was started"))
        results = run_all(project, outputs=tmp_path / "out", jobs=2, log=lambda line: None)
        assert [(r.body, r.year) for r in results] == layout.reports() and all(r.unchanged for r in results)
