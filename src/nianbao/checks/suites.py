"""Expectation suites (Great Expectations Core 1.x JSON), one per table plus the identities and the
published shares, derived from a format declaration and kept in ``expectations/<era>/``.

The suites are generated from the declaration (``nianbao expectations --write``) and committed; the test
suite checks that the committed files are what the declaration generates, so the two cannot drift. This
module writes plain JSON and does not import Great Expectations (slow to import); ``validate`` loads the
files into GX and runs them.
"""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.formats import Format

COUNT_REGEX = r"^(?:0|[1-9][0-9]*)$"
MONEY_REGEX = r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
SIGNED_REGEX = r"^[-+]?(?:0|[1-9][0-9]*)$"
# (cell kind, pattern of the normalised cell text, check id, what the description says it must be)
VALUE_CHECKS = (
    ("count", COUNT_REGEX, "counts_are_non_negative_integers", "件数应为非负整数"),
    ("money", MONEY_REGEX, "amounts_are_non_negative", "金额应为非负数"),
    ("signed", SIGNED_REGEX, "changes_are_integers", "增减数应为整数（可带正负号）"),
)


def where(column: str, value: str) -> dict:
    """A GX row condition ``column == value`` in its JSON form."""
    return {"column": {"name": column}, "operator": "==", "parameter": value, "type": "comparison"}


def _expectation(type_: str, kwargs: dict, *, severity: str, check: str, description: str, **meta) -> dict:
    return {
        "type": type_,
        "kwargs": kwargs,
        "meta": {"check": check, "description": description, **meta},
        "severity": severity,
    }


def table_suite(fmt: Format, table_id: str) -> dict:
    table = fmt.tables[table_id]
    expectations = []
    if not table.free_rows:
        expectations.append(
            _expectation(
                "expect_column_values_to_be_in_set",
                {"column": "row", "value_set": [r.id for r in table.rows]},
                severity="critical",
                check="labels_declared",
                description=f"“{table.title}”的每个指标都应是格式声明中的指标（或其已知别名）",
            )
        )
    expectations.append(
        _expectation(
            "expect_column_values_to_be_unique",
            {"column": "row"},
            severity="critical",
            check="no_duplicate_rows",
            description=f"“{table.title}”中每个指标只能出现一次",
        )
    )
    required = [r.id for r in table.rows if r.required]
    if required:
        expectations.append(
            _expectation(
                "expect_column_distinct_values_to_contain_set",
                {"column": "row", "value_set": required},
                severity="critical",
                check="required_rows",
                description=f"“{table.title}”必须包含: " + "、".join(table.row(r).label for r in required),
            )
        )
    variants = table.variants()
    if len(variants) > 1:
        expectations.append(
            _expectation(
                "expect_column_unique_value_count_to_be_between",
                {"column": "variant", "max_value": 1},
                severity="critical",
                check="one_layout_variant",
                description=f"“{table.title}”只能采用一种行布局："
                + "；或".join("、".join(r.label for r in rows) for rows in variants.values()),
            )
        )
    row_kinds = {"count"} | {r.kind for r in table.rows}  # a label the declaration does not know counts as a count
    for column in table.columns:
        kinds = {column.kind} | ({"text"} & row_kinds) if column.kind else row_kinds
        for kind, regex, check, wording in VALUE_CHECKS:
            if kind not in kinds:
                continue
            expectations.append(
                _expectation(
                    "expect_column_values_to_match_regex",
                    {"column": f"{column.id}_text", "regex": regex, "row_condition": where(f"{column.id}_kind", kind)},
                    severity="critical",
                    check=check,
                    description=f"“{table.title}”{column.label}列的{wording}",
                    column=column.id,
                )
            )
        if table.complete:
            expectations.append(
                _expectation(
                    "expect_column_values_to_not_be_null",
                    {"column": f"{column.id}_text"},
                    severity="warning",
                    check="cells_reported",
                    description=f"“{table.title}”{column.label}列的每个单元格都应填写（空白表示未报告，不等于 0）",
                    column=column.id,
                )
            )
        if table.plausible_max is not None and "count" in kinds:
            expectations.append(
                _expectation(
                    "expect_column_values_to_be_between",
                    {"column": column.id, "max_value": table.plausible_max, "row_condition": where(f"{column.id}_kind", "count")},
                    severity="warning",
                    check="plausible_magnitude",
                    description=(
                        f"“{table.title}”{column.label}列的数值不应超过 {table.plausible_max}（更大的数多半是多输了数字）"
                    ),
                    column=column.id,
                )
            )
    return {
        "name": f"{fmt.era}.{table_id}",
        "expectations": expectations,
        "meta": {"frame": f"table:{table_id}", "table": table_id, "title": table.title, "era": fmt.era},
    }


def identities_suite(fmt: Format) -> dict:
    expectations = []
    for ident in fmt.identities:
        condition = {"row_condition": where("identity", ident.id)}
        if ident.op == "==":
            type_, kwargs = "expect_column_pair_values_to_be_equal", {"column_A": "lhs", "column_B": "rhs"}
        else:
            type_ = "expect_column_pair_values_a_to_be_greater_than_b"
            kwargs = {"column_A": "rhs", "column_B": "lhs", "or_equal": True}
        expectations.append(
            _expectation(
                type_,
                {**kwargs, **condition},
                severity=ident.severity,
                check=ident.id,
                description=ident.description,
                identity=ident.id,
                op=ident.op,
            )
        )
    return {
        "name": f"{fmt.era}.identities",
        "expectations": expectations,
        "meta": {"frame": "identities", "title": "勾稽关系与合理性", "era": fmt.era},
    }


def shares_suite(fmt: Format) -> dict:
    return {
        "name": f"{fmt.era}.published_shares",
        "expectations": [
            _expectation(
                "expect_column_pair_values_to_be_equal",
                {"column_A": "published", "column_B": "at_printed"},
                severity="warning",
                check="published_share_matches_counts",
                description="公布的占比应与由件数按公布的小数位数四舍五入重新计算的占比一致",
            ),
            _expectation(
                "expect_column_pair_values_to_be_equal",
                {"column_A": "published", "column_B": "at_declared"},
                severity="warning",
                check="published_share_precision",
                description="公布的占比应按声明的小数位数印刷（报告中按声明的精度呈现）",
            ),
        ],
        "meta": {"frame": "published_shares", "title": "公布的占比", "era": fmt.era},
    }


def build_suites(fmt: Format) -> dict[str, dict]:
    """File name -> suite, for every suite the declaration implies."""
    suites = {f"{table_id}.json": table_suite(fmt, table_id) for table_id in fmt.tables}
    suites["identities.json"] = identities_suite(fmt)
    suites["published_shares.json"] = shares_suite(fmt)
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
