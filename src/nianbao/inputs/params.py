"""Parameters of one report (``params/<body>/<year>.yaml``), typed and checked before any kernel starts.

An unknown key, a wrong type, a missing key or a reference to something the format does not declare is a
ParamsError naming the file, the line, the key and, where one is close, the valid key that was probably meant.
A file larger than the declared limit (``declarations/limits.yaml``) is refused before it is parsed; YAML anchors
and aliases (which params never need, and which can expand a small file into gigabytes) and nesting deeper than
the limit are refused while the file is composed, before anything is expanded or constructed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nianbao.errors import ParamsError, ReportNotFound, did_you_mean, echo
from nianbao.formats import ERAS, VALIDATION_CHAPTER, CellRef, Format, ParamsLimits, ShareSpec, input_limits, load_format
from nianbao.paths import ProjectLayout, as_layout


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShareOverride(_Strict):
    """Per-report changes to a declared share: its base (``table.row``), precision and trailing zeros."""

    base: str | None = None
    precision: int | None = Field(default=None, ge=0, le=6)
    trailing_zeros: Literal["keep", "drop"] | None = None


class NonTableFigure(_Strict):
    """A number of the prose that is not a figure of the tables: the words around it as printed (``…`` for the
    words left out, ending with the number) and why it is not a table figure."""

    text: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class WordFonts(_Strict):
    """The faces of report.docx (font family names as Word, WPS and fontconfig know them): the title (宋体-style),
    body text, first-level headings (黑体-style) and second-level headings (楷体-style). The defaults are free faces
    the setup installs; the only free 仿宋-style face packaged (cwTeXFangSong) lacks many simplified characters, so
    the body defaults to a 宋体-style face; offices set ``body: 仿宋_GB2312`` (or ``FangSong``) for their machines."""

    title: str = Field(default="Noto Serif CJK SC", min_length=1)
    body: str = Field(default="Noto Serif CJK SC", min_length=1)
    heading: str = Field(default="Noto Sans CJK SC", min_length=1)
    subheading: str = Field(default="LXGW WenKai", min_length=1)


BodyId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
"""A body's id: the folder name under params/, data/ and outputs/."""
Year = Annotated[int, Field(ge=2008, le=2100)]


class Params(_Strict):
    body: BodyId
    year: Year
    era: str
    issuer: str = Field(min_length=1)
    title: str = Field(min_length=1)
    scope: str = Field(min_length=1, description="how the narrative names the whole body, e.g. 全市, 全区, 本机关")
    published: dt.date | None = None
    headings: dict[str, str] = Field(default_factory=dict)
    omit: tuple[str, ...] = Field(default=(), description="chapters the published report does not have")
    shares: dict[str, ShareOverride] = Field(default_factory=dict)
    claims: tuple[str, ...] = Field(
        default=(), description="what the published report states about its figures that a declared check is for"
    )
    font: str = "Noto Sans CJK SC"
    word_fonts: WordFonts = Field(default_factory=WordFonts, description="the faces of report.docx")
    execution_timeout: int = Field(default=600, ge=1, le=7200, description="seconds per notebook cell")
    render_timeout: int = Field(default=600, ge=1, le=7200, description="seconds to render the HTML, and the PDF")
    non_table_figures: tuple[NonTableFigure, ...] = Field(default=(), description="prose numbers that are no table figure")
    prose_mismatch: Literal["warning", "critical"] = Field(default="warning", description="severity of prose ≠ tables")

    @property
    def format(self) -> Format:
        return load_format(self.era)

    def share(self, share_id: str) -> ShareSpec:
        """The declared share with this report's overrides applied."""
        declared = self.format.shares[share_id]
        override = self.shares.get(share_id)
        if override is None:
            return declared
        changes = {k: v for k, v in override.model_dump().items() if v is not None}
        return declared.model_copy(update=changes)

    def omits(self, chapter_id: str) -> bool:
        return chapter_id in self.omit

    def heading(self, chapter_id: str) -> str:
        chapter = self.format.chapter(chapter_id)
        return chapter.title(self.headings.get(chapter_id))


def _key_lines(root: yaml.Node | None) -> dict[tuple, int]:
    """1-based line of every mapping key, by its path of keys."""
    lines: dict[tuple, int] = {}

    def walk(node, prefix: tuple):
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                path = (*prefix, key_node.value)
                lines[path] = key_node.start_mark.line + 1
                walk(value_node, path)

    walk(root, ())
    return lines


