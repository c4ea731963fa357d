"""`språk sv` / `language en`: the person's own choice of language, kept over what their Teams client says."""

from __future__ import annotations

from bot.services.ports import Deps
from bot.services.turn import Reply, Turn
from dialogs.texts import for_language


async def set_language(deps: Deps, turn: Turn, language: str) -> Reply:
    """`language` is "sv" or "en" (the route's parser refuses anything else)."""
    async with deps.uow() as uow:
        await uow.people.set_language(turn.person.id, language, turn.now)
        await uow.commit()
    return Reply(text=for_language(language)("language.changed"))
