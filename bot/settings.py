"""One typed Settings object, from the environment and .env, validated at start-up."""

from __future__ import annotations

import enum
import json
import re
from types import SimpleNamespace
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dialogs.documents.template import TemplateError, check_template
from domain import service_urls
from domain.mail import valid_email
from domain.service_urls import ServiceUrlCheck

DEFAULT_SERVICE_HOSTS = (
    "smba.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
EXAMPLE_PUBLIC_URL = "https://forumbot.example.se"
MIN_SIGNING_KEY = 32
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class Mode(enum.StrEnum):
    LOCAL = "local"
    PRODUCTION = "production"


class AppType(enum.StrEnum):
    SINGLE_TENANT = "SingleTenant"
    MULTI_TENANT = "MultiTenant"
    USER_ASSIGNED_MSI = "UserAssignedMSI"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FORUMBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    _url_checks: dict[tuple[str, tuple[str, ...], bool], ServiceUrlCheck] = PrivateAttr(default_factory=dict)

    mode: Mode = Mode.LOCAL
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    database_url: str = "sqlite+aiosqlite:///forumbot.db"

    app_id: str = Field(default="", validation_alias=AliasChoices("FORUMBOT_APP_ID", "MicrosoftAppId", "app_id"))
    app_password: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=AliasChoices("FORUMBOT_APP_PASSWORD", "MicrosoftAppPassword", "app_password"),
    )
    app_type: AppType = Field(
        default=AppType.SINGLE_TENANT,
        validation_alias=AliasChoices("FORUMBOT_APP_TYPE", "MicrosoftAppType", "app_type"),
    )
    app_tenant_id: str = Field(
        default="",
        validation_alias=AliasChoices("FORUMBOT_APP_TENANT_ID", "MicrosoftAppTenantId", "app_tenant_id"),
    )

    # NoDecode: the env source would otherwise insist on JSON and reject "a,b" before _split_csv sees it.
    allowed_tenants: Annotated[list[str], NoDecode] = Field(default_factory=list)
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)  # Entra object ids: forumöversikt, archive …
    allowed_service_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEFAULT_SERVICE_HOSTS))
    default_language: str = "sv"
    manifest_app_id: str = "6f1d7b52-3c7e-4d8a-9a43-5f0e2b7c9d10"
    public_base_url: str = EXAMPLE_PUBLIC_URL
    migrate_on_start: bool = True  # False: migrations run as a release step (`forumbot migrate`)

    signing_key: SecretStr = Field(default=SecretStr(""))  # for export links; random per process when empty
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)
    request_read_timeout_seconds: float = Field(default=10.0, gt=0)  # a body not read in full by then: 408
    tick_seconds: int = Field(default=30, ge=1, le=600)
    delivery_batch: int = Field(default=20, ge=1, le=500)
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)
    delivery_lease_seconds: int = Field(default=120, ge=5)
    delivery_timeout_seconds: float = Field(default=20.0, gt=0)
    retry_base_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=600.0, gt=0)
    rate_per_conversation_per_second: float = Field(default=7.0, gt=0)
    rate_per_conversation_per_hour: int = Field(default=1800, ge=1)
    rate_global_per_second: float = Field(default=30.0, gt=0)
    delivery_concurrency: int = Field(default=12, ge=1, le=64)  # calls to Teams in flight, across conversations
    delivery_slow_seconds: float = Field(default=2.0, gt=0)  # a call this slow stops holding a concurrency slot
    delivery_max_slow: int = Field(default=48, ge=0, le=500)  # ... while at most this many slow calls are pending
    throttle_pause_conversations: int = Field(default=3, ge=1)  # 429s from this many conversations pause everyone
    throttle_window_seconds: float = Field(default=10.0, gt=0)  # ... when they fall within this window
    reply_timeout_seconds: float = Field(default=10.0, gt=0)  # an in-turn reply to Teams gives up after this
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line, the same fields, never message text
    metrics_token: SecretStr = Field(default=SecretStr(""))  # GET /metrics wants "Bearer <token>" when set
    word_template: str = ""  # a .docx whose styles, header and footer the Word exports use; empty: the default
    smtp_host: str = ""  # mail of published minutes is on when host and from are set
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""  # empty: no login
    smtp_password: SecretStr = Field(default=SecretStr(""))
    smtp_from: str = ""  # the sender address, e.g. forumbot@kommun.se
    smtp_starttls: bool = True  # false only for a relay on a trusted network: then nothing is encrypted
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("allowed_tenants", "allowed_service_hosts", "admins", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("admins")
    @classmethod
    def _object_ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _OBJECT_ID.fullmatch(v)]
        if bad:
            raise ValueError(f"not an Entra object id (a GUID): {', '.join(repr(v) for v in bad)}")
        return [v.lower() for v in value]

    @field_validator("allowed_service_hosts")
    @classmethod
    def _plain_hosts(cls, value: list[str]) -> list[str]:
        readable = service_urls.normalise_host
        bad = [h for h in value if readable(h) is None and readable(f"[{h}]") is None]  # "::1" is a host too
        if bad:
            raise ValueError(f"not a plain host name: {', '.join(repr(h) for h in bad)} (no scheme, port or path)")
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("sv", "en"):
            raise ValueError("default_language must be 'sv' or 'en'")
        return value

    @field_validator("word_template")
    @classmethod
    def _usable_template(cls, value: str) -> str:
        if value.strip():
            try:
                check_template(value.strip())
            except TemplateError as error:
                raise ValueError(f"FORUMBOT_WORD_TEMPLATE: {error}") from None
        return value.strip()

    @model_validator(mode="after")
    def _check_mail(self) -> Settings:
        if bool(self.smtp_host.strip()) != bool(self.smtp_from.strip()):
            raise ValueError("FORUMBOT_SMTP_HOST and FORUMBOT_SMTP_FROM go together: set both to send minutes by "
                             "e-mail, or neither")
        if self.smtp_from and not valid_email(self.smtp_from.strip()):
            raise ValueError("FORUMBOT_SMTP_FROM is not an e-mail address")
        if self.smtp_password.get_secret_value() and not self.smtp_username:
            raise ValueError("FORUMBOT_SMTP_PASSWORD is set without FORUMBOT_SMTP_USERNAME")
        return self

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host.strip() and self.smtp_from.strip())

    @model_validator(mode="after")
    def _check_mode(self) -> Settings:
        if self.mode is Mode.LOCAL:
            if self.host not in LOOPBACK_HOSTS - {"localhost"}:
                raise ValueError(
                    "local mode runs without authentication and may only bind to 127.0.0.1 or ::1 "
                    f"(FORUMBOT_HOST is {self.host!r})"
                )
            # With an app id, local mode authenticates like production: fail here with a clear message
            # instead of botbuilder's "Property 'APP_PASSWORD' is expected in configuration object".
            missing = self._missing_credentials() if self.app_id else []
            if missing:
                raise ValueError("an app id needs " + ", ".join(missing))
            return self
        missing = self._missing_credentials()
        if not self.allowed_tenants:
            missing.append("FORUMBOT_ALLOWED_TENANTS")
        if missing:
            raise ValueError("production mode needs " + ", ".join(missing))
        if any(h.lower() in LOOPBACK_HOSTS for h in self.allowed_service_hosts):
            raise ValueError("loopback service URLs are only allowed in local mode")
        problems = self.production_problems()
        if problems:
            raise ValueError("production mode cannot run with these settings:\n" + "\n".join(problems))
        return self

    def production_problems(self) -> list[str]:
        """Settings that would break a production deployment silently: one line each, naming the setting."""
        problems = []
        if self.database_url.startswith("sqlite"):
            problems.append("FORUMBOT_DATABASE_URL is SQLite: production needs PostgreSQL "
                            "(postgresql+asyncpg://user:password@host:5432/forumbot?ssl=verify-full)")
        if len(self.signing_key.get_secret_value()) < MIN_SIGNING_KEY:
            problems.append(f"FORUMBOT_SIGNING_KEY must be a secret of at least {MIN_SIGNING_KEY} characters "
                            "(export links are signed with it; every instance needs the same one)")
        host = (urlsplit(self.public_base_url).hostname or "").lower()
        if self.public_base_url.rstrip("/") == EXAMPLE_PUBLIC_URL or host.endswith(("example.se", "example.com")):
            problems.append("FORUMBOT_PUBLIC_BASE_URL is still the example: set the bot's public https address")
        return problems

    def _missing_credentials(self) -> list[str]:
        missing = []
        if not self.app_id:
            missing.append("FORUMBOT_APP_ID (MicrosoftAppId)")
        if self.app_type is not AppType.USER_ASSIGNED_MSI and not self.app_password.get_secret_value():
            missing.append("FORUMBOT_APP_PASSWORD (MicrosoftAppPassword)")
        if self.app_type is not AppType.MULTI_TENANT and not self.app_tenant_id:
            missing.append("FORUMBOT_APP_TENANT_ID (MicrosoftAppTenantId)")
        return missing

    @property
    def auth_enabled(self) -> bool:
        return bool(self.app_id)

    @property
    def bot_id(self) -> str:
        return self.app_id

    def check_service_url(self, url: object) -> ServiceUrlCheck:
        """The strict reading of domain/service_urls.py: the normalised URL, or why it is refused.

        https and an exactly allow-listed host on port 443; loopback (http too, any port) only in local mode."""
        if not isinstance(url, str):
            return service_urls.check(url, allowed_hosts=self.allowed_service_hosts, local=self.mode is Mode.LOCAL)
        key = (url, tuple(self.allowed_service_hosts), self.mode is Mode.LOCAL)
        found = self._url_checks.get(key)
        if found is None:  # a deployment sees a handful of service URLs: remember each answer (bounded)
            found = service_urls.check(url, allowed_hosts=self.allowed_service_hosts, local=self.mode is Mode.LOCAL)
            if len(self._url_checks) >= 256:
                self._url_checks.clear()
            self._url_checks[key] = found
        return found

    def service_url_allowed(self, url: str) -> bool:
        return self.check_service_url(url).ok

    def service_url_sendable(self, url: str) -> bool:
        """Allowed and already in its normalised form: what the SDK connects to is exactly what was checked."""
        return self.check_service_url(url).url == url

    def tenant_allowed(self, tenant_id: str | None) -> bool:
        if not self.allowed_tenants:
            return self.mode is Mode.LOCAL
        return tenant_id is not None and tenant_id in self.allowed_tenants

    def botframework_config(self) -> SimpleNamespace:
        """The UPPERCASE object botbuilder's ConfigurationBotFrameworkAuthentication reads."""
        return SimpleNamespace(
            APP_ID=self.app_id,
            APP_PASSWORD=self.app_password.get_secret_value(),
            # botbuilder only allows an empty app id (authentication off) with MultiTenant; SingleTenant and
            # UserAssignedMSI raise "Property 'APP_ID' is expected" when the adapter is built.
            APP_TYPE=self.app_type.value if self.app_id else AppType.MULTI_TENANT.value,
            APP_TENANTID=self.app_tenant_id,
            PORT=self.port,
        )


