"""The catalogue of bad input: each case breaks a copy of the project the way an analyst might, runs the
command line, and checks the exit code, the message (file, row, column, value, what was expected, a hint)
and that the outputs of the previous good run are byte-identical afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import copy_project, edit_csv, tree_digest
from nianbao.cli import main

pytestmark = pytest.mark.slow  # the command line on bad input: Great Expectations and kernels in subprocesses

DATA = Path("data/dongyang/2017")
PARAMS = Path("params/dongyang/2017.yaml")


@pytest.fixture
def broken(tmp_path):
    """A project copy with the outputs of a previous good run in place."""
    project = copy_project(tmp_path / "project")
    good = project / "outputs" / "dongyang" / "2017"
    (good / "sections").mkdir(parents=True)
    (good / "report.html").write_text("<p>last good report</p>", encoding="utf-8")
    (good / "report.pdf").write_bytes(b"%PDF-1.7 last good report")
    (good / "sections" / "20_applications.html").write_text("<p>good section</p>", encoding="utf-8")
    return project


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs": ``levels`` anchored lists, each repeating the one before ten times."""
    lines = ['laugh0: &l0 "哈"'] + [f"laugh{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nissuer: *l{levels}\n"


def mix_encodings(path: Path, line: str) -> None:
    """``line`` of a UTF-8 file saved as GBK, the other lines left as they are."""
    text = path.read_text(encoding="utf-8")
    assert line in text
    before, after = text.split(line, 1)
    path.write_bytes(before.encode() + line.encode("gbk") + after.encode())


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    exit_code: int
    says: list[str]
    args: tuple = ("run", "dongyang", 2017)
    not_says: list[str] = field(default_factory=list)


CASES = [
    # --- params -------------------------------------------------------------------------------------------
    Case(
        "year-without-params",
        lambda p: None,
        2,
        ["机关 'dongyang' 没有 2016 年的参数", "已有的年度: 2017"],
        args=("run", "dongyang", 2016),
    ),
    Case(
        "unknown-body",
        lambda p: None,
        2,
        ["没有机关 'dongyan' 的参数", "是否想写 'dongyang'", "已有的机关: dongyang"],
        args=("run", "dongyan", 2017),
    ),
    Case(
        "params-yaml-syntax",
        lambda p: replace(p / PARAMS, "scope: 全市", "scope: [全市"),
        2,
        ["params/dongyang/2017.yaml", "YAML 语法错误（第", "行第", "列）"],
    ),
    Case(
        "params-unknown-key",
        lambda p: replace(p / PARAMS, "scope: 全市", "scoep: 全市"),
        2,
        ["params/dongyang/2017.yaml", "第7行 未知的键 'scoep'，是否想写 'scope'？", "缺少必填的键 'scope'"],
    ),
    Case(
        "params-wrong-type",
        lambda p: replace(p / PARAMS, "    precision: 1", "    precision: 一位"),
        2,
        ["第23行", "键 'shares.categories.precision' 的值 '一位' 无效"],
    ),
    Case("params-missing-key", lambda p: replace(p / PARAMS, "issuer: 东阳市人民政府\n", ""), 2, ["缺少必填的键 'issuer'"]),
    Case(
        "params-body-mismatch",
        lambda p: replace(p / PARAMS, "body: dongyang", "body: yiwu"),
        2,
        ["body 为 'yiwu'，与所在目录 'dongyang' 不一致", "第2行"],
    ),
    Case(
        "params-year-mismatch",
        lambda p: replace(p / PARAMS, "year: 2017", "year: 2018"),
        2,
        ["year 为 2018，与文件名 2017 不一致", "第3行"],
    ),
    Case(
        "params-unknown-era",
        lambda p: replace(p / PARAMS, "era: old-free-text", "era: 2019-trial"),
        2,
        ["未知的格式 era '2019-trial'", "第4行", "应为 old-free-text"],
    ),
    Case(
        "params-not-utf8",
        lambda p: (p / PARAMS).write_bytes((p / PARAMS).read_text("utf-8").encode("gb18030")),
        2,
        ["params/dongyang/2017.yaml", "不是 UTF-8 编码", "用 UTF-8 保存"],
    ),
    Case(
        "params-share-base-typo",
        lambda p: replace(p / PARAMS, "base: proactive.by_departments", "base: proactive.departments"),
        2,
        ["占比 categories 的基数 'proactive.departments'", "是否想写 'proactive.by_departments'"],
    ),
    Case(
        "params-alias-bomb",
        lambda p: append(p / PARAMS, alias_bomb()),
        2,
        ["params/dongyang/2017.yaml, 第30行: 参数文件中不能使用 YAML 锚点和别名（&名称、*名称）：'&l0'"],
    ),
    Case(
        "params-deep-nesting",
        lambda p: replace(p / PARAMS, "scope: 全市", "scope: " + "[" * 5000),
        2,
        ["params/dongyang/2017.yaml, 第7行: 参数文件中的映射和列表嵌套超过 10 层"],
    ),
    Case(
        "params-too-large",
        lambda p: append(p / PARAMS, "# 注释\n" * 20_000),
        2,
        ["params/dongyang/2017.yaml, 第", "行: 参数文件超过 65536 字节（64 KiB）的上限，从该行起超出"],
    ),
    # --- data files -----------------------------------------------------------------------------------------
    Case(
        "missing-table-file",
        lambda p: (p / DATA / "applications.csv").unlink(),
        2,
        ["data/dongyang/2017/applications.csv", "缺少数据文件", "收到政府信息公开申请"],
    ),
    Case(
        "misnamed-table-file",
        lambda p: (p / DATA / "proactive_categories.csv").rename(p / DATA / "categories.csv"),
        2,
        ["data/dongyang/2017/categories.csv", "不属于格式声明中的任何表", "是否想命名为 'proactive_categories.csv'"],
    ),
    Case(
        "extra-column",
        lambda p: replace(p / DATA / "appeals.csv", "指标,本年\n", "指标,本年,备注\n"),
        2,
        ["appeals.csv, 第1行: 未知的列：'备注'", "应为 指标 / 本年 / 历年累计 / 公布占比"],
    ),
    Case(
        "misspelt-column",
        lambda p: replace(p / DATA / "appeals.csv", "指标,本年\n", "指标,本年度\n"),
        2,
        ["未知的列：'本年度'", "是否想写 '本年'"],
    ),
    Case(
        "missing-column",
        lambda p: (p / DATA / "appeals.csv").write_text("指标\n行政复议申请\n", encoding="utf-8"),
        2,
        ["appeals.csv, 第1行: 缺少列：'本年'"],
    ),
    Case(
        "extra-cells",
        lambda p: replace(p / DATA / "appeals.csv", "行政诉讼,9", "行政诉讼,9,10"),
        2,
        ["appeals.csv, 第3行: 该行有 3 个单元格，表头只有 2 列"],
    ),
    Case(
        "empty-file",
        lambda p: (p / DATA / "applications.csv").write_text("", encoding="utf-8"),
        2,
        ["applications.csv: 文件为空"],
    ),
    Case("empty-label", lambda p: replace(p / DATA / "appeals.csv", "行政诉讼,9", ",9"), 2, ["appeals.csv, 第3行: 指标名称为空"]),
    Case(
        "chinese-numeral",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,十二"),
        2,
        ["applications.csv, 第3行, 列 本年: 不是数字：'十二'", "应为 阿拉伯数字", "提示"],
    ),
    Case(
        "number-with-unit",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,42件"),
        2,
        ["第3行, 列 本年: 不是数字：'42件'"],
    ),
    Case(
        "not-available",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,N/A"),
        2,
        ["第3行, 列 本年: 不是数字：'N/A'", "未报告的数据请留空"],
    ),
    Case(
        "undecodable-bytes",
        lambda p: (p / DATA / "appeals.csv").write_bytes(b"\xff\xff\x00\x81"),
        2,
        ["appeals.csv, 第1行: 文件既不是 UTF-8 也不是 GBK/GB18030 编码", "CSV UTF-8"],
    ),
    Case(
        "mixed-encodings",
        lambda p: mix_encodings(p / DATA / "applications.csv", "当面申请,42"),
        2,
        ["applications.csv, 第3行: 该行不是 UTF-8 编码，而此前的行是 UTF-8（同一文件混用了两种编码）", "CSV UTF-8"],
    ),
    Case(
        "count-too-large",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,1" + "0" * 30),
        2,
        ["applications.csv, 第3行, 列 本年: 数值超过上限 1000000000000（没有机关报告这么多）：'1000000000000000000000000000000'"],
    ),
    Case(
        "superscript-digit",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,4²"),
        2,
        ["applications.csv, 第3行, 列 本年: 含有不接受的数字形式 “²”（U+00B2 SUPERSCRIPT TWO）：'4²'", "4² 不是 42"],
    ),
    Case(
        "circled-digit",
        lambda p: edit_csv(p / DATA / "appeals.csv", "行政复议申请,7", "行政复议申请,⑦"),
        2,
        ["appeals.csv, 第2行, 列 本年: 含有不接受的数字形式 “⑦”（U+2466 CIRCLED DIGIT SEVEN）：'⑦'"],
    ),
    Case(
        "label-too-long",
        lambda p: edit_csv(p / DATA / "applications.csv", "信函申请,28", "信" * 100_000 + ",28"),
        2,
        ["applications.csv, 第5行, 列 指标: 指标名称有 100000 个字符，超过 200 个字符的上限", "（共 100000 个字符）"],
        not_says=["信" * 100],
    ),
    Case(
        "too-many-rows",
        lambda p: append(p / DATA / "appeals.csv", "行政诉讼,1\n" * 1000),
        2,
        ["appeals.csv, 第1002行: 数据行超过 1000 行的上限"],
    ),
    Case(
        "data-file-too-large",
        lambda p: append(p / DATA / "appeals.csv", "行政诉讼,1\n" * 1_000_000),
        2,
        ["appeals.csv, 第", "行: 数据文件超过 1048576 字节（1024 KiB）的上限，从该行起超出"],
    ),
    Case(
        "missing-prose",
        lambda p: (p / DATA / "prose" / "overview.md").unlink(),
        2,
        ["prose/overview.md: 缺少文字章节", "一、概述"],
    ),
    # --- values the expectation suites refuse: critical, exit 1, nothing rendered ----------------------------
    Case(
        "unknown-row-label",
        lambda p: edit_csv(p / DATA / "applications.csv", "信函申请,28", "信涵申请,28"),
        1,
        ["applications.csv 第5行 “信涵申请”: 不是表“收到政府信息公开申请”中声明的指标，是否想写“信函申请”？"],
    ),
    Case(
        "duplicated-row",
        lambda p: append(p / DATA / "appeals.csv", "行政诉讼数,9\n"),
        1,
        ["appeals.csv 第4行 “行政诉讼数”: 指标重复出现"],
    ),
    Case(
        "missing-required-row",
        lambda p: edit_csv(p / DATA / "applications.csv", "收到政府信息公开申请,91,\n", ""),
        1,
        ["applications.csv: 缺少指标“收到政府信息公开申请”"],
    ),
    Case(
        "negative-count",
        lambda p: edit_csv(p / DATA / "appeals.csv", "行政复议申请,7", "行政复议申请,-7"),
        1,
        ["appeals.csv 第2行 “行政复议申请” 本年列: '-7' 不是非负整数"],
    ),
    Case(
        "decimal-count",
        lambda p: edit_csv(p / DATA / "appeals.csv", "行政诉讼,9", "行政诉讼,9.5"),
        1,
        ["appeals.csv 第3行 “行政诉讼” 本年列: '9.5' 不是非负整数"],
    ),
    Case(
        "identities-all-reported",
        lambda p: (
            edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,43"),
            edit_csv(p / DATA / "answers.csv", "同意公开,54", "同意公开,50"),
        ),
        1,
        [
            "[严重] 各申请方式之和应等于收到申请总数",
            "当面申请 43 + 网络申请 21 + 信函申请 28 = 92 ≠ 收到政府信息公开申请 91",
            "[严重] 各类答复之和应等于答复总数",
            "= 87 ≠ 收到政府信息公开申请 91",
            "未生成报告章节",
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(broken, case, monkeypatch):
    monkeypatch.chdir(broken)
    good = broken / "outputs" / "dongyang" / "2017"
    before = tree_digest(good)
    case.mutate(broken)
    result = CliRunner().invoke(main, [*map(str, case.args), "--root", str(broken)])
    output = result.output
    assert result.exit_code == case.exit_code, output
    assert isinstance(result.exception, (SystemExit, type(None))), output  # a message, not a traceback
    assert "Traceback" not in output
    for fragment in case.says:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    for fragment in case.not_says:
        assert fragment not in output
    assert case.exit_code != 2 or len(output) < 2000, output[:2000]  # no input of unbounded size repeated
    assert tree_digest(good) == before
    assert not list(good.parent.glob(".2017.build-*"))
    if case.exit_code == 1:
        failed = good.with_name("2017.failed")
        assert (failed / "validation.json").exists()
        # only the check summary and the validation page are rendered (for a reviewer to read what failed); no report
        assert sorted(p.name for p in failed.rglob("*.html")) == ["00_validation.html", "validation.html"]
        assert not list(failed.rglob("*.pdf"))


# --- accepted, normalised and reported: the checks run on the values as meant ---------------------------
ACCEPTED = [
    (
        "gbk",
        lambda p: (p / DATA / "applications.csv").write_bytes(
            (p / DATA / "applications.csv").read_text("utf-8").encode("gb18030")
        ),
        ["applications.csv 以 GB18030/GBK 编码读取"],
    ),
    (
        "utf8-bom",
        lambda p: (p / DATA / "applications.csv").write_bytes(b"\xef\xbb\xbf" + (p / DATA / "applications.csv").read_bytes()),
        ["applications.csv 以 UTF-8 with BOM 编码读取"],
    ),
    (
        "excel-unicode-text",
        lambda p: (p / DATA / "applications.csv").write_bytes(
            (p / DATA / "applications.csv").read_text("utf-8").replace(",", "\t").encode("utf-16")
        ),
        ["applications.csv 以 UTF-16 编码读取", "applications.csv 以制表符分隔读取"],
    ),
    (
        "semicolon-separated",
        lambda p: (p / DATA / "answers.csv").write_text(
            (p / DATA / "answers.csv").read_text("utf-8").replace(",", ";"), encoding="utf-8"
        ),
        ["answers.csv 以分号分隔读取"],
    ),
    (
        "windows-line-ends",
        lambda p: (p / DATA / "answers.csv").write_bytes((p / DATA / "answers.csv").read_bytes().replace(b"\n", b"\r\n")),
        [],
    ),
    (
        "full-width-digits",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,４２"),
        ["applications.csv 第3行: 全角字符已转换: '４２' → '42'"],
    ),
    (
        "thousands-separator",
        lambda p: edit_csv(p / DATA / "proactive.csv", "主动公开政府信息数,25080", '主动公开政府信息数,"25,080"'),
        ["proactive.csv 第2行: 已去除千位分隔符: '25,080'"],
    ),
    (
        "leading-zeros-and-plus",
        lambda p: (
            edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请,042"),
            edit_csv(p / DATA / "applications.csv", "网络申请,21", "网络申请,+21"),
        ),
        ["applications.csv 第3行: 已去除前导零: '042' → '42'", "applications.csv 第4行: 已去除正号: '+21' → '21'"],
    ),
    (
        "surrounding-spaces",
        lambda p: edit_csv(p / DATA / "applications.csv", "当面申请,42", "当面申请, 42 "),
        ["applications.csv 第3行: 已去除首尾空格"],
    ),
]


@pytest.mark.parametrize("mutate, says", [(m, s) for _, m, s in ACCEPTED], ids=[i for i, _, _ in ACCEPTED])
def test_unambiguous_input_is_accepted_and_reported(broken, mutate, says, monkeypatch):
    monkeypatch.chdir(broken)
    mutate(broken)
    result = CliRunner().invoke(main, ["validate", "dongyang", "2017", "--root", str(broken)])
    assert result.exit_code == 0, result.output
    for fragment in says:
        assert fragment in result.output, result.output
    # the values are the published ones: no identity or share check fails (the share precision and the list of
    # unbound prose numbers, as for the published data)
    assert "0 项严重不通过，1 项警告，1 项提示" in result.output


def test_implausibly_large_number_is_a_warning(broken, monkeypatch):
    monkeypatch.chdir(broken)
    edit_csv(broken / DATA / "appeals.csv", "行政复议申请,7", "行政复议申请,700000")
    result = CliRunner().invoke(main, ["validate", "dongyang", "2017", "--root", str(broken)])
    assert result.exit_code == 0, result.output
    assert "[警告] “行政复议和行政诉讼”本年列的数值不应超过 50000" in result.output
    assert "appeals.csv 第2行 “行政复议申请” 本年列: 700000 大于 50000，请核对是否多输入了数字" in result.output


def test_outputs_folder_not_writable(broken, monkeypatch):
    """A file that cannot be written is named, with exit 3 and no traceback."""
    from nianbao.run import build

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(broken / "outputs" / "dongyang"))

    monkeypatch.setattr(build.tempfile, "mkdtemp", refuse)
    monkeypatch.chdir(broken)
    before = tree_digest(broken / "outputs/dongyang/2017")
    result = CliRunner().invoke(main, ["run", "dongyang", "2017", "--root", str(broken)])
    assert result.exit_code == 3, result.output
    assert "无法读写文件" in result.output and "outputs/dongyang" in result.output and "Permission denied" in result.output
    assert tree_digest(broken / "outputs/dongyang/2017") == before


def test_data_file_not_readable(broken, monkeypatch):
    """``validate`` names a file it cannot read, like ``run`` does, instead of a traceback."""
    from nianbao.inputs import tables as data

    def refuse(path, **limits):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data, "decode", refuse)
    monkeypatch.chdir(broken)
    result = CliRunner().invoke(main, ["validate", "dongyang", "2017", "--root", str(broken)])
    assert result.exit_code == 3, result.output
    assert "无法读写文件" in result.output and ".csv" in result.output and "Permission denied" in result.output


# --- execution ---------------------------------------------------------------------------------------------
def _set_cell(project: Path, notebook: str, index: int, source: str) -> None:
    path = project / "notebooks" / notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][index]["source"] = [source]
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


@pytest.mark.e2e
class TestExecutionFailures:
    def _run(self, project):
        return CliRunner().invoke(main, ["run", "dongyang", "2017", "--root", str(project)])

    def test_kernel_that_dies(self, broken, monkeypatch):
        monkeypatch.chdir(broken)
        before = tree_digest(broken / "outputs/dongyang/2017")
        _set_cell(broken, "10_proactive.ipynb", 3, "import os\nos._exit(1)")
        result = self._run(broken)
        assert result.exit_code == 3, result.output
        assert "10_proactive.ipynb: 内核意外退出" in result.output
        assert "os._exit(1)" in result.output and "内存不足" in result.output
        assert "outputs/dongyang/2017.failed/notebooks/10_proactive.ipynb" in result.output
        assert tree_digest(broken / "outputs/dongyang/2017") == before

    def test_cell_that_exceeds_its_timeout(self, broken, monkeypatch):
        monkeypatch.chdir(broken)
        before = tree_digest(broken / "outputs/dongyang/2017")
        append(broken / PARAMS, "execution_timeout: 2\n")
        _set_cell(broken, "00_validation.ipynb", 2, "import time\ntime.sleep(30)")  # the first code cell after the parameters
        started = time.monotonic()
        result = self._run(broken)
        assert result.exit_code == 3, result.output
        assert time.monotonic() - started < 25
        assert "00_validation.ipynb: 单元格执行超过 2 秒，已停止" in result.output
        assert "time.sleep(30)" in result.output and "execution_timeout" in result.output
        assert tree_digest(broken / "outputs/dongyang/2017") == before

    def _start_and_signal(self, project: Path, send) -> tuple[subprocess.Popen, str]:
        """Start ``run`` in its own process group, call ``send(process)`` once a section notebook is executing."""
        process = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "run", "dongyang", "2017", "--root", str(project)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=project,
            preexec_fn=lambda: (signal.signal(signal.SIGINT, signal.SIG_DFL), os.setpgrp()),
        )
        seen = []
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if "10_proactive.ipynb" in line:
                time.sleep(1.0)
                send(process)
                break
        seen.append(process.communicate(timeout=120)[0])
        return process, "".join(seen)

    @pytest.mark.parametrize(
        "send, code, says",
        [
            # what a terminal sends on Ctrl-C: SIGINT to the whole process group
            (lambda p: os.killpg(p.pid, signal.SIGINT), 130, "已中断；上一次成功生成的报告保持不变。"),
            # what `timeout` or `kill` sends: SIGTERM to the process alone
            (lambda p: p.send_signal(signal.SIGTERM), 143, "已终止（收到 SIGTERM）；上一次成功生成的报告保持不变。"),
        ],
        ids=["ctrl-c", "sigterm"],
    )
    def test_stopped_by_a_signal(self, broken, send, code, says):
        before = tree_digest(broken / "outputs/dongyang/2017")
        _set_cell(broken, "10_proactive.ipynb", 3, "import time\ntime.sleep(30)")  # still executing when signalled
        process, output = self._start_and_signal(broken, send)
        assert process.returncode == code, output
        assert says in output and "Traceback" not in output
        assert tree_digest(broken / "outputs/dongyang/2017") == before
        assert not list((broken / "outputs/dongyang").glob(".2017.build-*"))

    def test_sigterm_stops_every_report_of_a_batch(self, tmp_path):
        """``run --all`` passes a SIGTERM on to its workers: each report stops as after Ctrl-C, none is left half built."""
        project = copy_project(tmp_path / "project", reports=[("dongyang", 2017), ("pingtan", 2017)])
        process = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "run", "--all", "-j", "2", "--root", str(project)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=project,
        )
        seen: list[str] = []
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if sum("10_proactive.ipynb" in s for s in seen) >= 2:
                break
        process.send_signal(signal.SIGTERM)
        seen.append(process.communicate(timeout=120)[0])
        output = "".join(seen)
        assert process.returncode == 143, output
        assert "已终止（收到 SIGTERM）" in output and "Traceback" not in output
        for body in ("dongyang", "pingtan"):
            assert not list((project / "outputs" / body).glob(".2017.build-*")), output
            assert not (project / "outputs" / body / "2017").exists()

    def test_killed_run_is_cleaned_up_by_the_next(self, broken, monkeypatch):
        """SIGKILL cannot be handled: the last good report stays, and the next run removes what was left."""
        before = tree_digest(broken / "outputs/dongyang/2017")
        process, output = self._start_and_signal(broken, lambda p: os.killpg(p.pid, signal.SIGKILL))
        assert process.returncode == -signal.SIGKILL, output
        assert tree_digest(broken / "outputs/dongyang/2017") == before
        left = [p.name for p in (broken / "outputs/dongyang").glob(".2017.build-*")]
        assert len(left) == 1
        monkeypatch.chdir(broken)
        result = CliRunner().invoke(main, ["validate", "dongyang", "2017", "--root", str(broken)])
        assert result.exit_code == 0 and left[0] in [p.name for p in (broken / "outputs/dongyang").iterdir()]
        result = CliRunner().invoke(main, ["run", "dongyang", "2017", "--root", str(broken), "--force"])
        assert result.exit_code == 0, result.output
        assert f"已删除上次被终止的运行留下的构建目录 {left[0]}" in result.output
        assert sorted(p.name for p in (broken / "outputs/dongyang").iterdir()) == [".2017.lock", ".2017.result.json", "2017"]


@pytest.mark.e2e
def test_two_runs_of_the_same_report_at_once(tmp_path, root):
    """The second run waits for the first; both succeed and the outputs are a complete, consistent set."""
    outputs = tmp_path / "outputs"
    command = [sys.executable, "-m", "nianbao.cli", "run", "dongyang", "2017", "--root", str(root), "--outputs", str(outputs)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out1, out2 = first.communicate(timeout=300)[0], second.communicate(timeout=300)[0]
    assert first.returncode == 0 and second.returncode == 0, out1 + out2
    assert "另一个运行正在生成同一报告，等待其结束" in out1 + out2
    assert "另一个运行已用相同的输入生成" in out1 + out2  # the second does not redo the first's work
    final = outputs / "dongyang" / "2017"
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    files = tree_digest(final)
    files.pop("manifest.json")
    assert files == manifest["outputs"]  # every file is from the same run
    assert sorted(p.name for p in final.parent.iterdir()) == [".2017.lock", ".2017.result.json", "2017"]
