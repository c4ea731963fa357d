"""Domain errors: each carries a text-catalog key and the parameters to word it.

Use cases raise them; the Teams edge words them in the person's language in one place (`bot/handler.py`).
"""

from __future__ import annotations

from domain.model import Forum


class ConflictingWrite(Exception):
    """Another transaction stored the same unique thing first (e.g. two first submits for one organisation)."""


class DomainError(Exception):
    """A known business reason a request cannot be carried out."""

    key: str = "error.generic"

    def __init__(self, **params: object) -> None:
        super().__init__(self.key)
        self.params = params

    def __str__(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, params={sorted(self.params)!r})"


class NotChair(DomainError):
    """Only the chair may do this; `chair` names her."""

    key = "error.not_chair"


class NotAdmin(DomainError):
    """Only an administrator (FORUMBOT_ADMINS) may do this."""

    key = "error.not_admin"


class ForumNotFound(DomainError):
    key = "error.no_forum"


class NotAMember(DomainError):
    key = "error.not_member"


class StaleCard(DomainError):
    """The card names something that is no longer there (a forum, a meeting)."""

    key = "error.stale_card"


class ChannelOnly(DomainError):
    key = "error.channel_only"


class NoRole(DomainError):
    """The person holds no participant or deputy role in `forum`."""

    key = "contribution.no_role"


class ManyForums(DomainError):
    """A 1:1 chat names no forum and the person is in several: which one is meant cannot be guessed."""

    key = "contribution.pick_forum"

    def __init__(self, forums: tuple[Forum, ...] = (), **params: object) -> None:
        super().__init__(**params)
        self.forums = forums


class ChairsNoForum(DomainError):
    key = "membership.test_not_chair"


class Usage(DomainError):
    """A command's arguments could not be read; `key` says how to write them."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        super().__init__(**params)


class NotRecordKeeper(DomainError):
    """Only the chair and the forum's secretary write, publish and correct minutes."""

    key = "record.not_record_keeper"


class NotApprover(DomainError):
    """Only the forum's named approvers (justerare) approve minutes."""

    key = "record.not_approver"


class NotReader(DomainError):
    """Published minutes are read by the forum's members, keepers, approvers and named recipients only."""

    key = "published.not_reader"
