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
from nianbao.paths import INPUT_DIRS, MANIFEST_FILE
from nianbao.present.fonts import FontInfo, PrintFaces

PACKAGES = (
    "nianbao",
    "great-expectations",
    "pandas",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "weasyprint",
    "nh3",
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
    """Every project file the report is made from (``ProjectLayout.report_inputs``, the list the run key covers)."""
    params = report.params
    return report.layout.report_inputs(params.body, params.year, report.format.era)


def git_state(root: Path) -> dict:
    """The commit of the project's checkout, and whether its inputs or source have uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--", *INPUT_DIRS, "src"))
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def versions() -> dict[str, str | None]:
    """The versions of Python and of the packages a report is made with."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def build_manifest(
    report: Report,
    *,
    font: FontInfo,
    output_dir: Path,
    validation: dict,
    run_key: str | None,
    faces: PrintFaces | None = None,
) -> dict:
    """The manifest of ``report`` built in ``output_dir``: ``validation`` are the counts of the checks, ``run_key`` the
    key of its inputs (see cache.py), ``faces`` those of the 公文 print layout (None: printed as the page shows)."""
    return {
        "report": {"body": report.params.body, "year": report.params.year, "title": report.params.title},
        "params": json.loads(report.params.model_dump_json()),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": {report.layout.relative(p): sha256(p) for p in input_files(report)},
        "packages": versions(),
        "git": git_state(report.root),
        "font": font.as_dict(),
        "faces": faces.as_dict() if faces is not None else None,
        "validation": validation,
        "outputs": {
            str(p.relative_to(output_dir)): sha256(p)
            for p in sorted(output_dir.rglob("*"))
            if p.is_file() and p.name != MANIFEST_FILE
        },
        "run_key": run_key,
    }


def write_manifest(path: Path, manifest: dict) -> None:
    """Write ``manifest`` as UTF-8 JSON."""
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
