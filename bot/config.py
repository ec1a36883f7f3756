"""Settings from the environment (pydantic-settings). Secrets are never logged or repr'd."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./atgard.db"


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    port: int = 3000
    # Web server processes (the hosting platforms' WEB_CONCURRENCY convention): Python runs one
    # request at a time per process, so on a multi-core host more workers answer more commands
    # at once. One of them runs the scheduler (reminders.leader).
    web_concurrency: int = Field(default=2, ge=1, le=32)
    timezone: str = "Europe/Stockholm"
    # Coordinators may import/export, change rhythms, bindings and assignments everywhere.
    admin_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    coordinator_usergroup: str | None = None
    digest_weekday: int = 0  # Monday
    digest_time: str = "08:00"
    reminder_days_before: int = 3
    tertial_nudge_days_before: int = 5
    scheduler_enabled: bool = True
    scan_interval_seconds: int = 60
    log_level: str = "INFO"
    sandbox: bool = False

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("coordinator_usergroup", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # COORDINATOR_USERGROUP=" " names no group: it must read as unset, not as a group id.
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _normalise_url(cls, value: object) -> object:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 dialect.
        if isinstance(value, str):
            for prefix in ("postgres://", "postgresql://"):
                if value.startswith(prefix):
                    return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def has_slack(self) -> bool:
        return self.slack_bot_token is not None and self.slack_signing_secret is not None
