"""Settings validation at start-up and the service-URL allow-list (docs/security.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from pydantic import ValidationError

from bot.settings import DEFAULT_SERVICE_HOSTS, AppType, Mode, Settings

APP_ID = "3f0c5d1e-8b7a-4c2d-9e6f-1a2b3c4d5e6f"
TENANT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
PARTNER_TENANT = "11111111-2222-4333-8444-555555555555"


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "mode": "production",
        "host": "0.0.0.0",
        "app_id": APP_ID,
        "app_password": "s3cret",
        "app_type": "SingleTenant",
        "app_tenant_id": TENANT,
        "allowed_tenants": [TENANT],
        "database_url": "postgresql+asyncpg://forumbot:pw@db.internal:5432/forumbot?ssl=verify-full",
        "signing_key": "k" * 40,
        "public_base_url": "https://forumbot.norrby.se",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def local(**overrides: object) -> Settings:
    return Settings(_env_file=None, mode="local", **overrides)  # type: ignore[call-arg, arg-type]


# --- production -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
def test_production_without_app_id_lists_everything_missing() -> None:
    with pytest.raises(ValueError, match="production mode needs") as caught:
        Settings(_env_file=None, mode=Mode.PRODUCTION, host="0.0.0.0")  # type: ignore[call-arg]
    message = str(caught.value)
    assert "FORUMBOT_APP_ID (MicrosoftAppId)" in message
    assert "FORUMBOT_APP_PASSWORD (MicrosoftAppPassword)" in message
    assert "FORUMBOT_APP_TENANT_ID (MicrosoftAppTenantId)" in message
    assert "FORUMBOT_ALLOWED_TENANTS" in message


@pytest.mark.usefixtures("clean_env")
def test_production_with_only_the_app_id_missing_names_only_that() -> None:
    with pytest.raises(ValueError, match="production mode needs") as caught:
        production(app_id="")
    message = str(caught.value)
    assert "FORUMBOT_APP_ID" in message
    assert "APP_PASSWORD" not in message
    assert "ALLOWED_TENANTS" not in message


@pytest.mark.usefixtures("clean_env")
def test_production_without_tenant_allow_list_is_refused() -> None:
    with pytest.raises(ValueError, match="FORUMBOT_ALLOWED_TENANTS"):
        production(allowed_tenants=[])


@pytest.mark.usefixtures("clean_env")
def test_production_with_credentials_and_tenants_starts() -> None:
    settings = production()
    assert settings.mode is Mode.PRODUCTION
    assert settings.auth_enabled
    assert settings.host == "0.0.0.0"
    config = settings.botframework_config()
    assert (config.APP_ID, config.APP_PASSWORD, config.APP_TYPE, config.APP_TENANTID) == (
        APP_ID,
        "s3cret",
        "SingleTenant",
        TENANT,
    )
    # botbuilder accepts the object (SingleTenant raises here when anything is missing)
    ConfigurationBotFrameworkAuthentication(config)


@pytest.mark.usefixtures("clean_env")
def test_production_managed_identity_needs_no_password() -> None:
    settings = production(app_type="UserAssignedMSI", app_password="")
    assert settings.app_type is AppType.USER_ASSIGNED_MSI
    assert settings.app_password.get_secret_value() == ""


@pytest.mark.usefixtures("clean_env")
def test_production_multi_tenant_needs_no_tenant_id() -> None:
    assert production(app_type="MultiTenant", app_tenant_id="").app_type is AppType.MULTI_TENANT


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "LOCALHOST"])
def test_production_refuses_a_loopback_service_host(host: str) -> None:
    with pytest.raises(ValueError, match="loopback service URLs are only allowed in local mode"):
        production(allowed_service_hosts=[*DEFAULT_SERVICE_HOSTS, host])


@pytest.mark.usefixtures("clean_env")
def test_the_password_is_not_in_the_settings_repr() -> None:
    settings = production(app_password="very-secret-value")
    assert "very-secret-value" not in repr(settings)
    assert "very-secret-value" not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("extra_env", "missing"),
    [
        ({}, "FORUMBOT_APP_ID"),
        (
            {"MicrosoftAppId": APP_ID, "MicrosoftAppTenantId": TENANT, "FORUMBOT_ALLOWED_TENANTS": TENANT},
            "PASSWORD",
        ),
    ],
    ids=["no-app-id", "no-password"],
)
def test_production_process_without_credentials_exits_non_zero(
    tmp_path: Path, extra_env: dict[str, str], missing: str
) -> None:
    """End to end: `python -m bot serve` refuses to start (no server, no database touched)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FORUMBOT_", "Microsoft", "PYTHON"))}
    env.update(
        {
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
            "FORUMBOT_MODE": "production",
            "FORUMBOT_HOST": "0.0.0.0",
            "FORUMBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'never.db'}",
            **extra_env,
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,  # no .env here
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "cannot start" in done.stderr
    assert missing in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "never.db").exists()


# --- local ------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "localhost"])
def test_local_mode_refuses_to_bind_beyond_loopback(host: str) -> None:
    with pytest.raises(ValueError, match="local mode runs without authentication"):
        local(host=host)


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_local_mode_on_loopback_is_fine(host: str) -> None:
    settings = local(host=host)
    assert settings.mode is Mode.LOCAL
    assert not settings.auth_enabled


@pytest.mark.usefixtures("clean_env")
def test_local_mode_without_app_id_builds_the_botbuilder_authentication() -> None:
    """Auth off needs APP_TYPE MultiTenant: botbuilder's SingleTenant factory raises on an empty app id."""
    settings = local()
    assert settings.app_type is AppType.SINGLE_TENANT  # the configured default stays as it is
    config = settings.botframework_config()
    assert config.APP_ID == ""
    assert config.APP_TYPE == "MultiTenant"
    ConfigurationBotFrameworkAuthentication(config)


@pytest.mark.usefixtures("clean_env")
def test_local_mode_with_an_app_id_but_no_password_fails_clearly() -> None:
    with pytest.raises(ValueError, match="an app id needs FORUMBOT_APP_PASSWORD"):
        local(app_id=APP_ID, app_type="SingleTenant", app_tenant_id=TENANT)


@pytest.mark.usefixtures("clean_env")
def test_local_mode_with_full_credentials_authenticates() -> None:
    settings = local(app_id=APP_ID, app_password="pw", app_type="SingleTenant", app_tenant_id=TENANT)
    assert settings.auth_enabled
    ConfigurationBotFrameworkAuthentication(settings.botframework_config())


# --- environment ------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
def test_legacy_microsoft_env_names_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUMBOT_MODE", "production")
    monkeypatch.setenv("FORUMBOT_HOST", "0.0.0.0")
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("MicrosoftAppPassword", "from-env")
    monkeypatch.setenv("MicrosoftAppType", "SingleTenant")
    monkeypatch.setenv("MicrosoftAppTenantId", TENANT)
    monkeypatch.setenv("FORUMBOT_ALLOWED_TENANTS", TENANT)
    monkeypatch.setenv("FORUMBOT_DATABASE_URL", "postgresql+asyncpg://forumbot@db/forumbot?ssl=verify-full")
    monkeypatch.setenv("FORUMBOT_SIGNING_KEY", "k" * 32)
    monkeypatch.setenv("FORUMBOT_PUBLIC_BASE_URL", "https://forumbot.norrby.se")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.app_id == APP_ID
    assert settings.app_password.get_secret_value() == "from-env"
    assert settings.app_type is AppType.SINGLE_TENANT
    assert settings.app_tenant_id == TENANT


@pytest.mark.usefixtures("clean_env")
def test_forumbot_env_names_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUMBOT_APP_ID", APP_ID)
    monkeypatch.setenv("FORUMBOT_APP_PASSWORD", "pw")
    monkeypatch.setenv("FORUMBOT_APP_TYPE", "UserAssignedMSI")
    monkeypatch.setenv("FORUMBOT_APP_TENANT_ID", TENANT)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.app_id, settings.app_type, settings.app_tenant_id) == (
        APP_ID,
        AppType.USER_ASSIGNED_MSI,
        TENANT,
    )


