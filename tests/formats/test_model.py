from __future__ import annotations

import pytest

from nianbao.errors import DeclarationError
from nianbao.formats import ERAS, Format, declaration_path, load_format, normalize_label
from nianbao.formats.loader import read_declaration


class TestLoadFormat:
    def test_every_era_loads(self):
        for era in ERAS:
            assert load_format(era).era == era

    def test_unknown_era_names_the_known_ones(self):
        with pytest.raises(DeclarationError) as err:
            load_format("2077")
        assert "old-free-text" in str(err.value)

    def test_old_format_holds_the_statistics_table_indicators(self):
        """The 统计表 of old-format reports (平潭 2015 §七) maps onto declared rows through aliases."""
        fmt = load_format("old-free-text")
        statistics_table = {
            "主动公开文件数": ("proactive", "total"),
            "其中：1、政府网站公开数": ("proactive_channels", "website"),
            "2、政府公报公开数": ("proactive_channels", "gazette"),
            "受理依申请公开信息总数": ("applications", "total"),
            "其中：1、当面申请数": ("applications", "in_person"),
            "2、网上申请数": ("applications", "online"),
            "3、信函、传真申请数": ("applications", "letter_fax"),
            "对申请的答复总数": ("answers", "total"),
            "其中：1、同意公开答复数": ("answers", "granted"),
            "2、同意部分公开答复数": ("answers", "partly_granted"),
            "3、不予公开答复数": ("answers", "refused"),
            "4、其他类型答复数": ("answers", "other"),
            "政府信息公开收费减免金额": ("fees", "waived"),
            "接受行政诉讼、举报数": ("appeals", "complaints"),
            "行政复议数": ("appeals", "reconsideration"),
            "行政诉讼数": ("appeals", "litigation"),
        }
        for label, (table, row) in statistics_table.items():
            matched = fmt.table(table).match(label)
            assert matched is not None and matched.id == row, label
        assert [c.label for c in fmt.columns] == ["本年", "历年累计"]

    def test_categories_are_free_rows(self):
        fmt = load_format("old-free-text")
        assert fmt.table("proactive_categories").free_rows
        assert fmt.table("proactive_categories").rows == ()


class TestFormatReferences:
    def _data(self):
        return read_declaration(declaration_path("old-free-text"))

    def test_identity_naming_an_undeclared_row_is_rejected(self):
        data = self._data()
        data["identities"][0]["lhs"]["rows"].append("by_pigeon")
        with pytest.raises(ValueError, match="applications.by_pigeon"):
            Format.model_validate(data)

    def test_share_with_unknown_base_is_rejected(self):
        data = self._data()
        data["shares"]["answers"]["base"] = "answers.nothing"
        with pytest.raises(ValueError, match="answers.nothing"):
            Format.model_validate(data)

    def test_chapter_without_notebook_is_rejected(self):
        data = self._data()
        data["notebooks"] = [nb for nb in data["notebooks"] if "fees" not in nb["chapters"]]
        with pytest.raises(ValueError, match="chapter fees is rendered by no notebook"):
            Format.model_validate(data)

    @pytest.mark.parametrize("chapter_id", ["Overview", 'x" onmouseover="y', "1st", "a-b", ""])
    def test_a_chapter_id_is_a_plain_identifier(self, chapter_id):
        """It is the chapter's id in the page and the anchor of the table of contents."""
        data = self._data()
        data["chapters"][1]["id"] = chapter_id
        with pytest.raises(ValueError, match="String should match pattern"):
            Format.model_validate(data)

    def test_checks_must_run_first(self):
        data = self._data()
        data["notebooks"] = data["notebooks"][1:] + data["notebooks"][:1]
        with pytest.raises(ValueError, match="first notebook must render the 'validation' chapter"):
            Format.model_validate(data)

    def test_unknown_key_is_rejected(self):
        data = self._data()
        data["tabels"] = {}
        with pytest.raises(ValueError, match="tabels"):
            Format.model_validate(data)


class TestNormalizeLabel:
    @pytest.mark.parametrize(
        "label, expected",
        [
            ("其中：1、当面申请数", "当面申请数"),
            ("2、网上申请数", "网上申请数"),
            ("1.属于国家秘密", "属于国家秘密"),
            ("（一）予以公开", "予以公开"),
            (" 当面 申请 ", "当面申请"),
            ("三安全一稳定", "三安全一稳定"),  # a leading numeral without a delimiter is part of the label
            ("１、当面申请数", "当面申请数"),  # full-width digit
        ],
    )
    def test_strips_numbering_and_spaces(self, label, expected):
        assert normalize_label(label) == expected


class TestTableMatch:
    def test_alias_and_label_match_the_same_row(self):
        table = load_format("old-free-text").table("applications")
        assert table.match("网络申请").id == "online"
        assert table.match("网上申请").id == "online"

    def test_unknown_label_does_not_match(self):
        assert load_format("old-free-text").table("applications").match("飞鸽传书") is None
