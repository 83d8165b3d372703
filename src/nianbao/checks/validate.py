"""Running the expectation suites of ``expectations/<era>/`` on a report with Great Expectations.

Great Expectations is imported here and only here, when a validation runs: it takes seconds to import.
The outcome is a ``Validation``: every check with its severity and success, and for every failure the
table, the rows (file and line), the expected and the observed values, in words a reviewer can read.
"""

from __future__ import annotations

import os

import pandas as pd

from nianbao.checks.frames import frames
from nianbao.checks.results import Check, Validation
from nianbao.checks.suites import load_suites
from nianbao.errors import DeclarationError, did_you_mean
from nianbao.inputs.report import Report


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return gx, context


def _records(frame: pd.DataFrame, result: dict) -> list[dict]:
    index = result.get("unexpected_index_list") or []
    return [frame.loc[i].to_dict() for i in index if i in frame.index]


def _details(report: Report, suite_meta: dict, config: dict, frame: pd.DataFrame, result: dict) -> list[str]:
    """Sentences naming the rows, the expected and the observed values of a failed expectation."""
    check = config["meta"]["check"]
    kind = suite_meta["frame"]
    if kind == "identities":
        out = []
        for rec in _records(frame, result):
            sign = "≠" if rec["op"] == "==" else ">"
            out.append(f"{rec['column']}: {rec['lhs_expr']} {sign} {rec['rhs_expr']}（{rec['where']}）")
        return out
    if kind == "published_shares":
        other = "at_printed" if check == "published_share_matches_counts" else "at_declared"
        out = []
        for rec in _records(frame, result):
            if other == "at_printed":
                out.append(
                    f"{rec['file']} 第{rec['line']}行 {rec['label']}: 公布 {rec['published']}%，"
                    f"由 {rec['value']} / {rec['base']} 计算为 {rec['exact']}%，"
                    f"按公布的 {rec['printed_decimals']} 位小数四舍五入应为 {rec['at_printed']}%"
                )
            else:
                out.append(
                    f"{rec['file']} 第{rec['line']}行 {rec['label']}: 公布 {rec['published']}%"
                    f"（{rec['printed_decimals']} 位小数），同组占比声明为 {rec['precision']} 位小数，"
                    f"报告中呈现为 {rec['at_declared']}%"
                )
        return out
    table = report.tables[suite_meta["table"]]
    declared = table.table
    name = table.path.relative_to(report.root) if table.path.is_relative_to(report.root) else table.path
    if check == "required_rows":
        observed = set(result.get("observed_value") or [])
        missing = [r for r in config["kwargs"]["value_set"] if r not in observed]
        return [f"{name}: 缺少指标“{declared.row(r).label}”" for r in missing]
    if check == "one_layout_variant":
        rows = frame[frame["variant"].notna()]
        return [f"{name} 第{rec['line']}行 “{rec['label']}”（{rec['variant']} 布局）" for rec in rows.to_dict(orient="records")]
    if check == "cells_reported":
        label = declared.column(config["meta"]["column"]).label
        rows = "、".join(f"第{rec['line']}行“{rec['label']}”" for rec in _records(frame, result))
        return [f"{name} {label}列空白（未报告，与 0 区分）: {rows}"]
    out = []
    for rec in _records(frame, result):
        where = f"{name} 第{rec['line']}行 “{rec['label']}”"
        if check == "labels_declared":
            names = [n for r in declared.rows for n in r.names()]
            guess = did_you_mean(rec["label"], names)
            hint = f"，是否想写“{guess}”？" if guess else ""
            out.append(f"{where}: 不是表“{declared.title}”中声明的指标{hint}可用: {'、'.join(r.label for r in declared.rows)}")
        elif check == "no_duplicate_rows":
            out.append(f"{where}: 指标重复出现")
        else:
            column = config["meta"]["column"]
            label = declared.column(column).label
            if check == "plausible_magnitude":
                out.append(
                    f"{where} {label}列: {rec[f'{column}_text']} 大于 {config['kwargs']['max_value']}，请核对是否多输入了数字"
                )
                continue
            expected = {"counts_are_non_negative_integers": "非负整数", "changes_are_integers": "整数"}.get(check, "非负数")
            out.append(f"{where} {label}列: {rec[f'{column}_text']!r} 不是{expected}")
    return out


def validate(report: Report) -> Validation:
    """Run every suite of the report's era. Critical failures do not raise; the caller decides."""
    suites = load_suites(report.root, report.format.era)
    if not suites:
        raise DeclarationError(
            f"expectations/{report.format.era}/ 中没有校验规则",
            hint="运行 `nianbao expectations --write` 由格式声明生成",
        )
    gx, context = _gx()
    data = frames(report)
    source = context.data_sources.add_pandas("report")
    checks: list[Check] = []
    for name, suite_json in suites.items():
        meta = suite_json.get("meta", {})
        frame = data.get(meta.get("frame"))
        suite = gx.ExpectationSuite(name=suite_json["name"], expectations=suite_json["expectations"], meta=meta)
        if frame is None:  # the table has no data file in this report
            for config in suite_json["expectations"]:
                checks.append(
                    Check(
                        suite=suite_json["name"],
                        check=config["meta"]["check"],
                        severity=config["severity"],
                        success=True,
                        description=config["meta"]["description"],
                        table=meta.get("table"),
                        evaluated=0,
                    )
                )
            continue
        asset = source.add_dataframe_asset(name.removesuffix(".json"))
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(suite, result_format="COMPLETE")
        failed_rows: dict = {}  # frame index -> checks that flagged the row
        for config, result in zip(suite_json["expectations"], outcome.results, strict=True):
            res = result.result or {}
            for index in res.get("unexpected_index_list") or []:
                failed_rows.setdefault(index, []).append(config["meta"]["check"])
            if result.exception_info and result.exception_info.get("raised_exception"):
                raise DeclarationError(
                    f"校验规则 {name} / {config['meta']['check']} 无法执行: {result.exception_info.get('exception_message')}"
                )
            details = [] if result.success else _details(report, meta, config, frame, res)
            checks.append(
                Check(
                    suite=suite_json["name"],
                    check=config["meta"]["check"],
                    severity=config["severity"],
                    success=bool(result.success),
                    description=config["meta"]["description"],
                    table=meta.get("table"),
                    details=details,
                    evaluated=_evaluated(frame, config, res),
                )
            )
        frame["failed_checks"] = [failed_rows.get(index, []) for index in frame.index]
    return Validation(
        report=report.label,
        era=report.format.era,
        checks=checks,
        identities=data["identities"].to_dict(orient="records"),
        shares=data["published_shares"].to_dict(orient="records"),
        notes=report.notes,
    )


def _evaluated(frame: pd.DataFrame, config: dict, result: dict) -> int:
    condition = config["kwargs"].get("row_condition")
    if condition:
        return int((frame[condition["column"]["name"]] == condition["parameter"]).sum())
    return int(result.get("element_count", len(frame)))
