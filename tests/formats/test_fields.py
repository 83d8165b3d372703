"""The field language of prose chapters (formats/declarations/fields.yaml), checked against the indicators."""

from __future__ import annotations

import pytest

from nianbao.errors import DeclarationError
from nianbao.formats import fields as fields_module
from nianbao.formats.fields import field_key, load_fields
from nianbao.paths import DECLARATIONS_DIR


class TestFieldLanguage:
    def test_modifiers_by_any_of_their_names(self):
        language = load_fields()
        assert [language.modifier(w) for w in ("占比", "比重", "上年", "增幅", "增减", "增减方向", "收到申请")] == [
            "share",
            "share",
            "previous",
            "growth",
            "change",
            "direction",
            None,
        ]
        assert language.modifiers["growth"].precision == 1

    def test_names_match_without_width_spaces_quotes_or_numbering(self):
        assert field_key(" （一）予以公开 ") == field_key("予以公开")
        assert field_key("3.危及“三安全一稳定”") == field_key('危及"三安全一稳定"') == "危及三安全一稳定"
        assert field_key("ＡＢ　１") == "AB1"

    @pytest.mark.parametrize(
        ("old", "new", "problem"),
        [
            (
                "  收到申请: applications_received",
                "  收到申请: no_such_indicator",
                "names.收到申请: unknown indicator 'no_such_indicator'",
            ),
            ("[予以公开, 部分公开]", "[予以公开, 部份公开]", "sums.予以公开及部分公开: '部份公开' is not a name"),
            ("增减数]", "增减数, 占比]", "'占比' names two modifiers"),
        ],
    )
    def test_inconsistent_declaration_is_refused(self, tmp_path, monkeypatch, old, new, problem):
        text = (DECLARATIONS_DIR / "fields.yaml").read_text(encoding="utf-8")
        assert old in text
        (tmp_path / "fields.yaml").write_text(text.replace(old, new), encoding="utf-8")
        monkeypatch.setattr(fields_module, "DECLARATIONS_DIR", tmp_path)
        load_fields.cache_clear()
        try:
            with pytest.raises(DeclarationError, match=problem):
                load_fields()
        finally:
            load_fields.cache_clear()
