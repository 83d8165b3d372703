"""Every number written in a prose chapter, read as a quantity (a count, an amount, a percentage, a share, a rate
of change) or set aside with the reason it is not one (a year, a date, a document number, a telephone number, a
list marker, a number inside a title, a number without a unit).

Pure text processing: no report, no declaration. ``extract(text)`` returns the quantities and the skipped numbers
with their positions in ``text``, so that a check can quote the sentence with the number marked. Forms read:
full-width digits and ％, spaces between digits and CJK ("申请 3119 件"), thousands separators ("3,119"),
decimals, 万/亿 multipliers ("14万余条" = 140000 or more), bounds (余/多/以上/超过/超/逾 at least, 近 at most,
约/左右 around), 占X% (a share), 同比/较上年 增长/下降 X% (a rate of change, with its sign).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

Bound = Literal["exact", "at_least", "at_most", "around"]
Kind = Literal["count", "percent", "share", "growth"]

_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
"""Full-width digits and signs, one character for one, so that positions stay those of the original text."""

UNITS: Final = (
    "万元",
    "亿元",
    "人次",
    "场次",
    "个工作日",
    "工作日",
    "分钟",
    "小时",
    "件次",
    "元",
    "件",
    "条",
    "个",
    "次",
    "期",
    "项",
    "家",
    "份",
    "篇",
    "场",
    "起",
    "通",
    "名",
    "人",
    "户",
    "批",
    "类",
    "轮",
    "天",
    "所",
    "座",
    "部",
    "台",
    "套",
    "万",
    "%",
)
"""Units a quantity is written with, longest first (a counter word, 元/万元, %)."""

_UNIT_RE: Final = "|".join(re.escape(u) for u in UNITS)
_NUMBER: Final = re.compile(
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?P<mult>\s*[万亿](?![元]))?"
    r"(?P<approx>\s*[余多])?"
    rf"(?P<unit>\s*(?:{_UNIT_RE}))?"
    r"(?P<after>以上|左右|以内|以下)?"
)
_BEFORE_LIMIT: Final = 12  # characters looked at before a number for its context


@dataclass(frozen=True)
class Quantity:
    """A number the prose states, with what it is of, as written."""

    start: int  # position of the number in the text
    end: int  # end of the number with its unit and bound words
    text: str  # as written, e.g. "14万余条", "33.9%"
    value: Decimal  # with its multiplier applied (14万 → 140000)
    unit: str  # "件", "条", "%", "万元", … ("" for a number with 万 and no counter)
    bound: Bound = "exact"
    kind: Kind = "count"
    decimals: int = 0  # decimals as printed (the precision of a percentage)
    sign: int = 1  # a rate of change: +1 增长, -1 下降
    base_text: str = ""  # a share: what the sentence names its base (占…的X%), else ""

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class Skipped:
    """A number that is not a quantity, and why."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Extraction:
    quantities: tuple[Quantity, ...]
    skipped: tuple[Skipped, ...]


def normalize(text: str) -> str:
    """``text`` with full-width digits and signs made ASCII, character for character (positions unchanged)."""
    return text.translate(_FULL_WIDTH)


_LEADING_APPROX: Final = re.compile(r"(超过|超出|多于|不少于|逾|超|约|大约|近|将近|接近|不到|不足)\s*$")
_LEADING_BOUND: Final = {
    "超过": "at_least",
    "超出": "at_least",
    "多于": "at_least",
    "不少于": "at_least",
    "逾": "at_least",
    "超": "at_least",
    "约": "around",
    "大约": "around",
    "近": "at_most",
    "将近": "at_most",
    "接近": "at_most",
    "不到": "at_most",
    "不足": "at_most",
}
_GROWTH: Final = re.compile(
    r"(?:同比|环比|较上年|较去年|比上年|比去年|较上一年|与上年相比|较\d{4}年)[^，。；,;%]{0,12}?"
    r"(?P<dir>增长|增加|上升|提高|提升|多|下降|减少|降低|回落|下滑|少)了?\s*$"
)
_FALLING: Final = ("下降", "减少", "降低", "回落", "下滑", "少")
_SHARE: Final = re.compile(r"占(?P<base>[^，。；,;、0-9]{0,20}?)(?:的|比|比例|比重为|比例为|为|达)?\s*$")
_TITLES: Final = re.compile(r"《[^《》]*》|〈[^〈〉]*〉")
_DOC_NUMBER: Final = re.compile(r"[〔\[［【(（]\s*[0-9]{4}\s*[〕\]］】)）]\s*[0-9]+\s*号|第\s*[0-9]+\s*号|[0-9]+\s*号")
_DATE: Final = re.compile(
    r"[0-9]{4}\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?|[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|[0-9]{1,2}\s*月份?"
    r"|[0-9]{4}\s*[-—–~至]\s*[0-9]{4}\s*(?:年|学年)?"
)
_YEAR: Final = re.compile(r"(?<![0-9.])(?:19[4-9][0-9]|20[0-9]{2})(?=\s*(?:年|学年))")
_PHONE: Final = re.compile(r"(?<![0-9])(?:0[0-9]{2,3}\s*[-－]\s*[0-9]{7,8}|1[3-9][0-9]{9})(?![0-9])")
_POSTCODE: Final = re.compile(r"(?:邮编|邮政编码)[:：]?\s*[0-9]{6}")
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_URL: Final = re.compile(r"(?:https?://|www\.)[^\s，。；、）)]+")
_LIST_MARKER: Final = re.compile(r"(?:^|(?<=[\n。；;：:]))\s*[(（]?\s*[0-9]+\s*(?:[.、．]|[)）])(?![0-9])")
_ORDINAL: Final = re.compile(r"第\s*[0-9]+\s*(?:条|款|项|章|节|届|次|批|期|号|名|位|轮|季度|个)?")
_IDENTIFIER: Final = re.compile(r"[A-Za-z]+[0-9]+[A-Za-z0-9]*|[0-9]+[A-Za-z]+[A-Za-z0-9]*|[0-9]+\s*[+＋×/]\s*[0-9]+")
_DIGITS: Final = re.compile(r"[0-9]")

