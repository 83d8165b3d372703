"""What the checks of a report come to, for two readers.

- ``summary_html``: the 校验摘要 that ends the published report: how many checks, and every failure and warning
  as the plain sentence its check type words (``CheckType.plain_wording``), with the body named by its issuer. No
  check id, no file, no line.
- ``page_html``: the validation page beside the report (``validation.html``), for reviewers and analysts: every
  check grouped by the table (or the family of checks) it belongs to, failures first, with the observed numbers,
  the cells, the files and lines, every identity at every place and every published share recomputed.

Every text from the inputs and from ``validation.json`` is escaped (``safe.text``); the page declares the same
Content-Security-Policy as the report and needs no script.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nianbao.checks import identity_checks as ic
from nianbao.checks import prose_checks as pc
from nianbao.checks import share_checks as sc
from nianbao.checks.prose import SKIPPED
from nianbao.checks.results import Check, Severity, Validation, Verdict
from nianbao.inputs.report import Report
from nianbao.present.safe import CONTENT_SECURITY_POLICY, text

SUMMARY_SENTENCES = 7  # at most this many plain sentences in the report's summary (one page); the page lists them all
SENTENCE_CHARS = 100  # a longer sentence (a prose sentence quoted with its reason) is cut there in the summary
VERDICT_ORDER = (Verdict.FAILED, Verdict.NOT_EVALUATED, Verdict.PASSED, Verdict.NOT_APPLICABLE)
SEVERITY_ORDER = (Severity.CRITICAL, Severity.WARNING, Severity.INFO)
PAGE_TITLE = "数据校验"


def _sentences(check: Check) -> list[str]:
    """A failed check in plain words: its type's sentences, else (a result written before they existed) its
    description."""
    return check.plain or [check.description]


def counts_sentence(report: Report, result: Validation) -> str:
    """How many checks the report's data went through and what they came to, naming the body by its issuer."""
    params, n = report.params, result.counts()
    parts = [f"{n['passed']}项通过"]
    parts.append(f"{n['critical_failures']}项严重问题" if n["critical_failures"] else "没有严重问题")
    parts.append(f"{n['warnings']}项警告" if n["warnings"] else "没有警告")
    if n["notices"]:
        parts.append(f"{n['notices']}项提示")
    rest = []
    if n["not_evaluated"]:
        rest.append(f"{n['not_evaluated']}项因没有可核对的数据未作评估")
    if n["not_applicable"]:
        rest.append(f"{n['not_applicable']}项不适用于本报告")
    tail = f"；另有{'，'.join(rest)}" if rest else ""
    return f"{params.issuer}{params.year}年度报告的数据共经过{n['checks']}项检查：{'，'.join(parts)}{tail}。"


def _failed(result: Validation, severity: Severity) -> list[Check]:
    return [c for c in result.checks if not c.success and c.severity is severity]


def _cut(sentence: str) -> str:
    """A sentence of at most ``SENTENCE_CHARS`` characters, cut with “…” (the validation page has it whole)."""
    return sentence if len(sentence) <= SENTENCE_CHARS else sentence[: SENTENCE_CHARS - 1] + "…"


def summary_html(report: Report, result: Validation, *, in_report: bool = True) -> str:
    """The 校验摘要 at the end of the report, one page: the counts, then every critical failure and warning in one
    plain sentence each (at most ``SUMMARY_SENTENCES``, each cut at ``SENTENCE_CHARS``), and how many notices the
    validation page lists; ``in_report``: followed by where the rest is."""
    parts = [f'<p class="validation-summary">{text(counts_sentence(report, result))}</p>']
    serious = (Severity.CRITICAL, Severity.WARNING)
    listed = [(s, sentence) for s in serious for c in _failed(result, s) for sentence in _sentences(c)]
    if listed:
        parts.append('<ol class="findings">')
        parts += [
            f'<li class="finding {s.value}"><strong>【{s.label}】</strong>{text(_cut(sentence))}</li>'
            for s, sentence in listed[:SUMMARY_SENTENCES]
        ]
        parts.append("</ol>")
        if len(listed) > SUMMARY_SENTENCES:
            parts.append(f"<p>另有{len(listed) - SUMMARY_SENTENCES}条问题，详见校验页面。</p>")
    else:
        parts.append("<p>没有发现需要更正的问题。</p>")
    notices = sum(len(_sentences(c)) for c in _failed(result, Severity.INFO))
    if notices:
        parts.append(f"<p>提示{notices}条（不影响报告的数字，例如正文中无法对应到表格的数字），逐条列在校验页面。</p>")
    if in_report:
        parts.append("<p>每项检查的内容、核对的数字及其来源，见与本报告一同发布的校验页面。</p>")
    return "\n".join(parts)


