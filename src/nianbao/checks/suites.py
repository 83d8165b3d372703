"""Expectation suites (Great Expectations Core 1.x JSON), one per table plus the identities and the
published shares, built from a format declaration by the registered check types and kept in
``expectations/<era>/``.

The suites are generated from the declaration (``nianbao expectations --write``) and committed; the test
suite checks that the committed files are what the declaration generates, so the two cannot drift. This
module writes plain JSON and does not import Great Expectations (slow to import); ``validate`` loads the
files into GX and runs them.
"""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.checks import identity_checks, prose_checks, share_checks, table_checks
from nianbao.checks.identity_checks import DeclaredIdentity
from nianbao.checks.prose_checks import ProseCheck
from nianbao.checks.share_checks import ShareCheck
from nianbao.checks.table_checks import ColumnCheck, TableCheck, TableColumn
from nianbao.formats import Format


def table_suite(fmt: Format, table_id: str) -> dict:
    """The table's checks in registration order, then, column by column, its column checks."""
    table = fmt.tables[table_id]
    expectations = [e for check in TableCheck.registered() for e in check.expectations(table)]
    for column in table.columns:
        declared = TableColumn(table, column)
        expectations += [e for check in ColumnCheck.registered() for e in check.expectations(declared)]
    return {
        "name": f"{fmt.era}.{table_id}",
        "expectations": expectations,
        "meta": {"frame": table_checks.frame_id(table_id), "table": table_id, "title": table.title, "era": fmt.era},
    }


def identities_suite(fmt: Format) -> dict:
    """One expectation per declared identity, in the declaration's order."""
    checks = DeclaredIdentity.registered()
    return {
        "name": f"{fmt.era}.identities",
        "expectations": [e for ident in fmt.identities for check in checks for e in check.expectations(ident)],
        "meta": {"frame": identity_checks.FRAME, "title": "勾稽关系与合理性", "era": fmt.era},
    }


def shares_suite(fmt: Format) -> dict:
    """The share checks, in registration order."""
    return {
        "name": f"{fmt.era}.published_shares",
        "expectations": [e for check in ShareCheck.registered() for e in check.expectations(fmt)],
        "meta": {"frame": share_checks.FRAME, "title": "公布的占比", "era": fmt.era},
    }


def prose_suite(fmt: Format) -> dict:
    """The checks of the numbers of the prose chapters, in registration order."""
    return {
        "name": f"{fmt.era}.prose_numbers",
        "expectations": [e for check in ProseCheck.registered() for e in check.expectations(fmt)],
        "meta": {"frame": prose_checks.FRAME, "title": "正文中的数字", "era": fmt.era},
    }


def build_suites(fmt: Format) -> dict[str, dict]:
    """File name -> suite, for every suite the declaration implies."""
    suites = {f"{table_id}.json": table_suite(fmt, table_id) for table_id in fmt.tables}
    suites["identities.json"] = identities_suite(fmt)
    suites["published_shares.json"] = shares_suite(fmt)
    suites["prose_numbers.json"] = prose_suite(fmt)
    return suites


def suites_dir(root: Path, era: str) -> Path:
    return Path(root) / "expectations" / era


def dump(suite: dict) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=2) + "\n"


def write_suites(root: Path, fmt: Format) -> list[Path]:
    folder = suites_dir(root, fmt.era)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite in build_suites(fmt).items():
        path = folder / name
        path.write_text(dump(suite), encoding="utf-8")
        written.append(path)
    return written


def stale_suites(root: Path, fmt: Format) -> list[str]:
    """Names of suite files that are missing or differ from what the declaration generates."""
    folder = suites_dir(root, fmt.era)
    stale = []
    for name, suite in build_suites(fmt).items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != dump(suite):
            stale.append(name)
    return stale


def load_suites(root: Path, era: str) -> dict[str, dict]:
    folder = suites_dir(root, era)
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
