"""Action items in the draft minutes: saving one from its card, removing one, and `åtgärd <text> @person <datum>`.

An action is owned by a role in an organisation (domain/actions.py). The card offers every role, and the forum's
people without one: choosing a person picks the role they hold, or makes them the holder of their organisation's
vacant role (`owner_for`). A new action is checked with `check_new` (empty title, past due date, unknown owner);
an action kept from before keeps its due date even when that has passed. Numbers (Å-12) are given when the
minutes are published; the draft shows "ny".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.services.meetings import local_today
from bot.services.minutes_common import Draft, card_int, screen_draft, stale_note, store
from bot.services.minutes_save import load_draft
from bot.services.minutes_views import action_view, item_view
from bot.services.ports import Deps, UnitOfWork
from bot.services.turn import Reply, Turn
from dialogs.cards.minutes_draft import Feedback
from dialogs.cards.minutes_form import (
    ACTION_DESCRIPTION,
    ACTION_FIELDS,
    ACTION_TITLE,
    PERSON_CHOICE,
    ROLE_CHOICE,
    ActionInput,
    action_input,
    action_keys,
    action_values,
    base_of,
    locate_action,
    next_key,
    submitted,
    too_long,
    with_action,
    without_action,
)
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.actions import ActionProblem, OwnerChoice, check_new, owner_for
from domain.minutes import DraftAction, MinutesItem, StaleDraft
from domain.model import Forum


@dataclass(frozen=True)
class Owner:
    """The owner a card or message chose: an existing role, or a person's role still to be filled."""

    role_id: str | None
    fill: tuple[OwnerChoice, str] | None = None  # (the role to fill, the person) when the role has no holder
    needs_role: str | None = None  # a person without a role, whom only the chair may give one

    @property
    def known(self) -> bool:
        return self.role_id is not None or self.fill is not None


def resolve_owner(forum: Forum, choice: str, actor_id: str) -> Owner:
    live = {o.id for o in forum.organisations}
    if choice.startswith(ROLE_CHOICE):
        role_id = choice.removeprefix(ROLE_CHOICE)
        ok = any(r.id == role_id and r.organisation_id in live for r in forum.roles)
        return Owner(role_id if ok else None)
    if choice.startswith(PERSON_CHOICE):
        return person_owner(forum, choice.removeprefix(PERSON_CHOICE), actor_id)
    return Owner(None)


def person_owner(forum: Forum, person_id: str, actor_id: str) -> Owner:
    """The role a chosen person owns actions through. Giving a person without a role their organisation's
    vacant role changes who gets the lägesbild form, so only the chair (who names roles) may do it here; for
    anyone else the person is refused with a message saying so."""
    found = owner_for(forum, person_id)
    if found is None:
        return Owner(None)
    if found.role_id is not None:
        return Owner(found.role_id)
    if actor_id != forum.chair_id:
        return Owner(None, needs_role=person_id)
    return Owner(None, (found, person_id))


async def fill_role(uow: UnitOfWork, turn: Turn, forum: Forum, owner: Owner) -> tuple[Forum, str]:
    """The owner's role id, making the chosen person the holder of their organisation's vacant role if needed."""
    if owner.role_id is not None:
        return forum, owner.role_id
    assert owner.fill is not None
    choice, person_id = owner.fill
    await uow.forums.set_role_holder(choice.organisation_id, choice.kind, person_id, turn.now)
    uow.audit.record(at=turn.now, action="role.assigned", subject_type="organisation",
                     subject_id=choice.organisation_id, actor_id=turn.person.id, forum_id=forum.id,
                     detail={"kind": choice.kind.value, "holder": person_id, "reason": "action_owner"})
    refreshed = await uow.forums.get(forum.id)
    assert refreshed is not None
    role = refreshed.role(choice.organisation_id, choice.kind)
    assert role is not None
    return refreshed, role.id


def action_errors(t: Texts, forum: Forum, typed: ActionInput, owner: Owner, *, today: date,
                  kept_due: date | None = None, names: Mapping[str, str] | None = None) -> list[str]:
    """A clear message per field; a due date kept unchanged from before is not checked against today."""
    problems = check_new(forum, title=typed.title, owner_role_id=None, due=typed.due, today=today)
    errors = []
    if ActionProblem.EMPTY_TITLE in problems:
        errors.append(t("draft.error.action_title"))
    if owner.needs_role is not None:
        errors.append(t("draft.error.owner_needs_role", name=(names or {}).get(owner.needs_role, owner.needs_role)))
    elif not owner.known:
        errors.append(t("draft.error.action_owner"))
    if typed.due is None:
        errors.append(t("draft.error.action_due"))
    elif ActionProblem.PAST_DUE in problems and typed.due != kept_due:
        errors.append(t("draft.error.action_past_due", date=format_date(t, typed.due), today=format_date(t, today)))
    labels = {ACTION_TITLE: t("draft.action_title_label"), ACTION_DESCRIPTION: t("draft.action_description_label")}
    values = {ACTION_TITLE: typed.title, ACTION_DESCRIPTION: typed.description}
    errors += [t("draft.error.too_long", field=labels[k], max=limit) for k, limit in too_long(values)]
    return errors