# --- the validation page ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """The checks of one table, or of one family of checks (identities, shares, prose), under its title."""

    key: str
    title: str
    checks: list[Check]

    @property
    def failed(self) -> int:
        return sum(not c.success for c in self.checks)


def _group_title(report: Report, check: Check, titles: dict[str, str]) -> str:
    if check.table and check.table in report.format.tables:
        return report.format.tables[check.table].title
    return titles.get(check.suite, check.suite)


def groups(report: Report, result: Validation) -> list[Group]:
    """The checks grouped by table (or family), in suite order; the groups with failures first (the most severe
    first), and in each group the failed checks first (critical, warning, notice), then not evaluated, passed, not
    applicable."""
    from nianbao.checks.suites import load_suites

    titles = {s["name"]: s.get("meta", {}).get("title", s["name"]) for s in load_suites(report.root, result.era).values()}
    found: dict[str, list[Check]] = {}
    for check in result.checks:
        found.setdefault(check.table or check.suite, []).append(check)

    def order(c: Check) -> tuple[int, int]:
        return VERDICT_ORDER.index(c.verdict), SEVERITY_ORDER.index(c.severity)

    made = [Group(key, _group_title(report, checks[0], titles), sorted(checks, key=order)) for key, checks in found.items()]
    return sorted(made, key=_worst)  # stable: suite order among groups alike