@pytest.mark.usefixtures("clean_env")
def test_allowed_tenants_from_a_comma_separated_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUMBOT_ALLOWED_TENANTS", f" {TENANT} ,{PARTNER_TENANT},, ")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.allowed_tenants == [TENANT, PARTNER_TENANT]
    assert settings.tenant_allowed(PARTNER_TENANT)
    assert not settings.tenant_allowed("00000000-0000-0000-0000-000000000000")
    assert not settings.tenant_allowed(None)


@pytest.mark.usefixtures("clean_env")
def test_allowed_lists_also_accept_json_in_the_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUMBOT_ALLOWED_TENANTS", f'["{TENANT}"]')
    monkeypatch.setenv("FORUMBOT_ALLOWED_SERVICE_HOSTS", "smba.trafficmanager.net,smba.example.test")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.allowed_tenants == [TENANT]
    assert settings.allowed_service_hosts == ["smba.trafficmanager.net", "smba.example.test"]


@pytest.mark.usefixtures("clean_env")
def test_production_from_env_without_app_id_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUMBOT_MODE", "production")
    monkeypatch.setenv("FORUMBOT_ALLOWED_TENANTS", TENANT)
    with pytest.raises(ValidationError, match="FORUMBOT_APP_ID"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.usefixtures("clean_env")
def test_tenant_allow_list_empty_admits_everyone_only_in_local_mode() -> None:
    assert local().tenant_allowed(TENANT)
    assert local().tenant_allowed(None)
    assert not local(allowed_tenants=[TENANT]).tenant_allowed(PARTNER_TENANT)


# --- service_url_allowed ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.trafficmanager.net/teams/", True),
        ("https://SMBA.TrafficManager.net/amer/", True),
        ("https://smba.infra.gcc.teams.microsoft.com/", True),
        ("http://smba.trafficmanager.net/emea/", False),
        ("https://evil.example/", False),
        ("https://smba.trafficmanager.net.evil.example/", False),
        ("https://smba.trafficmanager.net@evil.example/", False),
        ("https://evil.example/smba.trafficmanager.net/", False),
        ("ftp://smba.trafficmanager.net/", False),
        ("smba.trafficmanager.net/emea/", False),
        ("", False),
        ("https://[::1", False),
    ],
)
def test_service_url_allow_list(url: str, allowed: bool) -> None:
    assert production().service_url_allowed(url) is allowed
    assert local().service_url_allowed(url) is allowed


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8123/", "https://127.0.0.1/", "http://localhost:3979/", "http://[::1]:9000/"]
)
def test_loopback_service_urls_only_in_local_mode(url: str) -> None:
    assert local().service_url_allowed(url)
    assert not production().service_url_allowed(url)


