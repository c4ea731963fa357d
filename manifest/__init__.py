"""The Teams app package: manifest template, localization, icons and the builder (see manifest/build.py)."""

from __future__ import annotations

from manifest.build import build_package, render_localizations, render_manifest

__all__ = ["build_package", "render_localizations", "render_manifest"]
