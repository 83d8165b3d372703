from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.errors import ParamsError, ReportNotFound
from nianbao.inputs.params import load_params


def _params_file(project: Path) -> Path:
    return project / "params" / "dongyang" / "2017.yaml"


def _replace(project: Path, old: str, new: str) -> None:
    path = _params_file(project)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class TestLoadParams:
    def test_dongyang_params(self, root):
        params = load_params(root, "dongyang", 2017)
        assert params.era == "old-free-text"
        assert params.share("categories").base == "proactive.by_departments"
        assert params.share("categories").precision == 1
        assert params.share("answers").trailing_zeros == "drop"
        assert params.heading("applications") == "三、政府信息依申请公开办理情况"
        assert params.heading("fees") == "四、政府信息公开的收费及减免情况"  # declaration default

    def test_unknown_key_suggests_the_nearest_and_names_the_line(self, project):
        _replace(project, "scope: 全市", "scoep: 全市")
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        text = str(err.value)
        assert "scoep" in text and "'scope'" in text
        assert "2017.yaml" in text and "第7行" in text
        assert "缺少必填的键 'scope'" in text

    def test_unknown_nested_key(self, project):
        _replace(project, "    precision: 1", "    precison: 1")
        with pytest.raises(ParamsError, match=r"shares.categories.precison.*'precision'"):
            load_params(project, "dongyang", 2017)

    def test_wrong_type(self, project):
        _replace(project, "    precision: 1", "    precision: one")
        with pytest.raises(ParamsError, match=r"shares.categories.precision.*'one'"):
            load_params(project, "dongyang", 2017)

    def test_yaml_syntax_error_names_line_and_column(self, project):
        _replace(project, "scope: 全市", "scope: [全市")
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        assert "YAML 语法错误" in str(err.value) and "行" in str(err.value) and "列" in str(err.value)

    def test_body_must_match_folder(self, project):
        _replace(project, "body: dongyang", "body: yiwu")
        with pytest.raises(ParamsError, match="与所在目录 'dongyang' 不一致"):
            load_params(project, "dongyang", 2017)

    def test_year_must_match_file_name(self, project):
        _replace(project, "year: 2017", "year: 2018")
        with pytest.raises(ParamsError, match="与文件名 2017 不一致"):
            load_params(project, "dongyang", 2017)

    def test_unknown_era(self, project):
        _replace(project, "era: old-free-text", "era: old-freetext")
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        assert "old-freetext" in str(err.value) and "'old-free-text'" in str(err.value)

    def test_share_base_must_be_a_declared_cell(self, project):
        _replace(project, "base: proactive.by_departments", "base: proactive.by_department")
        with pytest.raises(ParamsError, match="proactive.by_departments"):
            load_params(project, "dongyang", 2017)

    def test_unknown_share(self, project):
        _replace(project, "  categories:\n    base", "  categorys:\n    base")
        with pytest.raises(ParamsError, match="'categories'"):
            load_params(project, "dongyang", 2017)

    def test_unknown_heading_chapter(self, project):
        _replace(project, "  proactive: 主动公开政府信息的情况", "  proactiv: 主动公开政府信息的情况")
        with pytest.raises(ParamsError, match="'proactive'"):
            load_params(project, "dongyang", 2017)

    def test_a_claim_the_format_does_not_declare_is_refused(self, project):
        _replace(project, "scope: 全市", "scope: 全市\nclaims: [categories_cover_totl]")
        with pytest.raises(ParamsError, match="'categories_cover_total'") as err:
            load_params(project, "dongyang", 2017)
        assert err.value.line == 8

    def test_a_declared_claim_is_accepted(self, project):
        _replace(project, "scope: 全市", "scope: 全市\nclaims: [categories_cover_total]")
        assert load_params(project, "dongyang", 2017).claims == ("categories_cover_total",)

    def test_unknown_body_lists_known_bodies(self, root):
        with pytest.raises(ReportNotFound) as err:
            load_params(root, "dongyan", 2017)
        assert "'dongyang'" in str(err.value)

    def test_unknown_year_lists_known_years(self, root):
        with pytest.raises(ReportNotFound, match="2017"):
            load_params(root, "dongyang", 2016)

    def test_missing_data_folder(self, project):
        import shutil

        shutil.rmtree(project / "data" / "dongyang" / "2017")
        with pytest.raises(ParamsError, match="数据目录"):
            load_params(project, "dongyang", 2017)


class TestDidYouMean:
    """A suggestion is made when the closest candidate is at least half alike (difflib ratio ≥ 0.5), never for an
    unrelated word."""

    def test_a_typo_gets_the_nearest_candidate(self):
        from nianbao.errors import did_you_mean

        assert did_you_mean("信涵申请", ["当面申请", "信函申请", "网络申请"]) == "信函申请"

    def test_the_cutoff_is_half_alike(self):
        from nianbao.errors import did_you_mean

        assert did_you_mean("abcd", ["abxy"]) == "abxy"  # ratio 0.5
        assert did_you_mean("abcde", ["abxyz"]) is None  # ratio 0.4

    def test_an_unrelated_word_gets_none(self):
        from nianbao.errors import did_you_mean

        assert did_you_mean("完全无关", ["收到政府信息公开申请", "当面申请"]) is None
        assert did_you_mean("x", []) is None


