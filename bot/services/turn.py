"""What a use case needs to know about a turn, and what it answers, without botbuilder types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.texts import Texts
from domain.model import ConversationType, Forum, Person


@dataclass(frozen=True)
class Origin:
    """Where an activity came from, read once per turn."""

    tenant_id: str | None
    conversation_id: str
    conversation_type: str  # personal | groupChat | channel
    service_url: str
    user_id: str | None
    user_name: str | None
    aad_object_id: str | None
    bot_id: str | None
    team_id: str | None
    channel_id: str | None
    locale: str | None

    @property
    def is_personal(self) -> bool:
        return self.conversation_type == ConversationType.PERSONAL


@dataclass
class Turn:
    origin: Origin
    person: Person
    t: Texts
    now: datetime
    forum: Forum | None  # the forum bound to this conversation (channel or group chat), if any

    @property
    def is_chair(self) -> bool:
        return self.forum is not None and self.forum.chair_id == self.person.id


@dataclass
class Reply:
    """A use case's answer: text and/or a card, shown to the person who acted.

    For a card action `replace=True` means the card the person used is replaced by `card`.
    """

    text: str | None = None
    card: dict[str, Any] | None = None
    replace: bool = False
