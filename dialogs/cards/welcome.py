"""The welcome card posted once when Forumbot is installed in a conversation."""

from __future__ import annotations

from dialogs.cards.elements import Element, card, execute, heading, text
from dialogs.texts import Texts


def welcome_card(t: Texts, *, personal: bool, installer: str | None) -> Element:
    if personal:
        body = [
            heading(t("welcome.title")),
            text(t("welcome.personal_why")),
            text(t("welcome.what_title"), weight="Bolder"),
            text(t("welcome.what")),
            text(t("welcome.next_title"), weight="Bolder"),
            text(t("welcome.personal_next")),
        ]
        return card(body, [execute(t("welcome.help_button"), "help.open", validate=False)])
    body = [
        heading(t("welcome.title")),
        text(t("welcome.channel_why", installer=installer or t("welcome.someone"))),
        text(t("welcome.what_title"), weight="Bolder"),
        text(t("welcome.what")),
        text(t("welcome.next_title"), weight="Bolder"),
        text(t("welcome.channel_next")),
    ]
    actions = [
        execute(t("welcome.setup_button"), "setup.open", validate=False),
        execute(t("welcome.join_button"), "join.open", validate=False),
        execute(t("welcome.help_button"), "help.open", validate=False),
    ]
    return card(body, actions)


def welcome_text(t: Texts, *, personal: bool) -> str:
    return t("welcome.title") + " " + (t("welcome.personal_next") if personal else t("welcome.channel_next"))
