"""The numbers of the prose chapters against the tables: every quantity a prose chapter states is bound, by the
phrases of ``prose-vocabulary.yaml``, to the cells it states, and given a verdict.

- 一致: the table gives the number (under one of the phrase's readings, named in the result);
- 近似一致: an approximate number (余/多/以上/超过, 近/不足, 约/左右) within its bound;
- 不一致: the table (or the breakdown the sentence gives, or the share or rate recomputed from the counts) says
  otherwise; both numbers, the sentence with the number marked and the cells are given;
- 无法对应: no declared phrase binds the number (or its cells are not reported, or there is no previous year to
  recompute a rate of change from); listed, never counted as passed;
- 非表格数据: declared in the report's params (``non_table_figures``) as not a table figure, with a reason.

Numbers that are not quantities (years, dates, document numbers, telephone numbers, list markers, …) are kept
with the reason they were skipped (verdict 非数量).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Final

from nianbao.formats import indicator_refs
from nianbao.formats.vocabulary import Claim, Family, Vocabulary, load_vocabulary
from nianbao.inputs.quantities import Quantity, Skipped, extract, normalize
from nianbao.inputs.report import Report, format_number
from nianbao.shares import HUNDRED, round_half_up

CONSISTENT: Final = "一致"
INCONSISTENT: Final = "不一致"
APPROXIMATE: Final = "近似一致"
UNBOUND: Final = "无法对应"
NOT_TABLE: Final = "非表格数据"
SKIPPED: Final = "非数量"
VERDICTS: Final = (CONSISTENT, APPROXIMATE, INCONSISTENT, UNBOUND, NOT_TABLE)
"""The verdicts of a quantity, in the order a summary lists them."""

_BOUNDARY: Final = set("，,；;：:（()）\n。！？!?")
_SENTENCE_END: Final = set("。！？!?\n")
_LEAD_LIMIT: Final = 40
_CONTEXT: Final = 40  # characters of the sentence quoted on each side of the number
_GAP: Final = re.compile(r"[^0-9。；;，,]{0,12}[ ，,。：:（(]{0,3}")  # between a total and its 其中: a noun at most
_BOUND_WORDS: Final = {"at_least": "下限", "at_most": "上限", "around": "约数"}


@dataclass(frozen=True)
class Cells:
    """The sum of some cells of the report, written out (“表三 …总计 74”), or None when one is not reported."""

    value: Decimal | None
    text: str


@dataclass(frozen=True)
class Finding:
    """One number of the prose (or one claim of a sentence) and what it came to."""

    chapter: str
    file: str
    line: int
    sentence: str  # the sentence, the number marked 【】
    stated: str  # as written
    kind: str  # count, percent, share, growth, claim; or the reason a number was skipped
    verdict: str
    family: str = ""  # the phrase family that bound it
    reading: str = ""  # the reading that held (or was tried)
    cell: str = ""  # the cells it was compared with, written out
    expected: str = ""  # what the tables give for it
    reason: str = ""  # why: the difference, the missing cell, the params' reason

    def sentence_words(self) -> str:
        """How a failure names where the number is: file, line and the quoted sentence."""
        return f"{self.file} 第{self.line}行 “{self.sentence}”"


@dataclass
class _Bound:
    """A quantity and what the binding found for it."""

    quantity: Quantity
    family: Family | None = None
    value: Decimal | None = None  # the table's figure under the reading that held (or the first reported)
    reading: str = ""
    verdict: str = UNBOUND
    cell: str = ""
    expected: str = ""
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = start
    while left > 0 and text[left - 1] not in _SENTENCE_END:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _SENTENCE_END:
        right += 1
    return left, min(len(text), right + 1)


def _marked(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` with the number marked, shortened to the words around it."""
    left, right = _sentence_span(text, start, end)
    before, after = text[max(left, start - _CONTEXT) : start], text[end : min(right, end + _CONTEXT)]
    head = "…" if start - _CONTEXT > left else ""
    tail = "…" if end + _CONTEXT < right else ""
    return f"{head}{before}【{text[start:end]}】{after}{tail}".strip()


def _lead(text: str, start: int, previous_end: int) -> str:
    """The words before a number in its clause: back to the previous quantity or punctuation."""
    left = start
    floor = max(previous_end, start - _LEAD_LIMIT, 0)
    while left > floor and text[left - 1] not in _BOUNDARY:
        left -= 1
    return text[left:start]


