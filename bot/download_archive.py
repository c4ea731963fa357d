"""Downloads of issue 11 (archive) behind the signed link; joined in bot/downloads.py."""

from __future__ import annotations

from bot.downloads import Download

DOWNLOADS: dict[str, Download] = {}
