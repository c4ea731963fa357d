"""Documents as PDF (the archive package's reading copy beside the Word file), drawn with reportlab's platypus.

Deterministic: `invariant=1` leaves the creation date and the document id out, so the same blocks give the same
bytes. The text is set in Bitstream Vera (the TrueType fonts that ship with reportlab, free to embed), embedded as
subsets, so the file reads the same on any machine without its fonts. It is still a plain PDF, not PDF/A (no XMP
identification or output intent; docs/security.md, "Archive packages": the Word file is the archive's master, the
PDF its reading copy).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Image as PdfImage

from dialogs.documents.blocks import Block, Bullets, Facts, Heading, Image, Title, plain
from dialogs.documents.blocks import Paragraph as ParagraphBlock
from dialogs.documents.blocks import Table as TableBlock

FONT = "ForumbotVera"
_FACES = {FONT: "Vera.ttf", f"{FONT}-Bold": "VeraBd.ttf", f"{FONT}-Italic": "VeraIt.ttf",
          f"{FONT}-BoldItalic": "VeraBI.ttf"}


def _styles() -> StyleSheet1:
    """reportlab's sample styles in the embedded Vera family (bold and italic map to its faces in <b> and <i>)."""
    for name, file in _FACES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, file))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic",
                                  boldItalic=f"{FONT}-BoldItalic")
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        bold = "Bold" in str(getattr(style, "fontName", ""))
        style.fontName = f"{FONT}-Bold" if bold else FONT
    return sheet


_STYLES = _styles()


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
            return [ListFlowable([Paragraph(_text(i), _STYLES["BodyText"]) for i in items], bulletType="bullet",
                                 bulletFontName=FONT)]
        case TableBlock(columns, rows):
            cell = _STYLES["BodyText"]
            data = [[Paragraph(f"<b>{_text(c)}</b>", cell) for c in columns]]
            data += [[Paragraph(_text(c), cell) for c in row] for row in rows]
            table = Table(data, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
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
                                 initialFontName=FONT,
                                 leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm)
    document.build([f for block in blocks for f in _flowables(block)])
    return out.getvalue()