@pytest.mark.usefixtures("clean_env")
def test_service_hosts_are_configuration() -> None:
    settings = production(allowed_service_hosts=["smba.example.test"])
    assert settings.service_url_allowed("https://smba.example.test/emea/")
    assert not settings.service_url_allowed("https://smba.trafficmanager.net/emea/")


# --- production settings that would break silently (issue: ready for an IT department) -------------------


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"database_url": "sqlite+aiosqlite:///forumbot.db"}, "FORUMBOT_DATABASE_URL"),
        ({"signing_key": ""}, "FORUMBOT_SIGNING_KEY"),
        ({"signing_key": "x" * 31}, "FORUMBOT_SIGNING_KEY"),
        ({"public_base_url": "https://forumbot.example.se"}, "FORUMBOT_PUBLIC_BASE_URL"),
        ({"public_base_url": "https://forumbot.example.se/"}, "FORUMBOT_PUBLIC_BASE_URL"),
    ],
    ids=["sqlite", "no-signing-key", "short-signing-key", "example-url", "example-url-slash"],
)
def test_production_refuses_settings_that_would_break_it_silently(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match="production mode cannot run") as caught:
        production(**overrides)
    lines = [line for line in str(caught.value).splitlines() if line.startswith("FORUMBOT_")]
    assert [line.split(" ")[0] for line in lines] == [named]


@pytest.mark.usefixtures("clean_env")
def test_a_32_character_signing_key_and_a_real_address_are_enough() -> None:
    assert production(signing_key="s" * 32).public_base_url == "https://forumbot.norrby.se"


def test_production_serve_names_each_bad_setting_on_its_own_line(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FORUMBOT_", "Microsoft", "PYTHON"))}
    env.update({
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "FORUMBOT_MODE": "production", "FORUMBOT_HOST": "0.0.0.0", "FORUMBOT_APP_ID": APP_ID,
        "FORUMBOT_APP_PASSWORD": "pw", "FORUMBOT_APP_TENANT_ID": TENANT, "FORUMBOT_ALLOWED_TENANTS": TENANT,
        "FORUMBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'never.db'}",
    })
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    named = [line.strip() for line in done.stderr.splitlines() if "FORUMBOT_" in line]
    assert [line.split(" ")[1] for line in named] == [
        "FORUMBOT_DATABASE_URL", "FORUMBOT_SIGNING_KEY", "FORUMBOT_PUBLIC_BASE_URL"]
    assert not (tmp_path / "never.db").exists()
