"""Every document the code and docs cite is in the repository: a clean clone has everything a reader is sent to."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = {".py", ".md", ".toml", ".mjs", ".yaml", ".yml", ".sh", ".example"}
# Background documents kept outside the repository, and their requirement ids (R1.1) and section signs (§4.3).
OUTSIDE = re.compile(r"security-and-reliability\.md|shape-before-growth\.md|style-examples\.md|shared/docs|"
                     r"(?<![\w/])domain\.md|\bR[0-9]\.[0-9]+\b|§ ?[0-9]")
DOCS_PATH = re.compile(r"\bdocs/([\w.-]+\.md)")
SKIPPED = {".git", ".venv", "node_modules", "build", "dist", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def project_files() -> list[Path]:
    """The project's own text files (not the virtualenv, npm packages or caches)."""
    found: list[Path] = []
    for top in ROOT.iterdir():
        if top.name in SKIPPED or top.name.endswith(".egg-info"):
            continue
        candidates = [top] if top.is_file() else top.rglob("*")
        for path in candidates:
            if path.suffix in SUFFIXES and path.is_file() and not SKIPPED & set(path.relative_to(ROOT).parts):
                found.append(path)
    return sorted(found)


def test_nothing_cites_a_document_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in project_files()
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_every_cited_docs_page_exists() -> None:
    cited = {
        (name, path.relative_to(ROOT).as_posix())
        for path in project_files()
        for name in DOCS_PATH.findall(path.read_text(encoding="utf-8"))
    }
    assert sorted((name, where) for name, where in cited if not (ROOT / "docs" / name).is_file()) == []
