"""Finding words in the record (`sök`): case-insensitive, with å/ä/ö and other accents folded, and excerpts.

Rules:

* A query is split into words; a text matches when every word occurs in it (in any order, as part of a word).
* Matching ignores case and accents: "Åtgärd", "atgard" and "ÅTGÄRD" are the same, so are "skola" and "Skola".
  Folding works character by character, so a match can be shown in the text as it was written.
* Published minutes are searched paragraph by paragraph (§): its title, notes, decisions and action titles
  together; actions by title, description and outcome.
* An excerpt is the written text around the first match, whitespace collapsed, at most `width` characters,
  with "…" where it was cut.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.actions import ActionItem, ActionStatus
from domain.minutes import PublishedVersion

ELLIPSIS = "…"


def _fold_char(character: str) -> str:
    decomposed = unicodedata.normalize("NFKD", character)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold() or character.casefold()


def fold(value: str) -> str:
    """The text as matching sees it: lower case, accents removed (å -> a, ä -> a, ö -> o, é -> e)."""
    return "".join(_fold_char(c) for c in value)


def _folded_with_positions(value: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the written character it came from."""
    folded: list[str] = []
    positions: list[int] = []
    for index, character in enumerate(value):
        piece = _fold_char(character)
        folded.append(piece)
        positions += [index] * len(piece)
    return "".join(folded), positions


def terms_of(query: str) -> tuple[str, ...]:
    """The folded words of a query, each once, in order."""
    return tuple(dict.fromkeys(fold(query).split()))


def matches(terms: Iterable[str], value: str) -> bool:
    folded = fold(value)
    wanted = tuple(terms)
    return bool(wanted) and all(term in folded for term in wanted)


def excerpt(value: str, terms: Iterable[str], *, width: int = 140) -> str | None:
    """The text around the first occurrence of any term, or None when no term occurs."""
    flat = " ".join(value.split())
    folded, positions = _folded_with_positions(flat)
    found = [(at, term) for term in terms if (at := folded.find(term)) >= 0]
    if not found:
        return None
    at, term = min(found)
    start_written = positions[at]
    end_written = positions[at + len(term) - 1] + 1
    if len(flat) <= width:
        return flat
    before = max(0, min(start_written - width // 3, len(flat) - width))
    end = min(len(flat), max(before + width, end_written))
    piece = flat[before:end].strip()
    return f"{ELLIPSIS if before > 0 else ''}{piece}{ELLIPSIS if end < len(flat) else ''}"


@dataclass(frozen=True)
class MinutesHit:
    """One paragraph (§) of published minutes that matches; `excerpt` is empty when only its title matched."""

    meeting_id: str
    meeting_date: date
    paragraph: int
    title: str
    excerpt: str


@dataclass(frozen=True)
class ActionHit:
    action: ActionItem
    excerpt: str  # from the description or outcome when the match is there; empty when it is in the title


def search_minutes(versions: Iterable[PublishedVersion], terms: Sequence[str]) -> list[MinutesHit]:
    """Matching paragraphs of the (latest) published versions: newest meeting first, then by §."""
    hits: list[MinutesHit] = []
    for version in sorted(versions, key=lambda v: (v.frame.meeting_date, v.first_paragraph), reverse=True):
        for paragraph, item in version.paragraphs():
            body = [item.notes, *item.decisions, *(a.title for a in item.actions)]
            if not matches(terms, " ".join([item.title, *body])):
                continue
            shown = next((e for e in (excerpt(field, terms) for field in body) if e is not None), "")
            hits.append(MinutesHit(version.meeting_id, version.frame.meeting_date, paragraph, item.title, shown))
    return hits


def search_actions(actions: Iterable[ActionItem], terms: Sequence[str]) -> list[ActionHit]:
    """Matching actions (not those a correction removed): newest number first."""
    hits: list[ActionHit] = []
    for action in sorted(actions, key=lambda a: a.number, reverse=True):
        if action.status is ActionStatus.CANCELLED:
            continue
        if matches(terms, " ".join((action.title, action.description, action.outcome))):
            extra = (excerpt(field, terms) for field in (action.description, action.outcome))
            hits.append(ActionHit(action, next((e for e in extra if e is not None), "")))
    return hits