def _worst(group: Group) -> int:
    """The rank of a group's most severe failure (critical first); groups without failures last."""
    return min((SEVERITY_ORDER.index(c.severity) for c in group.checks if not c.success), default=len(SEVERITY_ORDER))


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], css: str = "checks") -> str:
    """A table of already escaped cells."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _list(items: Iterable[str]) -> str:
    inner = "".join(f"<li>{text(i)}</li>" for i in items)
    return f"<ul>{inner}</ul>" if inner else ""


def _check_rows(checks: list[Check]) -> list[list[str]]:
    return [
        [
            f'<span class="verdict {c.verdict.name.lower()}">{text(c.verdict.value)}</span>',
            text(c.severity.label),
            text(c.description) + ("" if c.severity is Severity.INFO else _list(c.plain)),
            _list(c.details),
            f"<code>{text(c.check)}</code>",
        ]
        for c in checks
    ]


def _identities(result: Validation) -> str:
    """Every identity at every place it was evaluated, with its numbers and where they were read."""
    described = {c.check: c.description for c in result.checks}
    rows = [
        [
            text(described.get(rec[ic.IDENTITY], rec[ic.IDENTITY])),
            text(rec[ic.PLACE]),
            text(rec[ic.LHS_EXPR]),
            text(ic.relation(rec[ic.OP])),
            text(rec[ic.RHS_EXPR]),
            text(ic.verdict(rec).value),
            text(rec[ic.WHERE]),
        ]
        for rec in sorted(result.identities, key=lambda r: ic.verdict(r) is not Verdict.FAILED)
    ]
    head = ("检查", "位置", "左边", "关系", "右边", "结果", "数据出处")
    return f"<h3>每处勾稽关系的数字</h3>{_table(head, rows, 'numbers')}" if rows else ""


def _shares(result: Validation) -> str:
    """Every published share beside the share recomputed from the counts."""
    rows = [
        [
            text(rec[sc.TITLE]),
            text(rec[sc.LABEL]),
            text(rec[sc.VALUE]),
            text(rec[sc.BASE]),
            text(rec[sc.PUBLISHED]),
            text(rec[sc.EXACT]),
            text(rec[sc.AT_PRINTED]),
            text(rec[sc.AT_DECLARED]),
            text(sc.share_verdict(rec)),
            text(f"{rec.get(sc.FILE, '')} 第{rec.get(sc.LINE, '')}行"),
        ]
        for rec in result.shares
    ]
    head = ("占比", "指标", "件数", "基数", "公布（%）", "重新计算（%）", "按公布位数（%）", "报告呈现（%）", "结果", "数据出处")
    return f"<h3>每个公布占比的复核</h3>{_table(head, rows, 'numbers')}" if rows else ""


def _prose(result: Validation) -> str:
    """Every quantity of the prose chapters with what the tables give (the numbers skipped as no quantity aside)."""
    rows = [
        [
            text(f"{rec[pc.FILE]} 第{rec[pc.LINE]}行"),
            text(rec[pc.SENTENCE]),
            text(rec[pc.VERDICT]),
            text(rec[pc.CELL] or ""),
            text(rec[pc.REASON] or ""),
        ]
        for rec in result.prose
        if rec.get(pc.VERDICT) != SKIPPED
    ]
    return f"<h3>正文中的每个数字</h3>{_table(('出处', '句子', '结果', '表格数据', '说明'), rows, 'numbers')}" if rows else ""


_EXTRAS = {ic.FRAME: _identities, sc.FRAME: _shares, pc.FRAME: _prose}


def _group_html(group: Group, result: Validation) -> str:
    status = f"{group.failed}项未通过" if group.failed else "全部通过或不适用"
    head = ("结果", "级别", "检查", "详情（数据、文件和行）", "检查编号")
    parts = [f'<section class="group"><h2>{text(group.title)}<small>（{len(group.checks)}项检查，{status}）</small></h2>']
    parts.append(_table(head, _check_rows(group.checks)))
    frame = group.key.rsplit(".", 1)[-1]
    if frame in _EXTRAS:
        parts.append(_EXTRAS[frame](result))
    parts.append("</section>")
    return "".join(parts)


PAGE_CSS = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.6; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h2 small { font-weight: normal; font-size: 0.85rem; color: #555; margin-left: 0.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.4rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; } td ul { margin: 0; padding-left: 1.1rem; }
td { overflow-wrap: anywhere; } code { font-size: 0.8rem; color: #555; }
.verdict.failed { color: #a00; font-weight: bold; } .verdict.not_evaluated { color: #a60; }
.finding.critical strong { color: #a00; } .finding.warning strong { color: #a60; }
nav a { margin-right: 1rem; } .numbers { font-size: 0.8rem; }
td.body { min-width: 5em; } td.year, td.status { white-space: nowrap; }
"""


def document(title: str, body: str) -> str:
    """A standalone page: the report's Content-Security-Policy, embedded styles, no script."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{text(CONTENT_SECURITY_POLICY)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="generator" content="nianbao">\n'
        f"<title>{text(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def page_html(report: Report, result: Validation, links: dict[str, str]) -> str:
    """The validation page of a report: the summary, then every group of checks; ``links`` (label → relative URL)
    are the pages it leads to (the index, the report)."""
    params = report.params
    nav = "".join(f'<a href="{text(url)}">{text(label)}</a>' for label, url in links.items())
    parts = [
        f"<h1>{text(params.title)}：{PAGE_TITLE}</h1>",
        f'<p class="issuer">{text(params.issuer)}</p>',
        f"<nav>{nav}</nav>" if nav else "",
        "<h2>校验摘要</h2>",
        summary_html(report, result, in_report=False),
    ]
    parts += [_group_html(g, result) for g in groups(report, result)]
    if result.notes:
        parts.append(f"<h2>读取数据时的说明</h2>{_list(result.notes)}")
    return document(f"{params.title}：{PAGE_TITLE}", "\n".join(parts))
