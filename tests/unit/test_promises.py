"""The welcome card and the Teams manifest promise only what is built, and say what each command does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.commands import parse
from dialogs.cards.welcome import welcome_card
from dialogs.texts import Texts
from tests.conversation.harness import texts_in

MANIFEST = Path(__file__).resolve().parents[2] / "manifest"
# Minutes are drafted now (issue 8); what other parts build is not promised here by these words.
PROMISES = re.compile(r"publicerar|protokoll|följer upp|följs upp|påminner om åtgärder|publish|posts the minutes|"
                      r"follows up|followed up|remind owners", re.IGNORECASE)


def manifest_texts() -> dict[str, list[str]]:
    manifest = json.loads((MANIFEST / "manifest.json").read_text(encoding="utf-8"))
    english = json.loads((MANIFEST / "en-us.json").read_text(encoding="utf-8"))
    swedish = [manifest["description"]["short"], manifest["description"]["full"]]
    swedish += [c["description"] for cl in manifest["bots"][0]["commandLists"] for c in cl["commands"]]
    return {"sv": swedish, "en": [v for k, v in english.items() if k.startswith(("description", "bots"))
                                  and not k.endswith(".title")]}


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("personal", [True, False])
def test_the_welcome_card_promises_only_what_is_built(language: str, personal: bool) -> None:
    shown = texts_in(welcome_card(Texts(language, strict=True), personal=personal, installer="Anna"))
    assert not PROMISES.search(shown), PROMISES.search(shown)
    assert ("minnesanteckningar" if language == "sv" else "minutes") in shown  # issue 8 builds them


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_manifest_promises_only_what_is_built(language: str) -> None:
    for value in manifest_texts()[language]:
        assert not PROMISES.search(value), value


def test_each_command_description_says_what_the_command_does() -> None:
    manifest = json.loads((MANIFEST / "manifest.json").read_text(encoding="utf-8"))
    english = json.loads((MANIFEST / "en-us.json").read_text(encoding="utf-8"))
    for i, command_list in enumerate(manifest["bots"][0]["commandLists"]):
        scopes = command_list["scopes"]
        for j, command in enumerate(command_list["commands"]):
            parsed = parse(command["title"])
            assert parsed is not None
            en_description = english[f"bots[0].commandLists[{i}].commands[{j}].description"]
            if parsed.name in ("cancel_meeting", "move_meeting", "away"):  # they need a date: show one
                assert re.search(r"\d{4}-\d{2}-\d{2}", command["description"]), command
                assert re.search(r"\d{4}-\d{2}-\d{2}", en_description), en_description
            if parsed.name in ("members", "cancel_meeting", "move_meeting", "summary", "test_message"):
                assert command["description"].startswith("Ordföranden"), command
                assert en_description.startswith("Chair"), en_description
            # `gå med` only works in the forum's channel, so the personal list does not offer it.
            assert not (parsed.name == "join" and "personal" in scopes)
