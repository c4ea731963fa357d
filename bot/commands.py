"""Free text -> a typed command. Verbs come from the text catalogs; both languages are understood."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.routing import TEXT
from dialogs.texts import LANGUAGES, load_catalog

COMMANDS = tuple(route.name for route in TEXT)  # the route table names them; the catalogs hold their words


@dataclass(frozen=True)
class Command:
    name: str
    args: str


@cache
def _verbs() -> tuple[tuple[str, str], ...]:
    """(normalised verb phrase, command) pairs, longest phrase first so 'gå med' wins over 'gå'."""
    pairs: set[tuple[str, str]] = set()
    for language in LANGUAGES:
        catalog = load_catalog(language)
        for name in COMMANDS:
            words = catalog.get(f"commands.{name}", [])
            for phrase in [words] if isinstance(words, str) else words:
                pairs.add((normalise(phrase), name))
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


_SPACE = re.compile(r"\s+")
_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)


def normalise(text: str) -> str:
    text = _MENTION.sub(" ", text)
    text = text.replace("\u00a0", " ").strip().strip("/").strip()
    return _SPACE.sub(" ", text).casefold()


def parse(text: str | None) -> Command | None:
    """The command named at the start of the text, or None. Arguments keep their original case."""
    if not text:
        return None
    cleaned = _SPACE.sub(" ", _MENTION.sub(" ", text).replace("\u00a0", " ")).strip().lstrip("/").strip()
    folded = cleaned.casefold()
    for phrase, name in _verbs():
        if folded == phrase or folded.startswith(phrase + " "):
            return Command(name=name, args=_args_with_lines(text, phrase) or cleaned[len(phrase):].strip())
    return None


_LINE_SPACE = re.compile(r"[^\S\n]+")


def _args_with_lines(text: str, phrase: str) -> str:
    """The arguments with their line breaks kept (a lägesbild written in the channel keeps its paragraphs)."""
    lines = _MENTION.sub(" ", text).replace("\r\n", "\n").replace("\u00a0", " ")
    verb = re.match(r"\s*/?\s*" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?=\s|$)", lines,
                    re.IGNORECASE)
    if verb is None:
        return ""
    rest = "\n".join(_LINE_SPACE.sub(" ", line).strip() for line in lines[verb.end():].split("\n"))
    return rest.strip()
