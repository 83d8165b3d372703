"""The notebooks are committed clean, parameterized the same way, and thin."""

from __future__ import annotations

import ast
import json
import re

import pytest

from helpers import ROOT, text_of
from nianbao.formats import ERAS, load_format
from nianbao.run.kernel import parameters_of

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMETERS = {"body", "year", "root", "output_dir"}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_committed_without_outputs(self, path):
        for cell in _cells(path):
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None

    def test_parameters_cell(self, path):
        tagged = [c for c in _cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        assert set(parameters_of(path)) == PARAMETERS

    def test_code_only_calls_the_package(self, path):
        allowed = re.compile(
            r"^(from nianbao\.present import open_report|session = open_report\(.*\)|session\.\w+\(.*\)|"
            r"result = session\.validate\(\)|(body|year|root|output_dir) = .*|)$"
        )
        for cell in _cells(path):
            if cell["cell_type"] == "code":
                for line in "".join(cell["source"]).splitlines():
                    assert allowed.match(line.strip()), f"{path.name}: {line!r}"


def _makefile_default() -> tuple[str, int]:
    """The report ``make report`` produces by default (``BODY ?=`` and ``YEAR ?=`` in the Makefile)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    body = re.search(r"^BODY\s*\?=\s*(\S+)", text, re.M)
    year = re.search(r"^YEAR\s*\?=\s*(\d+)", text, re.M)
    assert body and year
    return body.group(1), int(year.group(1))


class TestDefaults:
    """A notebook opened in Jupyter shows the report the Makefile and the README name as the default."""

    @pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
    def test_parameters_default_to_the_makefile_report(self, path):
        body, year = _makefile_default()
        defaults = {name: ast.literal_eval(value) for name, value in parameters_of(path).items()}
        assert (defaults["body"], defaults["year"]) == (body, year)
        assert defaults["root"] == ".." and defaults["output_dir"] is None

    def test_the_readme_names_the_same_default(self):
        from nianbao.inputs.params import load_params

        body, year = _makefile_default()
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        section = readme.split("## Working in the notebooks", 1)[1].split("\n## ", 1)[0]
        issuer = load_params(ROOT, body, year).issuer
        assert f"{issuer[:2]} {year}" in section or f"{body} {year}" in section, section[:300]
        assert "make lab" in section

    def test_make_lab_opens_the_notebooks_with_the_project_kernel(self):
        text = (ROOT / "Makefile").read_text(encoding="utf-8")
        assert re.search(r"^lab: setup\b.*\n\t\$\(BIN\)/jupyter lab notebooks/$", text, re.M)
        assert "$(BIN)/python -m ipykernel install --sys-prefix --name python3" in text
        assert {json.loads(p.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"] for p in NOTEBOOKS} == {"python3"}

    @pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
    def test_the_session_is_told_which_notebook_it_is(self, path):
        """So that a notebook the default report's format does not use says so instead of failing."""
        calls = [line for cell in _cells(path) for line in "".join(cell["source"]).splitlines() if "open_report(" in line]
        assert calls == [f'session = open_report(body, year, root=root, output_dir=output_dir, notebook="{path.name}")']


class TestDeclaredNotebooks:
    def test_every_declared_notebook_exists_and_every_notebook_is_declared(self):
        declared = {nb.file for era in ERAS for nb in load_format(era).notebooks}
        assert declared == {p.name for p in NOTEBOOKS}


def _text(html: str) -> str:
    return " ".join(text_of(html).split())


@pytest.mark.e2e
class TestOpenedInJupyter:
    """A notebook run top to bottom with its defaults, as an analyst runs it in JupyterLab (papermill, no
    parameters, in notebooks/), shows what the rendered report's section of that notebook shows."""

    NOTEBOOK = "20_applications.ipynb"

    @staticmethod
    def _run(tmp_path):
        import nbformat
        import papermill as pm

        executed = tmp_path / "executed.ipynb"
        pm.execute_notebook(
            str(ROOT / "notebooks" / TestOpenedInJupyter.NOTEBOOK), str(executed), cwd=str(ROOT / "notebooks"), progress_bar=False
        )
        return nbformat.read(executed, as_version=4)

    def test_it_shows_the_rendered_section(self, corpus_run, tmp_path):
        body, year = _makefile_default()
        assert self.NOTEBOOK in {nb.file for nb in load_format("old-free-text").notebooks}
        outputs = [o for cell in self._run(tmp_path).cells if cell.cell_type == "code" for o in cell.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        shown = _text("".join(o.get("data", {}).get("text/html", "") for o in outputs))
        images = sum(1 for o in outputs if "image/png" in o.get("data", {}))
        section = (corpus_run[0] / body / str(year) / "sections" / self.NOTEBOOK.replace(".ipynb", ".html")).read_text(
            encoding="utf-8"
        )
        assert shown.startswith("三、政府信息依申请公开办理情况") and "91" in shown and "46.15" in shown
        assert shown in _text(section)
        assert images == section.count("<img") > 0