class _ParamsLoader(yaml.SafeLoader):
    """YAML's safe loader that refuses, while composing, anchors and aliases and collections nested deeper than
    ``limits.depth`` (composing recurses once per level; nothing is expanded or constructed before the check)."""

    def __init__(self, text: str, path: Path, limits: ParamsLimits):
        super().__init__(text)
        self.path = path
        self.limits = limits
        self.level = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        mark = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            sigil = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise ParamsError(
                "参数文件中不能使用 YAML 锚点和别名（&名称、*名称）",
                path=self.path,
                line=mark,
                value=f"{sigil}{event.anchor}",
                expected="每个值直接写出",
                hint="参数从不需要锚点或别名，请把值直接写在键后",
            )
        if not isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            return super().compose_node(parent, index)
        self.level += 1
        if self.level > self.limits.depth:
            raise ParamsError(
                f"参数文件中的映射和列表嵌套超过 {self.limits.depth} 层",
                path=self.path,
                line=mark,
                expected=f"至多 {self.limits.depth} 层（上限见 src/nianbao/formats/declarations/limits.yaml）",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.level -= 1


def _read_text(path: Path, limits: ParamsLimits) -> str:
    """The text of a params file, refused unread beyond the first ``limits.file_bytes`` bytes when larger."""
    with path.open("rb") as fh:
        raw = fh.read(limits.file_bytes + 1)
    if len(raw) > limits.file_bytes:
        raise ParamsError(
            f"参数文件超过 {limits.file_bytes} 字节（{limits.file_bytes // 1024} KiB）的上限，从该行起超出",
            path=path,
            line=raw[: limits.file_bytes].count(b"\n") + 1,
            expected="几十行的参数（上限见 src/nianbao/formats/declarations/limits.yaml）",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParamsError("参数文件不是 UTF-8 编码", path=path, hint="用 UTF-8 保存该文件") from exc


def read_params_yaml(path: Path) -> dict:
    """The mapping a params file holds, read as ``load_params`` reads it (within the declared limits, no anchors
    or aliases) but not checked against the model; ParamsError when it cannot be read so."""
    return _read_yaml(path)[0]


def _read_yaml(path: Path) -> tuple[dict, dict[tuple, int]]:
    limits = input_limits().params
    loader = _ParamsLoader(_read_text(path, limits), path, limits)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParamsError(f"YAML 语法错误{where}: {problem}", path=path, line=line) from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ParamsError("参数文件应是 键: 值 的映射", path=path, value=data, expected="YAML mapping")
    return data, _key_lines(node)


def _explain(exc: ValidationError, path: Path, lines: dict[tuple, int], model: type[BaseModel]) -> ParamsError:
    messages = []
    first_line = None
    for err in sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden"):
        loc = tuple(str(p) for p in err["loc"])
        key = ".".join(loc)
        line = lines.get(loc) or lines.get(loc[:-1])
        first_line = first_line or line
        at = f"第{line}行 " if line else ""
        if err["type"] == "extra_forbidden":
            parent: Any = model
            for part in loc[:-1]:
                field = parent.model_fields.get(part) if hasattr(parent, "model_fields") else None
                parent = getattr(field, "annotation", None) if field else None
            valid = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
            if loc[:-1] and loc[0] == "shares":
                valid = list(ShareOverride.model_fields)
            guess = did_you_mean(loc[-1], valid)
            tip = f"，是否想写 {guess!r}？" if guess else (f"，可用的键: {', '.join(valid)}" if valid else "")
            messages.append(f"{at}未知的键 {echo(key)}{tip}")
        elif err["type"] == "missing":
            messages.append(f"缺少必填的键 {echo(key)}")
        else:
            messages.append(f"{at}键 {echo(key)} 的值 {echo(err.get('input'))} 无效: {err['msg']}")
    return ParamsError("参数无效:\n  - " + "\n  - ".join(messages), path=path, line=first_line)


def load_params(root: ProjectLayout | Path | str, body: str, year: int | str) -> Params:
    """Read and check ``params/<body>/<year>.yaml`` of the project in ``root`` against the model and the format
    it names."""
    layout = as_layout(root)
    path = layout.params_file(body, year)
    if not path.exists():
        reports = layout.reports()
        bodies = sorted({b for b, _ in reports})
        if body not in bodies:
            guess = did_you_mean(body, bodies)
            raise ReportNotFound(
                f"没有机关 {body!r} 的参数（{path.parent} 不存在）",
                hint=(f"是否想写 {guess!r}？" if guess else "") + f"已有的机关: {', '.join(bodies) or '（无）'}",
            )
        years = [y for b, y in reports if b == body]
        raise ReportNotFound(
            f"机关 {body!r} 没有 {year} 年的参数（{path} 不存在）",
            hint=f"{body} 已有的年度: {', '.join(map(str, years))}；新增年度见 README“新增一年”",
        )
    data, lines = _read_yaml(path)
    try:
        params = Params.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, path, lines, Params) from None
    _check_against_path(params, path, lines, body=body, year=year)
    _check_against_format(params, path, lines)
    data_dir = layout.data_dir(params.body, params.year)
    if not data_dir.is_dir():
        raise ParamsError(f"数据目录 {data_dir} 不存在", path=path, hint="每个报告的原始数据放在 data/<机关>/<年度>/")
    return params


def _check_against_path(params: Params, path: Path, lines: dict[tuple, int], *, body: str, year: int | str) -> None:
    if params.body != body:
        raise ParamsError(
            f"body 为 {params.body!r}，与所在目录 {body!r} 不一致",
            path=path,
            line=lines.get(("body",)),
            expected=repr(body),
        )
    if str(params.year) != str(year):
        raise ParamsError(
            f"year 为 {params.year}，与文件名 {year} 不一致", path=path, line=lines.get(("year",)), expected=str(year)
        )


def _check_against_format(params: Params, path: Path, lines) -> None:
    if params.era not in ERAS:
        guess = did_you_mean(params.era, ERAS)
        raise ParamsError(
            f"未知的格式 era {params.era!r}",
            path=path,
            line=lines.get(("era",)),
            expected=" / ".join(ERAS),
            hint=f"是否想写 {guess!r}？" if guess else None,
        )
    fmt = params.format
    chapter_ids = [c.id for c in fmt.chapters]
    for chapter_id in params.omit:
        if chapter_id not in chapter_ids or chapter_id == VALIDATION_CHAPTER:
            guess = did_you_mean(chapter_id, chapter_ids)
            raise ParamsError(
                f"omit 中的章节 {chapter_id!r} 不存在或不能省略",
                path=path,
                line=lines.get(("omit",)),
                expected=" / ".join(c for c in chapter_ids if c != VALIDATION_CHAPTER),
                hint=f"是否想写 {guess!r}？" if guess else None,
            )
    for claim in params.claims:
        if claim not in fmt.claims:
            guess = did_you_mean(claim, fmt.claims)
            raise ParamsError(
                f"claims 中的 {claim!r} 不是格式 {params.era} 声明的说法",
                path=path,
                line=lines.get(("claims",)),
                expected=" / ".join(fmt.claims) or "（此格式没有可声明的说法）",
                hint=f"是否想写 {guess!r}？" if guess else None,
            )
    for chapter_id in params.headings:
        if chapter_id not in chapter_ids:
            guess = did_you_mean(chapter_id, chapter_ids)
            raise ParamsError(
                f"headings 中的章节 {chapter_id!r} 不存在",
                path=path,
                line=lines.get(("headings", chapter_id)),
                expected=" / ".join(chapter_ids),
                hint=f"是否想写 {guess!r}？" if guess else None,
            )
    for share_id, override in params.shares.items():
        line = lines.get(("shares", share_id))
        if share_id not in fmt.shares:
            guess = did_you_mean(share_id, fmt.shares)
            raise ParamsError(
                f"shares 中的占比 {share_id!r} 未在格式 {fmt.era} 中声明",
                path=path,
                line=line,
                expected=" / ".join(fmt.shares),
                hint=f"是否想写 {guess!r}？" if guess else None,
            )
        if override.base is not None:
            try:
                ref = CellRef.parse(override.base)
                fmt.table(ref.table).row(ref.row)
            except (ValueError, KeyError):
                cells = [f"{t.id}.{r.id}" for t in fmt.tables.values() for r in t.rows]
                guess = did_you_mean(override.base, cells)
                raise ParamsError(
                    f"占比 {share_id} 的基数 {override.base!r} 不是声明中的 表.行",
                    path=path,
                    line=lines.get(("shares", share_id, "base"), line),
                    expected="例如 proactive.total",
                    hint=f"是否想写 {guess!r}？" if guess else None,
                ) from None
