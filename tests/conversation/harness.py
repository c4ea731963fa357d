"""Drive ForumBot in process with botbuilder's TestAdapter, as Teams would: channel, group chat or 1:1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount, Entity

from bot.handler import ForumBot
from bot.settings import Settings
from devtools.cards import inputs_of as inputs_of  # re-exported: the tests read cards through the harness
from domain.clock import FixedClock
from storage.unit_of_work import UnitOfWorkFactory

TENANT = "tenant-norrby"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
BOT = ChannelAccount(id="28:forumbot", name="Forumbot")
CHANNEL = "19:lagesbild@thread.tacv2"
TEAM = "19:team-norrby@thread.tacv2"


class WakeCounter:
    """Stands in for the delivery worker: the conversation tests only check that it is woken (by the unit of
    work's after-commit callback)."""

    def __init__(self) -> None:
        self.wakes = 0

    def wake(self) -> None:
        self.wakes += 1


@dataclass(frozen=True)
class User:
    id: str
    name: str
    locale: str = "sv-SE"


def test_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"mode": "local", "allowed_tenants": [TENANT]}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Chat:
    """One conversation with the bot. `say`, `submit` (Action.Submit) and `execute` (Action.Execute)."""

    def __init__(
        self, bot: ForumBot, *, conversation_id: str, conversation_type: str, tenant: str = TENANT
    ) -> None:
        self.bot = bot
        self.adapter = TestAdapter()
        self.conversation_id = conversation_id
        self.conversation_type = conversation_type
        self.tenant = tenant

    def _channel_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"tenant": {"id": self.tenant}}
        if self.conversation_type == "channel":
            data["team"] = {"id": TEAM}
            data["channel"] = {"id": CHANNEL}
        return data

    async def _run(self, user: User, activity: Activity) -> list[Activity]:
        template = self.adapter.template
        template.from_property = ChannelAccount(id=user.id, name=user.name, aad_object_id=f"aad-{user.id}")
        template.recipient = BOT
        template.conversation = ConversationAccount(
            id=self.conversation_id,
            conversation_type=self.conversation_type,
            is_group=self.conversation_type != "personal",
        )
        template.service_url = SERVICE_URL
        template.channel_id = "msteams"
        activity.channel_id = "msteams"
        activity.locale = user.locale
        activity.channel_data = self._channel_data()
        self.adapter.activity_buffer.clear()
        self.adapter.updated_activities.clear()
        await self.adapter.process_activity(activity, self.bot.on_turn)
        return list(self.adapter.activity_buffer)

    async def say(self, user: User, text: str, mentions: tuple[User | ChannelAccount, ...] = ()) -> list[Activity]:
        """A message; `mentions` become Teams mention entities (write `<at>Name</at>` in `text` for each)."""
        entities = [Entity().deserialize({"type": "mention", "mentioned": {"id": m.id, "name": m.name},
                                          "text": f"<at>{m.name}</at>"}) for m in mentions]
        return await self._run(user, Activity(type=ActivityTypes.message, text=text, entities=entities or None))

    async def submit(self, user: User, data: dict[str, Any], reply_to_id: str = "card-1") -> list[Activity]:
        """Action.Submit: a message whose value is the action data merged with the inputs."""
        return await self._run(user, Activity(type=ActivityTypes.message, text="", value=data, reply_to_id=reply_to_id))

    async def execute(self, user: User, verb: str, data: dict[str, Any]) -> dict[str, Any]:
        """Action.Execute: returns the invoke response body."""
        value = {"action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}},
                 "trigger": "manual"}
        replies = await self._run(user, Activity(type=ActivityTypes.invoke, name="adaptiveCard/action", value=value))
        invoke = [a for a in replies if a.type == "invokeResponse"]
        assert invoke, f"no invoke response among {[a.type for a in replies]}"
        response = invoke[-1].value
        assert response.status == 200, response.status
        body: dict[str, Any] = response.body
        return body

    async def install(self, user: User) -> list[Activity]:
        activity = Activity(type="installationUpdate", action="add")
        return await self._run(user, activity)


def card_of(activity: Activity) -> dict[str, Any]:
    assert activity.attachments, f"no card in {activity.text!r}"
    content: dict[str, Any] = activity.attachments[0].content
    return content


def texts_in(card: dict[str, Any] | str) -> str:
    """All visible text of a card (TextBlocks, facts, input labels and values, action titles), joined.

    An Action.Execute answer may also be a plain message (a string); then that is the text.
    """
    if isinstance(card, str):
        return card
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "label", "value"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(out)


def make_bot(uow: UnitOfWorkFactory, clock: FixedClock, **settings: Any) -> tuple[ForumBot, WakeCounter]:
    wake = WakeCounter()
    uow.after_commit = wake.wake  # as create_app wires the worker: a commit that queued something wakes it
    bot = ForumBot(settings=test_settings(**settings), uow=uow, clock=clock)
    return bot, wake


def posted_cards(chat: Chat) -> list[dict[str, Any]]:
    """The cards the last turn posted as new messages (an Action.Execute that opens a card posts it anew)."""
    return [card_of(a) for a in chat.adapter.activity_buffer if a.type == "message" and a.attachments]


def action_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The data of the card's action with `verb`, as Teams sends it with the inputs (forum id, revision …)."""
    for action in card.get("actions", []):
        if action.get("verb") == verb:
            return {k: v for k, v in action["data"].items() if k != "verb"}
    raise AssertionError(f"no {verb} action on the card")
