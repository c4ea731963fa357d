"""The layering rule: domain is standard library only; storage and dialogs never import each other or bot;
use-case services in bot/services never import botbuilder."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"bot", "dialogs", "storage", "domain", "manifest"}
MAY_IMPORT = {
    "domain": {"domain"},
    "storage": {"domain", "storage"},
    "dialogs": {"domain", "dialogs"},
    "bot/services": {"bot", "dialogs", "storage", "domain"},
}


def top_level_imports(package: Path) -> Iterator[tuple[Path, str]]:
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_package_respects_the_dependency_rule(package: str) -> None:
    for path, top in top_level_imports(ROOT / package):
        where = path.relative_to(ROOT)
        assert top not in OURS - MAY_IMPORT[package], f"{where} imports {top}"
        if package == "domain":
            assert top in sys.stdlib_module_names | {"domain"}, f"{where} imports {top}"
        assert top not in {"botbuilder", "botframework"} or package not in ("domain", "storage", "bot/services"), (
            f"{where} imports {top}"
        )


def test_dialogs_card_builders_do_not_import_botbuilder() -> None:
    for path, top in top_level_imports(ROOT / "dialogs"):
        assert top not in {"botbuilder", "botframework", "aiohttp", "sqlalchemy"}, f"{path} imports {top}"
