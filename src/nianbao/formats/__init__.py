"""Report formats as declarations.

A format (one per era) is a YAML file in ``declarations/``. It declares the tables of a report, their rows
(canonical label, published aliases, kind), the value columns, the shares and their bases, the arithmetic
identities with their severities, the chapters in published order, which notebook renders which chapter and
the charts; its narrative templates are Jinja2 files in ``narratives/``. The loaders, the checks, the
notebooks and the renderers all read these objects; none of them hard-codes a row or a label.

- ``model``: the typed declaration (tables, rows, columns, shares, identities, chapters…);
- ``loader``: reading a declaration with its includes and narratives, and the limits of the input files;
- ``indicators``: the indicators compared across years and eras.
"""

from nianbao.formats.indicators import Indicator, Indicators, indicator_refs, load_indicators
from nianbao.formats.loader import declaration_path, input_limits, load_format
from nianbao.formats.model import (
    ERAS,
    VALIDATION_CHAPTER,
    CellRef,
    Chapter,
    ChartSpec,
    Column,
    DataLimits,
    Era,
    Format,
    Group,
    Identity,
    Kind,
    Limits,
    NotebookSpec,
    ParamsLimits,
    Row,
    ShareSpec,
    Table,
    Terms,
    normalize_label,
)

__all__ = [
    "ERAS",
    "VALIDATION_CHAPTER",
    "CellRef",
    "Chapter",
    "ChartSpec",
    "Column",
    "DataLimits",
    "Era",
    "Format",
    "Group",
    "Identity",
    "Indicator",
    "Indicators",
    "Kind",
    "Limits",
    "NotebookSpec",
    "ParamsLimits",
    "Row",
    "ShareSpec",
    "Table",
    "Terms",
    "declaration_path",
    "indicator_refs",
    "input_limits",
    "load_format",
    "load_indicators",
    "normalize_label",
]
