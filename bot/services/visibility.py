"""The chair's card for external organisations and who sees the compiled lägesbild: opened from the setup card
(`visibility.open`) or with `synlighet`, saved with `visibility.save`.

Checked again on the server: the choice must be one of domain.visibility.SummaryVisibility, and only the forum's
own organisations are marked. The card carries a revision of what it showed; a save from an outdated card stores
nothing and answers with the current card. Audited as `organisation.external_changed` (per changed organisation)
and `visibility.changed` (old and new choice). The next compiled lägesbild follows the new choice
(bot/services/summaries.py, summary_recipients.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.services.guards import chaired_forum
from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.cards.visibility import (
    VISIBILITY,
    external_input,
    visibility_card,
    visibility_saved_card,
    visibility_values,
)
from dialogs.texts import Texts
from domain.audit import EXTERNAL_CHANGED, VISIBILITY_CHANGED
from domain.model import Forum
from domain.revisions import fingerprint
from domain.visibility import SummaryVisibility

log = logging.getLogger(__name__)


def visibility_revision(forum: Forum) -> str:
    """What the card showed: the choice and each organisation's flag (a renamed or added organisation, too)."""
    shown = [forum.visibility.value, *(f"{o.id}={o.name}={o.external}" for o in forum.organisations)]
    return fingerprint("|".join(shown))


def _card(t: Texts, forum: Forum, values: Mapping[str, str] | None = None, errors: list[str] | None = None,
          note: str | None = None) -> dict[str, Any]:
    return visibility_card(t, forum=forum, values=values or visibility_values(forum),
                           revision=visibility_revision(forum), errors=errors or (), note=note)


async def open_visibility(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or "") or None)
    return Reply(card=_card(turn.t, forum))


async def open_visibility_command(deps: Deps, turn: Turn, _: None) -> Reply:
    """`synlighet` in the forum's channel (or a chair's 1:1 chat with one forum)."""
    return await open_visibility(deps, turn, {})


def _choice(raw: object) -> SummaryVisibility | None:
    try:
        return SummaryVisibility(str(raw or ""))
    except ValueError:
        return None


async def save_visibility(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        forum = await chaired_forum(uow, turn, str(data.get("forum_id") or ""))
        if str(data.get("revision", "")) != visibility_revision(forum):
            log.info("outdated visibility card refused: forum=%s", forum.id)
            return Reply(card=_card(t, forum, note=t("visibility.stale")), replace=True)
        values = {external_input(o.id): str(data.get(external_input(o.id), "false")) for o in forum.organisations}
        values[VISIBILITY] = str(data.get(VISIBILITY) or "")
        choice = _choice(values[VISIBILITY])
        if choice is None:
            return Reply(card=_card(t, forum, values, [t("visibility.error_choice")]), replace=True)
        wanted = {o.id: values[external_input(o.id)] == "true" for o in forum.organisations}
        stored = {o.id: o.external for o in forum.organisations}
        changed = {org_id: flag for org_id, flag in wanted.items() if stored[org_id] != flag}
        if changed:
            await uow.forums.set_external(forum.id, changed, turn.now)
        for org_id, flag in sorted(changed.items()):
            uow.audit.record(at=turn.now, action=EXTERNAL_CHANGED, subject_type="organisation",
                             subject_id=org_id, actor_id=turn.person.id, forum_id=forum.id,
                             detail={"external": flag})
        if choice is not forum.visibility:
            await uow.forums.set_visibility(forum.id, choice, turn.now)
            uow.audit.record(at=turn.now, action=VISIBILITY_CHANGED, subject_type="forum", subject_id=forum.id,
                             actor_id=turn.person.id, forum_id=forum.id,
                             detail={"from": forum.visibility.value, "to": choice.value})
        await uow.commit()
    saved = replace(forum, visibility=choice, organisations=tuple(
        replace(o, external=wanted[o.id]) for o in forum.organisations))
    log.info("visibility saved: forum=%s choice=%s external_changes=%s", forum.id, choice.value, len(changed))
    return Reply(card=visibility_saved_card(t, saved), replace=True)
