"""The annual basis as a Word outline: an area with texts gets its quarters, an area without any gets one line for
the year instead of four identical ones."""

from __future__ import annotations

from datetime import date

from dialogs.documents.annual import annual_outline
from dialogs.documents.blocks import Heading, Paragraph
from dialogs.texts import for_language
from domain.annual_basis import AnnualBasis, AreaQuarter, AreaYear, Mention

MENTION = Mention("m1", date(2026, 5, 7), "Polisen", "Aktuella händelser", "Oro vid torget", ("c",))


def test_an_area_without_texts_gets_one_line_for_the_year() -> None:
    quiet = AreaYear("d", "Droger", tuple(AreaQuarter(q, (), ()) for q in range(1, 5)))
    busy = AreaYear("c", "Centrum", tuple(AreaQuarter(q, (MENTION,) if q == 2 else (), ()) for q in range(1, 5)))
    blocks = annual_outline(for_language("sv"), AnnualBasis("Forum", 2026, (busy, quiet)))
    texts = [b.text for b in blocks if isinstance(b, Heading | Paragraph)]
    assert texts.count("Inga texter markerades med området under året.") == 1
    assert texts.count("Inga texter markerades med området under kvartalet.") == 3  # Centrum's empty quarters
    after = texts[texts.index("Droger"):]
    assert not any(x.startswith("Kvartal") for x in after)  # no empty quarter headings for Droger