def match_family(vocabulary: Vocabulary, lead: str, unit: str | None = None) -> Family | None:
    """The family whose phrase, searched in ``lead``, ends closest to the number (then the longest match, then the
    family declared first); only families written with ``unit`` when it is given."""
    best: tuple[int, int, int] | None = None
    chosen = None
    if re.search(vocabulary.unbound, lead):
        return None
    for order, family in enumerate(vocabulary.families):
        if unit is not None and unit not in family.units:
            continue
        if any(re.search(p, lead) for p in family.unless):
            continue
        for phrase in family.phrases:
            for match in re.finditer(phrase, lead):
                score = (match.end(), len(match.group(0)), -order)
                if best is None or score > best:
                    best, chosen = score, family
    return chosen


class _Tables:
    """Reading cells of a report for the prose: `a | b` alternatives, column sums for unreported cells."""

    def __init__(self, report: Report, vocabulary: Vocabulary) -> None:
        self.report = report
        self.vocabulary = vocabulary

    def one(self, text: str) -> Cells:
        for ref in indicator_refs(text):
            row = self.report.row(ref.table, ref.row)
            data = self.report.tables.get(ref.table)
            if row is None or data is None:
                continue
            column = ref.column or self.report.main_column(ref.table)
            value = row.value(column)
            if not isinstance(value, Decimal):
                value = self._column_sum(ref.table, row, column)
            if isinstance(value, Decimal):
                where = data.table.official or data.table.title
                label = f"{where}“{row.label}”"
                if len(data.table.columns) > 1:
                    label += f"{data.table.column(column).label}"
                return Cells(value, f"{label} {format_number(value)}")
        return Cells(None, f"{text} 未填报")

    def _column_sum(self, table: str, row, column: str) -> Decimal | None:
        columns = self.vocabulary.column_sums.get(table, {}).get(column)
        if not columns:
            return None
        values = [v for c in columns if isinstance(v := row.value(c), Decimal)]
        return sum(values, Decimal(0)) if values else None

    def total(self, cells: tuple[str, ...]) -> Cells:
        parts = [self.one(c) for c in cells]
        if not parts or any(p.value is None for p in parts):
            return Cells(None, "；".join(p.text for p in parts if p.value is None) or "无对应单元格")
        value = sum((p.value for p in parts if p.value is not None), Decimal(0))
        text = " + ".join(p.text for p in parts) + (f" = {format_number(value)}" if len(parts) > 1 else "")
        return Cells(value, text)


def _agrees(stated: Decimal, table: Decimal, bound: str, around: float) -> bool:
    if bound == "at_least":
        return table >= stated
    if bound == "at_most":
        return table <= stated
    if bound == "around":
        return abs(table - stated) <= stated * Decimal(str(around))
    return table == stated


def _bind_count(item: _Bound, tables: _Tables, era: str) -> None:
    """The verdict of a count bound to ``item.family``: the first reading that agrees holds."""
    assert item.family is not None
    quantity, vocabulary = item.quantity, tables.vocabulary
    readings = vocabulary.readings(item.family, era)
    if not readings:
        item.reason = f"本报告的格式（{era}）没有与“{item.family.label}”对应的表格数据"
        return
    tried = []
    for label, cells in readings:
        found = tables.total(cells)
        if found.value is None:
            tried.append(f"按“{label}”: {found.text}")
            continue
        if item.value is None:
            item.value, item.reading, item.cell = found.value, label, found.text
        if _agrees(quantity.value, found.value, quantity.bound, vocabulary.around):
            item.value, item.reading, item.cell = found.value, label, found.text
            item.verdict = CONSISTENT if quantity.bound == "exact" else APPROXIMATE
            item.expected = format_number(found.value)
            if len(readings) > 1:
                item.notes.append(f"“{item.family.label}”按“{label}”口径成立")
            return
        tried.append(f"按“{label}”: {found.text}")
    if item.value is None:
        item.reason = "表格未填报: " + "；".join(tried)
        return
    item.verdict = INCONSISTENT
    item.expected = format_number(item.value)
    bound = _BOUND_WORDS.get(quantity.bound)
    stated = f"{quantity.text}（{bound}）" if bound else quantity.text
    item.reason = f"正文 {stated}，表格 " + "；".join(tried)


def _percent_of(part: Decimal, base: Decimal, decimals: int) -> tuple[Decimal, Decimal]:
    exact = part * HUNDRED / base
    return exact, round_half_up(exact, decimals)


