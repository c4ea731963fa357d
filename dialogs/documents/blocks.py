"""The building blocks of a document, independent of its format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 to 3


@dataclass(frozen=True)
class Paragraph:
    text: str  # user text may hold line breaks: each line is its own paragraph
    italic: bool = False


@dataclass(frozen=True)
class Facts:
    """Label and value pairs under the title (forum, date, version)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Image:
    """A picture (a chart as PNG) with its caption; the caption is what text formats show in its place."""

    png: bytes
    caption: str
    width_cm: float = 16.0


Block = Title | Heading | Paragraph | Facts | Bullets | Table | Image


def plain(text: str) -> str:
    """Text safe in every format: no control characters (Word's XML refuses them), line breaks kept."""
    return "".join(c for c in text if c in "\n\t" or ord(c) >= 0x20).replace("\t", " ")
