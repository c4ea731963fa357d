"""The shape of the code: no module over 400 lines and no function over 60 in the application packages.

A module's size is its number of lines; a function's is from its `def` line to its last line (docstring, comments
and blank lines included, decorators not), nested functions and methods each counted on their own. Alembic
migrations under storage/migrations/versions are generated and excepted.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "dialogs", "domain", "storage", "manifest", "bench", "tools", "devtools")
EXCEPTED = ("storage/migrations/versions/",)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

Size = tuple[tuple[str, str | None], int]


def function_sizes(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, lines) of every function and method in `tree`, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            assert node.end_lineno is not None
            yield name, node.end_lineno - node.lineno + 1
            yield from function_sizes(node, name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from function_sizes(node, prefix + node.name + ".")
        else:
            yield from function_sizes(node, prefix)


def sizes() -> Iterator[Size]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if where.startswith(EXCEPTED):
                continue
            source = path.read_text(encoding="utf-8")
            yield (where, None), len(source.splitlines())
            for name, lines in function_sizes(ast.parse(source, filename=where)):
                yield (where, name), lines


def limit(entry: tuple[str, str | None]) -> int:
    return MAX_MODULE_LINES if entry[1] is None else MAX_FUNCTION_LINES


@functools.cache
def over_the_limit() -> dict[tuple[str, str | None], int]:
    over: dict[tuple[str, str | None], int] = {}
    for entry, lines in sizes():
        if lines > limit(entry):
            over[entry] = max(lines, over.get(entry, 0))
    return over


def test_no_module_is_over_400_lines() -> None:
    assert {path: n for (path, name), n in over_the_limit().items() if name is None} == {}


def test_no_function_is_over_60_lines() -> None:
    assert {f"{path}:{name}": n for (path, name), n in over_the_limit().items() if name is not None} == {}


def test_the_measure_counts_from_def_to_the_last_line_of_nested_functions_and_methods() -> None:
    body = "".join(f"    x = {i}\n" for i in range(59))
    source = (
        f"def sixty():\n{body}\n"
        f"def sixty_one():\n{body}    x = 59\n\n"
        "class C:\n    async def m(self):\n        def inner():\n            pass\n        return inner\n"
    )
    assert dict(function_sizes(ast.parse(source))) == {"sixty": 60, "sixty_one": 61, "C.m": 4, "C.m.inner": 2}
