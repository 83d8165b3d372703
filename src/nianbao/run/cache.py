"""Incremental runs: the key of everything a report's outputs depend on.

A report is re-run only when its key changed. The key is a SHA-256 over the content of:
- its params, and the params and data of the same body's earlier years (the year-on-year comparison, the
  cross-year checks and the trend read them);
- its data files (counts, prose, published text);
- the notebooks, the expectation suites of its era and every format declaration;
- the package (its version and the content of its source files and templates) and requirements.lock.

Computing it reads files only (no pandas, no Great Expectations, no kernel), so an unchanged collection is
checked in well under a second per hundred reports. The key is recorded in the manifest of a rendered report and
beside the result of a report that failed validation, so that neither is redone while nothing changed.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).parents[1]
KEY_FILE = "run-key.json"  # beside the result of a report that failed validation


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _era(params_file: Path) -> str:
    try:
        data = yaml.safe_load(params_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    return str(data.get("era", "")) if isinstance(data, dict) else ""


def dependencies(root: Path, body: str, year: int) -> list[Path]:
    """Every file the outputs of ``body`` ``year`` are made from."""
    root = Path(root)
    files = []
    for params_file in sorted((root / "params" / body).glob("*.yaml")):
        if params_file.stem.isdigit() and int(params_file.stem) <= year:
            files.append(params_file)
            files += _files(root / "data" / body / params_file.stem)
    files += sorted((root / "notebooks").glob("*.ipynb"))
    era = _era(root / "params" / body / f"{year}.yaml")
    files += sorted((root / "expectations" / era).glob("*.json")) if era else []
    files += _files(PACKAGE_DIR)  # source, format declarations, templates
    lock = Path(__file__).resolve().parents[3] / "requirements.lock"
    if lock.exists():
        files.append(lock)
    return files


def _version() -> str:
    try:
        return metadata.version("nianbao")
    except metadata.PackageNotFoundError:
        return "unknown"


def run_key(root: Path, body: str, year: int) -> str:
    digest = hashlib.sha256(f"nianbao {_version()}\n".encode())
    root = Path(root).resolve()
    for path in dependencies(root, body, year):
        name = str(path.resolve().relative_to(root)) if path.resolve().is_relative_to(root) else path.name
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def recorded_key(folder: Path) -> str | None:
    """The key a rendered report (manifest.json) or a failed one (run-key.json) was made with."""
    for name, field in (("manifest.json", "run_key"), (KEY_FILE, "run_key")):
        path = folder / name
        if path.exists():
            try:
                recorded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return recorded.get(field) if isinstance(recorded, dict) else None
    return None
