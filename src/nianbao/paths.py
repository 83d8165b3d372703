"""Where things are: the files shipped with the package, and the folders of a project (``ProjectLayout``).

Every path the package reads or writes is spelled here once: ``params/<body>/<year>.yaml``,
``data/<body>/<year>/``, ``notebooks/``, ``expectations/<era>/`` and ``outputs/<body>/<year>/`` with its
``<year>.failed`` sibling. The rest of the package asks a layout for a path instead of joining folder names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
DECLARATIONS_DIR = PACKAGE_DIR / "formats" / "declarations"
NARRATIVES_DIR = PACKAGE_DIR / "formats" / "narratives"
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"

PARAMS_DIR = "params"
DATA_DIR = "data"
NOTEBOOKS_DIR = "notebooks"
EXPECTATIONS_DIR = "expectations"
OUTPUTS_DIR = "outputs"
INPUT_DIRS = (PARAMS_DIR, DATA_DIR, NOTEBOOKS_DIR, EXPECTATIONS_DIR)  # the folders a project's reports are made from

VALIDATION_FILE = "validation.json"  # where a run writes the result of the checks
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
REPORT_DOCX = "report.docx"
VALIDATION_PAGE = "validation.html"  # every check of a report, for reviewers and analysts
INDEX_PAGE = "index.html"  # in the outputs folder: every report with its status and links
MANIFEST_FILE = "manifest.json"
SECTIONS_DIR = "sections"
CHARTS_DIR = "charts"  # the chart PNGs the notebooks write, inside a report's outputs
EXECUTED_DIR = "notebooks"  # the executed notebooks, inside a report's outputs


def display_path(path: Path | str) -> str:
    """``path`` relative to the working directory when it lies under it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def relative_to(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it lies under it, else as given."""
    path = Path(path)
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class ProjectLayout:
    """The folders of one project (``root``) and where its outputs go (default ``root/outputs``)."""

    root: Path
    outputs: Path

    @classmethod
    def at(cls, root: Path | str, outputs: Path | str | None = None) -> ProjectLayout:
        """The layout of the project in ``root``, with its outputs in ``outputs`` (default ``root/outputs``)."""
        resolved = Path(root).resolve()
        return cls(resolved, Path(outputs).resolve() if outputs else resolved / OUTPUTS_DIR)

    # --- inputs ------------------------------------------------------------------------------------------
    @property
    def params_root(self) -> Path:
        return self.root / PARAMS_DIR

    @property
    def notebooks_dir(self) -> Path:
        return self.root / NOTEBOOKS_DIR

    def body_params_dir(self, body: str) -> Path:
        """The folder of a body's params files."""
        return self.params_root / body

    def params_file(self, body: str, year: int | str) -> Path:
        return self.body_params_dir(body) / f"{year}.yaml"

    def data_dir(self, body: str, year: int | str) -> Path:
        return self.root / DATA_DIR / body / str(year)

    def notebook(self, file: str) -> Path:
        """A notebook of the project, by its file name."""
        return self.notebooks_dir / file

    def suites_dir(self, era: str) -> Path:
        return self.root / EXPECTATIONS_DIR / era

    def reports(self) -> list[tuple[str, int]]:
        """Every (body, year) that has a params file, sorted."""
        return [(path.parent.name, int(path.stem)) for path in sorted(self.params_root.glob("*/*.yaml")) if path.stem.isdigit()]

    def years(self, body: str, until: int | None = None) -> list[int]:
        """The years of ``body`` that have params (up to ``until``), sorted."""
        found = (int(path.stem) for path in self.body_params_dir(body).glob("*.yaml") if path.stem.isdigit())
        return sorted(year for year in found if until is None or year <= until)

    def year_inputs(self, body: str, year: int) -> list[Path]:
        """The project files of one year of ``body``: its params file and every file of its data folder."""
        return [self.params_file(body, year), *_files(self.data_dir(body, year))]

    def report_inputs(self, body: str, year: int, era: str | None) -> list[Path]:
        """Every project file the outputs of ``body`` ``year`` are made from: the params and data of this year and
        the same body's earlier years (the year-on-year comparison, cross-year checks and trend read them), the
        notebooks and the expectation suites of the era."""
        files: list[Path] = []
        for earlier in self.years(body, year):
            files += self.year_inputs(body, earlier)
        files += sorted(self.notebooks_dir.glob("*.ipynb"))
        files += sorted(self.suites_dir(era).glob("*.json")) if era else []
        return files

    def relative(self, path: Path) -> str:
        """``path`` as the project names it (relative to the root when under it)."""
        return relative_to(Path(path).resolve(), self.root)

    # --- outputs -----------------------------------------------------------------------------------------
    def output_dir(self, body: str, year: int | str) -> Path:
        return self.outputs / body / str(year)

    def result_file(self, body: str, year: int | str) -> Path:
        """Where the outcome of the last run of a report is recorded: ``.<year>.result.json`` beside ``<year>``."""
        return self.outputs / body / f".{year}.result.json"

    @property
    def index_page(self) -> Path:
        return self.outputs / INDEX_PAGE


def as_layout(root: ProjectLayout | Path | str) -> ProjectLayout:
    """``root`` itself when it is a layout, else the layout of the project in that folder."""
    return root if isinstance(root, ProjectLayout) else ProjectLayout.at(root)


def failed_dir(final: Path) -> Path:
    """Where a failed run's build is kept: ``<year>.failed`` beside ``<year>``."""
    return final.with_name(f"{final.name}.failed")


def package_files() -> list[Path]:
    """The package's own files (source, format declarations, narratives, templates)."""
    return _files(PACKAGE_DIR)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
