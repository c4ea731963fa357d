"""Fill the manifest template and zip the Teams app package. Standard library only, no settings import.

Placeholders in manifest.json (and the localization files):
``{{APP_ID}}`` manifest id, ``{{BOT_ID}}`` the bot's Microsoft App ID, ``{{BASE_URL}}`` public https origin
without trailing slash, ``{{BASE_HOST}}`` its host name (derived), ``{{VERSION}}`` x.y.z, and the publisher:
``{{DEVELOPER_NAME}}``, ``{{DEVELOPER_URL}}``, ``{{PRIVACY_URL}}``, ``{{TERMS_URL}}`` (the municipality's pages).
Values are substituted into the parsed JSON strings, never into raw text.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TEMPLATE_DIR = Path(__file__).resolve().parent
MANIFEST_FILE = "manifest.json"
ICON_FILES = ("color.png", "outline.png")

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_VERSION = re.compile(r"^(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})$")
_PLACEHOLDER = re.compile(r"\{\{[A-Z_]+\}\}")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give a byte-identical package


@dataclass(frozen=True)
class Developer:
    """Who publishes the app in the tenant's catalog, and where its privacy statement and terms are."""

    name: str
    website_url: str
    privacy_url: str
    terms_url: str


def _placeholder_developer(base_url: str) -> Developer:
    """For a Playground package only: addresses under the bot's own origin (not pages the bot serves)."""
    return Developer("Forumbot", f"{base_url}/", f"{base_url}/integritet", f"{base_url}/villkor")


def _check_https(name: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise ValueError(f"{name} must be an https URL such as https://www.norrby.se/integritet, got {value!r}")
    return value.strip()


def _check_guid(name: str, value: str) -> str:
    if not _GUID.match(value):
        raise ValueError(f"{name} must be a GUID like 00000000-0000-0000-0000-000000000000, got {value!r}")
    return value


def _check_version(value: str) -> str:
    if not _VERSION.match(value):
        raise ValueError(f"version must look like 1.0.0 (three numbers, no suffix), got {value!r}")
    return value


def _check_base_url(value: str) -> tuple[str, str]:
    """(base URL without trailing slash, host name) for an https origin, optionally with a path."""
    parts = urlsplit(value.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"base_url must be an https URL such as https://forumbot.example.se, got {value!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"base_url must not contain credentials, a query or a fragment, got {value!r}")
    return value.strip().rstrip("/"), parts.hostname


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, str):
        for key, value in values.items():
            node = node.replace("{{" + key + "}}", value)
        return node
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill(item, values) for key, item in node.items()}
    return node


def _leftover_placeholders(node: Any) -> set[str]:
    text = json.dumps(node, ensure_ascii=False)
    return set(_PLACEHOLDER.findall(text))


def _load_template(name: str) -> Any:
    return json.loads((TEMPLATE_DIR / name).read_text(encoding="utf-8"))


def _values(
    *, app_id: str, bot_id: str, base_url: str, version: str, developer: Developer | None = None
) -> dict[str, str]:
    url, host = _check_base_url(base_url)
    who = developer or _placeholder_developer(url)
    if not who.name.strip() or len(who.name) > 32:
        raise ValueError(f"developer name must be 1-32 characters, got {who.name!r}")
    return {
        "APP_ID": _check_guid("app_id", app_id),
        "BOT_ID": _check_guid("bot_id", bot_id),
        "BASE_URL": url,
        "BASE_HOST": host,
        "VERSION": _check_version(version),
        "DEVELOPER_NAME": who.name.strip(),
        "DEVELOPER_URL": _check_https("developer website", who.website_url),
        "PRIVACY_URL": _check_https("privacy URL", who.privacy_url),
        "TERMS_URL": _check_https("terms URL", who.terms_url),
    }


def _render(name: str, values: dict[str, str]) -> dict[str, Any]:
    document = _fill(_load_template(name), values)
    if not isinstance(document, dict):
        raise RuntimeError(f"{name} template must be a JSON object")
    leftover = _leftover_placeholders(document)
    if leftover:
        raise RuntimeError(f"{name} template has unknown placeholders: {', '.join(sorted(leftover))}")
    return document


def _localization_files(manifest: dict[str, Any]) -> list[str]:
    info = manifest.get("localizationInfo") or {}
    files = [info["defaultLanguageFile"]] if info.get("defaultLanguageFile") else []
    files += [entry["file"] for entry in info.get("additionalLanguages", [])]
    return files


def render_manifest(
    *, app_id: str, bot_id: str, base_url: str, version: str, developer: Developer | None = None
) -> dict[str, Any]:
    """The filled manifest.json as a dict. Raises ValueError for a malformed GUID, URL or version."""
    values = _values(app_id=app_id, bot_id=bot_id, base_url=base_url, version=version, developer=developer)
    return _render(MANIFEST_FILE, values)


def render_localizations(
    *, app_id: str, bot_id: str, base_url: str, version: str, developer: Developer | None = None
) -> dict[str, dict[str, Any]]:
    """File name -> filled localization document, for every file named in the manifest's localizationInfo."""
    values = _values(app_id=app_id, bot_id=bot_id, base_url=base_url, version=version, developer=developer)
    manifest = _render(MANIFEST_FILE, values)
    return {name: _render(name, values) for name in _localization_files(manifest)}


def _json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_package(
    out: Path, *, app_id: str, bot_id: str, base_url: str, version: str, developer: Developer | None = None
) -> Path:
    """Write the app package zip and return its path.

    ``out`` is the zip file to write, or an existing directory (then ``forumbot-<version>.zip`` inside it).
    The zip holds manifest.json, the localization files and both icons at its root.
    """
    manifest = render_manifest(app_id=app_id, bot_id=bot_id, base_url=base_url, version=version, developer=developer)
    localizations = render_localizations(app_id=app_id, bot_id=bot_id, base_url=base_url, version=version,
                                         developer=developer)
    members: dict[str, bytes] = {MANIFEST_FILE: _json_bytes(manifest)}
    for name, document in localizations.items():
        members[name] = _json_bytes(document)
    for name in ICON_FILES:
        members[name] = (TEMPLATE_DIR / name).read_bytes()

    target = out / f"forumbot-{version}.zip" if out.is_dir() else out
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".forumbot-package-", suffix=".zip", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(members):
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, members[name])
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
