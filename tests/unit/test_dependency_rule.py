"""The layering rule: domain is standard library only; storage and dialogs never import each other or bot;
the use cases in bot/services import only domain, dialogs and each other (storage and the edge reach them
through the ports of bot/services/ports.py), checked module by module, TYPE_CHECKING blocks included."""

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
    "bot/services": {"bot", "dialogs", "domain"},
}
SERVICE_MAY_IMPORT = ("bot.services", "dialogs", "domain")
SERVICE_NEVER_IMPORTS = {"botbuilder", "botframework", "aiohttp", "sqlalchemy", "apscheduler", "msal", "requests"}


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


def module_imports(path: Path) -> Iterator[str]:
    """Every dotted name a module imports, anywhere in it (TYPE_CHECKING blocks and functions included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if module == "bot":  # `from bot import delivery` reaches the edge as surely as `import bot.delivery`
                yield from (f"bot.{alias.name}" for alias in node.names)
            else:
                yield module


def refused_for_a_use_case(names: Iterator[str]) -> list[str]:
    return [
        name for name in names
        if name.startswith(".")
        or name.split(".")[0] in SERVICE_NEVER_IMPORTS
        or (name.split(".")[0] in OURS and not name.startswith(SERVICE_MAY_IMPORT))
    ]


SERVICE_MODULES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "bot" / "services").rglob("*.py"))


@pytest.mark.parametrize("module", SERVICE_MODULES)
def test_a_use_case_module_imports_only_domain_dialogs_and_other_use_cases(module: str) -> None:
    assert refused_for_a_use_case(module_imports(ROOT / module)) == []


def test_the_use_case_rule_catches_storage_and_edge_imports(tmp_path: Path) -> None:
    """Not vacuous: storage under TYPE_CHECKING, an edge module by either spelling, and SQLAlchemy are caught."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\n"
        "from bot import delivery\n"
        "import bot.screening\n"
        "from bot.services.ports import Deps\n"
        "from sqlalchemy.exc import IntegrityError\n"
        "if TYPE_CHECKING:\n"
        "    from storage.unit_of_work import SqlAlchemyUnitOfWork\n",
        encoding="utf-8",
    )
    assert refused_for_a_use_case(module_imports(bad)) == [
        "bot.delivery", "bot.screening", "sqlalchemy.exc", "storage.unit_of_work",
    ]
