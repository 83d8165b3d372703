from __future__ import annotations

import warnings

import pytest

from nianbao.errors import FontMissingError
from nianbao.present import charts
from nianbao.present.fonts import cjk_font


class TestCjkFont:
    def test_finds_the_simplified_chinese_face(self):
        font = cjk_font("Noto Sans CJK SC")
        assert font.family == "Noto Sans CJK SC"
        assert font.path.endswith((".ttc", ".otf", ".ttf"))

    def test_missing_font_says_how_to_install_one(self):
        with pytest.raises(FontMissingError) as err:
            cjk_font("No Such Font SC")
        assert "fonts-noto-cjk" in str(err.value)

    def test_stale_matplotlib_cache_is_rescanned(self, monkeypatch):
        """A cached font list naming a font file that has since been removed does not crash the run."""
        from matplotlib import font_manager

        stale = font_manager.FontEntry(fname="/nonexistent/Gone.ttc", name="Gone Sans SC")
        monkeypatch.setattr(font_manager.fontManager, "ttflist", [*font_manager.fontManager.ttflist, stale])
        with pytest.raises(FontMissingError, match="Gone Sans SC"):
            cjk_font("Gone Sans SC")

    def test_font_without_chinese_glyphs_is_refused(self):
        with pytest.raises(FontMissingError, match="不含中文字形"):
            cjk_font("DejaVu Sans")


class TestShareChart:
    @pytest.mark.parametrize("chart_id", ["categories", "application_channels", "answers"])
    def test_renders_every_label_without_missing_glyphs(self, dongyang, chart_id):
        font = cjk_font(dongyang.params.font)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig = charts.share_chart(dongyang, chart_id, font)
            data = charts.png(fig)
        missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
        assert missing == []
        assert data.startswith(b"\x89PNG")
        texts = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert texts == [i.label for i in dongyang.share_items(dongyang.format.charts[chart_id].share)]
        used = {t.get_fontname() for t in fig.axes[0].get_yticklabels()}
        assert used == {"Noto Sans CJK SC"}

    def test_a_latin_font_would_be_caught(self, dongyang):
        """The check above can fail: with a font lacking CJK glyphs matplotlib reports them missing."""
        from nianbao.present.fonts import FontInfo

        latin = FontInfo(family="DejaVu Sans", path="", index=0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            charts.png(charts.share_chart(dongyang, "answers", latin))
        assert any("missing from font" in str(w.message) for w in caught)


class TestPng:
    def test_deflated_at_the_chosen_level_about_as_small_as_at_the_default_and_without_metadata(self, dongyang):
        import io
        import struct
        import zlib

        fig = charts.share_chart(dongyang, "application_channels", cjk_font(dongyang.params.font))
        data = charts.png(fig)
        chunks, at = {}, 8
        while at < len(data):
            (length,) = struct.unpack("!I", data[at : at + 4])
            chunks.setdefault(data[at + 4 : at + 8], b"")
            chunks[data[at + 4 : at + 8]] += data[at + 8 : at + 8 + length]
            at += 12 + length
        idat = chunks[b"IDAT"]
        assert idat[1] >> 6 == 1  # zlib's FLEVEL 1: a level from 2 to 5 (the default, 6, writes 2)
        assert zlib.decompress(idat)  # a complete stream
        assert b"tEXt" not in chunks and b"tIME" not in chunks  # equal charts give equal files
        default = io.BytesIO()
        fig.savefig(default, format="png", dpi=charts.DPI, metadata={"Software": None})
        assert len(data) <= 1.05 * len(default.getvalue())


class TestLaidOut:
    def test_drawn_once_when_saved_and_the_same_png_as_with_the_engine_tight_layout_leaves(self, dongyang, monkeypatch):
        from matplotlib.figure import Figure

        font = cjk_font(dongyang.params.font)
        fig = charts.share_chart(dongyang, "application_channels", font)
        draws = []
        draw = Figure.draw
        monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or draw(self, renderer))
        data = charts.png(fig)
        assert len(draws) == 1
        fig.tight_layout()  # leaves its placeholder engine: savefig then draws twice
        draws.clear()
        assert charts.png(fig) == data and len(draws) == 2

    def test_measured_on_the_canvas_that_draws_it_the_same_png_as_on_a_canvas_of_its_own(self, dongyang):
        from matplotlib.backend_bases import FigureCanvasBase
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        font = cjk_font(dongyang.params.font)
        fig = charts.share_chart(dongyang, "application_channels", font)
        assert isinstance(fig.canvas, FigureCanvasAgg)
        FigureCanvasBase(fig)  # what a Figure made on its own has: savefig then makes an Agg canvas of its own
        fig.tight_layout()
        fig.set_layout_engine(None)
        assert charts.png(fig) == charts.png(charts.share_chart(dongyang, "application_channels", font))


class TestShareAlt:
    def test_states_title_base_and_every_bar(self, dongyang):
        assert charts.share_alt(dongyang, "application_channels") == (
            "条形图：提交申请的方式，占比基数为收到政府信息公开申请91件。当面申请42件（46.15%）；网络申请21件（23.08%）；信函申请28件（30.77%）。"
        )

    def test_every_declared_chart_has_a_chinese_alternative_naming_its_title(self, dongyang):
        for chart_id, spec in dongyang.format.charts.items():
            alt = charts.share_alt(dongyang, chart_id)
            assert alt.startswith(f"条形图：{spec.title}") and "No description" not in alt


class TestTrendAlt:
    def test_names_the_years_and_panels_and_points_to_the_table(self, root):
        from nianbao.present import years

        trend = years.trend(root, "pingtan", 2021)
        alt = charts.trend_alt(trend)
        assert alt.startswith("折线图：历年主要指标（断开处：该年度无可比数据），2011—2021年，分为主动公开、依申请公开、")
        assert alt.endswith("各年数值见上表“历年主要指标”。")
