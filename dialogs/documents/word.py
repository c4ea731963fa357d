"""Documents as Word files (.docx), written with the template's own styles."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import partial

from docx.document import Document as DocumentObject
from docx.shared import Cm
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Image, Paragraph, Table, Title, plain
from dialogs.documents.template import new_document

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _Styles:
    """The template's style ids by name, looked up once: python-docx resolves a style name by scanning every
    style on each use, which made large minutes take seconds."""

    def __init__(self, document: DocumentObject) -> None:
        self.ids = {style.name: style.style_id for style in document.styles if style.name}

    def paragraph(self, document: DocumentObject, text: str, style: str | None = None) -> WordParagraph:
        paragraph = document.add_paragraph(plain(text))
        style_id = self.ids.get(style) if style else None
        if style_id is not None:  # a style the template lacks: the default paragraph style
            paragraph._p.style = style_id  # the public setter would scan the styles again
        return paragraph


def _lines(text: str) -> list[str]:
    return [line.strip() for line in plain(text).splitlines() if line.strip()] or [""]


def _table(document: DocumentObject, styles: _Styles, columns: tuple[str, ...],
           rows: tuple[tuple[str, ...], ...]) -> None:
    table: WordTable = document.add_table(rows=1, cols=len(columns))
    grid = styles.ids.get("Table Grid")
    if grid is not None:
        table._tbl.tblStyle_val = grid
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(plain(heading)).bold = True
    for row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, value in zip(cells, row, strict=True):
            cell.text = "\n".join(_lines(value))


def _add(document: DocumentObject, styles: _Styles, block: Block) -> None:
    _paragraph = partial(styles.paragraph, document)
    match block:
        case Title(text):
            _paragraph(" ".join(text.split()), "Title")
        case Heading(text, level):
            _paragraph(" ".join(text.split()), f"Heading {level}")
        case Paragraph(text, italic):
            for line in _lines(text):
                _paragraph("").add_run(line).italic = italic or None
        case Facts(pairs):
            for label, value in pairs:
                paragraph = _paragraph("")
                paragraph.add_run(f"{plain(label)}: ").bold = True
                paragraph.add_run(plain(" ".join(value.split())))
        case Bullets(items):
            for item in items:
                _paragraph(" ".join(item.split()), "List Bullet")
        case Table(columns, rows):
            _table(document, styles, columns, rows)
            _paragraph("")
        case Image(png, caption, width_cm):
            document.add_picture(io.BytesIO(png), width=Cm(width_cm))
            if caption.strip():
                _paragraph("").add_run(" ".join(plain(caption).split())).italic = True


def render_docx(blocks: Sequence[Block], *, template: str | None = None, title: str = "",
                language: str = "sv") -> bytes:
    """The document as .docx bytes, built on `template` (a path; None: the shipped default)."""
    document = new_document(template)
    styles = _Styles(document)
    for block in blocks:
        _add(document, styles, block)
    properties = document.core_properties
    properties.title = plain(title)[:250]
    properties.language = "sv-SE" if language == "sv" else "en-GB"
    properties.author = "Forumbot"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
