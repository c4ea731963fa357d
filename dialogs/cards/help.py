"""The help card: what this person can do here, in their role."""

from __future__ import annotations

import enum

from dialogs.cards.elements import Element, card, heading, text
from dialogs.texts import Texts


class HelpRole(enum.StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    NONE = "none"


def help_card(
    t: Texts,
    *,
    role: HelpRole,
    forum: str | None,
    organisation: str | None,
    forum_here: bool,
    personal: bool,
) -> Element:
    body: list[Element] = [heading(t("help.title"))]
    if role is HelpRole.CHAIR and forum:
        body.append(text(t("help.role_chair", forum=forum)))
    elif role is HelpRole.MEMBER and forum:
        body.append(
            text(
                t("help.role_member", forum=forum, organisation=organisation)
                if organisation
                else t("help.role_member_no_org", forum=forum)
            )
        )
    else:
        body.append(text(t("help.role_none") if forum_here or personal else t("help.no_forum_here")))
    if role is HelpRole.CHAIR:
        body.append(text(t("help.chair_commands")))
    if role in (HelpRole.CHAIR, HelpRole.MEMBER):
        body.append(text(t("help.member_commands")))
    if role is HelpRole.NONE and not personal:
        body.append(text(t("help.join_commands") if forum_here else t("help.setup_commands")))
    body.append(text(t("help.always")))
    if not personal:
        body.append(text(t("help.mention_note"), weight="Bolder"))
    body.append(text(t("help.dst_note"), subtle=True))
    return card(body)