async def save_action(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    """The action card's *Spara*: checked, screened, the owner's role filled if needed, then the item's card."""
    t = turn.t
    async with deps.uow() as uow:
        found = await load_draft(uow, turn, data)
        if isinstance(found, Reply):
            return found
        draft = found
        values = submitted(data, ACTION_FIELDS)
        item = draft.content.item(str(data.get("item", ""))) or (draft.content.items[0] if draft.content.items
                                                                 else None)
        if item is None:
            return Reply(text=t("draft.item_gone"), replace=True)
        key = str(data.get("action") or "")
        located = locate_action(draft.content, key) if key else None
        refused = _refuse_action(deps, uow, turn, draft, item, key, located, values, data)
        if refused is not None:
            await uow.commit()
            return refused
        typed = action_input(values, item.key)
        target = draft.content.item(typed.item_key) or item
        forum, role_id = await fill_role(uow, turn, draft.forum, resolve_owner(draft.forum, typed.owner,
                                                                              turn.person.id))
        draft = Draft(forum, draft.meeting, draft.minutes, draft.names)
        number = located[1].number if located else None
        action = DraftAction(key or next_key(action_keys(draft.content), "a"), typed.title, role_id,
                             typed.due or local_today(forum, turn.now), typed.description, number)
        try:
            draft = await store(uow, turn, draft, with_action(draft.content, target.key, action),
                                draft.minutes.revision)
        except StaleDraft:
            return Reply(card=action_view(t, draft, item, located[1] if located else None, typed=values,
                                          feedback=Feedback(note=t("draft.retry"))), replace=True)
        await uow.commit()
        saved = draft.content.item(target.key) or target
        return Reply(card=item_view(t, draft, saved, feedback=Feedback(note=t("draft.action_saved"))), replace=True)


def _refuse_action(
    deps: Deps, uow: UnitOfWork, turn: Turn, draft: Draft, item: MinutesItem, key: str,
    located: tuple[MinutesItem, DraftAction] | None, values: dict[str, str], data: Mapping[str, Any],
) -> Reply | None:
    t = turn.t
    existing = located[1] if located else None
    if key and located is None:  # removed by the other editor meanwhile: offer it as a new one, as typed
        return Reply(card=action_view(t, draft, item, None, typed=values,
                                      feedback=Feedback(note=t("draft.action_gone"))), replace=True)
    if existing is not None and located is not None:
        shown_now = base_of(action_values(existing, located[0].key), ACTION_FIELDS)
        if card_int(data, "revision") != draft.minutes.revision and str(data.get("base", "")) != shown_now:
            return Reply(card=action_view(t, draft, located[0], existing, typed=values,
                                          feedback=Feedback(note=stale_note(t, draft))), replace=True)
    typed = action_input(values, item.key)
    owner = resolve_owner(draft.forum, typed.owner, turn.person.id)
    errors = action_errors(t, draft.forum, typed, owner, today=local_today(draft.forum, turn.now),
                           kept_due=existing.due if existing else None, names=draft.names)
    if errors:
        return Reply(card=action_view(t, draft, item, existing, typed=values, feedback=Feedback(errors=errors)),
                     replace=True)
    labels = {ACTION_TITLE: t("draft.action_title_label"), ACTION_DESCRIPTION: t("draft.action_description_label")}
    fields = {ACTION_TITLE: typed.title, ACTION_DESCRIPTION: typed.description}
    screened = screen_draft(deps, uow, turn, draft, fields, labels, data)
    if screened is not None:
        masked = {**values, **screened.masked}
        return Reply(card=action_view(t, draft, item, existing, typed=masked, feedback=screened.feedback),
                     replace=True)
    return None


async def remove_action(deps: Deps, turn: Turn, data: Mapping[str, Any]) -> Reply:
    t = turn.t
    async with deps.uow() as uow:
        found = await load_draft(uow, turn, data)
        if isinstance(found, Reply):
            return found
        draft = found
        located = locate_action(draft.content, str(data.get("action") or ""))
        item = draft.content.item(str(data.get("item", "")))
        if located is None:
            if item is None:
                return Reply(text=t("draft.action_gone"), replace=True)
            return Reply(card=item_view(t, draft, item, feedback=Feedback(note=t("draft.action_gone"))),
                         replace=True)
        draft = await store(uow, turn, draft, without_action(draft.content, located[1].key), draft.minutes.revision)
        await uow.commit()
        saved = draft.content.item(located[0].key) or located[0]
        return Reply(card=item_view(t, draft, saved, feedback=Feedback(note=t("draft.action_removed"))),
                     replace=True)
