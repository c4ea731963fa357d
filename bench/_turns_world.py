"""The world bench/turns.py measures in: a forum's people, Teams-shaped activities, the echo bot and servers.

Kept apart from the measuring so each file stays small; the leading underscore keeps `make bench` from
running it as a bench of its own.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext

from bot.adapter import ForumAdapter
from bot.routes import messages
from bot.runtime import RUNTIME, Runtime
from bot.settings import Mode, Settings
from devtools.fake_connector import FakeConnector

CARD = "application/vnd.microsoft.card.adaptive"
TENANT = "tenant-bench"
TEAM = "19:team-bench@thread.tacv2"
CHANNEL = "19:forum-bench@thread.tacv2"
BOT_ID = "28:forumbot"
ORGANISATIONS = [
    "Polisen",
    "Socialtjänsten",
    "Fältassistenterna",
    "Skolan",
    "Fritidsgården",
    "Bostadsbolaget",
    "Räddningstjänsten",
    "Kyrkan",
]
# Monday 23 November 2026, 08:00 in Stockholm: the collection for Thursday's meeting is open.
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

# ~300 characters per section, the kind of text a participant writes; it must pass the screening clean.
SECTION_TEXTS = [
    "Uppföljning: de extra kvällsrundor som bestämdes förra gången har genomförts tre kvällar i veckan. "
    "Fältassistenterna och fritidsgården har samordnat tiderna, och det har gett färre samlingar vid "
    "busstationen. Vi fortsätter med samma upplägg till jul och stämmer av igen vid nästa möte.",
    "Aktuellt: under veckan har det varit oroligt kring centrum på fredags- och lördagskvällar. Grupper om "
    "tio till femton unga samlas vid busshållplatsen och i gångtunneln, främst i åldern fjorton till sexton "
    "år. Polisen har gjort två insatser och skolan har haft samtal med berörda klasser om läget.",
    "Platser: gångtunneln under stora vägen, lekplatsen bakom idrottshallen och parkeringen vid köpcentret "
    "är de platser där flest unga samlas efter klockan tjugo. Belysningen i tunneln är trasig sedan "
    "två veckor och det har anmälts till kommunen. Vi ser också mer nedskräpning vid lekplatsen.",
    "Kommande: fritidsgården har extra öppet under lovet med kvällsaktiviteter och idrottshallen är "
    "bokad för nattfotboll två fredagar i rad. Skolan planerar ett föräldramöte om trygghet i början av "
    "december, och fältassistenterna deltar där. Information går ut via skolans vanliga kanaler.",
    "Trender: oron i området har ökat något jämfört med förra månaden, men skadegörelsen har minskat. "
    "Fler yngre än tidigare rör sig ute sent på helgerna, och vi ser att grupperna flyttar mellan "
    "platserna när vuxna är på plats. Det är viktigt att fortsätta med vuxennärvaro på kvällstid.",
    "Övrigt: vi vill ta upp frågan om gemensam rutin för återkoppling till föräldrar när unga påträffas "
    "sent på kvällen, och om bostadsbolaget kan medverka i kvällsrundorna under vintern. Vi föreslår "
    "att frågan förbereds till nästa möte med ett kort underlag från socialtjänsten och skolan.",
]


@dataclass(frozen=True)
class Person:
    id: str
    name: str

    @property
    def personal_conversation(self) -> str:
        return f"a:1on1-{self.id[3:]}"


CHAIR = Person("29:anna", "Anna Lindqvist")
ERIK = Person("29:erik", "Erik Johansson")  # the participant whose turns are timed
MEMBERS = [Person(f"29:member{i}", f"Deltagare {i}") for i in range(1, len(ORGANISATIONS))]
_ids = itertools.count(1)


class TickingClock:
    """Real time, started at NOW: every turn refreshes `updated_at` columns as it would in production."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)


def settings_for(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, mode=Mode.LOCAL, database_url=database_url, allowed_tenants=[TENANT]
    )


# ---------------------------------------------------------------------------------------------- activities


def activity(connector: FakeConnector, person: Person, conversation_type: str, **fields: Any) -> dict[str, Any]:
    """A Teams-shaped activity from `person` in their 1:1 chat or in the forum's channel."""
    channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if conversation_type == "channel":
        channel_data.update(team={"id": TEAM, "name": "Trygghetsforum Bench"}, channel={"id": CHANNEL})
        conversation_id = f"{CHANNEL};messageid=root-{next(_ids)}"
    else:
        conversation_id = person.personal_conversation
    body = {
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": connector.url,
        "timestamp": NOW.isoformat(),
        "from": {"id": person.id, "name": person.name, "aadObjectId": f"aad-{person.id[3:]}"},
        "recipient": {"id": BOT_ID, "name": "Forumbot"},
        "conversation": {
            "id": conversation_id,
            "conversationType": conversation_type,
            "isGroup": conversation_type != "personal",
            "tenantId": TENANT,
        },
        "locale": "sv-SE",
        "channelData": channel_data,
    }
    body.update(fields)
    return body


def message(connector: FakeConnector, person: Person, text: str, *, channel: bool) -> dict[str, Any]:
    if not channel:
        return activity(connector, person, "personal", type="message", text=text)
    mention = "<at>Forumbot</at>"
    return activity(
        connector,
        person,
        "channel",
        type="message",
        text=f"{mention} {text}",
        entities=[{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": "Forumbot"}}],
    )


def execute(
    connector: FakeConnector, person: Person, verb: str, data: dict[str, Any], *, channel: bool
) -> dict[str, Any]:
    value = {
        "action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}},
        "trigger": "manual",
    }
    return activity(
        connector,
        person,
        "channel" if channel else "personal",
        type="invoke",
        name="adaptiveCard/action",
        value=value,
    )


def last_card(connector: FakeConnector) -> dict[str, Any]:
    for request in reversed(connector.activity_posts(ok_only=True)):
        for attachment in (request.json or {}).get("attachments") or []:
            if attachment.get("contentType") == CARD:
                return dict(attachment["content"])
    raise RuntimeError("no card was sent")


# ---------------------------------------------------------------------------------------------- servers


class EchoBot(ActivityHandler):  # type: ignore[misc]
    """The floor: botbuilder's plain echo bot."""

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(turn_context.activity.text)


@dataclass
class EchoRuntime:
    """What `bot.routes.messages` reads from the app: settings, the adapter and the bot."""

    settings: Settings
    adapter: ForumAdapter
    bot: EchoBot


def echo_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=settings.max_request_bytes)
    app.router.add_post("/api/messages", messages)
    app[RUNTIME] = cast(Runtime, EchoRuntime(settings, ForumAdapter(settings), EchoBot()))
    return app


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 (a real TCP socket, like production behind its proxy); yields its URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages"
    finally:
        await runner.cleanup()


