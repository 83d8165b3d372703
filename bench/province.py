"""Province-sized benchmark: N synthetic reports (nianbao.synth) and the corpus, on this machine, in one run.

Measures, each in a folder of its own under a temporary work folder:
  1. validate only, N synthetic reports     nianbao validate --all -j J --root SYNTH
     reports/s, and the batch's findings against the manifest: every injected error found (recall, must be 100 %)
     and the critical failures no injection explains (false criticals, must be 0);
  2. full render of a sample (--sample, default 20)   nianbao run --all -j J --force
     reports/s and cost per report (wall and CPU), the sample's findings against the manifest (validation.json);
  3. the Dask executor with 1 and 2 workers on the same sample (a scheduler and workers started here, stopped at
     the end)   nianbao run --all --executor dask --scheduler tcp://…   and the scaling ratio (wall 1 / wall 2);
  4. one report in a warm worker: the corpus's reports one after the other in one process kept warm, each checked
     on its own (no batch) and rendered with its PDF; the median and the largest time per report;
  5. the 19-report corpus cold and again with nothing changed (nianbao run --all -j J), with this checkout and,
     side by side, with --baseline PATH (an older checkout: its own src/, params/, data/, notebooks/, expectations/):
     the cold runs take turns, --repeat times (default 3; who goes first alternates), and each row is the median
     run, with the ratio of the medians and of each turn (the machine's speed drifts over minutes).

For each: wall time, CPU time of the whole process tree and peak memory per worker (the largest sum of the resident
memory of a worker process and its kernels, sampled every 0.2 s; a child forked and not yet started, which shares the
worker's pages, is not counted again; a kernel the command started for a worker to take over is counted, as the
largest of them at each sample, with every worker). An option a checkout does not have (validate --all,
--executor) is reported as "not available in this checkout"; validate-only then runs in this script's own pool of
processes (the package's load_report + validate), so that the findings can still be checked.

Prints a Markdown table (date, machine, numbers) and writes it to --markdown, the numbers to --json.

    .venv/bin/python bench/province.py [-n 1000] [--sample 20] [-j 2] [--baseline /path/to/old/checkout]
        [--skip-render] [--skip-dask] [--skip-corpus] [--repeat 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ("params", "data", "notebooks", "expectations")
SEVERITY_LABELS = {"严重": "critical", "警告": "warning", "提示": "info"}
_SUMMARY = re.compile(r"(?P<label>[a-z0-9][a-z0-9_-]* \d{4}): \d+ 项检查")
_FAILED = re.compile(r"\[(?P<severity>严重|警告|提示)\] (?P<description>.+?)\s*$")
NOT_AVAILABLE = "not available in this checkout"
SAMPLE_EVERY = 0.2  # seconds between two samples of the process trees (the runs take minutes)


# --- running and watching -----------------------------------------------------------------------------------------


@dataclass
class Measured:
    name: str
    command: list[str]
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0  # the whole tree
    worker_peak_mb: float = 0.0  # the largest worker (with its kernels)
    workers: int = 0
    returncode: int | None = None
    output: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "output"}
        data["output_tail"] = self.output[-2000:]
        return data


def _tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _forked(process: psutil.Process) -> bool:
    """A worker's child forked and not yet replaced by the program it runs (a subprocess starting, such as ``git``
    for the manifest): its resident pages are the worker's, shared, and counting them again would double the worker
    for that instant."""
    try:
        parent = process.parent()
        return parent is not None and process.cmdline() == parent.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return True


def _rss(processes: Sequence[psutil.Process], cpu: dict[int, float]) -> int:
    total = 0
    for p in processes:
        try:
            with p.oneshot():
                total += p.memory_info().rss
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def _worker_tree(worker: psutil.Process) -> list[psutil.Process]:
    """A worker and its descendants (its kernels), without a child forked and not yet started (``_forked``)."""
    worker_and_descendants = _tree(worker)
    return worker_and_descendants[:1] + [p for p in worker_and_descendants[1:] if not _forked(p)]


def _workers(root: psutil.Process) -> list[psutil.Process]:
    """The worker processes of a command: its children, or a forkserver's children (multiprocessing's resource
    tracker and the kernels the command started for its workers left out)."""
    workers = []
    try:
        for child in root.children():
            command = " ".join(child.cmdline())
            if "resource_tracker" in command or _is_kernel(command):
                continue
            workers += child.children() if "forkserver" in command else [child]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        pass
    return workers


def _handed_kernels(root: psutil.Process) -> list[psutil.Process]:
    """The kernels a command started for its workers to take over (``warm.handed_off``): its children, not the
    workers'."""
    try:
        return [child for child in root.children() if _is_kernel(" ".join(child.cmdline()))]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _is_kernel(command: str) -> bool:
    return "ipykernel" in command


