"""Settings from the environment (pydantic-settings). Secrets are never logged or repr'd."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./atgard.db"


_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


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
    digest_weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday
    digest_time: str = "08:00"
    reminder_days_before: int = Field(default=3, ge=0, le=30)
    tertial_nudge_days_before: int = Field(default=5, ge=0, le=60)
    scheduler_enabled: bool = True
    scan_interval_seconds: int = Field(default=60, ge=1)
    log_level: str = "INFO"
    sandbox: bool = False

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        # "0830" or "25:00" used to become 08.00 without a word: every digest at the wrong time.
        if isinstance(value, str):
            m = _CLOCK.match(value.strip())
            if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
                raise ValueError("ska vara en tid som 08.00")
            return f"{int(m.group(1)):02d}:{m.group(2)}"
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("ska vara en tidszon som Europe/Stockholm") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in _LEVELS:
            raise ValueError("ska vara DEBUG, INFO, WARNING eller ERROR")
        return value.upper()

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


_SWEDISH = {
    "int_parsing": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "bool_parsing": "ska vara true eller false",
    "missing": "saknas",
}


def settings_problems(error: ValidationError) -> list[str]:
    """One Swedish line per setting that cannot be used, naming its environment variable and
    never its value (it may be a secret): for the CLI to print instead of a traceback."""
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        name = str(problem["loc"][0]).upper() if problem["loc"] else "inställning"
        kind, ctx = problem["type"], problem.get("ctx") or {}
        if kind == "value_error" and "error" in ctx:
            what = str(ctx["error"])
        elif kind == "greater_than_equal":
            what = f"ska vara minst {ctx['ge']}"
        elif kind == "less_than_equal":
            what = f"får vara högst {ctx['le']}"
        else:
            what = _SWEDISH.get(kind, "har ett värde som inte går att använda")
        lines.append(f"Fel i inställningarna: {name} {what}.")
    return lines
