"""The lägesbild's Word file starts, like the summary card and its Markdown, with the follow-up of earlier
actions; a summary without one gives the same document as before."""

from __future__ import annotations

import io

import docx

from dialogs.cards.summary_text import render_summary_markdown
from dialogs.documents.blocks import Heading
from dialogs.documents.summary import summary_outline
from dialogs.documents.word import render_docx
from dialogs.texts import Texts
from tests.unit.test_summary_follow_up import ACTIONS, _record, _summary


def _styled_paragraphs(body: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(body))
    return [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]


def test_the_word_file_has_the_follow_up_after_the_header_before_the_lists() -> None:
    sv = Texts("sv", strict=True)
    paragraphs = _styled_paragraphs(render_docx(summary_outline(sv, _summary(_record(ACTIONS)))))
    texts = [text for _, text in paragraphs]
    heading = texts.index("Uppföljning från föregående möten")
    assert paragraphs[heading][0] == "Heading 1"
    assert texts[heading - 1] == "2 av 6 organisationer har rapporterat"
    assert heading < texts.index("Inget nytt att rapportera (1)") < texts.index("Aktuella händelser")
    assert paragraphs[heading + 1:heading + 5] == [
        ("List Bullet", "Å-2 Åtgärd 2 · Skolan, ersättare (vakant) · senast måndag 23 november 2026 · försenad"),
        ("List Bullet", "Å-1 Ring *rektor* · Polisen, deltagare (Anna *Lind*) · senast måndag 30 november 2026"),
        ("Normal", "Avslutade sedan förra mötet:"),
        ("List Bullet", "Å-3 Åtgärd 3 · klar måndag 23 november 2026: Klart, se [länk]"),
    ]


def test_in_english_the_word_files_follow_up_reads_in_english() -> None:
    en = Texts("en", strict=True)
    texts = [text for _, text in _styled_paragraphs(render_docx(summary_outline(en, _summary(_record(ACTIONS)))))]
    assert "Follow-up from earlier meetings" in texts and "Closed since the last meeting:" in texts
    assert any(t.startswith("Å-2 Åtgärd 2 · Skolan, deputy") and t.endswith("· overdue") for t in texts)


def test_an_empty_follow_up_says_so_and_none_leaves_the_document_as_before() -> None:
    sv = Texts("sv", strict=True)
    texts = [text for _, text in _styled_paragraphs(render_docx(summary_outline(sv, _summary(_record([])))))]
    assert texts[texts.index("Uppföljning från föregående möten") + 1] == "Inga öppna åtgärder från tidigare möten."
    without = summary_outline(sv, _summary(None))
    assert Heading("Uppföljning från föregående möten") not in without
    with_follow_up = summary_outline(sv, _summary(_record(ACTIONS)))
    start = with_follow_up.index(Heading("Uppföljning från föregående möten"))
    assert with_follow_up[:start] + with_follow_up[start + 4:] == without  # heading, bullets, closed line, bullets


def test_the_markdown_export_has_the_same_follow_up_in_the_same_place() -> None:
    sv = Texts("sv", strict=True)
    markdown = render_summary_markdown(sv, _summary(_record(ACTIONS)))
    order = [markdown.index(h) for h in ("- **", "## Uppföljning", "## Inget nytt att rapportera", "## Aktuella")]
    assert order == sorted(order)
