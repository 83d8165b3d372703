"""The numbers of the prose against the tables: the corpus findings, one consistent and one contradicting sentence
per phrase family and per number form, the params' non-table figures and severity, and the report's own narratives
always binding and agreeing."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import CORPUS
from nianbao.checks import prose_checks as pc
from nianbao.checks.prose import INCONSISTENT, prose_numbers
from nianbao.checks.prose_checks import FRAME, ProseMatchesTables, ProseNumbersBound
from nianbao.checks.registry import Outcome
from nianbao.checks.results import Severity
from nianbao.formats import load_format
from nianbao.inputs.report import load_report
from nianbao.present.narrative import narrative


@pytest.fixture(scope="module")
def reports(root):
    cache: dict = {}

    def get(body: str, year: int):
        if (body, year) not in cache:
            cache[(body, year)] = load_report(root, body, year)
        report = cache[(body, year)]
        return replace(report, prose=dict(report.prose))  # a test may set the prose of its copy

    return get


def _findings(report, text: str):
    report.prose = {"overview": text}
    return [f for f in prose_numbers(report).findings if f.verdict != "非数量"]


def _verdict(report, text: str, stated: str) -> str:
    (finding,) = [f for f in _findings(report, text) if f.stated == stated]
    return finding.verdict


def _inconsistent(report, needle: str):
    return [f for f in prose_numbers(report).findings if f.verdict == INCONSISTENT and needle in f.sentence]


class TestCorpus:
    def test_shanghai_2019_granted_and_its_share(self, reports):
        report = reports("shanghai-office", 2019)
        (count,) = [f for f in _inconsistent(report, "【258件】")]
        assert "正文 258件" in count.reason and "= 275" in count.reason and count.expected == "275"
        (share,) = _inconsistent(report, "【33.9%】")
        assert "应为 34.2%" in share.reason and "按正文所述 258件 计算为 32.0%" in share.reason

    def test_shanghai_2019_truncated_share(self, reports):
        (share,) = _inconsistent(reports("shanghai-office", 2019), "【4.34%】")
        assert "计算为 4.3478%" in share.reason and "应为 4.35%" in share.reason and "截断" in share.reason

    def test_shanghai_2019_unavailable_against_the_category_sum(self, reports):
        (count,) = _inconsistent(reports("shanghai-office", 2019), "【265件】")
        assert "正文 265件" in count.reason and "“无法提供”总计 337" in count.reason

    def test_shanghai_2019_all_upheld_against_the_pending_cases(self, reports):
        (claim,) = _inconsistent(reports("shanghai-office", 2019), "【均获维持】")
        assert "“行政复议”尚未审结 2" in claim.reason and "“行政诉讼”尚未审结 1" in claim.reason
        assert "行政复议7件，诉讼9件" in claim.sentence

    def test_pingtan_2019_category_total_against_the_stated_total(self, reports):
        (total,) = _inconsistent(reports("pingtan", 2019), "【2599条】")
        assert "= 2533" in total.reason and "总数 2599条" in total.reason

    def test_pingtan_2023_in_force_against_table_two(self, reports):
        (count,) = _inconsistent(reports("pingtan", 2023), "【393件】")
        assert "正文 393件" in count.reason and "现行有效件数 470" in count.reason

    def test_pingtan_2018_wechat_posts_are_declared_no_table_figure(self, reports):
        (finding,) = [f for f in prose_numbers(reports("pingtan", 2018)).findings if f.stated == "3404条"]
        assert finding.verdict == "非表格数据" and "2069" in finding.reason

    def test_pingtan_2022_received_counts_the_carried_over_application(self, reports):
        (finding,) = [f for f in prose_numbers(reports("pingtan", 2022)).findings if f.stated == "75件"]
        assert finding.verdict == "一致" and finding.reading == "本年新收与上年结转"
        assert "按“本年新收与上年结转”口径成立" in finding.reason

    def test_shanghai_2019_rules_published_through_the_gazette_bind(self, reports):
        findings = {f.stated: f for f in prose_numbers(reports("shanghai-office", 2019)).findings}
        assert (findings["13件"].verdict, findings["13件"].reading) == ("一致", "规章本年新公开数量")
        assert findings["112件"].verdict == "无法对应" and findings["45件"].verdict == "无法对应"  # 等; 部门规范性文件

    def test_no_other_disagreement_in_these_reports(self, reports):
        assert [f.stated for f in prose_numbers(reports("pingtan", 2022)).findings if f.verdict == INCONSISTENT] == []
        assert [f.stated for f in prose_numbers(reports("pingtan", 2018)).findings if f.verdict == INCONSISTENT] == []


# family, era's report, a consistent sentence, the number it states, a contradicting sentence, its number
FAMILIES = [
    (
        "applications_received",
        ("pingtan", 2023),
        "全年受理政府信息公开申请81件。",
        "81件",
        "全年受理政府信息公开申请82件。",
        "82件",
    ),
    ("carried_over", ("pingtan", 2022), "上年结转申请1件。", "1件", "上年结转申请2件。", "2件"),
    ("carried_forward", ("shanghai-office", 2019), "结转下年度继续办理72件。", "72件", "结转下年度继续办理7件。", "7件"),
    ("applications_answered", ("pingtan", 2023), "办结政府信息公开申请81件。", "81件", "办结政府信息公开申请80件。", "80件"),
    ("granted_or_partly", ("pingtan", 2023), "予以公开及部分公开42件。", "42件", "予以公开及部分公开41件。", "41件"),
    ("granted", ("pingtan", 2023), "予以公开22件。", "22件", "予以公开23件。", "23件"),
    ("partly_granted", ("pingtan", 2023), "部分公开20件。", "20件", "部分公开21件。", "21件"),
    ("refused", ("pingtan", 2023), "不予公开5件。", "5件", "不予公开4件。", "4件"),
    ("unavailable", ("pingtan", 2023), "无法提供31件。", "31件", "无法提供30件。", "30件"),
    ("not_processed", ("pingtan", 2023), "不予处理1件。", "1件", "不予处理2件。", "2件"),
    ("other_processed", ("pingtan", 2023), "其他处理2件。", "2件", "其他处理3件。", "3件"),
    ("applicant_natural", ("pingtan", 2023), "涉及自然人80件。", "80件", "涉及自然人79件。", "79件"),
    ("applicant_commercial", ("pingtan", 2023), "涉及商业企业1件。", "1件", "涉及商业企业2件。", "2件"),
    ("reconsiderations", ("pingtan", 2023), "行政复议案件2件。", "2件", "行政复议案件3件。", "3件"),
    ("lawsuits", ("pingtan", 2023), "行政诉讼案件7件。", "7件", "行政诉讼案件8件。", "8件"),
    ("litigation_direct", ("pingtan", 2023), "未经复议直接起诉5件。", "5件", "未经复议直接起诉6件。", "6件"),
    ("litigation_after", ("pingtan", 2023), "复议后起诉2件。", "2件", "复议后起诉3件。", "3件"),
    ("appeals_pending", ("shanghai-office", 2019), "尚未审结2件。", "2件", "尚未审结5件。", "5件"),
    ("appeals_upheld", ("shanghai-office", 2019), "结果维持5件。", "5件", "结果维持7件。", "7件"),
    ("normative_in_force", ("pingtan", 2022), "现行有效行政规范性文件698件。", "698件", "现行有效行政规范性文件699件。", "699件"),
    ("normative_issued", ("pingtan", 2022), "本年度制发的规范性文件88件。", "88件", "本年度制发的规范性文件87件。", "87件"),
    ("normative_repealed", ("pingtan", 2022), "废止行政规范性文件55件。", "55件", "废止行政规范性文件56件。", "56件"),
    ("rules", ("shanghai-office", 2019), "主动公开规章13件。", "13件", "主动公开规章14件。", "14件"),
    (
        "licensing_decisions",
        ("pingtan", 2023),
        "作出行政许可处理决定2629件。",
        "2629件",
        "作出行政许可处理决定2630件。",
        "2630件",
    ),
    ("penalty_decisions", ("pingtan", 2023), "行政处罚1330件。", "1330件", "行政处罚1331件。", "1331件"),
    ("coercion_decisions", ("pingtan", 2023), "行政强制54件。", "54件", "行政强制55件。", "55件"),
    (
        "fees_collected",
        ("pingtan", 2023),
        "收取行政事业性收费5949.088667万元。",
        "5949.088667万元",
        "收取行政事业性收费5949万元。",
        "5949万元",
    ),
    ("proactive_total", ("dongyang", 2017), "主动公开政府信息25080条。", "25080条", "主动公开政府信息25081条。", "25081条"),
    ("by_departments", ("dongyang", 2017), "部门发布信息数16716条。", "16716条", "部门发布信息数16717条。", "16717条"),
    ("website", ("dongyang", 2017), "通过政府网站公开17534条。", "17534条", "通过政府网站公开17535条。", "17535条"),
    ("weibo", ("dongyang", 2017), "政务微博公开信息数为4374条。", "4374条", "政务微博公开信息数为4375条。", "4375条"),
    ("wechat", ("dongyang", 2017), "政务微信公开信息数为1466条。", "1466条", "政务微信公开信息数为1467条。", "1467条"),
    ("in_person", ("dongyang", 2017), "当面申请42件。", "42件", "当面申请43件。", "43件"),
    ("online", ("dongyang", 2017), "网络申请21件。", "21件", "网络申请22件。", "22件"),
    ("letter", ("dongyang", 2017), "信函申请28件。", "28件", "信函申请29件。", "29件"),
    ("granted (old)", ("dongyang", 2017), "“同意公开”的54件。", "54件", "“同意公开”的55件。", "55件"),
    ("refused (old)", ("dongyang", 2017), "不同意公开答复数10件。", "10件", "不同意公开答复数11件。", "11件"),
    (
        "hot_topics",
        ("dongyang", 2017),
        "回应公众关注热点和重大舆情数45次。",
        "45次",
        "回应公众关注热点和重大舆情数46次。",
        "46次",
    ),
]


@pytest.mark.parametrize(("family", "which", "good", "good_n", "bad", "bad_n"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_each_phrase_family(reports, family, which, good, good_n, bad, bad_n):
    report = reports(*which)
    assert _verdict(report, good, good_n) == "一致"
    assert _verdict(report, bad, bad_n) == "不一致"


# number forms on pingtan 2023 (新收 81, 予以公开及部分公开 42 of 81 answered; 2022: 新收 74)
FORMS = [
    ("spaces", "全年受理政府信息公开申请 81 件。", "81 件", "全年受理政府信息公开申请 82 件。", "82 件", "一致"),
    ("full width", "全年受理政府信息公开申请８１件。", "81件", "全年受理政府信息公开申请８２件。", "82件", "一致"),
    ("more than", "全年受理政府信息公开申请80余件。", "80余件", "全年受理政府信息公开申请90余件。", "90余件", "近似一致"),
    ("nearly", "全年受理政府信息公开申请近90件。", "90件", "全年受理政府信息公开申请近80件。", "80件", "近似一致"),
    ("about", "全年受理政府信息公开申请约80件。", "80件", "全年受理政府信息公开申请约60件。", "60件", "近似一致"),
    ("share", "予以公开及部分公开42件，占51.85%。", "51.85%", "予以公开及部分公开42件，占51.84%。", "51.84%", "一致"),
    (
        "growth",
        "受理政府信息公开申请81件，同比增长9.46%。",
        "9.46%",
        "受理政府信息公开申请81件，同比增长9.45%。",
        "9.45%",
        "一致",
    ),
    ("fall", "受理政府信息公开申请81件，同比增长9.5%。", "9.5%", "受理政府信息公开申请81件，同比下降9.5%。", "9.5%", "一致"),
    (
        "breakdown",
        "共公布信息100条，其中甲类60条，其他40条。",
        "100条",
        "共公布信息100条，其中甲类60条，其他30条。",
        "100条",
        "一致",
    ),
    ("breakdown ≤", "共公布信息100条，其中甲类60条。", "100条", "共公布信息100条，其中甲类160条。", "100条", "一致"),
]


@pytest.mark.parametrize(("good", "good_n", "bad", "bad_n", "verdict"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_each_number_form(reports, good, good_n, bad, bad_n, verdict):
    report = reports("pingtan", 2023)
    assert _verdict(report, good, good_n) == verdict
    assert _verdict(report, bad, bad_n) == "不一致"


def test_a_claim_that_holds_and_one_that_does_not(reports):
    concluded = _findings(reports("pingtan", 2022), "行政诉讼案件1件、行政复议案件2件，均已结案。")
    assert [f.verdict for f in concluded if f.kind == "claim"] == ["一致"]
    upheld = _findings(reports("shanghai-office", 2019), "行政复议7件，均获维持。")
    (claim,) = [f for f in upheld if f.kind == "claim"]
    assert claim.verdict == "不一致" and "“行政复议”尚未审结 2" in claim.reason and "行政诉讼" not in claim.reason


def test_a_growth_rate_without_a_previous_year_is_not_bound(reports):
    (finding,) = [f for f in prose_numbers(reports("shanghai-office", 2019)).findings if f.stated == "12.3%"]
    assert finding.verdict == "无法对应" and "没有上一年度（2018）的报告" in finding.reason


def test_an_aggregate_under_deng_is_not_bound(reports):
    assert _verdict(reports("shanghai-office", 2019), "刊登政府规章、规范性文件等112件。", "112件") == "无法对应"


def test_skipped_numbers_keep_their_reason(reports):
    report = reports("pingtan", 2023)
    report.prose = {"overview": "根据〔2021〕30号文件，2023年3月5日受理政府信息公开申请81件。"}
    kinds = {f.stated: (f.verdict, f.kind) for f in prose_numbers(report).findings}
    assert kinds["〔2021〕30号"] == ("非数量", "文号") and kinds["2023年3月5日"] == ("非数量", "日期")
    assert kinds["81件"] == ("一致", "count")


def test_the_params_make_a_mismatch_critical(reports):
    report = reports("pingtan", 2023)

    def outcome(of):
        return Outcome(report=of, suite={"frame": FRAME}, expectation={"severity": "warning"}, frame=None, result={})

    assert ProseMatchesTables().severity_of(outcome(report)) == Severity.WARNING
    strict = replace(report, params=report.params.model_copy(update={"prose_mismatch": "critical"}))
    assert ProseMatchesTables().severity_of(outcome(strict)) == Severity.CRITICAL


NARRATED = [(b, y) for b, y in CORPUS]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_reports_own_narratives_always_bind_and_agree(reports, data):
    """A sentence the report's narrative templates write from its counts binds every quantity and agrees (the old
    format's category narratives excepted: their free labels are no declared phrase)."""
    report = reports(*data.draw(st.sampled_from(NARRATED)))
    key = data.draw(st.sampled_from(sorted(k for k in report.format.narratives if k != "categories")))
    findings = _findings(report, narrative(report, key))
    assert [(f.stated, f.verdict, f.reason) for f in findings if f.verdict != "一致"] == []


