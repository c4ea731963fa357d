"""The Teams app package: filled manifest, schema-valid (offline), icons, commands, localization."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.commands import parse
from manifest.build import build_package, render_localizations, render_manifest
from tests.cardcheck import validate_manifest

APP_ID = "6f1d7b52-3c7e-4d8a-9a43-5f0e2b7c9d10"
BOT_ID = "0b6f4c1e-8d2a-4f3b-9c5d-7e1a2b3c4d5e"
BASE_URL = "https://forumbot.norrby.example.se"
VERSION = "1.4.2"
ARGS: dict[str, str] = {"app_id": APP_ID, "bot_id": BOT_ID, "base_url": BASE_URL, "version": VERSION}


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    package = build_package(tmp_path / "out" / "forumbot.zip", **ARGS)
    target = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "en-us.json", "manifest.json", "outline.png"]
        archive.extractall(target)
    return target


def _manifest(unpacked: Path) -> dict[str, Any]:
    data = json.loads((unpacked / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.node
def test_package_validates_against_the_bundled_schema(unpacked: Path) -> None:
    assert validate_manifest(unpacked / "manifest.json") == []


@pytest.mark.node
def test_validator_reports_schema_errors(unpacked: Path) -> None:
    manifest = _manifest(unpacked)
    del manifest["accentColor"]
    manifest["bots"][0]["scopes"] = ["personal", "groupchat"]
    (unpacked / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    localization = json.loads((unpacked / "en-us.json").read_text(encoding="utf-8"))
    localization["name.short"] = "x" * 31
    (unpacked / "en-us.json").write_text(json.dumps(localization), encoding="utf-8")

    errors = validate_manifest(unpacked / "manifest.json")

    assert any("accentColor" in error for error in errors)
    assert any("/bots/0/scopes/1" in error for error in errors)
    assert any(error.startswith("en-us.json:") and "name.short" in error for error in errors)


@pytest.mark.node
def test_validator_refuses_a_schema_it_would_have_to_fetch(unpacked: Path) -> None:
    manifest = _manifest(unpacked)
    manifest["$schema"] = "https://example.com/teams/MicrosoftTeams.schema.json"
    (unpacked / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    errors = validate_manifest(unpacked / "manifest.json")
    assert len(errors) == 1
    assert "$schema must start with https://developer.microsoft.com/json-schemas/teams/" in errors[0]


def test_placeholders_are_filled(unpacked: Path) -> None:
    for name in ("manifest.json", "en-us.json"):
        assert "{{" not in (unpacked / name).read_text(encoding="utf-8")
    manifest = _manifest(unpacked)
    assert manifest["id"] == APP_ID
    assert manifest["version"] == VERSION
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["developer"]["websiteUrl"] == BASE_URL + "/"
    assert manifest["developer"]["privacyUrl"] == BASE_URL + "/integritet"
    assert manifest["developer"]["termsOfUseUrl"] == BASE_URL + "/villkor"
    assert manifest["validDomains"] == ["forumbot.norrby.example.se"]
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["$schema"].endswith("/teams/v1.29/MicrosoftTeams.schema.json")


def test_icon_sizes_and_outline_colours(unpacked: Path) -> None:
    with Image.open(unpacked / "color.png") as color:
        assert color.format == "PNG"
        assert color.size == (192, 192)
        rgb = color.convert("RGB")
    accent = (0x1F, 0x6F, 0x8B)
    assert _manifest(unpacked)["accentColor"] == "#1F6F8B"
    raw_rgb = rgb.tobytes()
    inside, outside = 0, []
    for index in range(192 * 192):
        x, y = index % 192, index // 192
        pixel = tuple(raw_rgb[3 * index : 3 * index + 3])
        if 48 <= x < 144 and 48 <= y < 144:
            inside += pixel != accent
        elif pixel != accent:
            outside.append((x, y))
    assert outside == [], "solid accent background and 48 px padding around the symbol"
    assert inside > 96 * 96 // 4, "the symbol covers a good part of the central 96×96"
    with Image.open(unpacked / "outline.png") as outline:
        assert outline.format == "PNG"
        assert outline.size == (32, 32)
        rgba = outline.convert("RGBA")
        raw = rgba.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    offenders = [p for p in pixels if p[3] != 0 and p[:3] != (255, 255, 255)]
    assert offenders == [], "outline pixels must be white or fully transparent"
    assert any(p[3] == 255 for p in pixels), "outline icon has a visible symbol"
    assert any(p[3] == 0 for p in pixels), "outline icon has a transparent background"
    assert rgba.getbbox() == (0, 0, 32, 32), "outline icon has no padding"


def test_bot_scopes_and_command_lists(unpacked: Path) -> None:
    manifest = _manifest(unpacked)
    assert len(manifest["bots"]) == 1
    bot = manifest["bots"][0]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is False
    assert bot["isNotificationOnly"] is False
    per_scope: dict[str, list[str]] = {}
    for command_list in bot["commandLists"]:
        for scope in command_list["scopes"]:
            assert scope not in per_scope, f"scope {scope} has two command lists"
            per_scope[scope] = [command["title"] for command in command_list["commands"]]
    assert set(per_scope) == {"personal", "team", "groupChat"}
    for scope, titles in per_scope.items():
        assert 1 <= len(titles) <= 10, f"{scope} has {len(titles)} commands"
        assert len(set(titles)) == len(titles)
        assert "hjälp" in titles
    # Issue 6: `gå med` works only in the forum's channel; the chair's commands work in her 1:1 chat too.
    assert per_scope["personal"] == [
        "hjälp",
        "lägesbild",
        "nästa möte",
        "frånvarande till",
        "sammanställ",
        "testa utskick",
        "språk",
        "minnesanteckningar",
        "åtgärder",
        "mina åtgärder",
    ]
    assert (
        per_scope["team"]
        == per_scope["groupChat"]
        == [
            "hjälp",
            "konfigurera",
            "gå med",
            "medlemmar",
            "lägesbild",
            "nästa möte",
            "sammanställ",
            "ställ in",
            "minnesanteckningar",
            "åtgärder",
        ]
    )
    assert manifest["permissions"] == ["identity", "messageTeamMembers"]


def test_localization_covers_every_command_and_nothing_else() -> None:
    manifest = render_manifest(**ARGS)
    localizations = render_localizations(**ARGS)
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "sv-SE"
    assert [(e["languageTag"], e["file"]) for e in manifest["localizationInfo"]["additionalLanguages"]] == [
        ("en-US", "en-us.json")
    ]
    english = localizations["en-us.json"]
    expected = {"$schema", "name.short", "name.full", "description.short", "description.full"}
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for j, _ in enumerate(command_list["commands"]):
            expected |= {f"bots[0].commandLists[{i}].commands[{j}].{key}" for key in ("title", "description")}
    assert set(english) == expected


def test_every_command_title_is_understood_by_the_bot_in_both_languages() -> None:
    # Teams sends the (localized) title as message text when a user picks a command from the menu.
    manifest = render_manifest(**ARGS)
    english = render_localizations(**ARGS)["en-us.json"]
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        for j, command in enumerate(command_list["commands"]):
            swedish = parse(command["title"])
            translated = parse(english[f"bots[0].commandLists[{i}].commands[{j}].title"])
            assert swedish is not None, command["title"]
            assert translated is not None, english[f"bots[0].commandLists[{i}].commands[{j}].title"]
            assert swedish.name == translated.name
            assert swedish.args == translated.args == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("app_id", "not-a-guid", "app_id must be a GUID"),
        ("app_id", APP_ID + "0", "app_id must be a GUID"),
        ("bot_id", "{" + BOT_ID + "}", "bot_id must be a GUID"),
        ("bot_id", "", "bot_id must be a GUID"),
        ("base_url", "http://forumbot.example.se", "base_url must be an https URL"),
        ("base_url", "forumbot.example.se", "base_url must be an https URL"),
        ("base_url", "https://forumbot.example.se/?x=1", "must not contain"),
        ("version", "1.0", "version must look like 1.0.0"),
        ("version", "1.0.0-beta", "version must look like 1.0.0"),
    ],
)
def test_bad_arguments_raise_value_error(tmp_path: Path, field: str, value: str, message: str) -> None:
    args = dict(ARGS, **{field: value})
    with pytest.raises(ValueError, match=message):
        build_package(tmp_path / "forumbot.zip", **args)
    assert not list(tmp_path.iterdir()), "nothing is written on invalid input"


def test_package_into_a_directory_is_reproducible(tmp_path: Path) -> None:
    first = build_package(tmp_path, **ARGS)
    assert first == tmp_path / f"forumbot-{VERSION}.zip"
    again = build_package(tmp_path / "again.zip", **ARGS)
    assert first.read_bytes() == again.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.zip", f"forumbot-{VERSION}.zip"]