def run_watched(name: str, command: list[str], env: dict, *, worker_roots: Sequence[psutil.Process] = ()) -> Measured:
    """Run ``command``; wall time, CPU time of its tree (and of ``worker_roots``' trees), the peak of the whole and
    of each worker: a child of the command (a pool worker) or one of ``worker_roots`` (Dask workers), with its
    descendants (its kernels). A kernel the command started for a worker to take over is its child, not the
    worker's: each worker is counted with the largest of those at each sample (which worker took which is not
    visible from outside), an upper bound of the worker and its kernel."""
    result = Measured(name, command)
    cpu: dict[int, float] = {}
    workers: dict[int, int] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(proc.pid)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read() if proc.stdout else ""))
    reader.start()
    while proc.poll() is None:
        total = _rss(_tree(root), cpu) + sum(_rss(_tree(w), cpu) for w in worker_roots)
        result.peak_mb = max(result.peak_mb, total / 2**20)
        handed = max((_rss([kernel], {}) for kernel in _handed_kernels(root)), default=0)
        for child in _workers(root) if not worker_roots else list(worker_roots):
            workers[child.pid] = max(workers.get(child.pid, 0), _rss(_worker_tree(child), {}) + handed)
        time.sleep(SAMPLE_EVERY)
    reader.join()
    result.wall_s = round(time.perf_counter() - start, 2)
    result.cpu_s = round(sum(cpu.values()), 2)
    result.peak_mb = round(result.peak_mb, 1)
    result.worker_peak_mb = round(max(workers.values(), default=0) / 2**20, 1)
    result.workers = len(workers)
    result.returncode = proc.returncode
    result.output = "".join(output)
    return result


@dataclass(frozen=True)
class Checkout:
    """A checkout of nianbao: its source and its project inputs."""

    path: Path

    @property
    def env(self) -> dict:
        return {**os.environ, "PYTHONPATH": str(self.path / "src"), "GX_ANALYTICS_ENABLED": "False"}

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "nianbao.cli", *args]

    def supports(self, command: str, option: str) -> bool:
        """Whether ``nianbao COMMAND`` of this checkout has ``option``."""
        shown = subprocess.run(self.cli(command, "--help"), env=self.env, capture_output=True, text=True, check=False)
        return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown.stdout) is not None

    def project(self, parent: Path, name: str) -> Path:
        """A fresh copy of the checkout's project inputs."""
        project = parent / name
        for folder in INPUTS:
            shutil.copytree(self.path / folder, project / folder)
        return project


# --- findings -------------------------------------------------------------------------------------------------------


def descriptions(root: Path) -> dict[str, str]:
    """Check description → check id, from the expectation suites of every era of the project in ``root``."""
    found = {}
    for suite in sorted((root / "expectations").glob("*/*.json")):
        for expectation in json.loads(suite.read_text(encoding="utf-8"))["expectations"]:
            meta = expectation.get("meta", {})
            if "description" in meta and "check" in meta:
                found[meta["description"]] = meta["check"]
    return found