class TestPlainWording:
    """The prose checks word a failure by the sentence and what the tables give; no file, no line."""

    @staticmethod
    def _outcome(check, **changes) -> Outcome:
        (expectation,) = check.expectations(load_format("old-free-text"))
        record = {
            "chapter": "overview",
            "file": "data/x/2017/prose/overview.md",
            "line": 9,
            "sentence": "全年受理申请【92件】。",
            "stated": "92件",
            "kind": "count",
            "verdict": check.flagged,
            "family": "applications",
            "reading": "",
            "cell": "收到政府信息公开申请 91",
            "expected": "91",
            "reason": "正文 92件，表格 按“收到政府信息公开申请”: 收到政府信息公开申请 91",
            **changes,
        }
        frame = pd.DataFrame.from_records([record], columns=pc.COLUMNS)
        return Outcome(
            report=None, suite={"frame": FRAME}, expectation=expectation, frame=frame, result={"unexpected_index_list": [0]}
        )

    def test_prose_matches_tables(self):
        assert ProseMatchesTables().plain(self._outcome(ProseMatchesTables())) == [
            "正文“全年受理申请【92件】。”与表格不一致：正文 92件，表格 按“收到政府信息公开申请”: 收到政府信息公开申请 91"
        ]

    def test_prose_numbers_bound(self):
        outcome = self._outcome(ProseNumbersBound(), sentence="建成【36家】服务中心。", stated="36家", reason="")
        assert ProseNumbersBound().plain(outcome) == ["正文中的数字36家未能对应到表格数据：“建成【36家】服务中心。”"]
