"""nianbao: reproducible 政府信息公开工作年度报告 from raw counts, checked and rendered."""

from importlib import metadata

try:
    __version__ = metadata.version("nianbao")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