def _bomb(levels: int, width: int = 10) -> str:
    """A "billion laughs": each anchored list repeats the one before ``width`` times."""
    lines = ['laugh0: &l0 "哈"']
    for i in range(1, levels + 1):
        lines.append(f"laugh{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + f"\nissuer: *l{levels}\n"


class TestHostileParams:
    """A params file is refused before it can cost time or memory: its size before it is parsed, anchors, aliases
    and deep nesting while it is composed (before anything is expanded or constructed)."""

    def test_an_alias_bomb_is_refused_at_its_first_anchor(self, project):
        path = _params_file(project)
        path.write_text(path.read_text(encoding="utf-8") + _bomb(6), encoding="utf-8")
        first = len(path.read_text(encoding="utf-8").splitlines()) - 7  # laugh0, the first of 8 lines
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        assert err.value.line == first and err.value.path == path
        assert str(err.value) == (
            f"{path}, 第{first}行: 参数文件中不能使用 YAML 锚点和别名（&名称、*名称）：'&l0'"
            "；应为 每个值直接写出\n  提示: 参数从不需要锚点或别名，请把值直接写在键后"
        )

    def test_an_alias_without_its_anchor_is_refused_too(self, project):
        _replace(project, "scope: 全市", "scope: *here")
        with pytest.raises(ParamsError, match=r"第7行: 参数文件中不能使用 YAML 锚点和别名（&名称、\*名称）：'\*here'"):
            load_params(project, "dongyang", 2017)

    @pytest.mark.parametrize(
        "value, line",
        [("[" * 5000, 7), ("\n" + "\n".join("  " * i + f"k{i}:" for i in range(1, 12)) + " 1", 17)],
        ids=["flow", "block"],
    )
    def test_nesting_deeper_than_the_limit_is_refused(self, project, value, line):
        _replace(project, "scope: 全市", f"scope: {value}")
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        assert err.value.line == line
        assert "参数文件中的映射和列表嵌套超过 10 层" in str(err.value)

    def test_nesting_up_to_the_limit_is_read(self, project):
        _replace(project, "scope: 全市", "scope: " + "[" * 9 + "全市" + "]" * 9)
        with pytest.raises(ParamsError, match="键 'scope' 的值 .* 无效"):  # read, then refused as not a string
            load_params(project, "dongyang", 2017)

    def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(self, project, monkeypatch):
        path = _params_file(project)
        path.write_text(path.read_text(encoding="utf-8") + ("# 注释\n" * 20_000), encoding="utf-8")
        monkeypatch.setattr("yaml.SafeLoader.__init__", lambda *a: pytest.fail("parsed"))
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        assert err.value.line == path.read_bytes()[:65536].count(b"\n") + 1  # the line the limit falls in
        assert "参数文件超过 65536 字节（64 KiB）的上限" in str(err.value)

    def test_a_long_value_is_echoed_cut(self, project):
        _replace(project, "year: 2017", "year: " + "二" * 30_000)
        with pytest.raises(ParamsError) as err:
            load_params(project, "dongyang", 2017)
        assert "第3行" in str(err.value) and len(str(err.value)) < 400


class TestPrintLayout:
    def test_the_gongwen_layout_and_its_faces_by_default(self, root):
        params = load_params(root, "dongyang", 2017)
        assert params.style == "gongwen"
        assert params.faces.model_dump() == {
            "title": "Noto Serif CJK SC",
            "body": "Noto Serif CJK SC",
            "heading": "Noto Sans CJK SC",
            "subheading": "LXGW WenKai",
        }

    def test_the_web_style_and_other_faces(self, project):
        _replace(project, "scope: 全市", "scope: 全市\nstyle: web\nfaces:\n  body: LXGW WenKai\n  subheading: AR PL UKai CN")
        params = load_params(project, "dongyang", 2017)
        assert params.style == "web"
        assert (params.faces.body, params.faces.subheading, params.faces.title) == (
            "LXGW WenKai",
            "AR PL UKai CN",
            "Noto Serif CJK SC",
        )

    def test_an_unknown_style_names_the_choices(self, project):
        _replace(project, "scope: 全市", "scope: 全市\nstyle: gongwne")
        with pytest.raises(ParamsError, match="'style'.*gongwne.*'gongwen' or 'web'"):
            load_params(project, "dongyang", 2017)

    def test_an_unknown_face_role_suggests_the_nearest(self, project):
        _replace(project, "scope: 全市", "scope: 全市\nfaces:\n  boddy: LXGW WenKai")
        with pytest.raises(ParamsError, match="faces.boddy.*'body'"):
            load_params(project, "dongyang", 2017)

    @pytest.mark.parametrize("family", ['"x"; } body { display: none', "a{b}", ""])
    def test_a_family_that_is_no_plain_name_is_refused(self, project, family):
        _replace(project, "scope: 全市", f"scope: 全市\nfaces:\n  title: '{family}'")
        with pytest.raises(ParamsError, match="faces.title"):
            load_params(project, "dongyang", 2017)
