"""The notebook session: what the notebooks call to show a report's content."""

from __future__ import annotations

from nianbao import notebook


def _session(project, monkeypatch, sink: str):
    """A session on ``project`` whose ``sink`` (``_display`` or ``_html``) records what would be shown."""
    session = notebook.open_report("dongyang", 2017, root=project)
    shown: list = []
    monkeypatch.setattr(notebook, sink, shown.append)
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
        assert shown[0] == f'<p class="no-data">{notebook.NO_DATA}</p>'
        assert "行政复议申请7件" in shown[1]


class TestSessionTable:
    def test_table_without_data_file_is_left_out(self, project, monkeypatch):
        (project / "data/dongyang/2017/responses.csv").unlink()
        session, shown = _session(project, monkeypatch, "_html")
        session.table("responses")
        session.table("applications")
        assert len(shown) == 1 and "当面申请" in shown[0] and "46.15" in shown[0]
