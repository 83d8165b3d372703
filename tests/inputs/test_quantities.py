"""Numbers in prose: which are quantities, with what value, unit, bound and kind; which are skipped and why."""

from decimal import Decimal

import pytest

from nianbao.inputs.quantities import extract


def _one(text: str):
    (quantity,) = extract(text).quantities
    return quantity


def _reasons(text: str) -> list[tuple[str, str]]:
    result = extract(text)
    assert result.quantities == ()
    return [(s.text, s.reason) for s in result.skipped]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("受理政府信息公开申请3119件", "3119", "件"),
        ("申请 3119 件", "3119", "件"),  # spaces between digits and CJK, as PDF text has it
        ("申请３１１９件", "3119", "件"),  # full-width digits
        ("主动公开信息3,119条", "3119", "条"),  # thousands separator
        ("收费9116.36万元", "9116.36", "万元"),
        ("采购总金额251000元", "251000", "元"),
        ("访问量108932人次", "108932", "人次"),
        ("编发公报24期", "24", "期"),
        ("权威发布共计38次", "38", "次"),
        ("注销2个政务新媒体", "2", "个"),
        ("阅读量即达180万次", "1800000", "次"),
    ],
)
def test_counts(text, value, unit):
    quantity = _one(text)
    assert (quantity.value, quantity.unit, quantity.bound, quantity.kind) == (Decimal(value), unit, "exact", "count")


def test_position_and_text_are_those_of_the_original():
    text = "共受理申请 ３１１９ 件。"
    quantity = _one(text)
    assert text[quantity.start : quantity.end] == "３１１９ 件" and quantity.text == "3119 件"


@pytest.mark.parametrize(
    ("text", "value", "bound"),
    [
        ("发布信息14万余条", "140000", "at_least"),
        ("网络信息1000余条", "1000", "at_least"),
        ("处置网络舆情70多件", "70", "at_least"),
        ("公开信息100条以上", "100", "at_least"),
        ("公开信息超过100条", "100", "at_least"),
        ("播放量超2300万", "23000000", "at_least"),
        ("收集网络信息近1000条", "1000", "at_most"),
        ("约60项办事事项", "60", "around"),
        ("公开信息100条左右", "100", "around"),
        ("缩短至30分钟以内", "30", "at_most"),
    ],
)
def test_approximate_forms_are_bounds(text, value, bound):
    quantity = _one(text)
    assert (quantity.value, quantity.bound) == (Decimal(value), bound)


def test_percentages():
    assert (_one("办结率100%").kind, _one("办结率100%").decimals) == ("percent", 0)
    full_width = _one("占4.34％")  # full-width ％
    assert (full_width.value, full_width.unit, full_width.decimals) == (Decimal("4.34"), "%", 2)


def test_share_and_its_named_base():
    quantities = extract("不予公开35件，占4.34%").quantities
    assert [(q.kind, q.decimals) for q in quantities] == [("count", 0), ("share", 2)]
    named = extract("差评数占评价量总数的0.34%").quantities[0]
    assert (named.kind, named.base_text) == ("share", "评价量总数")
    assert extract("占比26%").quantities[0].kind == "share"


@pytest.mark.parametrize(
    ("text", "sign"),
    [("申请数量较去年回落12.3%", -1), ("同比下降5%", -1), ("同比增长12.5%", 1), ("较上年增加3.1%", 1)],
)
def test_growth_rates_carry_their_sign(text, sign):
    quantity = _one(text)
    assert (quantity.kind, quantity.sign) == ("growth", sign)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2021年", "年份"),
        ("2021 年度", "年份"),
        ("2021年3月5日", "日期"),
        ("10月29日", "日期"),
        ("4月份", "日期"),
        ("〔2021〕30号", "文号"),
        ("国令第711号", "文号"),
        ("电话0591-12345678", "电话号码"),
        ("手机13812345678", "电话号码"),
        ("邮编：350400", "邮政编码"),
        ("邮箱gk2021@pingtan.gov.cn", "网址或邮箱"),
        ("第十二条和第16条", "序数（第X条等）"),
        ("《2019年工作要点》", "书名号内的标题"),
        ("IPv6", "编号或型号"),
        ("“12345”市民服务热线", "无计量单位"),
    ],
)
def test_not_quantities_are_skipped_with_their_reason(text, reason):
    assert [r for _, r in _reasons(text)] == [reason]


def test_list_markers_are_skipped():
    text = "1.加强组织领导\n（1）加强政策解读。（2）推进扶贫"
    assert [(t, r) for t, r in _reasons(text)] == [("1.", "序号"), ("（1）", "序号"), ("（2）", "序号")]


def test_a_year_beside_a_count_is_not_taken_for_it():
    result = extract("2023年全区共主动公开政府信息13561条")
    assert [q.value for q in result.quantities] == [Decimal(13561)]
    assert [s.reason for s in result.skipped] == ["年份"]
