"""The notebook session: what the notebooks call to show a report's content."""

from __future__ import annotations

from nianbao.present import charts
from nianbao.present import session as session_module


def _session(project, monkeypatch, sink: str):
    """A session on ``project`` whose ``sink`` (``_display`` or ``_html``) records what would be shown."""
    session = session_module.open_report("dongyang", 2017, root=project)
    shown: list = []
    monkeypatch.setattr(session_module, sink, shown.append)
    return session, shown


class TestSessionChart:
    def test_share_without_rows_shows_no_chart(self, project, monkeypatch):
        (project / "data/dongyang/2017/answers.csv").unlink()
        session, shown = _session(project, monkeypatch, "_display")
        session.chart("answers")
        assert shown == []
        session.chart("application_channels")
        assert len(shown) == 1


class TestSessionNarrative:
    def test_narrative_without_data_says_so(self, project, monkeypatch):
        (project / "data/dongyang/2017/fees.csv").unlink()
        session, shown = _session(project, monkeypatch, "_html")
        session.narrative("fees")
        session.narrative("appeals")
        assert shown[0] == f'<p class="no-data">{session_module.NO_DATA}</p>'
        assert "行政复议申请7件" in shown[1]


class TestSessionTable:
    def test_table_without_data_file_is_left_out(self, project, monkeypatch):
        (project / "data/dongyang/2017/responses.csv").unlink()
        session, shown = _session(project, monkeypatch, "_html")
        session.table("responses")
        session.table("applications")
        assert len(shown) == 1 and "当面申请" in shown[0] and "46.15" in shown[0]


class TestSessionChapters:
    def test_an_omitted_chapter_shows_nothing(self, root, monkeypatch):
        session = session_module.open_report("pingtan", 2015, root=root)
        shown: list = []
        monkeypatch.setattr(session_module, "_html", shown.append)
        session.heading("other")  # omitted in params/pingtan/2015.yaml
        session.narrative("fees")
        assert shown == []
        session.heading("statistics")
        assert "七、平潭综合实验区政府信息公开情况统计表" in shown[0]

    def test_trend_tables_fit_the_page(self, root, monkeypatch):
        session = session_module.open_report("pingtan", 2025, root=root)
        shown: list = []
        monkeypatch.setattr(session_module, "_html", shown.append)
        monkeypatch.setattr(session_module, "_display", lambda _: None)
        session.heading("trend")
        session.trend()
        tables = shown[2].split("<table")[1:]
        assert len(tables) == 2  # 15 years, at most 8 per table
        assert "2011" in tables[0] and "2018" in tables[0] and "2019" in tables[1] and "2025" in tables[1]
        assert shown[1].startswith('<p class="narrative">本附录比较2011—2025年的报告')

    def test_a_chart_is_shown_with_its_text_alternative(self, project, monkeypatch):
        session, shown = _session(project, monkeypatch, "_display")
        session.chart("application_channels")
        (image,) = shown
        assert image.alt == charts.share_alt(session.report, "application_channels")
        assert image._repr_png_()[1] == {"alt": image.alt}  # the notebook's output metadata, which nbconvert writes as alt

    def test_a_chart_is_drawn_with_the_cycle_collector_paused(self, project, monkeypatch):
        import gc

        seen = []
        encode = charts.png

        def png(fig):
            seen.append(gc.isenabled())
            return encode(fig)

        monkeypatch.setattr(charts, "png", png)
        session, shown = _session(project, monkeypatch, "_display")
        session.chart("application_channels")
        assert seen == [False] and gc.isenabled() and len(shown) == 1


class TestSessionNotebook:
    def test_a_notebook_the_format_does_not_use_says_so_and_shows_nothing(self, root, monkeypatch):
        shown: list = []
        monkeypatch.setattr(session_module, "_html", shown.append)
        session = session_module.open_report("dongyang", 2017, root=root, notebook="21_tables_applications.ipynb")
        session.heading("applications")
        session.narrative("outcomes")  # a narrative of the 2019/2021 formats only
        session.table("requests")
        assert len(shown) == 1 and shown[0].startswith('<p class="analyst-note">dongyang 2017 的报告是旧格式')
        assert "2019年试行格式" in shown[0] and "2021年格式" in shown[0] and "21_tables_applications.ipynb" in shown[0]

    def test_a_notebook_of_the_format_shows_its_chapter(self, root, monkeypatch):
        shown: list = []
        monkeypatch.setattr(session_module, "_html", shown.append)
        session = session_module.open_report("dongyang", 2017, root=root, notebook="20_applications.ipynb")
        session.heading("applications")
        assert shown == ['<h2 class="chapter" id="applications">三、政府信息依申请公开办理情况</h2>']
