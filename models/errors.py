"""Domain exceptions. Each carries a short Swedish message meant for the user.

One error handler (per chat adapter) turns these into a reply; domain code only raises.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors whose message can be shown to a user as it is (Swedish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """A measure, group or plan that the user named does not exist."""


class ParseError(DomainError):
    """The user's input could not be understood."""


class ValidationError(DomainError):
    """Input understood but not acceptable (too long, bad date, …).

    `field` names the modal/form field so adapters can show the error beside it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PersonalDataRefused(ValidationError):
    """Text contained a Swedish personal identity number; it is never stored or echoed."""


class NotAllowed(DomainError):
    """The user may not do this (wrong group, not a coordinator)."""


class ImportFailed(DomainError):
    """The file could not be read as an action plan (corrupt, encrypted, not Excel)."""


class ServiceUnavailable(DomainError):
    """The database (or another dependency) is down."""

    def __init__(
        self, message: str = "Tjänsten är tillfälligt otillgänglig, försök igen om en stund."
    ) -> None:
        super().__init__(message)
