"""Documents as Word files (.docx), written with the template's own styles."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.document import Document as DocumentObject
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Paragraph, Table, Title, plain
from dialogs.documents.template import new_document

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _has_style(document: DocumentObject, name: str) -> bool:
    return any(style.name == name for style in document.styles)


def _paragraph(document: DocumentObject, text: str, style: str | None = None) -> WordParagraph:
    usable = style if style is not None and _has_style(document, style) else None
    return document.add_paragraph(plain(text), style=usable)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in plain(text).splitlines() if line.strip()] or [""]


def _table(document: DocumentObject, columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    table: WordTable = document.add_table(rows=1, cols=len(columns))
    if _has_style(document, "Table Grid"):
        table.style = document.styles["Table Grid"]
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(plain(heading)).bold = True
    for row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, value in zip(cells, row, strict=True):
            cell.text = "\n".join(_lines(value))


def _add(document: DocumentObject, block: Block) -> None:
    match block:
        case Title(text):
            _paragraph(document, " ".join(text.split()), "Title")
        case Heading(text, level):
            _paragraph(document, " ".join(text.split()), f"Heading {level}")
        case Paragraph(text, italic):
            for line in _lines(text):
                paragraph = _paragraph(document, "")
                paragraph.add_run(line).italic = italic or None
        case Facts(pairs):
            for label, value in pairs:
                paragraph = _paragraph(document, "")
                paragraph.add_run(f"{plain(label)}: ").bold = True
                paragraph.add_run(plain(" ".join(value.split())))
        case Bullets(items):
            for item in items:
                _paragraph(document, " ".join(item.split()), "List Bullet")
        case Table(columns, rows):
            _table(document, columns, rows)
            _paragraph(document, "")


def render_docx(blocks: Sequence[Block], *, template: str | None = None, title: str = "",
                language: str = "sv") -> bytes:
    """The document as .docx bytes, built on `template` (a path; None: the shipped default)."""
    document = new_document(template)
    for block in blocks:
        _add(document, block)
    properties = document.core_properties
    properties.title = plain(title)[:250]
    properties.language = "sv-SE" if language == "sv" else "en-GB"
    properties.author = "Forumbot"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
