"""Adding a year through the workbook: ``nianbao new`` → the workbook filled in → ``nianbao import book.xlsx`` →
validation, against the committed data of the same reports; and the live check cells recalculated by LibreOffice
against the validation's own reading of the identities."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest

from helpers import ROOT, copy_project, fill_workbook, recalculated
from nianbao.checks.frames import identities_frame
from nianbao.checks.validate import validate
from nianbao.entry.formulas import FAILED, PASSED
from nianbao.entry.newyear import book_for, last_year, previous_values, workbook_path
from nianbao.entry.writer import check_cells
from nianbao.inputs.params import load_params
from nianbao.inputs.report import load_report
from nianbao.paths import ProjectLayout

pytestmark = pytest.mark.slow  # the command line in subprocesses, Great Expectations, LibreOffice


def cli(root, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args, "--root", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def outcome(report) -> list[tuple]:
    result = validate(report)
    return [(c.suite, c.check, c.severity, c.success, c.evaluated, c.applicable, tuple(c.details)) for c in result.checks]


@pytest.mark.parametrize(
    "body, year, earlier",
    [("pingtan", 2021, [2020]), ("hongze", 2024, [2023]), ("shanghai-office", 2019, [])],
)
def test_new_fill_import_validates_as_the_committed_data(tmp_path, body, year, earlier):
    root = copy_project(tmp_path / "project", reports=[(body, y) for y in earlier])
    committed = load_report(ROOT, body, year)
    extra = ["--era", committed.params.era] + ([] if earlier else ["--issuer", committed.params.issuer])
    made = cli(root, "new", body, str(year), *extra)
    assert made.returncode == 0, made.stderr
    layout = ProjectLayout.at(root)
    book = workbook_path(layout, body, year)
    fill_workbook(book, ROOT / "data" / body / str(year), committed.format)
    shutil.copytree(ROOT / "data" / body / str(year) / "prose", layout.data_dir(body, year) / "prose", dirs_exist_ok=True)
    imported = cli(root, "import", str(book), "--body", body, "--year", str(year))
    assert imported.returncode == 0, imported.stderr
    assert outcome(load_report(root, body, year)) == outcome(committed)


def test_the_check_cells_show_what_the_validation_finds(tmp_path):
    """平潭 2022 typed with 平潭 2021's numbers and one wrong count: LibreOffice's values of the check cells are the
    validation's verdicts on the imported data, place by place."""
    root = copy_project(tmp_path / "project", reports=[("pingtan", 2021)])
    assert cli(root, "new", "pingtan", "2022").returncode == 0
    layout = ProjectLayout.at(root)
    book = workbook_path(layout, "pingtan", 2022)
    fill_workbook(book, ROOT / "data/pingtan/2021", load_params(layout, "pingtan", 2022).format)
    workbook = openpyxl.load_workbook(book)
    workbook["表三"]["D7"] = 65  # 一、本年新收 of 自然人: 64 published
    workbook.save(book)
    values = openpyxl.load_workbook(recalculated(book, tmp_path), data_only=True)
    params = load_params(layout, "pingtan", 2022)
    checks = book_for(params, {"requests": "split"}, previous_values(last_year(layout, "pingtan", 2021)))
    shown = {}
    for sheet in checks.sheets:
        lines = checks.checks[sheet.name]
        for line, at in zip(lines, check_cells(sheet, lines), strict=True):
            shown[(line.identity.id, line.place)] = values[sheet.name][at].value
    assert cli(root, "import", str(book), "--body", "pingtan", "--year", "2022").returncode == 0
    frame = identities_frame(load_report(root, "pingtan", 2022))
    found = {
        (rec["identity"], rec["column"]): PASSED
        if (rec["lhs"] == rec["rhs"] if rec["op"] == "==" else rec["lhs"] <= rec["rhs"])
        else FAILED
        for rec in frame.to_dict(orient="records")
    }
    assert shown == found
    failed = {key for key, verdict in shown.items() if verdict == FAILED}
    assert ("I1_carry_balance", "自然人列") in failed and (
        "I3_applicants_total",
        "“一、本年新收政府信息公开申请数量”行",
    ) in failed
    assert ("S1_carried_over_matches_last_year", "自然人列") in failed  # 2021's own 上年结转 0 typed over 2021's 结转 1
    on_sheet = [line for line in checks.checks["表三"] if shown[(line.identity.id, line.place)] == FAILED]
    summary = values["表三"][f"F{next(s for s in checks.sheets if s.name == '表三').bottom + 2}"].value
    assert summary == f"{len(on_sheet)} 项不相符"


def test_the_command_line_refuses_an_existing_report_and_a_text_import_without_its_options(tmp_path):
    root = copy_project(tmp_path / "project", reports=[("pingtan", 2021)])
    again = cli(root, "new", "pingtan", "2021")
    assert again.returncode == 2 and "已存在，不会覆盖" in again.stderr
    text = root / "data/pingtan/2021/published.txt"
    bare = cli(root, "import", str(text), "--body", "pingtan", "--year", "2030")
    assert bare.returncode == 2 and "--era and --issuer" in bare.stderr
