"""Documents as Markdown (the export next to the .docx) and as plain text (the body of a minutes mail)."""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.cards.escaping import escape_markdown_inline, escape_markdown_text
from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Image, Paragraph, Table, Title, plain


def _one_line(text: str) -> str:
    return " ".join(plain(text).split())


def _lines(text: str) -> list[str]:
    return [_one_line(line) for line in text.splitlines() if line.strip()]


def _cell(text: str) -> str:
    return escape_markdown_inline(" / ".join(_lines(text)))


def _markdown(block: Block) -> list[str]:
    match block:
        case Title(text):
            return [f"# {escape_markdown_inline(_one_line(text))}", ""]
        case Heading(text, level):
            return [f"{'#' * (level + 1)} {escape_markdown_inline(_one_line(text))}", ""]
        case Paragraph(text, italic):
            body = escape_markdown_text(plain(text))
            return [f"_{body}_" if italic and "\n" not in body else body, ""]
        case Facts(pairs):
            return [*(f"- **{escape_markdown_inline(k)}:** {escape_markdown_inline(_one_line(v))}" for k, v in pairs),
                    ""]
        case Bullets(items):
            return [*(f"- {escape_markdown_inline(_one_line(i))}" for i in items), ""]
        case Table(columns, rows):
            lines = ["| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
            return [*lines, *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows), ""]
        case Image(_, caption, _):
            return [f"_{escape_markdown_inline(_one_line(caption))}_", ""] if caption.strip() else []
    raise TypeError(block)


def render_markdown(blocks: Sequence[Block]) -> str:
    lines = [line for block in blocks for line in _markdown(block)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _plain(block: Block) -> list[str]:
    match block:
        case Title(text):
            title = _one_line(text)
            return [title, "=" * len(title), ""]
        case Heading(text, level):
            heading = _one_line(text)
            return [heading, ("=" if level == 1 else "-") * len(heading), ""] if level < 3 else [heading, ""]
        case Paragraph(text, _):
            return [*(line.strip() for line in plain(text).splitlines() if line.strip()), ""]
        case Facts(pairs):
            return [*(f"{k}: {_one_line(v)}" for k, v in pairs), ""]
        case Bullets(items):
            return [*(f"- {_one_line(i)}" for i in items), ""]
        case Table(_, rows):
            return [*(" · ".join(" / ".join(_lines(c)) for c in row if c.strip()) for row in rows), ""]
        case Image(_, caption, _):
            return [_one_line(caption), ""] if caption.strip() else []
    raise TypeError(block)


def render_plain(blocks: Sequence[Block]) -> str:
    lines = [line for block in blocks for line in _plain(block)]
    return "\n".join(lines).rstrip("\n") + "\n"
