"""nianbao/__init__.py: what importing the package changes for the processes it runs in."""

from __future__ import annotations

import subprocess
import sys


class TestPackageImport:
    def test_a_notebook_is_read_and_validated_without_compiling_the_iri_grammars(self, root):
        """jsonschema's optional ``rfc3987_syntax`` compiles some forty Earley grammars (lark) as it is imported,
        about 2 s in every worker, kernel and run; no schema nbformat validates uses the formats it checks."""
        code = (
            "import sys, nianbao, nbformat\n"
            "nb = nbformat.read('notebooks/10_proactive.ipynb', as_version=4)\n"
            "nbformat.validate(nb)\n"
            "print(len(nb.cells) > 0, 'lark' in sys.modules)"
        )
        result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
        assert result.stdout.split() == ["True", "False"], result.stdout + result.stderr
