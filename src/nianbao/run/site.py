"""The outputs folder as a site: ``outputs/index.html`` lists every report with its status and links to its report
(HTML, PDF and Word when present) and its validation page.

The state of each report is read from what is on disk, never from the last batch alone, so that the index is
right after a partial, failed or interrupted run: the outcome recorded by the last run of the report
(``.<year>.result.json``, written by ``record``), the published outputs (``<year>/``) and the build a failed run
kept (``<year>.failed/``). Every run rewrites the index (``write_index``), in one rename.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import ParamsError
from nianbao.labels import Labelled
from nianbao.paths import (
    INDEX_PAGE,
    REPORT_DOCX,
    REPORT_HTML,
    REPORT_PDF,
    VALIDATION_FILE,
    VALIDATION_PAGE,
    ProjectLayout,
    failed_dir,
)
from nianbao.present.safe import text
from nianbao.run.cache import KEY_FILE
from nianbao.run.status import RunResult, Status


class SiteStatus(Labelled):
    """What the index says of a report."""

    RENDERED = "rendered", "已生成"
    WARNINGS = "warnings", "有警告"
    FAILED_VALIDATION = "failed validation", "未通过校验"
    ERROR = "error", "出错"
    NOT_RUN = "not run", "未生成"


_FROM_RUN = {
    Status.RENDERED.value: SiteStatus.RENDERED,
    Status.FAILED_VALIDATION.value: SiteStatus.FAILED_VALIDATION,
    Status.ERROR.value: SiteStatus.ERROR,
}


def record(layout: ProjectLayout, result: RunResult) -> None:
    """Record the outcome of a report's run beside its outputs (``.<year>.result.json``), for the index."""
    path = layout.result_file(result.body, result.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"status": result.status.value, "message": result.message, "exit_code": int(result.exit_code)}
    _write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _recorded(layout: ProjectLayout, body: str, year: int) -> dict | None:
    try:
        data = json.loads(layout.result_file(body, year).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("status") in _FROM_RUN else None


@dataclass
class Entry:
    """One report in the index: its status, what the last run said, and the pages that exist (label → path
    relative to the outputs folder)."""

    body: str
    year: int
    name: str  # the issuer, as the params print it (the body id when they cannot be read)
    status: SiteStatus
    message: str = ""
    links: dict[str, str] = field(default_factory=dict)


def _issuer(layout: ProjectLayout, body: str, year: int) -> str:
    from nianbao.inputs.params import read_params_yaml

    try:
        issuer = read_params_yaml(layout.params_file(body, year)).get("issuer")
    except (OSError, ParamsError):
        return body
    return str(issuer) if issuer else body


def _validation(folder: Path) -> dict:
    """The validation result a run wrote in ``folder`` ({} when there is none or it cannot be read)."""
    try:
        data = json.loads((folder / VALIDATION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _warned(folder: Path) -> bool:
    """Whether the validation result in ``folder`` has warnings (failed checks of severity 警告)."""
    counts = _validation(folder).get("counts") or {}
    return bool(isinstance(counts, dict) and counts.get("warnings"))


def _findings(folder: Path, severity: str) -> list[str]:
    """The plain sentences of the failed checks of ``severity`` in the validation result in ``folder``."""
    checks = _validation(folder).get("checks") or []
    return [
        sentence
        for c in checks
        if isinstance(c, dict) and not c.get("success", True) and c.get("severity") == severity
        for sentence in (c.get("plain") or [c.get("description", "")])
    ]


def _status(layout: ProjectLayout, body: str, year: int) -> tuple[SiteStatus, str]:
    """The status from the recorded outcome of the last run, else from the folders a run leaves."""
    final = layout.output_dir(body, year)
    failed = failed_dir(final)
    recorded = _recorded(layout, body, year)
    if recorded is not None:
        status, message = _FROM_RUN[recorded["status"]], str(recorded.get("message", ""))
    elif failed.is_dir():
        kept_result = (failed / KEY_FILE).exists()
        status, message = (SiteStatus.FAILED_VALIDATION if kept_result else SiteStatus.ERROR), ""
    elif (final / REPORT_PDF).exists():
        status, message = SiteStatus.RENDERED, ""
    else:
        return SiteStatus.NOT_RUN, ""
    if status is SiteStatus.RENDERED and _warned(final):
        status = SiteStatus.WARNINGS
    if status is SiteStatus.FAILED_VALIDATION and (critical := _findings(failed, "critical")):
        message = "\n".join(critical)
    elif status is SiteStatus.WARNINGS:
        message = "\n".join(_findings(final, "warning"))
    return status, message


def _links(layout: ProjectLayout, body: str, year: int, status: SiteStatus) -> dict[str, str]:
    """The pages of a report that exist: the published report, and the validation page of the last run (the kept
    one of a failed run, else the published one)."""
    final = layout.output_dir(body, year)
    failed = failed_dir(final)
    links: dict[str, str] = {}
    for label, name in (("HTML", REPORT_HTML), ("PDF", REPORT_PDF), ("Word", REPORT_DOCX)):
        if (final / name).is_file():
            links[label] = f"{body}/{year}/{name}"
    latest_failed = status in (SiteStatus.FAILED_VALIDATION, SiteStatus.ERROR)
    for folder in (failed, final) if latest_failed else (final,):
        if (folder / VALIDATION_PAGE).is_file():
            links["校验页面"] = f"{body}/{folder.name}/{VALIDATION_PAGE}"
            break
    return links


def _reports(layout: ProjectLayout) -> list[tuple[str, int]]:
    """Every report with params, and every report with outputs (its params may have been removed since)."""
    found = set(layout.reports())
    if layout.outputs.is_dir():
        for body in layout.outputs.iterdir():
            if body.is_dir() and not body.name.startswith("."):
                for item in body.iterdir():
                    year = item.name.split(".", 1)[0]
                    if year.isdigit() and not item.name.startswith("."):
                        found.add((body.name, int(year)))
    return sorted(found)


def entries(layout: ProjectLayout) -> list[Entry]:
    """Every report the project or its outputs know, with its status and links, by body and year."""
    made = []
    for body, year in _reports(layout):
        status, message = _status(layout, body, year)
        made.append(Entry(body, year, _issuer(layout, body, year), status, message, _links(layout, body, year, status)))
    return made


MESSAGE_LINES = 3  # at most this many lines of a report's findings or error in the index


def _row(entry: Entry) -> str:
    links = " ".join(f'<a href="{text(url)}">{text(label)}</a>' for label, url in entry.links.items())
    shown = entry.message if entry.status is not SiteStatus.RENDERED else ""
    lines = [line for line in shown.strip().splitlines() if line.strip()]
    more = f"（另有{len(lines) - MESSAGE_LINES}条，见校验页面）" if len(lines) > MESSAGE_LINES else ""
    note = "".join(f'<div class="message">{text(line)}</div>' for line in lines[:MESSAGE_LINES])
    note += f'<div class="message">{more}</div>' if more else ""
    if entry.status in (SiteStatus.FAILED_VALIDATION, SiteStatus.ERROR) and any(k in entry.links for k in ("HTML", "PDF")):
        note += '<div class="message">报告链接为上一次成功生成的版本。</div>'
    return (
        f'<tr class="{entry.status.name.lower()}"><td class="body">{text(entry.name)}</td><td class="year">{entry.year}</td>'
        f'<td class="status">{text(entry.status.label)}</td><td>{links or "—"}{note}</td></tr>'
    )


def index_html(layout: ProjectLayout) -> str:
    """The index page of the outputs folder."""
    from nianbao.present.validation import document

    found = entries(layout)
    counts = "，".join(f"{s.label} {n}" for s in SiteStatus if (n := sum(e.status is s for e in found)))
    body = (
        "<h1>政府信息公开工作年度报告</h1>"
        f"<p>共 {len(found)} 个报告{('：' + counts) if counts else ''}。校验页面列出每项检查的结果、核对的数字及其数据出处。</p>"
        '<table class="reports"><thead><tr><th>机关</th><th>年度</th><th>状态</th><th>报告与校验页面</th></tr></thead><tbody>'
        + "".join(_row(e) for e in found)
        + "</tbody></table>"
    )
    return document("政府信息公开工作年度报告", body)


def _write_atomically(path: Path, content: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_index(layout: ProjectLayout) -> Path:
    """Rewrite ``outputs/index.html`` from what is on disk; its path."""
    layout.outputs.mkdir(parents=True, exist_ok=True)
    path = layout.outputs / INDEX_PAGE
    _write_atomically(path, index_html(layout))
    return path
