"""The archive package's PDF reading copy: every font it uses is embedded, so it reads the same on a machine without
those fonts, Swedish letters included, and the same blocks give the same bytes."""

from __future__ import annotations

import re

from dialogs.documents.blocks import Bullets, Facts, Heading, Paragraph, Table, Title
from dialogs.documents.pdf import render_pdf

BLOCKS = [Title("Minnesanteckningar – Trygghetsforum Norrby"), Heading("Åtgärder", 1),
          Paragraph("Örjan och Åsa rapporterade om skolfrånvaro.", italic=True), Facts((("Ordförande", "Anna"),)),
          Bullets(("Ökat antal unga i centrum", "Ärende klart")), Table(("Nr", "Ägare"), [("Å-1", "Polisen")])]


def test_every_font_in_the_pdf_is_embedded_and_none_is_a_standard_font() -> None:
    pdf = render_pdf(BLOCKS, title="Minnesanteckningar 2026-11-26")
    fonts = set(re.findall(rb"/BaseFont /(\S+)", pdf))
    assert fonts and all(re.fullmatch(rb"[A-Z]{6}\+BitstreamVeraSans-\w+", f) for f in fonts), fonts
    assert pdf.count(b"/FontFile2") == len(fonts)  # one embedded TrueType program per font used
    assert b"/ToUnicode" in pdf  # the text can be searched and copied, å, ä and ö too


def test_the_same_blocks_give_the_same_bytes() -> None:
    assert render_pdf(BLOCKS, title="x") == render_pdf(BLOCKS, title="x")
    assert render_pdf(BLOCKS, title="x") != render_pdf(BLOCKS[:-1], title="x")
