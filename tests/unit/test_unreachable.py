"""Which final failures mean "the member could not be reached" (issue 6 item 9: never a 401 or a 413)."""

from __future__ import annotations

import pytest

from bot.services.unreachable import join_names, member_unreachable
from dialogs.texts import for_language


@pytest.mark.parametrize(
    ("status", "error", "unreachable"),
    [
        (403, "403 BotNotInConversationRoster", True),
        (404, "404 ConversationNotFound", True),
        (None, "no_conversation", True),
        (None, "conversation_inactive", True),
        (500, "conversation_inactive", True),  # cancelled after an earlier 500: the chat is gone
        (None, "timeout", True),  # retries used up
        (503, "503 ServiceUnavailable", True),
        (429, "429 Throttled", True),
        (401, "unauthorized", False),
        (413, "too_large", False),
        (None, "service_url_not_allowed", False),
        (None, "bad_payload", False),
        (400, "400 BadArgument", False),
    ],
)
def test_member_unreachable(status: int | None, error: str, unreachable: bool) -> None:
    assert member_unreachable(status, error) is unreachable


def test_names_are_joined_in_the_language() -> None:
    assert join_names(for_language("sv"), ["Erik"]) == "Erik"
    assert join_names(for_language("sv"), ["Erik", "Lisa"]) == "Erik och Lisa"
    assert join_names(for_language("en"), ["Erik", "Lisa", "Omar"]) == "Erik, Lisa and Omar"
