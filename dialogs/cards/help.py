"""The help card: what this person can do here, in their role."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

from dialogs.cards.elements import Element, card, heading, text
from dialogs.texts import Texts


class HelpRole(enum.StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    NONE = "none"


class HelpGroup(enum.StrEnum):
    """Where a command's help line is shown: to the chair, to members, to newcomers, or always."""

    CHAIR = "chair"
    MEMBER = "member"
    JOIN = "join"  # someone in a forum's conversation who has not joined
    NEW_FORUM = "new_forum"  # a conversation with no forum yet
    ADMIN = "admin"  # an administrator (FORUMBOT_ADMINS), wherever they ask
    ALWAYS = "always"


def help_card(
    t: Texts,
    lines: Mapping[HelpGroup, Sequence[str]],
    *,
    role: HelpRole,
    forum: str | None,
    organisation: str | None,
    forum_here: bool,
    personal: bool,
    admin: bool = False,
) -> Element:
    """`lines`: the catalog keys of each group's help lines, in order (one per command, from the route table)."""

    def group(name: HelpGroup) -> Element:
        return text("\r".join(t(key) for key in lines.get(name, ())))

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
    if role is HelpRole.CHAIR:  # headed groups, so the long list can be scanned on a phone
        body.append(text(t("help.group_chair"), weight="Bolder"))
        body.append(group(HelpGroup.CHAIR))
        body.append(text(t("help.group_member"), weight="Bolder"))
    if role in (HelpRole.CHAIR, HelpRole.MEMBER):
        body.append(group(HelpGroup.MEMBER))
    if role is HelpRole.NONE and not personal:
        body.append(group(HelpGroup.JOIN if forum_here else HelpGroup.NEW_FORUM))
    if admin:
        body.append(text(t("help.role_admin"), weight="Bolder"))
        body.append(group(HelpGroup.ADMIN))
    if admin or role is HelpRole.CHAIR:  # after the headed groups: these are for everyone, not the admins' own
        body.append(text(t("help.group_always"), weight="Bolder"))
    body.append(group(HelpGroup.ALWAYS))
    if not personal:
        body.append(text(t("help.mention_note"), weight="Bolder"))
    body.append(text(t("help.dst_note"), subtle=True))
    return card(body)
