"""The manifest of a run: what went in (params, SHA-256 of every input), with what (package versions, git
commit, font), and what came out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from nianbao.inputs.report import Report
from nianbao.present.fonts import FontInfo

PACKAGES = (
    "nianbao",
    "great-expectations",
    "pandas",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "weasyprint",
    "matplotlib",
    "seaborn",
    "pydantic",
    "jinja2",
    "pyyaml",
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(report: Report) -> list[Path]:
    """Every file the report is made from: params, data, notebooks, expectation suites, the declaration."""
    root = report.root
    files = [report.params_path, report.format.path]
    files += sorted(p for p in report.data_dir.rglob("*") if p.is_file())
    files += [root / "notebooks" / nb.file for nb in report.format.notebooks]
    files += sorted((root / "expectations" / report.format.era).glob("*.json"))
    return files


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def git_state(root: Path) -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--", "params", "data", "notebooks", "expectations", "src"))
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def build_manifest(report: Report, font: FontInfo, output_dir: Path, validation_summary: dict) -> dict:
    root = report.root
    return {
        "report": {"body": report.params.body, "year": report.params.year, "title": report.params.title},
        "params": json.loads(report.params.model_dump_json()),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": {_relative(p, root): sha256(p) for p in input_files(report)},
        "packages": versions(),
        "git": git_state(root),
        "font": font.as_dict(),
        "validation": validation_summary,
        "outputs": {
            str(p.relative_to(output_dir)): sha256(p)
            for p in sorted(output_dir.rglob("*"))
            if p.is_file() and p.name != "manifest.json"
        },
    }


def write_manifest(path: Path, manifest: dict) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
