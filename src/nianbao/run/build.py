"""Putting a finished build in place of a report's outputs, and keeping a failed build aside.

A build is made in a folder beside the final one (``.<year>.build-*``). Publishing replaces the final folder
only once the new one can take its place: the old outputs are renamed aside, the build is renamed into place,
and the old outputs are removed; if the second rename fails, the old outputs are renamed back.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path


def publish(build: Path, final: Path) -> None:
    """Move ``build`` to ``final``, replacing a previous ``final`` only once the new one is in place."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(build, final)
    except OSError:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def failed_path(final: Path) -> Path:
    """Where a failed run's build is kept: ``<year>.failed`` beside ``<year>``."""
    return final.with_name(f"{final.name}.failed")


def keep_failed(build: Path, final: Path) -> Path:
    """Move a failed ``build`` to ``<year>.failed``, replacing the one a previous failed run left."""
    failed = failed_path(final)
    if failed.exists():
        shutil.rmtree(failed)
    os.rename(build, failed)
    return failed
