"""Write the shipped default Word template, dialogs/documents/templates/forumbot-default.docx.

A clean A4 document with the styles Forumbot uses (Title, Heading 1–3, List Bullet, Table Grid, Normal) and a
page-number footer, no body text. A municipality makes its own template by opening this file in Word, changing
the styles, header and footer (a logo, the municipality's name), and pointing FORUMBOT_WORD_TEMPLATE at it.

    .venv/bin/python scripts/make_word_template.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

TARGET = Path(__file__).resolve().parents[1] / "dialogs" / "documents" / "templates" / "forumbot-default.docx"


def _page_number(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def main() -> None:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    for name in ("List Bullet", "Table Grid"):
        assert document.styles[name] is not None
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number(footer)
    document.core_properties.author = "Forumbot"
    document.core_properties.title = ""
    document.core_properties.comments = ""
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    document.save(TARGET)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