def _short(value: Decimal) -> str:
    return format_number(round_half_up(value, 4).normalize())


def _bind_share(item: _Bound, numerator: _Bound | None, tables: _Tables, era: str) -> None:
    """A share (占X%) recomputed from the counts over the base the sentence names (else the family's base)."""
    quantity = item.quantity
    if numerator is None or numerator.family is None or numerator.value is None:
        item.reason = "占比的分子没有对应的表格数据"
        return
    item.family, item.reading = numerator.family, numerator.reading
    base_cells: tuple[str, ...] = ()
    if quantity.base_text:
        base_family = match_family(tables.vocabulary, quantity.base_text)
        if base_family is not None and (readings := tables.vocabulary.readings(base_family, era)):
            base_cells = readings[0][1]
    elif numerator.family.share is not None and numerator.family.share in tables.report.format.shares:
        base_cells = (str(tables.report.share_spec(numerator.family.share).base_ref),)
    else:
        base_cells = numerator.family.share_base.get(era, ())
    base = tables.total(base_cells) if base_cells else Cells(None, "")
    if base.value is None or base.value == 0:
        item.reason = f"占比的基数（{quantity.base_text or '未声明'}）没有对应的表格数据"
        return
    exact, rounded = _percent_of(numerator.value, base.value, quantity.decimals)
    item.cell = f"{numerator.cell} / {base.text}"
    item.expected = f"{rounded}%"
    if rounded == quantity.value:
        item.verdict = CONSISTENT
        return
    item.verdict = INCONSISTENT
    words = [
        f"正文 {quantity.text}，由 {numerator.cell} / {base.text} 计算为 {_short(exact)}%，"
        f"按公布的 {quantity.decimals} 位小数四舍五入应为 {rounded}%"
    ]
    stated = numerator.quantity.value
    if stated != numerator.value:
        _, own = _percent_of(stated, base.value, quantity.decimals)
        words.append(f"按正文所述 {numerator.quantity.text} 计算为 {own}%")
    elif round_half_up(exact, quantity.decimals + 2) != exact or quantity.value < rounded:
        words.append("（截断而非四舍五入）" if _truncated(exact, quantity) else "")
    item.reason = "；".join(w for w in words if w)