def findings_from_output(output: str, known: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The failed checks of each report from the command line's words: a report's summary line
    ("synth-0001 2023: 71 项检查，…") then its failures ("[严重] description"); a description no suite has is kept
    as it is, so that it still counts."""
    findings: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in output.splitlines():
        if summary := _SUMMARY.search(line):
            current = summary.group("label")
            findings.setdefault(current, [])
        elif (failed := _FAILED.search(line)) and current is not None:
            description = failed.group("description")
            findings[current].append((known.get(description, description), SEVERITY_LABELS[failed.group("severity")]))
    return findings


def findings_from_outputs(outputs: Path) -> dict[str, list[tuple[str, str]]]:
    """The failed checks of each report from the validation.json a run wrote (kept in <year>.failed on failure)."""
    findings = {}
    for path in sorted(outputs.glob("*/*/validation.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        findings[data["report"]] = [(c["check"], c["severity"]) for c in data["checks"] if not c["success"]]
    return findings


def _validate_one(root: str, body: str, year: int) -> tuple[str, list[tuple[str, str]]]:
    from nianbao.checks.validate import validate
    from nianbao.inputs.report import load_report

    result = validate(load_report(root, body, year))
    return result.report, [(c.check, c.severity.value) for c in result.checks if not c.success]


def own_pool(root: Path, jobs: int) -> None:
    """Validate every report of ``root`` in a pool of ``jobs`` processes; print each report's failed checks as one
    JSON line (what this script runs when the checkout has no validate --all)."""
    from nianbao.paths import ProjectLayout

    reports = ProjectLayout.at(root).reports()
    with ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(_validate_one, str(root), body, year) for body, year in reports]
        for future in futures:
            label, failed = future.result()
            print(json.dumps({"report": label, "failed": failed}, ensure_ascii=False), flush=True)


def findings_from_pool(output: str) -> dict[str, list[tuple[str, str]]]:
    findings = {}
    for line in output.splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            findings[data["report"]] = [tuple(f) for f in data["failed"]]
    return findings


def warm_worker(root: Path, outputs: Path) -> None:
    """Run every report of ``root`` one after the other in this process, kept warm (``nianbao.run.warm``) and warmed
    up first, each forced and checked on its own; print each report's wall and CPU time (this process and its
    kernel) as one JSON line (what this script runs for "one report in a warm worker")."""
    from nianbao.errors import NianbaoError
    from nianbao.paths import ProjectLayout
    from nianbao.run import warm
    from nianbao.run.pipeline import run_report

    warm.enable()
    warm.warm_up()
    me = psutil.Process()

    def cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in _tree(me))

    for body, year in ProjectLayout.at(root).reports():
        wall, used = time.perf_counter(), cpu()
        try:
            run_report(root, body, year, outputs=outputs, log=lambda line: None, force=True)
            status = "rendered"
        except NianbaoError as exc:
            status = type(exc).__name__
        line = {"report": f"{body} {year}", "status": status, "wall": time.perf_counter() - wall, "cpu": cpu() - used}
        print(json.dumps(line), flush=True)


# --- the parts of the benchmark -----------------------------------------------------------------------------------


def warm_summary(output: str) -> str:
    """What ``warm_worker`` printed, in a sentence: the median and the largest time of the rendered reports."""
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    walls = sorted(line["wall"] for line in lines if line["status"] == "rendered")
    cpus = sorted(line["cpu"] for line in lines if line["status"] == "rendered")
    if not walls:
        return "no report rendered"
    return (
        f"{len(walls)} rendered reports, each checked on its own: wall median {walls[len(walls) // 2]:.2f} s, "
        f"max {walls[-1]:.2f} s; CPU (with its kernel) median {cpus[len(cpus) // 2]:.2f} s, max {cpus[-1]:.2f} s"
    )


def one_report_warm(checkout: Checkout, work: Path) -> Measured:
    """The corpus's reports one by one in one warm worker: each report's time, its own checks and PDF included."""
    project = checkout.project(work, "project-warm")
    script = [sys.executable, str(Path(__file__).resolve()), "_warm", str(project), str(work / "out-warm")]
    measured = run_watched("one report in a warm worker (corpus, one by one)", script, checkout.env)
    measured.worker_peak_mb, measured.workers = measured.peak_mb, 1  # the command is the worker: its tree, its kernel
    measured.notes.append(warm_summary(measured.output))
    return measured


def validate_only(current: Checkout, synth: Path, jobs: int, count: int) -> tuple[Measured, dict]:
    if current.supports("validate", "--all"):
        measured = run_watched(
            "validate only (validate --all)", current.cli("validate", "--all", "-j", str(jobs), "--root", str(synth)), current.env
        )
        findings = findings_from_output(measured.output, descriptions(synth))
    else:
        script = [sys.executable, str(Path(__file__).resolve()), "_validate", str(synth), "-j", str(jobs)]
        measured = run_watched("validate only (this script's pool)", script, current.env)
        measured.notes.append(f"validate --all {NOT_AVAILABLE}: the package's validate in this script's pool of {jobs}")
        findings = findings_from_pool(measured.output)
    measured.notes.append(f"{count / measured.wall_s:.2f} reports/s" if measured.wall_s else "")
    return measured, findings


def sample_project(synth: Path, target: Path, bodies: list[tuple[str, int]]) -> Path:
    for folder in ("notebooks", "expectations"):
        shutil.copytree(synth / folder, target / folder)
    for body, year in bodies:
        shutil.copytree(synth / "params" / body, target / "params" / body)
        shutil.copytree(synth / "data" / body / str(year), target / "data" / body / str(year))
    shutil.copy(synth / "manifest.json", target / "manifest.json")
    return target


def render_sample(current: Checkout, project: Path, out: Path, jobs: int) -> Measured:
    command = current.cli("run", "--all", "-j", str(jobs), "--force", "--root", str(project), "--outputs", str(out))
    return run_watched(f"full render, sample (run --all -j {jobs})", command, current.env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_run(current: Checkout, project: Path, work: Path, workers: int) -> Measured:
    """The sample rendered through a Dask scheduler and ``workers`` single-threaded workers started here."""
    dask = str(Path(sys.executable).parent / "dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    started = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            env=current.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        worker = [dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"]
        started.append(subprocess.Popen(worker, env=current.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_workers(address, workers, current.env)
        out = work / f"out-dask-{workers}"
        command = current.cli(
            "run", "--all", "--executor", "dask", "--scheduler", address, "--force", "--root", str(project), "--outputs", str(out)
        )
        worker_processes = [p for p in psutil.Process(started[1].pid).children() if "python" in p.name()] or [
            psutil.Process(started[1].pid)
        ]
        return run_watched(f"full render, sample, Dask {workers} worker(s)", command, current.env, worker_roots=worker_processes)
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_workers(address: str, workers: int, env: dict) -> None:
    code = (
        "import sys; from distributed import Client; "
        f"c = Client({address!r}, timeout=60); c.wait_for_workers({workers}, timeout=120); c.close()"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def corpus(checkouts: Sequence[tuple[Checkout, str]], work: Path, jobs: int, repeat: int) -> list[Measured]:
    """The corpus cold with each checkout (this one and the baseline), taking turns ``repeat`` times (who goes first
    alternates), each run in a fresh project and outputs folder: the machine's speed drifts over minutes, and turns
    keep each pair of runs side by side. Then each again with nothing changed. A checkout's cold row is its run of
    median wall time, with every run's wall time in its notes, and this checkout's row says its ratio to the
    baseline's (of the medians, and of each turn)."""
    cold: dict[str, list[Measured]] = {name: [] for _, name in checkouts}
    commands = {}
    for turn in range(repeat):
        for checkout, name in checkouts if turn % 2 == 0 else checkouts[::-1]:  # who goes first alternates
            project = checkout.project(work, f"project-{name}-{turn}")
            out = work / f"out-corpus-{name}-{turn}"
            commands[name] = checkout.cli("run", "--all", "-j", str(jobs), "--root", str(project), "--outputs", str(out))
            cold[name].append(run_watched(f"corpus cold ({name})", commands[name], checkout.env))
            print(f"corpus cold ({name}), turn {turn + 1}/{repeat}: {cold[name][-1].wall_s:.1f} s", flush=True)
    rows = []
    for checkout, name in checkouts:
        row = median_run(cold[name])
        row.notes.append(f"{_reports_run(row.output)} reports run")
        rows.append(row)
        again = run_watched(f"corpus, nothing changed ({name})", commands[name], checkout.env)
        again.notes.append(f"{_reports_run(again.output)} reports run")
        rows.append(again)
    if len(checkouts) > 1:
        ours, base = (cold[name] for _, name in checkouts[:2])
        rows[0].notes.append(ratio_note(ours, base))
    return rows


