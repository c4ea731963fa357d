"""Documents as PDF (the archive package's reading copy beside the Word file), drawn with reportlab's platypus.

Deterministic: `invariant=1` leaves the creation date and the document id out, so the same blocks give the same
bytes. The standard Helvetica fonts cover Swedish (Latin-1); they are not embedded, so the file is a plain PDF, not
PDF/A (docs/security.md, "Archive packages": the Word file is the archive's master, the PDF its reading copy).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Image as PdfImage

from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Image, Title, plain
from dialogs.documents.blocks import Paragraph as ParagraphBlock
from dialogs.documents.blocks import Table as TableBlock

_STYLES = getSampleStyleSheet()


def _text(value: str) -> str:
    return escape(plain(value)).replace("\n", "<br/>")


def _flowables(block: Block) -> list[Flowable]:
    match block:
        case Title(text):
            return [Paragraph(_text(text), _STYLES["Title"])]
        case Heading(text, level):
            return [Paragraph(_text(text), _STYLES[f"Heading{min(level + 1, 4)}"])]
        case ParagraphBlock(text, italic):
            body = _text(text)
            return [Paragraph(f"<i>{body}</i>" if italic else body, _STYLES["BodyText"])]
        case Facts(pairs):
            return [Paragraph(f"<b>{_text(k)}:</b> {_text(v)}", _STYLES["BodyText"]) for k, v in pairs]
        case Bullets(items):
            return [ListFlowable([Paragraph(_text(i), _STYLES["BodyText"]) for i in items], bulletType="bullet")]
        case TableBlock(columns, rows):
            cell = _STYLES["BodyText"]
            data = [[Paragraph(f"<b>{_text(c)}</b>", cell) for c in columns]]
            data += [[Paragraph(_text(c), cell) for c in row] for row in rows]
            table = Table(data, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            return [table, Spacer(1, 0.3 * cm)]
        case Image(png, caption, width_cm):
            picture = PdfImage(io.BytesIO(png))
            ratio = picture.imageHeight / picture.imageWidth
            picture.drawWidth, picture.drawHeight = width_cm * cm, width_cm * cm * ratio
            return [picture, Paragraph(f"<i>{_text(caption)}</i>", _STYLES["BodyText"])]
    raise TypeError(block)


def render_pdf(blocks: Sequence[Block], *, title: str = "") -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=plain(title)[:250], author="Forumbot", invariant=1,
                                 leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm)
    document.build([f for block in blocks for f in _flowables(block)])
    return out.getvalue()
