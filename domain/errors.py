"""Domain errors: each carries a text-catalog key and the parameters to word it."""

from __future__ import annotations

from typing import ClassVar


class ConflictingWrite(Exception):
    """Another transaction stored the same unique thing first (e.g. two first submits for one organisation)."""


class DomainError(Exception):
    """A known business reason a request cannot be carried out."""

    key: ClassVar[str] = "error.generic"

    def __init__(self, **params: object) -> None:
        super().__init__(self.key)
        self.params = params

    def __str__(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, params={sorted(self.params)!r})"


class NotChair(DomainError):
    key = "error.not_chair"


class ForumNotFound(DomainError):
    key = "error.no_forum"


class NotAMember(DomainError):
    key = "error.not_member"


class UnknownOrganisation(DomainError):
    key = "error.unknown_organisation"


class InvalidSetup(DomainError):
    key = "error.invalid_setup"
