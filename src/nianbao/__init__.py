"""nianbao: reproducible 政府信息公开工作年度报告 from raw counts, checked and rendered."""

import sys
from importlib import metadata

try:
    __version__ = metadata.version("nianbao")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

if "jsonschema" not in sys.modules:
    # jsonschema imports ``rfc3987_syntax``, when installed (JupyterLab's jupyter-events asks for it), to check the
    # "iri" and "iri-reference" formats; importing it compiles some forty Earley grammars, about 2 s of CPU in every
    # process that reads a notebook (nbformat validates with jsonschema). No schema nbformat, papermill or nianbao
    # validates uses those formats: jsonschema leaves them unchecked when the module cannot be imported.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