SKIP_RULES: Final = (
    ("网址或邮箱", _URL),
    ("网址或邮箱", _EMAIL),
    ("书名号内的标题", _TITLES),
    ("文号", _DOC_NUMBER),
    ("电话号码", _PHONE),
    ("邮政编码", _POSTCODE),
    ("日期", _DATE),
    ("年份", _YEAR),
    ("序号", _LIST_MARKER),
    ("序数（第X条等）", _ORDINAL),
    ("编号或型号", _IDENTIFIER),
)
"""The numbers that are not quantities, by reason, in the order they are looked for."""


def _skipped_spans(text: str) -> list[Skipped]:
    """Every span of ``text`` that holds numbers that are not quantities (the first rule wins on overlap)."""
    taken: list[Skipped] = []
    for reason, pattern in SKIP_RULES:
        for match in pattern.finditer(text):
            if not _DIGITS.search(match.group(0)):
                continue
            start, end = match.span()
            if any(s.start < end and start < s.end for s in taken):
                continue
            taken.append(Skipped(start, end, match.group(0).strip(), reason))
    return sorted(taken, key=lambda s: s.start)


def _value(number: str, mult: str | None) -> Decimal:
    value = Decimal(number.replace(",", ""))
    if mult:
        value *= Decimal(10000) if mult.strip() == "万" else Decimal(100000000)
    return value


def _quantity(text: str, match: re.Match[str]) -> Quantity:
    """The quantity of one number match, its bound and kind read from the words around it."""
    number, unit = match.group("num"), (match.group("unit") or "").strip()
    mult = match.group("mult")
    if unit == "万" and not mult:  # "2300万" read as a multiplier with no counter
        mult, unit = "万", ""
    value = _value(number, mult)
    before = text[max(0, match.start() - _BEFORE_LIMIT) : match.start()]
    bound: Bound = "exact"
    if match.group("approx") or match.group("after") == "以上":
        bound = "at_least"
    elif match.group("after") == "左右":
        bound = "around"
    elif match.group("after") in ("以内", "以下"):
        bound = "at_most"
    elif lead := _LEADING_APPROX.search(before):
        bound = _LEADING_BOUND[lead.group(1)]  # type: ignore[assignment]
    decimals = len(number.partition(".")[2])
    kind: Kind = "count"
    sign, base_text = 1, ""
    if unit == "%":
        kind = "percent"
        wider = text[max(0, match.start() - 30) : match.start()]
        if growth := _GROWTH.search(wider):
            kind, sign = "growth", -1 if growth.group("dir") in _FALLING else 1
        elif share := _SHARE.search(wider[-(_BEFORE_LIMIT + 10) :]):
            kind, base_text = "share", share.group("base").strip()
    return Quantity(
        start=match.start(),
        end=match.end(),
        text=match.group(0).strip(),
        value=value,
        unit=unit,
        bound=bound,
        kind=kind,
        decimals=decimals,
        sign=sign,
        base_text=base_text,
    )


def extract(text: str) -> Extraction:
    """Every number of ``text``: the quantities, and the numbers skipped with their reason, in text order."""
    plain = normalize(text)
    spans = _skipped_spans(plain)
    quantities: list[Quantity] = []
    skipped = list(spans)
    for match in _NUMBER.finditer(plain):
        start = match.start()
        if start > 0 and (plain[start - 1].isdigit() or plain[start - 1] == "."):
            continue
        if any(s.start <= start < s.end for s in spans):
            continue
        if not match.group("unit") and not match.group("mult"):
            skipped.append(Skipped(start, match.end("num"), match.group("num"), "无计量单位"))
            continue
        quantities.append(_quantity(plain, match))
    return Extraction(tuple(quantities), tuple(sorted(skipped, key=lambda s: s.start)))
