"""The one rule for the language of a proactive message: the person's choice, the forum's setting, the default."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.services.notify import language_for, texts_for
from domain.model import Forum, Person, Schedule

FORUM = Forum(id="f", name="Forum", tenant_id="t", conversation_id="19:c", chair_id="29:anna", schedule=Schedule())
NOBODY = Person(id="29:x", display_name="X")


@pytest.mark.parametrize(("person", "forum_language", "default", "expected"), [
    (replace(NOBODY, language="en", client_language="sv"), "sv", "sv", "en"),  # their own choice wins
    (replace(NOBODY, client_language="en"), "sv", "sv", "en"),  # else what their Teams client speaks
    (NOBODY, "en", "sv", "en"),  # else the forum's language setting
    (NOBODY, None, "en", "en"),  # else FORUMBOT_DEFAULT_LANGUAGE
    (NOBODY, None, "sv", "sv"),
    (None, "en", "sv", "en"),  # nobody known: the forum's setting
    (None, None, "en", "en"),
])
def test_person_then_forum_then_default(
    person: Person | None, forum_language: str | None, default: str, expected: str
) -> None:
    forum = replace(FORUM, language=forum_language)
    assert language_for(person, forum, default) == expected
    assert texts_for(person, forum, default).language == expected


def test_without_a_forum_the_default_applies_and_the_words_are_that_language() -> None:
    assert language_for(None, None, "en") == "en"
    assert texts_for(None, None, "en")("setup.language") == "Language"
    assert texts_for(None, replace(FORUM, language="sv"), "en")("setup.language") == "Språk"
