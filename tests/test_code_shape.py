"""The shape the package keeps: few positional arguments, short pipeline steps, exceptions never changed after
they were raised. Read from the source with ``ast``, so that a change that breaks one is named at its line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import ROOT

SOURCE = ROOT / "src" / "nianbao"
MODULES = sorted(SOURCE.rglob("*.py"))
MAX_POSITIONAL = 4
MAX_STEP_LINES = 30


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def positional(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The parameters a caller may pass by position, without ``self`` and ``cls``."""
    args = function.args.posonlyargs + function.args.args
    return [a.arg for a in args if a.arg not in ("self", "cls")]


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of the function's body, without its docstring."""
    body = function.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    return 0 if not body else (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def mutated_exceptions(tree: ast.AST) -> list[int]:
    """Lines that assign to an attribute of a caught exception (``except E as exc: exc.message += …``)."""
    lines = []
    for handler in (n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler) and n.name):
        for node in (n for stmt in handler.body for n in ast.walk(stmt)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == handler.name:
                    lines.append(node.lineno)
    return lines


class TestPositional:
    def test_counts_what_a_caller_passes_by_position(self):
        (function,) = _functions(ast.parse("def f(self, a, b=1, /, c=2, *args, d, **kw): pass"))
        assert positional(function) == ["a", "b", "c"]

    @pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
    def test_no_function_takes_more_than_four_positional_arguments(self, path):
        wide = [
            f"{f.name} (line {f.lineno}): {', '.join(positional(f))}"
            for f in _functions(_tree(path))
            if len(positional(f)) > MAX_POSITIONAL
        ]
        assert not wide, f"{path.name}: pass these by keyword or as one object: {wide}"


class TestBodyLines:
    def test_leaves_out_the_docstring(self):
        (function,) = _functions(ast.parse('def f():\n    """Doc."""\n    a = 1\n\n    return a\n'))
        assert body_lines(function) == 3

    def test_every_step_of_the_pipeline_is_short(self):
        long = [
            f"{f.name}: {body_lines(f)}"
            for f in _functions(_tree(SOURCE / "run" / "pipeline.py"))
            if body_lines(f) > MAX_STEP_LINES
        ]
        assert not long, f"run/pipeline.py steps longer than {MAX_STEP_LINES} lines: {long}"


class TestMutatedExceptions:
    def test_finds_an_attribute_changed_in_a_handler(self):
        tree = ast.parse("try:\n    pass\nexcept E as exc:\n    exc.message += 'x'\n    other.y = 1\n    exc.kept = 2\n")
        assert mutated_exceptions(tree) == [4, 6]

    @pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
    def test_no_exception_is_changed_after_it_was_raised(self, path):
        assert not mutated_exceptions(_tree(path)), f"{path.name}: raise a new error (from the caught one) instead"
