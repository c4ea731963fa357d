"""`forumbot package` runs on an admin's workstation: the app id and manifest settings, never the secret."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bot.cli import main

APP_ID = "3f0c5d1e-8b7a-4c2d-9e6f-1a2b3c4d5e6f"


def manifest_in(package: Path) -> dict[str, object]:
    with zipfile.ZipFile(package) as archive:
        data: dict[str, object] = json.loads(archive.read("manifest.json"))
    return data


@pytest.mark.usefixtures("clean_env")
def test_the_package_needs_only_the_app_id_and_the_municipalitys_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("FORUMBOT_MODE", "production")  # ignored by packaging: no secret, tenant or database needed
    monkeypatch.setenv("FORUMBOT_APP_ID", APP_ID)
    monkeypatch.setenv("FORUMBOT_PUBLIC_BASE_URL", "https://forumbot.norrby.se")
    monkeypatch.setenv("FORUMBOT_PRIVACY_URL", "https://www.norrby.se/integritet")
    monkeypatch.setenv("FORUMBOT_TERMS_URL", "https://www.norrby.se/villkor")
    monkeypatch.setenv("FORUMBOT_DEVELOPER_NAME", "Norrby kommun")
    main(["package", "--out", str(tmp_path / "app.zip")])
    developer = manifest_in(tmp_path / "app.zip")["developer"]
    assert developer == {"name": "Norrby kommun", "websiteUrl": "https://forumbot.norrby.se/",
                         "privacyUrl": "https://www.norrby.se/integritet",
                         "termsOfUseUrl": "https://www.norrby.se/villkor"}


@pytest.mark.usefixtures("clean_env")
def test_a_release_package_without_privacy_and_terms_pages_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FORUMBOT_APP_ID", APP_ID)
    monkeypatch.setenv("FORUMBOT_PUBLIC_BASE_URL", "https://forumbot.norrby.se")
    with pytest.raises(SystemExit) as stopped:
        main(["package", "--out", str(tmp_path / "app.zip")])
    assert stopped.value.code == 2
    named = [line.split()[1] for line in capsys.readouterr().err.splitlines() if "FORUMBOT_" in line]
    assert named == ["FORUMBOT_PRIVACY_URL", "FORUMBOT_TERMS_URL"]
    assert not (tmp_path / "app.zip").exists()


@pytest.mark.usefixtures("clean_env")
def test_a_playground_package_without_an_app_id_still_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    main(["package", "--out", str(tmp_path / "app.zip")])
    assert "only suits the Playground" in capsys.readouterr().err
    assert manifest_in(tmp_path / "app.zip")["bots"]
