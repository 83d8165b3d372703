"""Benchmark: nianbao against the naive loop, on the whole corpus, on this machine, in one run.

Measures, each in a fresh copy of the project's inputs:
  (a) one report cold           nianbao run <body> <year>           (empty outputs folder)
  (b) the whole corpus cold     nianbao run --all                    (empty outputs folder)
  (c) the corpus, nothing changed                                    (same outputs folder as b)
  (d) the corpus after one data file changed                         (same outputs folder)
  (e) the naive baseline: for every report and each notebook of its era, the papermill CLI then the
      `jupyter nbconvert --to html` CLI, one after the other, as a Makefile would.

For each: wall time, CPU time (user + system of every process of the tree: the CLI, its worker pool, the
kernels) and peak memory (the largest sum of the resident memory of the process tree), sampled every 50 ms.
Prints a table with the ratios to the baseline and writes the numbers to bench/results.json (or --json PATH).

    .venv/bin/python bench/run.py [--report pingtan 2022] [--skip-baseline] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
INPUTS = ("params", "data", "notebooks", "expectations")


def _sample(proc: psutil.Process, cpu: dict[int, float]) -> int:
    """Resident memory of the process tree now; records each process's CPU time so far in ``cpu``."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            with p.oneshot():
                total += p.memory_info().rss
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measure(name: str, commands: list[list[str]], cwd: Path) -> dict:
    """Run ``commands`` one after the other; wall time, CPU time and peak memory of the whole.

    CPU time is the sum over every process of the tree (the CLI, its worker pool, the kernels), each taken at
    its last sample every 50 ms; a process's last 50 ms before it exits may be missed."""
    peak = 0
    cpu_total = 0.0
    start = time.perf_counter()
    for command in commands:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        watched = psutil.Process(proc.pid)
        cpu: dict[int, float] = {}
        output: list[str] = []
        reader = threading.Thread(target=lambda stream=proc.stdout, sink=output: sink.append(stream.read()))
        reader.start()
        while proc.poll() is None:
            try:
                peak = max(peak, _sample(watched, cpu))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.05)
        reader.join()
        cpu_total += sum(cpu.values())
        if proc.returncode not in (0, 1):  # 1: a report failed validation, which the corpus contains
            sys.stderr.write("".join(output)[-3000:])
            raise SystemExit(f"{name}: {' '.join(command)} exited {proc.returncode}")
        last_output = "".join(output)
    wall = time.perf_counter() - start
    tail = last_output[last_output.index("汇总:") :] if "汇总:" in last_output else last_output[-1500:]
    return {
        "name": name,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu_total, 2),
        "peak_mb": round(peak / 2**20, 1),
        "commands": len(commands),
        "output_tail": tail,
    }


def reports_run(output: str) -> int | None:
    """How many reports a `run --all` actually ran: the reports of its summary not marked 输入未变 (unchanged)."""
    if "汇总:" not in output:
        return None
    blocks = re.split(r"\n(?=  \S+ \d{4}: )", output.split("汇总:")[-1].split("\n共 ")[0])
    reports = [b for b in blocks if re.match(r"\s*\S+ \d{4}: ", b)]
    return sum("输入未变" not in b for b in reports)


def fresh_project(parent: Path) -> Path:
    project = Path(tempfile.mkdtemp(prefix="project-", dir=parent))
    for name in INPUTS:
        shutil.copytree(ROOT / name, project / name)
    return project


def baseline_commands(project: Path, out: Path) -> list[list[str]]:
    """papermill then nbconvert for each notebook of each report's era, as a Makefile would."""
    sys.path.insert(0, str(ROOT / "src"))
    from nianbao.inputs.params import load_params
    from nianbao.paths import ProjectLayout

    layout = ProjectLayout.at(project)
    commands = []
    for body, year in layout.reports():
        fmt = load_params(layout, body, year).format
        folder = out / body / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for spec in fmt.notebooks:
            executed = folder / spec.file
            commands.append(
                [
                    str(BIN / "papermill"),
                    str(layout.notebook(spec.file)),
                    str(executed),
                    "-p",
                    "body",
                    body,
                    "-p",
                    "year",
                    str(year),
                    "-p",
                    "root",
                    str(project),
                    "-p",
                    "output_dir",
                    str(folder),
                    "--cwd",
                    str(layout.notebooks_dir),
                    "--no-progress-bar",
                ]
            )
            commands.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", nargs=2, default=["pingtan", "2022"], metavar=("BODY", "YEAR"))
    parser.add_argument("--skip-baseline", action="store_true", help="leave out (e), the slowest part")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    nianbao = str(BIN / "nianbao")
    results = []
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        tmp = Path(tmp)
        project = fresh_project(tmp)
        body, year = args.report
        results.append(measure("a. one report cold", [[nianbao, "run", body, year, "--outputs", str(tmp / "out-a")]], project))
        corpus = [nianbao, "run", "--all", "--outputs", str(tmp / "out-b")]
        results.append(measure("b. corpus cold", [corpus], project))
        results.append(measure("c. corpus, nothing changed", [corpus], project))
        changed = project / "data" / "hongze" / "2024" / "requests.csv"
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same counts, new bytes
        results.append(measure("d. corpus, one data file changed", [corpus], project))
        results[-1]["changed"] = str(changed.relative_to(project))
        for r in results[1:]:
            r["reports_run"] = reports_run(r["output_tail"])
        if not args.skip_baseline:
            results.append(
                measure("e. naive baseline (papermill + nbconvert CLIs)", baseline_commands(project, tmp / "out-e"), project)
            )
    baseline = next((r for r in results if r["name"].startswith("e.")), None)
    print(f"{'run':<48} {'wall s':>9} {'CPU s':>9} {'peak MB':>9} {'wall / baseline':>16} {'reports run':>12}")
    for r in results:
        ratio = f"{r['wall_s'] / baseline['wall_s']:.3f}" if baseline else "—"
        ran = "" if r.get("reports_run") is None else r["reports_run"]
        print(f"{r['name']:<48} {r['wall_s']:>9.2f} {r['cpu_s']:>9.2f} {r['peak_mb']:>9.1f} {ratio:>16} {ran:>12}")
        if baseline:
            r["wall_ratio_to_baseline"] = round(r["wall_s"] / baseline["wall_s"], 4)
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
    }
    args.json.write_text(
        json.dumps({"machine": machine, "results": results}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