def _truncated(exact: Decimal, quantity: Quantity) -> bool:
    step = Decimal(1).scaleb(-quantity.decimals)
    return (exact // step) * step == quantity.value


def _bind_growth(item: _Bound, subject: _Bound | None, tables: _Tables, report: Report) -> None:
    """A rate of change recomputed against the same body's previous report."""
    quantity = item.quantity
    if subject is None or subject.family is None or subject.value is None:
        item.reason = "增减幅度所指的数量没有对应的表格数据"
        return
    item.family, item.reading = subject.family, subject.reading
    previous = report.previous
    if previous is None:
        item.reason = f"没有上一年度（{report.params.year - 1}）的报告，无法复核增减幅度"
        return
    last = _Tables(previous, tables.vocabulary)
    cells = dict(tables.vocabulary.readings(subject.family, previous.format.era)).get(subject.reading)
    if cells is None and (readings := tables.vocabulary.readings(subject.family, previous.format.era)):
        cells = readings[0][1]
    before = last.total(cells) if cells else Cells(None, "")
    if before.value is None or before.value == 0:
        item.reason = f"上一年度（{report.params.year - 1}）没有“{subject.family.label}”的数据"
        return
    exact, rounded = _percent_of(subject.value - before.value, before.value, quantity.decimals)
    item.cell = f"本年 {subject.cell}；上年 {before.text}"
    item.expected = f"{rounded}%"
    if rounded == quantity.value * quantity.sign:
        item.verdict = CONSISTENT
        return
    item.verdict = INCONSISTENT
    direction = "增长" if quantity.sign > 0 else "下降"
    item.reason = f"正文{direction} {quantity.text}，由 {subject.cell} 与上年 {before.text} 计算为 {_short(exact)}%"


@dataclass(frozen=True)
class _Breakdown:
    total: int  # index of the total among the quantities
    parts: tuple[int, ...]
    exhaustive: bool


def _breakdowns(text: str, quantities: list[_Bound], vocabulary: Vocabulary) -> list[_Breakdown]:
    """Every “N…，其中 a…、b…” of the text: the total before 其中 and the parts after it, of the same unit."""
    result = []
    for match in re.finditer(vocabulary.breakdown, text):
        before = [i for i, b in enumerate(quantities) if b.quantity.end <= match.start()]
        if not before:
            continue
        total = before[-1]
        gap = text[quantities[total].quantity.end : match.start()]
        if not _GAP.fullmatch(gap):
            continue
        opened = any(ch in "（(" for ch in gap)
        end = _scope_end(text, match.end(), opened=opened)
        family = quantities[total].family
        unit = quantities[total].quantity.unit
        parts: list[int] = []
        exhaustive = False
        for i, item in enumerate(quantities):
            q = item.quantity
            if q.start < match.end() or q.start >= end or q.kind != "count" or q.unit != unit:
                continue
            if _depth(text, match.end(), q.start) != 0:
                continue
            if family is not None and family.parts and item.family is not None and item.family.id not in family.parts:
                break
            parts.append(i)
            previous_end = quantities[i - 1].quantity.end if i > 0 else 0
            if re.search(vocabulary.exhaustive, _lead(text, q.start, max(previous_end, match.start()))):
                exhaustive = True
        if parts:
            result.append(_Breakdown(total, tuple(parts), exhaustive))
    return result


def _scope_end(text: str, start: int, *, opened: bool) -> int:
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                return i
            depth -= 1
        elif ch in "。\n" and depth == 0 and not opened:
            return i
    return len(text)


def _depth(text: str, start: int, end: int) -> int:
    depth = 0
    for ch in text[start:end]:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
    return depth


def _check_breakdown(breakdown: _Breakdown, quantities: list[_Bound]) -> None:
    total = quantities[breakdown.total]
    parts = [quantities[i] for i in breakdown.parts]
    summed = sum((p.quantity.value for p in parts), Decimal(0))
    stated = total.quantity.value
    holds = summed == stated if breakdown.exhaustive else summed <= stated
    relation = "=" if breakdown.exhaustive else "≤"
    expression = " + ".join(p.quantity.text for p in parts) + f" = {format_number(summed)}"
    words = f"其中各项之和 {expression}，应 {relation} 总数 {total.quantity.text}"
    if not holds:
        total.verdict = INCONSISTENT
        total.reason = "；".join(w for w in (total.reason if total.family else "", words) if w)
        total.cell = total.cell or "其中各项之和"
        total.expected = total.expected or format_number(summed)
    elif total.verdict == UNBOUND and not total.family:
        total.verdict, total.cell, total.expected = CONSISTENT, "其中各项之和", format_number(summed)
        total.reason = words
    for part in parts:
        if part.verdict == UNBOUND and part.family is None:
            part.verdict = CONSISTENT if holds else UNBOUND
            part.cell = f"其中各项之和（总数 {total.quantity.text}）"
            part.reason = "" if holds else f"所属的其中各项之和与总数不符: {words}"


def _claims(text: str, quantities: list[_Bound], tables: _Tables) -> list[tuple[Claim, re.Match[str], list[str]]]:
    """Every claim of the text, with the cells it says are 0 and are not (as written out)."""
    found = []
    for claim in tables.vocabulary.claims:
        for match in re.finditer(claim.phrase, text):
            left, _ = _sentence_span(text, match.start(), match.end())
            stated = {b.family.id for b in quantities if b.family and left <= b.quantity.start < match.start()} & set(claim.zero)
            cells = [c for family_id in sorted(stated) for c in claim.zero[family_id]]
            readable = [tables.one(c) for c in cells if tables.report.tables.get(c.split(".")[0]) is not None]
            if readable:
                found.append((claim, match, [c.text for c in readable if c.value not in (None, 0)]))
    return found


@dataclass(frozen=True)
class ProseNumbers:
    """Every number of the prose chapters of a report with its verdict, and the skipped numbers."""

    findings: tuple[Finding, ...]

    def quantities(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict != SKIPPED and f.kind != "claim"]

    def counts(self) -> dict[str, int]:
        """How many quantities ended in each verdict (and how many numbers were skipped)."""
        counts = {v: 0 for v in (*VERDICTS, SKIPPED)}
        for finding in self.findings:
            if finding.kind != "claim":
                counts[finding.verdict] += 1
        return counts


def _non_table(report: Report, sentence: str, quantity: Quantity) -> str | None:
    """The reason the params give for this number not being a table figure, when they declare it."""
    flat = re.sub(r"\s+", "", sentence)
    for figure in report.params.non_table_figures:
        pieces = [re.sub(r"\s+", "", normalize(p)) for p in re.split(r"…+|\.\.\.", figure.text) if p.strip()]
        numbers = re.findall(r"[0-9][0-9,.]*", pieces[-1]) if pieces else []
        if not numbers or Decimal(numbers[-1].replace(",", "")) != quantity.value:
            continue
        position = 0
        for piece in pieces:
            position = flat.find(piece, position)
            if position < 0:
                break
            position += len(piece)
        else:
            return figure.reason
    return None


def _chapter(report: Report, chapter_id: str, tables: _Tables) -> list[Finding]:
    """The findings of one prose chapter."""
    raw = report.prose[chapter_id]
    text = normalize(raw)
    chapter = report.format.chapter(chapter_id)
    path = report.data_dir / "prose" / str(chapter.file)
    file = str(path.relative_to(report.root)) if path.is_relative_to(report.root) else str(path)
    era, vocabulary = report.format.era, tables.vocabulary
    extraction = extract(text)
    items: list[_Bound] = []
    previous_end = 0
    for quantity in extraction.quantities:
        item = _Bound(quantity)
        if quantity.kind == "count":
            lead = _lead(text, quantity.start, previous_end)
            item.family = match_family(vocabulary, lead, quantity.unit)
            if item.family is not None:
                _bind_count(item, tables, era)
        items.append(item)
        previous_end = quantity.end
    for index, item in enumerate(items):
        if item.quantity.kind in ("share", "growth"):
            left, _ = _sentence_span(text, item.quantity.start, item.quantity.end)
            subject = next((b for b in reversed(items[:index]) if b.quantity.kind == "count" and b.quantity.start >= left), None)
            if item.quantity.kind == "share":
                _bind_share(item, subject, tables, era)
            else:
                _bind_growth(item, subject, tables, report)
    for breakdown in _breakdowns(text, items, vocabulary):
        _check_breakdown(breakdown, items)
    findings = []
    for item in items:
        q = item.quantity
        sentence = _marked(raw, q.start, q.end)
        left, right = _sentence_span(text, q.start, q.end)
        reason = _non_table(report, text[left:right], q)
        verdict = item.verdict
        if reason is not None:
            verdict = NOT_TABLE
        notes = "；".join(item.notes)
        findings.append(
            Finding(
                chapter=chapter_id,
                file=file,
                line=raw.count("\n", 0, q.start) + 1,
                sentence=sentence,
                stated=q.text,
                kind=q.kind,
                verdict=verdict,
                family=item.family.label if item.family else "",
                reading=item.reading,
                cell=item.cell,
                expected=item.expected,
                reason=reason if reason is not None else "；".join(r for r in (item.reason, notes) if r),
            )
        )
    for claim, match, broken in _claims(text, items, tables):
        findings.append(
            Finding(
                chapter=chapter_id,
                file=file,
                line=raw.count("\n", 0, match.start()) + 1,
                sentence=_marked(raw, match.start(), match.end()),
                stated=claim.label,
                kind="claim",
                verdict=INCONSISTENT if broken else CONSISTENT,
                family=claim.label,
                cell="；".join(broken),
                expected="0",
                reason=f"正文称“{match.group(0)}”，表格: " + "；".join(broken) + "（应为 0）" if broken else "",
            )
        )
    findings += [_skipped(raw, file, s) for s in extraction.skipped]
    return sorted(findings, key=lambda f: (f.line, raw.find(f.sentence.split("【")[0].lstrip("…"))))


def _skipped(raw: str, file: str, skipped: Skipped) -> Finding:
    return Finding(
        chapter="",
        file=file,
        line=raw.count("\n", 0, skipped.start) + 1,
        sentence=_marked(raw, skipped.start, skipped.end),
        stated=skipped.text,
        kind=skipped.reason,
        verdict=SKIPPED,
        reason=skipped.reason,
    )


def prose_numbers(report: Report) -> ProseNumbers:
    """Every number of every prose chapter of ``report``, bound and given a verdict, in chapter order."""
    tables = _Tables(report, load_vocabulary())
    findings: list[Finding] = []
    for chapter in report.format.chapters:
        if chapter.id in report.prose:
            findings += [replace(f, chapter=chapter.id) for f in _chapter(report, chapter.id, tables)]
    return ProseNumbers(tuple(findings))
