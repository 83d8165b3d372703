from __future__ import annotations

from nianbao.present.narrative import narrative


class TestNarrative:
    def test_application_channels_sentence(self, dongyang):
        text = narrative(dongyang, "applications")
        assert text == (
            "2017年全市共收到政府信息公开申请91件。"
            "提交申请的方式包括：当面申请42件，占46.15%；网络申请21件，占23.08%；信函申请28件，占30.77%。"
        )

    def test_answers_sentence_uses_declared_precision_without_trailing_zeros(self, dongyang):
        text = narrative(dongyang, "answers")
        for part in (
            "同意公开54件，占59.34%",
            "同意部分公开14件，占15.38%",
            "不同意公开答复数10件，占10.99%",
            "不属于本行政机关公开数1件，占1.1%",
            "告知作出更改补充数11件，占12.09%",
            "告知通过其他途径办理数1件，占1.1%。",
        ):
            assert part in text

    def test_categories_use_declared_base_and_precision(self, dongyang):
        text = narrative(dongyang, "categories")
        assert "教育类信息10535条，占63.0%" in text
        assert "财政信息类信息169条，占1.0%" in text  # published 1.01: rendered at the declared precision
        assert "国土资源类342条，占2.0%" in text
        assert "以部门发布信息数16716条为基数" in text

    def test_proactive_sentence_has_every_count(self, dongyang):
        text = narrative(dongyang, "proactive")
        for number in ("25080", "16716", "1125", "17534", "4374", "1466", "45", "4次", "27"):
            assert number in text
        assert text.startswith("2017年全市主动公开政府信息25080条，部门发布信息数16716条")

    def test_fees_and_appeals(self, dongyang):
        assert narrative(dongyang, "fees") == "2017年全市政府信息公开收费情况：免收费。"
        assert narrative(dongyang, "appeals") == "2017年全市收到涉及政府信息公开的行政复议申请7件，行政诉讼9件。"

    def test_absent_table_leaves_its_clause_out(self, project):
        from nianbao.inputs.report import load_report

        (project / "data/dongyang/2017/responses.csv").unlink()
        text = narrative(load_report(project, "dongyang", 2017), "proactive")
        assert "新闻发布会" not in text and text.endswith("政务微信公开1466条。")

    def test_appeals_with_one_of_the_two_counts(self, project):
        from helpers import edit_csv
        from nianbao.inputs.report import load_report

        edit_csv(project / "data/dongyang/2017/appeals.csv", "行政复议申请,7\n", "")
        report = load_report(project, "dongyang", 2017)
        assert narrative(report, "appeals") == "2017年全市涉及政府信息公开的行政诉讼9件。"
        (project / "data/dongyang/2017/appeals.csv").write_text("指标,本年\n", encoding="utf-8")
        assert narrative(load_report(project, "dongyang", 2017), "appeals") == ""

    def test_categories_without_rows_or_base(self, project):
        from helpers import edit_csv
        from nianbao.inputs.report import load_report

        edit_csv(project / "data/dongyang/2017/proactive.csv", "部门发布信息数,16716\n", "")
        text = narrative(load_report(project, "dongyang", 2017), "categories")
        assert "教育类信息10535条。" in text and "占" not in text and "为基数" not in text
        (project / "data/dongyang/2017/proactive_categories.csv").write_text("指标,本年\n", encoding="utf-8")
        assert narrative(load_report(project, "dongyang", 2017), "categories") == ""
