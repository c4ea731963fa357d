"""bench/ shares the fake Bot Connector with the tests through devtools/, and imports nothing from tests/;
the shipped packages import neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("bot", "dialogs", "domain", "storage", "manifest")


def imported_tops(folder: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(where, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((where, node.module.split(".")[0]))
    return found


def test_bench_and_devtools_do_not_import_the_tests() -> None:
    for folder in ("bench", "devtools"):
        offenders = sorted(where for where, top in imported_tops(ROOT / folder) if top == "tests")
        assert offenders == [], offenders


def test_bench_gets_the_fake_connector_from_devtools() -> None:
    users = {where for where, top in imported_tops(ROOT / "bench") if top == "devtools"}
    assert {"bench/delivery.py", "bench/turns.py"} <= users


@pytest.mark.parametrize("package", SHIPPED)
def test_the_shipped_packages_import_neither_devtools_nor_tests(package: str) -> None:
    imports = imported_tops(ROOT / package)
    offenders = sorted(f"{where}: {top}" for where, top in imports if top in ("devtools", "tests"))
    assert offenders == [], offenders