def median_run(runs: list[Measured]) -> Measured:
    """The run of median wall time (the lower middle one of an even number), its notes naming every run's."""
    middle = _median(runs)
    if len(runs) > 1:
        middle.notes.append(f"median of {len(runs)} runs: " + ", ".join(f"{r.wall_s:.1f}" for r in runs) + " s")
    return middle


def _median(runs: list[Measured]) -> Measured:
    return sorted(runs, key=lambda r: r.wall_s)[(len(runs) - 1) // 2]


def ratio_note(ours: list[Measured], base: list[Measured]) -> str:
    """This checkout's wall time over the baseline's: of the medians, and of each turn."""
    ratio = _median(ours).wall_s / _median(base).wall_s
    turns = ", ".join(f"{a.wall_s / b.wall_s:.2f}" for a, b in zip(ours, base, strict=True))
    return f"{ratio:.2f} of the baseline's median (each turn: {turns})"


def _reports_run(output: str) -> int | str:
    """How many reports a run --all ran: those of its summary not marked 输入未变 (unchanged)."""
    if "汇总:" not in output:
        return "?"
    summary = output.split("汇总:")[-1]
    reports = re.findall(r"^  \S+ \d{4}: .*$", summary, flags=re.MULTILINE)
    return sum("输入未变" not in line for line in reports)


# --- the report -----------------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    memory = psutil.virtual_memory().total / 2**30
    return f"{cores} cores (nproc), {cpu}, {memory:.1f} GiB"


def recall_lines(name: str, found) -> list[str]:
    lines = [
        f"{name}: recall {len(found.found)}/{found.injected} = {found.recall:.0%}; "
        f"false criticals {len(found.false_criticals)}; "
        f"other unexpected failures {len(found.unexpected) - len(found.false_criticals)}; "
        f"reports without findings {len(found.unread)}"
    ]
    lines += [f"  found   {i.report}: {i.check} ({i.kind}, {', '.join(i.cells)} +{i.delta})" for i in found.found]
    lines += [f"  MISSED  {i.report}: {i.check} ({i.kind}, {', '.join(i.cells)})" for i in found.missed]
    lines += [f"  FALSE   {report}: {check} ({severity})" for report, check, severity in found.unexpected]
    return lines


def table(rows: list[Measured], header: str) -> list[str]:
    lines = [
        header,
        "",
        "| run | wall s | CPU s | peak MB (tree) | peak MB per worker | notes |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        failed = f"exit {r.returncode}" if r.returncode not in (0, 1, None) else ""
        notes = "; ".join(n for n in [*r.notes, failed] if n)
        if not r.command:  # not run: the checkout has no such option
            lines.append(f"| {r.name} | — | — | — | — | {notes} |")
            continue
        per_worker = f"{r.worker_peak_mb:.0f}" if r.workers else "—"  # a run in one process, or no worker started
        lines.append(f"| {r.name} | {r.wall_s:.1f} | {r.cpu_s:.1f} | {r.peak_mb:.0f} | {per_worker} | {notes} |")
    return lines


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_warm":
        warm_worker(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_validate":
        parser = argparse.ArgumentParser()
        parser.add_argument("command")
        parser.add_argument("root", type=Path)
        parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
        args = parser.parse_args()
        own_pool(args.root, args.jobs)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the Dask processes it started (finally blocks)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=1000, help="synthetic reports (default 1000)")
    parser.add_argument("--fraction", type=float, default=0.05, help="share with an injected error (default 0.05)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=20, help="reports rendered in full (default 20)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--baseline", type=Path, help="an older checkout, run side by side on its corpus")
    parser.add_argument("--skip-validate", action="store_true")
    parser.add_argument("--skip-render", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="corpus cold runs of each checkout, taking turns (default 3)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed at the end)")
    parser.add_argument("--markdown", type=Path, default=ROOT / "bench" / "province-results.md")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "province-results.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from nianbao.synth import Manifest, generate, recall

    current = Checkout(ROOT)
    work = args.work or Path(tempfile.mkdtemp(prefix="nianbao-province-"))
    work.mkdir(parents=True, exist_ok=True)
    synth = work / "synth"
    report: list[str] = []
    measured: list[Measured] = []
    recalls: dict[str, dict] = {}
    try:
        started = time.perf_counter()
        manifest = generate(ROOT, synth, args.count, fraction=args.fraction, seed=args.seed)
        generation = time.perf_counter() - started
        print(
            f"generated {args.count} reports ({len(manifest.injections)} with an injected error) in {generation:.1f} s: {synth}",
            flush=True,
        )
        if not args.skip_validate:
            result, findings = validate_only(current, synth, args.jobs, args.count)
            measured.append(result)
            found = recall(manifest, findings)
            report += recall_lines(f"validate only, {args.count} reports", found)
            recalls["validate"] = {
                "recall": found.recall,
                "injected": found.injected,
                "false_criticals": len(found.false_criticals),
                "unread": len(found.unread),
            }
            print("\n".join(report), flush=True)
        bodies = [(r["body"], r["year"]) for r in manifest.reports[: args.sample]]
        sample = sample_project(synth, work / "sample", bodies)
        sample_manifest = Manifest(manifest.seed, len(bodies), manifest.fraction, manifest.reports[: args.sample])
        sample_manifest.injections = [i for i in manifest.injections if (i.body, i.year) in set(bodies)]
        if not args.skip_render:
            result = render_sample(current, sample, work / "out-render", args.jobs)
            per_report = f"{result.wall_s / len(bodies):.1f} s wall and {result.cpu_s / len(bodies):.1f} s CPU per report"
            result.notes.append(f"{len(bodies) / result.wall_s:.3f} reports/s, {per_report}")
            measured.append(result)
            found = recall(sample_manifest, findings_from_outputs(work / "out-render"))
            report += recall_lines(f"full render, {len(bodies)} reports", found)
            recalls["render"] = {
                "recall": found.recall,
                "injected": found.injected,
                "false_criticals": len(found.false_criticals),
                "unread": len(found.unread),
            }
            print(report[-1], flush=True)
        if not args.skip_dask:
            if current.supports("run", "--executor"):
                dask = [dask_run(current, sample, work, workers) for workers in (1, 2)]
                if dask[1].wall_s:
                    dask[1].notes.append(f"scaling 1 → 2 workers: {dask[0].wall_s / dask[1].wall_s:.2f}×")
                measured += dask
            else:
                measured.append(Measured("full render, sample, Dask", [], notes=[f"run --executor dask {NOT_AVAILABLE}"]))
        if not args.skip_corpus:
            measured.append(one_report_warm(current, work))
            checkouts = [(current, "this checkout")]
            if args.baseline:
                checkouts.append((Checkout(args.baseline.resolve()), f"baseline {args.baseline}"))
            measured += corpus(checkouts, work, args.jobs, args.repeat)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        f"Province-sized benchmark, {date}, {machine()}; N = {args.count} synthetic reports "
        f"({args.fraction:.0%} with an injected error, seed {args.seed}), -j {args.jobs}"
    )
    lines = table(measured, head) + ["", *report]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    args.markdown.write_text(text, encoding="utf-8")
    payload = {
        "date": date,
        "machine": machine(),
        "count": args.count,
        "jobs": args.jobs,
        "results": [m.to_json() for m in measured],
        "recall": recalls,
    }
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.markdown}, {args.json}")
    if any(r["recall"] < 1 or r["false_criticals"] for r in recalls.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
