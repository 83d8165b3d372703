"""End to end: reports run one after the other in a warm worker give the outputs of cold runs; on a Dask cluster
they give the local pool's, and a worker killed mid-report neither stops the report nor destroys its last good
outputs."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from helpers import ROOT, copy_project, nianbao

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPORTS = (("pingtan", 2021), ("pingtan", 2022))
TIMES = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
PDF_STAMPS = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


BUILD_FOLDER = re.compile(rb"\.\d{4}\.build-[A-Za-z0-9_]+")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _without_executed_hashes(value):
    """The manifest without the SHA-256 of the executed notebooks (which hold papermill's times)."""
    if isinstance(value, dict):
        return {
            k: _without_executed_hashes(v)
            for k, v in value.items()
            if not (k.endswith(".ipynb") and isinstance(v, str) and SHA256.match(v))
        }
    if isinstance(value, list):
        return [_without_executed_hashes(v) for v in value]
    return value


def comparable(folder: Path) -> dict[str, bytes]:
    """Every output file of a report, with what differs between any two runs of the same inputs taken out: the
    times (papermill's, the manifest's, the PDF's dates), the id papermill gives the cell it injects, and where the
    outputs were built (the outputs folder, the build folder's random name)."""
    files = {}
    outputs = str(folder.parents[1]).encode()
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        name = str(path.relative_to(folder))
        if path.suffix == ".ipynb":
            nb = json.loads(data)
            nb["metadata"].pop("papermill", None)
            for cell in nb["cells"]:
                if "injected-parameters" in cell["metadata"].get("tags", []):
                    cell.pop("id", None)
                cell["metadata"].pop("papermill", None)
                cell["metadata"].pop("execution", None)
            data = json.dumps(nb, sort_keys=True).encode()
        elif name == "manifest.json":
            manifest = _without_executed_hashes(json.loads(data))
            manifest.pop("created", None)
            data = json.dumps(manifest, sort_keys=True).encode()
        data = BUILD_FOLDER.sub(b"<build>", data.replace(outputs, b"<outputs>"))
        data = PDF_STAMPS.sub(b"", TIMES.sub(b"<time>", data))
        files[name] = data
    return files


def assert_same_outputs(a: Path, b: Path) -> None:
    for body, year in REPORTS:
        left, right = comparable(a / body / str(year)), comparable(b / body / str(year))
        assert sorted(left) == sorted(right)
        different = [name for name in left if left[name] != right[name]]
        assert different == [], f"{body} {year}: {different}"


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The reports, each run cold (its own process and kernel): (project, outputs)."""
    project = copy_project(tmp_path_factory.mktemp("warm") / "project", reports=REPORTS)
    outputs = project / "cold"
    for body, year in REPORTS:
        result = nianbao("run", body, year, "--outputs", outputs, cwd=project)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return project, outputs


class TestWarmWorker:
    def test_reports_in_one_warm_worker_equal_cold_runs(self, cold):
        project, outputs = cold
        result = nianbao("run", "--all", "--jobs", "1", "--outputs", project / "warm", cwd=project)  # one process
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert_same_outputs(outputs, project / "warm")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernel_parent(roots: list[psutil.Process]) -> psutil.Process | None:
    """The worker process (below ``roots``) that has a running kernel as its child."""
    for root in roots:
        for proc in root.children(recursive=True):
            try:
                if "ipykernel_launcher" in " ".join(proc.cmdline()):
                    return proc.parent()
            except psutil.NoSuchProcess:
                continue
    return None


class TestDask:
    def test_a_killed_worker_mid_report_and_the_outputs_equal_the_local_pool(self, cold, tmp_path):
        project, outputs = cold
        shared = tmp_path / "shared"
        shutil.copytree(outputs, shared)  # the last good outputs, which no run may destroy
        port = _free_port()
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port)]
            + ["--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        address = f"tcp://127.0.0.1:{port}"
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        missing: list[str] = []
        watching = threading.Event()

        def watch_outputs() -> None:  # the final folders hold a complete report at every instant
            while not watching.is_set():
                for body, year in REPORTS:
                    if not (shared / body / str(year) / "report.pdf").exists():
                        missing.append(f"{body} {year}")
                time.sleep(0.02)

        watcher = threading.Thread(target=watch_outputs, daemon=True)
        watcher.start()
        try:
            run = subprocess.Popen(
                [sys.executable, "-m", "nianbao.cli", "run", "--all", "--force", "--executor", "dask"]
                + ["--scheduler", address, "--outputs", str(shared)],
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            roots = [psutil.Process(w.pid) for w in workers]
            deadline = time.monotonic() + 600
            victim = None
            while victim is None and time.monotonic() < deadline and run.poll() is None:
                victim = _kernel_parent(roots)  # a report is executing its notebooks
                time.sleep(0.2)
            assert victim is not None, "no worker started a kernel"
            victim.send_signal(signal.SIGKILL)
            out, _ = run.communicate(timeout=1200)
            assert run.returncode == 0, out[-3000:]
        finally:
            watching.set()
            for proc in [*workers, scheduler]:
                proc.terminate()
            for proc in [*workers, scheduler]:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        watcher.join()
        assert missing == []
        for body, year in REPORTS:
            folder = shared / body / str(year)
            assert not list(folder.parent.glob(f".{year}.build-*"))  # the killed build was cleaned up
        assert_same_outputs(outputs, shared)
