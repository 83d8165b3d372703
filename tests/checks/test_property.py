"""Property: random mutations of valid data files never end in a raw traceback. Every run ends in success
(0), a critical validation failure (1) or an input error (2), with a message naming the file.

40 examples by default; ``pytest tests/checks/test_property.py --hypothesis-profile=thorough`` tries 500."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT, copy_project
from nianbao.cli import main

pytestmark = pytest.mark.slow  # random inputs through the command line
DATA = Path("data/dongyang/2017")
FILES = sorted(p.name for p in (ROOT / DATA).glob("*.csv"))

ODD_VALUES = [
    "",
    " ",
    "N/A",
    "十二",
    "１２",
    "1,234",
    "12件",
    "—",
    "0",
    "-1",
    "3.5",
    "1e3",
    '"',
    "\ufeff",
    "\t",
    "99999999999999999999",
    "０.５",
    "1,2,3",
    "٣",
]
CELL = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.sampled_from(ODD_VALUES),
    st.text(max_size=6),
)


@st.composite
def mutations(draw):
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["cell", "label", "header", "delete_row", "duplicate_row", "add_row", "truncate", "bytes"]))
    return name, kind, draw(CELL), draw(st.integers(0, 50)), draw(st.binary(max_size=12))


def mutate(path: Path, kind: str, value: str, position: int, raw: bytes) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    body = rows[1:]
    if kind == "cell" and body:
        row = body[position % len(body)]
        row[1 + position % (len(row) - 1)] = value
    elif kind == "label" and body:
        body[position % len(body)][0] = value
    elif kind == "header":
        rows[0][position % len(rows[0])] = value
    elif kind == "delete_row" and body:
        body.pop(position % len(body))
    elif kind == "duplicate_row" and body:
        body.append(list(body[position % len(body)]))
    elif kind == "add_row":
        body.append([value] * (1 + position % 4))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], *body])
    data = out.getvalue().encode("utf-8")
    if kind == "truncate":
        data = data[: position % (len(data) + 1)]
    elif kind == "bytes":
        cut = position % (len(data) + 1)
        data = data[:cut] + raw + data[cut:]
    path.write_bytes(data)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_random_mutations_end_in_a_clear_outcome(mutation):
    name, kind, value, position, raw = mutation
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        mutate(project / DATA / name, kind, value, position, raw)
        result = CliRunner().invoke(main, ["validate", "dongyang", "2017", "--root", str(project)])
    assert result.exit_code in (0, 1, 2), result.output
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("错误: ") or "\n错误: " in result.output
        assert ".csv" in result.output
    if result.exit_code == 1:
        assert "[严重]" in result.output
