"""ForumBot: the Teams activity handler. Thin: it reads the turn, calls a use case and shows the reply."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ActivityTypes, Attachment, ChannelAccount

from bot.commands import normalise, parse
from bot.deps import build_deps
from bot.exports import ExportSigner
from bot.references import origin_of, reference_to_json, tenant_of
from bot.routing import TEXT, VERBS, Request, Route, dispatch
from bot.services import install, turnover_commands
from bot.services.membership import RosterMember
from bot.services.notify import language_for
from bot.services.ports import Deps
from bot.services.presence import base_conversation_id, record_origin, turn_key
from bot.services.screening import guard_message
from bot.services.turn import Reply, Turn
from bot.services.wording import word_error
from bot.settings import Settings
from dialogs.cards.elements import CARD_CONTENT_TYPE, card, text
from dialogs.texts import Texts, for_language, negotiate
from domain.clock import Clock
from domain.errors import DomainError
from storage.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"


class ForumBot(TeamsActivityHandler):  # type: ignore[misc]
    def __init__(
        self,
        *,
        settings: Settings,
        uow: UnitOfWorkFactory,
        clock: Clock,
        signer: ExportSigner | None = None,
        deps: Deps | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.uow = uow
        self.clock = clock
        self.signer = signer or ExportSigner()
        self.deps = deps or build_deps(settings, uow, self.signer)
        self.commands: dict[str, Route[Any]] = {route.name: route for route in TEXT}
        self.card_actions: dict[str, Route[Any]] = {route.name: route for route in VERBS}

    # --- every turn -------------------------------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        tenant = tenant_of(activity)
        if not self.settings.tenant_allowed(tenant):
            log.warning("dropped activity %s: tenant %s is not on the allow-list", activity.id, tenant)
            return
        checked = self.settings.check_service_url(activity.service_url)
        if checked.url is None:
            log.warning("dropped activity %s: its service URL is refused (%s)", activity.id, checked.refusal)
            return
        activity.service_url = checked.url  # replies, the stored reference and later sends use only this form
        await super().on_turn(turn_context)

    async def _begin(self, tc: TurnContext) -> Turn:
        """Refresh the person and conversation reference, and load the forum of this conversation.

        Someone who wrote in the same conversation through the same reference within the cache's time to live
        needs no database round trip: nothing would be written, and the forum is the cached one (writes in this
        process drop it; another instance's writes are seen within the time to live).
        """
        origin = origin_of(tc.activity)
        now = self.clock.now()
        reference = reference_to_json(tc.activity)
        key = turn_key(origin, reference)
        cache = self.uow.cache
        recent = cache.turn(key)
        if recent is not None:
            person = recent.person
            forum = cache.recent_forum(recent.forum_id) if recent.forum_id else None
        else:
            async with self.uow() as uow:
                found = await record_origin(uow, origin, reference, now)
                forum = await uow.forums.by_conversation(base_conversation_id(origin.conversation_id))
                await uow.commit()
            if found is None:
                raise ValueError("activity without a sender")
            person = found
            cache.put_turn(key, person, forum.id if forum else None)
        # The one language rule (notify.language_for), with this turn's Teams locale as the client's language.
        language = negotiate(person.language, origin.locale, language_for(None, forum, self.settings.default_language))
        return Turn(origin=origin, person=person, t=for_language(language), now=now, forum=forum)

    # --- messages and card actions ----------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        turn = await self._begin(turn_context)
        if isinstance(activity.value, dict) and not (activity.text or "").strip():
            data = dict(activity.value)
            verb = str(data.get("verb", ""))
            reply = await self._card_action(turn_context, turn, verb, data)
            await self._show(turn_context, turn, reply, replace_id=activity.reply_to_id)
            return
        TurnContext.remove_recipient_mention(activity)
        masked = False
        if not turn.origin.is_personal:
            # Others read the channel: a personnummer there gets its author a private note, and the command
            # goes on with the number masked, so no reply, card or stored row carries it.
            guarded = await guard_message(self.deps, turn, activity.text or "", _request_id(turn_context, turn))
            activity.text = guarded.text
            masked = guarded.flagged
        command = parse(activity.text)
        route = self.commands.get(command.name) if command else None
        if command is None or route is None:
            key = "unknown.empty" if not normalise(activity.text or "") else "unknown.text"
            reply = Reply(text=turn.t(key, name=turn.person.display_name))
        else:
            request = self._request(turn_context, turn, text=command.args, masked=masked,
                                    mentions=_mentions(activity))
            reply = await self._run(route, turn, request)
        await self._show(turn_context, turn, reply, replace_id=None)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
        raw_action = value.get("action")
        action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {}
        raw_data = action.get("data")
        data: dict[str, Any] = dict(raw_data) if isinstance(raw_data, dict) else {}
        verb = str(action.get("verb") or data.get("verb") or "")
        turn = await self._begin(turn_context)
        reply = await self._card_action(turn_context, turn, verb, data)
        if reply.replace:
            return InvokeResponse(status=200, body=_card_body(reply.card or _text_card(reply.text or "")))
        if reply.card is not None:
            # Opening something (setup, join, help) posts a new card and leaves the pressed one as it was.
            await self._show(turn_context, turn, Reply(card=reply.card), replace_id=None)
        return InvokeResponse(
            status=200, body={"statusCode": 200, "type": MESSAGE_RESPONSE, "value": reply.text or ""}
        )

    async def _card_action(self, tc: TurnContext, turn: Turn, verb: str, data: dict[str, Any]) -> Reply:
        route = self.card_actions.get(verb)
        if route is None:
            log.info("unknown card verb on activity %s", tc.activity.id)
            return Reply(text=turn.t("error.card_unknown"))
        return await self._run(route, turn, self._request(tc, turn, data=data))

    async def _run(self, route: Route[Any], turn: Turn, request: Request) -> Reply:
        """The one place a refusal becomes a sentence: a card's refusal replaces it where the route says so."""
        try:
            return await dispatch(route, self.deps, turn, request)
        except DomainError as refusal:
            return Reply(text=word_error(turn.t, refusal.key, refusal.params), replace=route.replaces)

    def _request(
        self, tc: TurnContext, turn: Turn, *, text: str = "", data: dict[str, Any] | None = None, masked: bool = False,
        mentions: tuple[str, ...] = (),
    ) -> Request:
        async def roster() -> list[RosterMember]:
            return await self._roster(tc)

        return Request(text=text, data=data or {}, request_id=_request_id(tc, turn), masked=masked, roster=roster,
                       mentions=mentions)

    async def _show(self, tc: TurnContext, turn: Turn, reply: Reply, *, replace_id: str | None) -> None:
        if reply.replace and replace_id:
            content = reply.card or _text_card(reply.text or "")
            update = Activity(
                type=ActivityTypes.message,
                id=replace_id,
                attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=content)],
            )
            await tc.update_activity(update)
            return
        attachments = [Attachment(content_type=CARD_CONTENT_TYPE, content=reply.card)] if reply.card else None
        await tc.send_activity(Activity(type=ActivityTypes.message, text=reply.text, attachments=attachments))

    # --- what only botbuilder knows ---------------------------------------------------------------

    async def _roster(self, tc: TurnContext) -> list[RosterMember]:
        members: list[RosterMember] = []
        token = None
        try:
            for _ in range(50):  # at most 50 pages of up to 500
                page = await TeamsInfo.get_paged_members(tc, token, 500)
                for m in page.members or []:
                    members.append(RosterMember(id=m.id, name=m.name or m.id, aad_object_id=m.aad_object_id))
                token = page.continuation_token
                if not token:
                    break
        except Exception as error:  # the roster is a convenience; the card still works without it
            log.warning("could not read the roster of %s: %s", tc.activity.conversation.id, type(error).__name__)
        return members

    # --- install, removal and membership events ---------------------------------------------------

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._installed(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await install.removed(self.deps, origin_of(turn_context.activity), self.clock.now())

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Handled here rather than in TeamsActivityHandler, whose members-added dispatch looks up every
        # added member over the network; we only care whether the bot itself was added or removed.
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(m.id == bot_id for m in activity.members_added or []):
            await self._installed(turn_context)
        elif any(m.id == bot_id for m in activity.members_removed or []):
            await install.removed(self.deps, origin_of(activity), self.clock.now())
        elif activity.members_removed:
            # People who left the forum's team or chat: their roles fall vacant, the open actions follow them.
            await turnover_commands.members_left(self.deps, activity.conversation.id,
                                                 [m.id for m in activity.members_removed if m.id],
                                                 self.clock.now(), self.settings.default_language,
                                                 team_id=origin_of(activity).team_id)

    async def _installed(self, tc: TurnContext) -> None:
        activity = tc.activity
        origin = origin_of(activity)
        now = self.clock.now()
        async with self.uow() as uow:
            await record_origin(uow, origin, reference_to_json(activity), now)
            person = await uow.people.get(origin.user_id) if origin.user_id else None  # who installed, if known
            await uow.commit()
        installer = activity.from_property.name if isinstance(activity.from_property, ChannelAccount) else None
        # When the install event carries no locale, the welcome is in the language of the person who installed
        # (known e.g. from the forum's channel), not the default.
        known = person.client_language if person is not None else None
        language = negotiate(person.language if person is not None else None, origin.locale or known,
                             self.settings.default_language)
        await install.welcome(self.deps, origin, for_language(language), installer, now)


def _mentions(activity: Activity) -> tuple[str, ...]:
    """The user ids @mentioned in a message, in order, without the bot's own (Teams mention entities)."""
    bot_id = activity.recipient.id if activity.recipient else None
    found: list[str] = []
    for entity in activity.entities or []:
        if str(getattr(entity, "type", "")).lower() != "mention":
            continue
        mentioned = (getattr(entity, "additional_properties", None) or {}).get("mentioned")
        if mentioned is None:
            mentioned = getattr(entity, "mentioned", None)
        user_id = mentioned.get("id") if isinstance(mentioned, dict) else getattr(mentioned, "id", None)
        if isinstance(user_id, str) and user_id and user_id != bot_id and user_id not in found:
            found.append(user_id)
    return tuple(found)


def _request_id(tc: TurnContext, turn: Turn) -> str:
    return tc.activity.id or turn.now.isoformat()


def _card_body(content: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "type": CARD_RESPONSE, "value": content}


def _text_card(value: str) -> dict[str, Any]:
    return card([text(value)])


__all__ = ["ForumBot", "Texts"]
