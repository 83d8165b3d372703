"""feedback.py: the checks of every report (validate --all) and of one report on every save (watch)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from helpers import copy_project, edit_csv
from nianbao.errors import ExitCode
from nianbao.paths import ProjectLayout
from nianbao.run import feedback

pytestmark = pytest.mark.slow  # Great Expectations

REPORTS = (("pingtan", 2021), ("pingtan", 2022), ("hongze", 2023))
BROKEN = ("一、本年新收政府信息公开申请数量,71,3,0,0,0,0,74", "一、本年新收政府信息公开申请数量,72,3,0,0,0,0,74")


@pytest.fixture
def small(tmp_path):
    return copy_project(tmp_path / "project", reports=REPORTS)


class TestValidateAll:
    def test_every_report_in_order_with_its_verdict(self, small):
        verdicts = list(feedback.validate_all(small, jobs=2))
        assert [(v.body, v.year) for v in verdicts] == ProjectLayout.at(small).reports()
        by_report = {(v.body, v.year): v for v in verdicts}
        assert by_report[("pingtan", 2022)].exit_code is ExitCode.OK
        assert by_report[("hongze", 2023)].exit_code is ExitCode.VALIDATION_FAILED  # published with an error
        assert "严重" in by_report[("hongze", 2023)].text
        assert [v.text for v in verdicts] == [v.text for v in feedback.validate_all(small, jobs=1)]

    def test_a_report_that_cannot_be_loaded_is_a_verdict(self, small):
        edit_csv(small / "data" / "pingtan" / "2022" / "requests.csv", ",71,", ",七十一,")
        verdict = feedback.verdict(small, "pingtan", 2022)
        assert verdict.success is None and verdict.exit_code is ExitCode.INPUT_ERROR
        assert verdict.text.startswith("错误: ") and "requests.csv" in verdict.text and "七十一" in verdict.text


class TestWatchedFiles:
    def test_params_data_prose_and_suites(self, small):
        files = feedback.watched_files(ProjectLayout.at(small), "pingtan", 2022)
        names = {str(p.relative_to(small)) for p in files}
        assert {"params/pingtan/2022.yaml", "params/pingtan/2021.yaml", "data/pingtan/2022/requests.csv"} <= names
        assert any(n.startswith("data/pingtan/2022/prose/") for n in names)
        assert any(n.startswith("expectations/") for n in names)


def _lines(stream, sink: queue.Queue) -> None:
    for line in stream:
        sink.put(line.rstrip("\n"))


def _until_verdict(lines: queue.Queue, deadline: float) -> list[str]:
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        if line.startswith("结论: "):
            return seen
    raise AssertionError("no verdict before the deadline:\n" + "\n".join(seen))


class TestWatch:
    def test_a_saved_data_file_is_checked_again_and_sigterm_stops_it(self, small):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "nianbao.cli", "watch", "pingtan", "2022", "--root", str(small)]
        proc = subprocess.Popen(command, cwd=small, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
        try:
            first = _until_verdict(lines, time.monotonic() + 1200)  # imports Great Expectations (minutes on a loaded machine)
            assert first[-1] == "结论: pingtan 2022 通过"
            saved = time.monotonic()
            edit_csv(small / "data" / "pingtan" / "2022" / "requests.csv", *BROKEN)
            again = _until_verdict(lines, saved + 60)
            took = time.monotonic() - saved
            assert any("已保存 data/pingtan/2022/requests.csv，重新校验" in line for line in again)
            assert again[-1] == "结论: pingtan 2022 未通过严重级别的校验"
            assert any("requests.csv" in line and "74" in line for line in again)  # the failed check, with its row
            print(f"verdict {took:.2f} s after the save")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == ExitCode.TERMINATED == 143
        finally:
            if proc.poll() is None:
                proc.kill()
