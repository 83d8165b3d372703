"""Incremental runs: the key of everything a report's outputs depend on.

A report is re-run only when its key changed. The key is a SHA-256 over the names and content of:
- the project files the report is made from (``ProjectLayout.report_inputs``: its params and data, those of the
  same body's earlier years, the notebooks and the expectation suites of its era), the same list the manifest
  records;
- the package's own files (source, format declarations, narratives, templates);
- the name and version of every installed distribution, so that a changed dependency changes the key.

Computing it reads files only (no pandas, no Great Expectations, no kernel), so an unchanged collection is
checked in well under a second per hundred reports. The key is recorded in the manifest of a rendered report and
beside the result of a report that failed validation, so that neither is redone while nothing changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import metadata
from pathlib import Path

from nianbao.errors import ParamsError
from nianbao.inputs.params import read_params_yaml
from nianbao.paths import MANIFEST_FILE, PACKAGE_DIR, ProjectLayout, package_files

KEY_FILE = "run-key.json"  # beside the result of a report that failed validation


def era_named(params_file: Path) -> str:
    """The era a params file names, read without checking the rest ("" when it names none or cannot be read, as
    ``load_params`` will then say)."""
    try:
        data = read_params_yaml(params_file)
    except (OSError, ParamsError):
        return ""
    return str(data.get("era", ""))


_NAME = re.compile(r"^Name:[ \t]*(.*?)\s*$", re.MULTILINE)
_VERSION = re.compile(r"^Version:[ \t]*(.*?)\s*$", re.MULTILINE)


def _name_and_version(dist: metadata.Distribution) -> str:
    """``name==version`` of a distribution, read from the head of its metadata file (the email parser that
    ``dist.metadata`` runs on the whole file takes most of the time of a batch whose reports did not change)."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    head = text.split("\n\n", 1)[0]
    name, version = _NAME.search(head), _VERSION.search(head)
    return f"{(name.group(1) if name else '').lower()}=={version.group(1) if version else ''}"


@functools.cache
def environment() -> str:
    """Every installed distribution as ``name==version``, one a line, sorted (read once per process)."""
    return "\n".join(sorted({_name_and_version(dist) for dist in metadata.distributions()}))


@functools.cache
def _package_inputs() -> tuple[tuple[str, Path], ...]:
    return tuple((f"nianbao/{path.relative_to(PACKAGE_DIR)}", path) for path in package_files())


@functools.lru_cache(maxsize=65536)
def _content_digest(path: Path, stamp: tuple[int, int, int]) -> bytes:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's content; a file read before in this process with the same inode, size and
    modification time is not read again (a batch reads the earlier years of a body once, not once per year)."""
    stat = path.stat()
    return _content_digest(path, (stat.st_ino, stat.st_size, stat.st_mtime_ns))


def key_inputs(layout: ProjectLayout, body: str, year: int) -> list[tuple[str, Path]]:
    """Every file the outputs of ``body`` ``year`` are made from, each with the name the key records: project
    files relative to the project, the package's files under ``nianbao/``."""
    era = era_named(layout.params_file(body, year))
    project = [(layout.relative(path), path) for path in layout.report_inputs(body, year, era or None)]
    return project + list(_package_inputs())


def run_key(layout: ProjectLayout, body: str, year: int) -> str:
    """The SHA-256 of the installed distributions and of the names and content of ``key_inputs``."""
    digest = hashlib.sha256(environment().encode())
    for name, path in key_inputs(layout, body, year):
        digest.update(b"\0" + name.encode() + b"\0" + file_digest(path))
    return digest.hexdigest()


def recorded_key(folder: Path) -> str | None:
    """The key a rendered report (manifest.json) or a failed one (run-key.json) was made with."""
    for name in (MANIFEST_FILE, KEY_FILE):
        path = folder / name
        if path.exists():
            try:
                recorded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return recorded.get("run_key") if isinstance(recorded, dict) else None
    return None


def record_failure(folder: Path, key: str | None, message: str) -> None:
    """Write the key of a report that failed validation and the message it failed with into ``folder``."""
    text = json.dumps({"run_key": key, "message": message}, ensure_ascii=False, indent=2) + "\n"
    (folder / KEY_FILE).write_text(text, encoding="utf-8")


def recorded_failure(folder: Path) -> str:
    """The message a report failed validation with, as ``record_failure`` wrote it."""
    return json.loads((folder / KEY_FILE).read_text(encoding="utf-8"))["message"]
