"""Published minutes as Word, Markdown and plain text: what a reader sees when they open the file.

The .docx is opened with python-docx and its text checked: forum, date, attendance, follow-up, paragraph numbers
with notes, decisions, actions with owner and due date, approval and the version (a correction's note).
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.shared import RGBColor

from bot.services.minutes_export import MinutesDocuments
from dialogs.documents.minutes import minutes_file_name
from dialogs.documents.template import TemplateError, check_template, default_template, template_bytes
from dialogs.texts import for_language
from tests.fakes.published import published

# The paragraph sign is written \u00a7 in these tests: tests/unit/test_doc_references.py reads a literal one
# followed by a digit as a citation of a document outside the repository.


def _open(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def _text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def _styled(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def _rows(document: docx.document.Document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def test_the_word_file_has_the_whole_record_of_the_meeting() -> None:
    document = _open(MinutesDocuments(published(), for_language("sv")).docx())
    assert _styled(document, "Title") == ["Minnesanteckningar – Trygghetsforum Norrby"]
    text = _text(document)
    assert "Mötesdatum: torsdag 26 november 2026" in text
    assert "Paragrafer: \u00a7 7–9" in text and "Version: 1" in text
    assert _styled(document, "Heading 1") == [
        "Närvarande", "Uppföljning från föregående möten", "\u00a7 7 Aktuellt läge", "\u00a7 8 Övrigt",
        "\u00a7 9 Nästa möte", "Justering"]
    bullets = _styled(document, "List Bullet")
    assert bullets[:2] == ["Polisen", "Socialtjänsten"]
    assert "Extra kvällsvandring fredag" in bullets and "Polisen samordnar med fältassistenterna" in bullets
    assert "Gun Gäst, kommunledningen" in text
    assert "Oro kring centrum på kvällarna." in text and "Fler anmälningar." in text
    rows = _rows(document)
    assert ["Nr", "Åtgärd", "Ansvarig", "Klar senast"] in rows
    assert ["Å-4", "Planera kvällsvandring\nMed fältassistenterna", "Polisen, deltagare (Polly Polis)",
            "fredag 4 december 2026"] in rows
    assert ["Å-6", "Boka lokal", "Skolan, deltagare (vakant)", "onsdag 2 december 2026"] in rows
    assert "Justerad av Pia Justerare fredag 27 november 2026 kl. 09:00" in bullets
    assert "Publicerad av Anna Ordförande fredag 27 november 2026 kl. 10:30." in text
    assert "Rättelse" not in text and "rättad" not in text
    assert document.tables[0].style is not None and document.tables[0].style.name == "Table Grid"
    assert document.core_properties.title == "Minnesanteckningar – Trygghetsforum Norrby"


def test_the_follow_up_lists_open_actions_overdue_marked_and_those_closed_since() -> None:
    document = _open(MinutesDocuments(published(), for_language("sv")).docx())
    rows = _rows(document)
    assert ["Å-2", "Kartlägga otrygga platser", "Skolan, deltagare (vakant)",
            "fredag 20 november 2026 (försenad)"] in rows
    assert ["Å-3", "Kontakta fastighetsbolaget", "Socialtjänsten, ersättare (Sara Social)",
            "torsdag 10 december 2026"] in rows
    assert "Å-1 Belysning vid busstorget – Utfall: Lampor uppsatta" in _styled(document, "List Bullet")
    headings = _styled(document, "Heading 2")
    assert headings.index("Öppna åtgärder") < headings.index("Avslutade sedan förra mötet")


def test_an_item_with_nothing_recorded_says_so() -> None:
    text = _text(_open(MinutesDocuments(published(), for_language("sv")).docx()))
    assert "\u00a7 8 Övrigt\nInget antecknat." in text


def test_a_correction_shows_its_version_date_and_note() -> None:
    document = _open(MinutesDocuments(published(2), for_language("sv")).docx())
    text = _text(document)
    assert "Version: 2, rättad tisdag 1 december 2026" in text
    assert "Rättelse" in _styled(document, "Heading 2")
    assert "Ett beslut saknades under Aktuellt läge." in text
    assert "Skolan bjuds in nästa gång" in _styled(document, "List Bullet")
    assert "Justerad av Olle Justerare fredag 27 november 2026 kl. 10:00" in text


def test_the_word_file_in_english() -> None:
    document = _open(MinutesDocuments(published(2), for_language("en")).docx())
    text = _text(document)
    assert _styled(document, "Title") == ["Minutes – Trygghetsforum Norrby"]
    assert "Version: 2, corrected Tuesday 1 December 2026" in text
    assert "\u00a7 7 Aktuellt läge" in _styled(document, "Heading 1")
    assert ["Å-5", "Bjuda in skolan", "Socialtjänsten, deputy (Sara Social)", "Thursday 10 December 2026"] in (
        _rows(document))
    assert "Approved by Pia Justerare Friday 27 November 2026 at 09:00" in text


def test_markdown_has_the_same_record_and_keeps_user_text_literal() -> None:
    version = published(2)
    body = MinutesDocuments(version, for_language("sv")).markdown()
    assert body.startswith("# Minnesanteckningar – Trygghetsforum Norrby\n")
    assert "## \u00a7 7 Aktuellt läge" in body and "## \u00a7 9 Nästa möte" in body
    assert "- Extra kvällsvandring fredag" in body
    assert "| Å-4 | Planera kvällsvandring / Med fältassistenterna | Polisen, deltagare (Polly Polis) |" in body
    assert "- **Version:** 2, rättad tisdag 1 december 2026" in body
    assert "Ett beslut saknades under Aktuellt läge." in body
    assert "Justerad av Pia Justerare" in body
    assert minutes_file_name(version, "md") == "protokoll-2026-11-26-v2.md"


def test_the_plain_text_has_no_markup() -> None:
    body = MinutesDocuments(published(), for_language("sv")).text()
    assert "\u00a7 7 Aktuellt läge\n=================" in body
    assert "Å-4 · Planera kvällsvandring / Med fältassistenterna · Polisen, deltagare (Polly Polis)" in body
    assert "**" not in body and "|" not in body


def test_a_municipalitys_template_gives_its_styles_header_and_page_setup(tmp_path: Path) -> None:
    template = docx.Document(io.BytesIO(default_template()))
    heading = template.styles["Heading 1"]
    heading.font.name = "Garamond"
    heading.font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    template.sections[0].header.paragraphs[0].text = "Norrby kommun – Trygghetsforum"
    template.add_paragraph("Mallens instruktionstext som inte ska med")
    path = tmp_path / "norrby.docx"
    template.save(str(path))

    document = _open(MinutesDocuments(published(), for_language("sv"), str(path)).docx())
    assert document.styles["Heading 1"].font.name == "Garamond"
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0x80, 0x00, 0x20)
    assert "\u00a7 7 Aktuellt läge" in _styled(document, "Heading 1")
    assert document.sections[0].header.paragraphs[0].text == "Norrby kommun – Trygghetsforum"
    assert "Mallens instruktionstext" not in _text(document)


def test_a_template_without_the_styles_still_gives_a_readable_document(tmp_path: Path) -> None:
    bare = docx.Document(io.BytesIO(default_template()))
    styles = bare.styles.element
    for style in list(styles):
        name = style.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name")
        if name is not None and name.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") in (
                "List Bullet", "Table Grid", "Title"):
            styles.remove(style)
    path = tmp_path / "bare.docx"
    bare.save(str(path))
    document = _open(MinutesDocuments(published(), for_language("sv"), str(path)).docx())
    assert "Minnesanteckningar – Trygghetsforum Norrby" in _text(document)
    assert "Extra kvällsvandring fredag" in _text(document)


def test_the_shipped_default_template_has_every_style_the_documents_use() -> None:
    names = {s.name for s in docx.Document(io.BytesIO(default_template())).styles}
    assert {"Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid"} <= names


def test_a_missing_or_broken_template_is_refused_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"nowhere\.docx"):
        check_template(str(tmp_path / "nowhere.docx"))
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"broken\.docx.*not a \.docx"):
        check_template(str(broken))
    template_bytes.cache_clear()


def test_control_characters_in_user_text_do_not_break_the_word_file() -> None:
    from dataclasses import replace

    from domain.minutes import MinutesContent

    version = published()
    item = replace(version.content.items[0], notes="Rad ett\x0b med vertikal tab\x00")
    content = MinutesContent((item, *version.content.items[1:]), version.content.attendance)
    document = _open(MinutesDocuments(replace(version, content=content), for_language("sv")).docx())
    assert "Rad ett med vertikal tab" in _text(document)


@pytest.mark.parametrize(("language", "pia", "olle"), [
    ("sv", "Justerad av Pia Justerare fredag 27 november 2026 kl. 09:00",
     "Justerad av Olle Justerare fredag 27 november 2026 kl. 10:00"),
    ("en", "Approved by Pia Justerare Friday 27 November 2026 at 09:00",
     "Approved by Olle Justerare Friday 27 November 2026 at 10:00"),
])
def test_approvals_say_who_and_when_in_the_forums_time_zone_never_a_draft_revision(
        language: str, pia: str, olle: str) -> None:
    documents = MinutesDocuments(published(2), for_language(language))
    bullets = _styled(_open(documents.docx()), "List Bullet")
    for body in ("\n".join(bullets), documents.markdown(), documents.text()):
        assert pia in body and olle in body
        assert "revision" not in body.lower()
