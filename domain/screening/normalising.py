"""The text the screening rules match: a normalised copy that remembers where each character came from.

NFKC, without soft hyphens, zero-width and other format characters, every dash and minus as `-`, every decimal
digit as ASCII, so typography cannot hide a number; a finding in the copy is mapped back to the text as typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

Span = tuple[int, int]

_MINUS_SIGNS = frozenset("\u02d7\u2043\u207b\u208b\u2212\u2796\ufe63\uff0d")
_LINE_BREAKS = frozenset("\x85\u2028\u2029")
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WHITESPACE_RUN = re.compile(r"\s+")


def invisible(ch: str) -> bool:
    """Soft hyphen, zero-width and other format characters, variation selectors, invisible fillers."""
    code = ord(ch)
    return (
        unicodedata.category(ch) == "Cf"
        or ch in _INVISIBLE
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


@dataclass(frozen=True)
class Normalised:
    """The text as matched, with where each of its characters came from in the text as typed.

    `starts[i]`/`ends[i]` are the original span of character i; None means the two texts are the same.
    """

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def original(self, start: int, end: int) -> Span:
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return at, at
        return self.starts[start], self.ends[end - 1]


def normalise_mapped(text: str) -> Normalised:
    """NFKC, without invisible characters, every dash and minus as `-`, every decimal digit as ASCII.

    Only runs of non-ASCII characters (with the ASCII letter a combining mark belongs to) need any work, so a
    mostly-ASCII text costs little more than a copy.
    """
    if text.isascii() or all(_unchanged(ch) for ch in set(text) if not ch.isascii()):
        # Every character is left as it is whatever stands around it (e.g. only å, ä, ö): nothing to map.
        return Normalised(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for found in _NON_ASCII.finditer(text):
        first, last = found.span()
        if first > done and unicodedata.combining(text[first]):
            first -= 1  # the mark composes with the ASCII character before it
        if first > done:
            out.append(text[done:first])
            starts.extend(range(done, first))
            ends.extend(range(done + 1, first + 1))
        run = text[first:last]
        if unicodedata.is_normalized("NFKC", run) and all(map(_unchanged, run)):
            out.append(run)  # e.g. å, ä, ö: the common case, kept as it is
            starts.extend(range(first, last))
            ends.extend(range(first + 1, last + 1))
        else:
            _normalise_run(text, first, last, out, starts, ends)
        done = last
    if done < len(text):
        out.append(text[done:])
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return Normalised("".join(out), starts, ends)


def _normalise_run(text: str, first: int, last: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    i = first
    while i < last:
        if invisible(text[i]):
            i += 1
            continue
        j = i + 1
        while j < last and (unicodedata.combining(text[j]) or invisible(text[j])):
            j += 1
        cluster = "".join(c for c in text[i:j] if not invisible(c))
        pieces = [_plain_char(c) for c in unicodedata.normalize("NFKC", cluster)]
        if pieces and (pieces[0] in "-+" or "0" <= pieces[0] <= "9"):
            pieces = [c for c in pieces if not unicodedata.combining(c)]  # marks drawn over digits and dashes
        out.extend(pieces)
        starts.extend([i] * len(pieces))
        ends.extend([j] * len(pieces))
        i = j


@functools.cache
def _unchanged(ch: str) -> bool:
    """Whether normalising leaves this character as it is, whatever stands around it."""
    return (
        unicodedata.normalize("NFKC", ch) == ch
        and _plain_char(ch) == ch
        and not invisible(ch)
        and not unicodedata.combining(ch)
        and unicodedata.category(ch) not in ("Mn", "Mc", "Me", "Nd")
        and not 0x1100 <= ord(ch) <= 0x11FF  # conjoining jamo compose with their neighbours
    )


def _plain_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _MINUS_SIGNS or unicodedata.category(ch) == "Pd":
        return "-"
    if ch in _LINE_BREAKS:
        return "\n"
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    return ch


def normalise(text: str) -> str:
    """The text the rules match against (see `normalise_mapped`)."""
    return normalise_mapped(text).text


def visible(text: str) -> str:
    """What the author typed, without invisible characters, with each run of whitespace as one space."""
    kept = "".join(c for c in text if not invisible(c) and not unicodedata.combining(c))
    return _WHITESPACE_RUN.sub(" ", kept)
