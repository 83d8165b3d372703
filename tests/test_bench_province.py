"""bench/province.py: the findings of a batch read back from its words and its validation.json files."""

from __future__ import annotations

import importlib.util
import json
import sys

from helpers import ROOT

_spec = importlib.util.spec_from_file_location("bench_province", ROOT / "bench" / "province.py")
assert _spec is not None and _spec.loader is not None
province = importlib.util.module_from_spec(_spec)
sys.modules["bench_province"] = province  # dataclasses look their module up there
_spec.loader.exec_module(province)

OUTPUT = """\
synth-0001 2017: 71 项检查，31 项通过，0 项严重不通过，0 项警告，0 项提示，9 项未评估，31 项不适用
[synth-0002 2023] synth-0002 2023: 64 项检查，40 项通过，1 项严重不通过，0 项警告，0 项提示，3 项未评估，20 项不适用
[严重] 表三各列：第一项加第二项之和应等于第三项加第四项之和（一 + 二 = 三（七）总计 + 四，表头所印的勾稽关系）
    - 自然人列: 一、本年新收政府信息公开申请数量 40 + … ≠ …
synth-0003 2015: 71 项检查，31 项通过，0 项严重不通过，1 项警告，0 项提示，7 项未评估，31 项不适用
[警告] 一条没有格式声明的描述
"""


class TestFindingsFromOutput:
    def test_each_failure_belongs_to_the_report_above_it_and_is_named_by_its_check(self):
        found = province.findings_from_output(OUTPUT, province.descriptions(ROOT))
        assert found == {
            "synth-0001 2017": [],
            "synth-0002 2023": [("I1_carry_balance", "critical")],
            "synth-0003 2015": [("一条没有格式声明的描述", "warning")],
        }

    def test_no_summary_line_is_no_finding(self):
        assert province.findings_from_output("错误: 不是一个报告\n[严重] 什么", {}) == {}


class TestFindingsFromOutputs:
    def test_reads_the_validation_of_rendered_and_failed_reports(self, tmp_path):
        for folder, report, failed in (
            ("synth-0001/2017", "synth-0001 2017", []),
            ("synth-0002/2023.failed", "synth-0002 2023", ["I5_review_litigation_totals"]),
        ):
            checks = [{"check": "I1_carry_balance", "severity": "critical", "success": True}]
            checks += [{"check": c, "severity": "critical", "success": False} for c in failed]
            (tmp_path / folder).mkdir(parents=True)
            (tmp_path / folder / "validation.json").write_text(json.dumps({"report": report, "checks": checks}), encoding="utf-8")
        assert province.findings_from_outputs(tmp_path) == {
            "synth-0001 2017": [],
            "synth-0002 2023": [("I5_review_litigation_totals", "critical")],
        }


class TestFindingsFromPool:
    def test_one_json_line_per_report(self):
        lines = '{"report": "synth-0001 2017", "failed": [["answers_sum", "critical"]]}\nnoise\n'
        assert province.findings_from_pool(lines) == {"synth-0001 2017": [("answers_sum", "critical")]}


class TestReportsRun:
    def test_counts_the_reports_not_marked_unchanged(self):
        output = "汇总:\n  a 2017: 已生成（rendered）→ out\n  b 2018: 已生成（rendered），输入未变 → out\n共 2 个报告"
        assert province._reports_run(output) == 1

    def test_no_summary_is_unknown(self):
        assert province._reports_run("错误") == "?"


class TestWarmSummary:
    def test_the_median_and_the_largest_of_the_rendered_reports(self):
        lines = [
            {"report": "a 2021", "status": "rendered", "wall": 3.0, "cpu": 4.0},
            {"report": "a 2022", "status": "ValidationFailed", "wall": 9.0, "cpu": 9.0},
            {"report": "a 2023", "status": "rendered", "wall": 2.0, "cpu": 2.5},
            {"report": "a 2024", "status": "rendered", "wall": 4.5, "cpu": 5.0},
        ]
        output = "warming up\n" + "\n".join(json.dumps(line) for line in lines)
        assert province.warm_summary(output) == (
            "3 rendered reports, each checked on its own: wall median 3.00 s, max 4.50 s; "
            "CPU (with its kernel) median 4.00 s, max 5.00 s"
        )

    def test_no_rendered_report(self):
        assert province.warm_summary('{"report": "a 2021", "status": "DataError", "wall": 1, "cpu": 1}') == "no report rendered"


class TestMedianRun:
    def _runs(self, *walls):
        return [province.Measured("corpus cold", ["nianbao"], wall_s=w) for w in walls]

    def test_the_middle_run_noting_every_run(self):
        runs = self._runs(30.0, 10.0, 20.0)
        middle = province.median_run(runs)
        assert middle is runs[2] and middle.notes == ["median of 3 runs: 30.0, 10.0, 20.0 s"]

    def test_the_lower_middle_of_an_even_number_and_a_single_run_as_it_is(self):
        assert province.median_run(self._runs(4.0, 1.0, 3.0, 2.0)).wall_s == 2.0
        single = self._runs(5.0)
        assert province.median_run(single) is single[0] and single[0].notes == []


class TestRatioNote:
    def test_of_the_medians_and_of_each_turn(self):
        ours = [province.Measured("a", ["x"], wall_s=w) for w in (25.0, 20.0, 30.0)]
        base = [province.Measured("b", ["x"], wall_s=w) for w in (80.0, 70.0, 75.0)]
        assert province.ratio_note(ours, base) == "0.33 of the baseline's median (each turn: 0.31, 0.29, 0.40)"
        assert all(r.notes == [] for r in ours + base)  # the rows' notes are the corpus's to write


class _Process:
    """A psutil.Process stand-in: a command line and children."""

    def __init__(self, command, children=()):
        self.command, self.kids = command, list(children)

    def cmdline(self):
        return self.command.split()

    def children(self, recursive=False):
        return self.kids


class TestWorkers:
    def test_the_fork_servers_children_without_the_tracker_or_the_kernels_started_for_the_workers(self):
        workers = [_Process("python -c forkserver-child"), _Process("python -c forkserver-child")]
        kernels = [_Process("python -m ipykernel_launcher -f k1.json"), _Process("python -m ipykernel_launcher -f k2.json")]
        root = _Process(
            "nianbao run --all",
            [_Process("python -c from multiprocessing.resource_tracker import main"), *kernels]
            + [_Process("python -c from multiprocessing.forkserver import main", workers)],
        )
        assert province._workers(root) == workers
        assert province._handed_kernels(root) == kernels


class TestTable:
    def test_a_run_without_workers_has_no_peak_per_worker(self):
        rows = [
            province.Measured("corpus cold", ["nianbao"], wall_s=20.0, cpu_s=35.0, peak_mb=1800, worker_peak_mb=690, workers=2),
            province.Measured("nothing changed", ["nianbao"], wall_s=0.4, cpu_s=0.2, peak_mb=35),
        ]
        lines = province.table(rows, "head")
        assert lines[-2] == "| corpus cold | 20.0 | 35.0 | 1800 | 690 |  |"
        assert lines[-1] == "| nothing changed | 0.4 | 0.2 | 35 | — |  |"
