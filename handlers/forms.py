"""Typed metadata carried by forms (Slack private_metadata), validated on the way back in."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.errors import ValidationError as DomainValidationError

M = TypeVar("M", bound=BaseModel)
DB_INT = Field(ge=1, le=2**31 - 1)
STALE_FORM = "Formuläret är för gammalt eller skadat. Stäng det och öppna det igen."


class FollowUpFormMeta(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ref: str = Field(pattern=r"^\d{1,2}\.\d{1,3}$")
    plan_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    channel_id: str | None = Field(default=None, max_length=64)
    # The tertial the form was opened for: a form opened on 30 April and sent after midnight
    # is still T1's, as it said.
    period: str | None = Field(default=None, pattern=r"^\d{4}-T[123]$")


class MeetingFormMeta(BaseModel):
    model_config = ConfigDict(extra="ignore")

    group_id: int = DB_INT
    channel_id: str | None = Field(default=None, max_length=64)


def parse_meta(model: type[M], data: dict[str, str], field: str) -> M:
    """Validate form metadata; empty strings mean "not given"."""
    cleaned = {k: v for k, v in data.items() if v not in ("", None)}
    try:
        return model.model_validate(cleaned)
    except ValidationError:
        raise DomainValidationError(STALE_FORM, field=field) from None