class PackageSettings(BaseSettings):
    """What `forumbot package` needs: on an admin's workstation, never the client secret or the tenant."""

    model_config = SettingsConfigDict(
        env_prefix="FORUMBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    app_id: str = Field(default="", validation_alias=AliasChoices("FORUMBOT_APP_ID", "MicrosoftAppId", "app_id"))
    manifest_app_id: str = "6f1d7b52-3c7e-4d8a-9a43-5f0e2b7c9d10"
    public_base_url: str = EXAMPLE_PUBLIC_URL
    developer_name: str = "Forumbot"
    developer_website: str = ""  # default: the public base URL
    privacy_url: str = ""  # the municipality's privacy statement (integritetspolicy)
    terms_url: str = ""  # the terms of use

    def missing_for_release(self) -> list[str]:
        """Settings a real (non-Playground) package needs, one line each."""
        missing = []
        if self.public_base_url.rstrip("/") == EXAMPLE_PUBLIC_URL:
            missing.append("FORUMBOT_PUBLIC_BASE_URL is still the example: set the bot's public https address")
        for name, value in (("FORUMBOT_PRIVACY_URL", self.privacy_url), ("FORUMBOT_TERMS_URL", self.terms_url)):
            if not value:
                missing.append(f"{name} is not set: the app catalog links to it (the municipality's page)")
        return missing
