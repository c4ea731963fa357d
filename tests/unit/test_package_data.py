"""What the image installs (`pip install .`) carries every data file the code reads: the text catalogs, the Word
template, the migrations, the manifest files. A file no `package-data` pattern names is silently left out of
the wheel, and the container fails at its first sentence."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("bot", "dialogs", "storage", "domain", "manifest")
NOT_DATA = {".py", ".pyc", ".typed"}
DEVELOPERS_ONLY = {"storage/migrations/script.py.mako"}  # what `alembic revision` writes a new migration from


def _matches(relative: PurePosixPath, pattern: str) -> bool:
    """setuptools globs match the whole path below the package ("*.toml" is not "sv/*.toml")."""
    return len(relative.parts) == len(PurePosixPath(pattern).parts) and relative.match(pattern)


def test_every_data_file_of_the_shipped_packages_is_named_by_package_data() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]
    missing = []
    for top in SHIPPED:
        for path in (ROOT / top).rglob("*"):
            relative = PurePosixPath(path.relative_to(ROOT).as_posix())
            if not path.is_file() or path.suffix in NOT_DATA or "__pycache__" in path.parts or (
                    str(relative) in DEVELOPERS_ONLY):
                continue
            covered = any(
                relative.is_relative_to(package.replace(".", "/"))
                and any(_matches(relative.relative_to(package.replace(".", "/")), p) for p in globs)
                for package, globs in patterns.items()
            )
            if not covered:
                missing.append(str(relative))
    assert missing == []
