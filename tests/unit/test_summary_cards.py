"""The compiled summary as Adaptive Cards (split to fit Teams), plain text and Markdown, in sv and en."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from dialogs.cards.summary import render_summary_cards, summary_activities
from dialogs.cards.summary_text import render_summary_markdown, render_summary_text
from dialogs.texts import Texts, load_catalog, placeholders
from domain.model import AgendaSection, Forum, Organisation, Schedule
from domain.reporting import ContributionInput, Summary, compile_summary
from tests.cardcheck import validate_cards

LIMIT = 80_000
MEETING_DATE = date(2026, 11, 26)  # a Thursday
STARTS_AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
DEADLINE_AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 16:00 in Stockholm
ON_TIME = DEADLINE_AT - timedelta(hours=5)
LATE = DEADLINE_AT + timedelta(hours=3)

SECTIONS = (
    AgendaSection("follow_up", "Uppföljning", 1),
    AgendaSection("events", "Aktuella händelser", 2),
    AgendaSection("places", "Platser och områden", 3),
)
ORGANISATIONS = (
    Organisation("school", "Skolan", 1),
    Organisation("police", "Polisen", 2),
    Organisation("field", "Fältassistenterna", 3),
    Organisation("rescue", "Räddningstjänsten", 4),
    Organisation("housing", "Bostadsbolaget", 5),
    Organisation("parish", "Församlingen", 6),
)


def utf16(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-16-le"))


def make_forum(sections: tuple[AgendaSection, ...], organisations: tuple[Organisation, ...]) -> Forum:
    return Forum("f1", "Trygghetsforum Centrum", "tenant", "19:forum", "29:chair", Schedule(), sections, organisations)


def entry(organisation_id: str, texts: dict[str, str], **changes: Any) -> ContributionInput:
    fields: dict[str, Any] = {"organisation_id": organisation_id, "sections": texts, "submitted_at": ON_TIME}
    return ContributionInput(**(fields | changes))


def compile_at(forum: Forum, contributions: list[ContributionInput], when: datetime = LATE) -> Summary:
    return compile_summary(forum, MEETING_DATE, STARTS_AT, DEADLINE_AT, contributions, compiled_at=when)


@pytest.fixture
def sv() -> Texts:
    return Texts("sv", strict=True)


@pytest.fixture
def en() -> Texts:
    return Texts("en", strict=True)


@pytest.fixture
def summary() -> Summary:
    """Two organisations report text, one nothing new, one will not attend, one late, one missing."""
    contributions = [
        entry("police", {"events": "Inbrott på skolan i helgen.", "places": "Oro vid Centrumtorget."}),
        entry("school", {"events": "Lugnt på skolan.\nEtt bråk på rasten."}),
        entry("field", {}, nothing_new=True),
        entry("rescue", {}, attending=False),
        entry("housing", {"places": "Klotter i trapphusen."}, after_deadline=True, submitted_at=LATE),
    ]
    return compile_at(make_forum(SECTIONS, ORGANISATIONS), contributions)


def texts_of(cards: list[dict[str, Any]]) -> list[str]:
    """Every TextBlock text and FactSet title/value, in reading order across all cards."""
    found: list[str] = []
    for card in cards:
        for element in card["body"]:
            if element["type"] == "TextBlock":
                found.append(element["text"])
            elif element["type"] == "FactSet":
                found += [part for fact in element["facts"] for part in (fact["title"], fact["value"])]
    return found


def position(haystack: list[str], needle: str) -> int:
    return next(i for i, value in enumerate(haystack) if needle in value)


def test_the_card_lists_each_sections_texts_under_the_organisation_names_in_order(sv: Texts, summary: Summary) -> None:
    cards = render_summary_cards(sv, summary)

    assert len(cards) == 1
    assert cards[0]["type"] == "AdaptiveCard" and cards[0]["version"] == "1.5"
    texts = texts_of(cards)
    start = texts.index("Uppföljning")
    assert texts[start:] == [
        "Uppföljning",
        "Inga bidrag under den här punkten.",
        "Aktuella händelser",
        "Skolan",
        "Lugnt på skolan.\n\nEtt bråk på rasten.",
        "Polisen",
        "Inbrott på skolan i helgen.",
        "Platser och områden",
        "Polisen",
        "Oro vid Centrumtorget.",
        "Inkommet efter sammanställning",
        "Platser och områden",
        "Bostadsbolaget",
        "Klotter i trapphusen.",
    ]


def test_the_card_header_names_the_meeting_the_deadline_and_how_many_reported(sv: Texts, summary: Summary) -> None:
    texts = texts_of(render_summary_cards(sv, summary))

    assert texts[0] == "Lägesbild – Trygghetsforum Centrum"
    assert "torsdag 26 november 2026 kl. 09:00" in texts
    assert "onsdag 25 november 2026 kl. 16:00" in texts
    assert "5 av 6 organisationer har rapporterat" in texts
    assert position(texts, "rapporterat") < texts.index("Uppföljning")


def test_the_card_lists_nothing_new_missing_and_not_attending_in_words(sv: Texts, summary: Summary) -> None:
    texts = texts_of(render_summary_cards(sv, summary))

    assert texts[position(texts, "Inget nytt att rapportera (1)") + 1] == "Fältassistenterna"
    assert texts[position(texts, "Har inte rapporterat (1)") + 1] == "Församlingen"
    assert texts[position(texts, "Deltar inte i mötet (1)") + 1] == "Räddningstjänsten"


def test_the_card_speaks_english_to_english_readers(en: Texts, summary: Summary) -> None:
    texts = texts_of(render_summary_cards(en, summary))

    assert texts[0] == "Situation report – Trygghetsforum Centrum"
    assert "Thursday 26 November 2026 at 09:00" in texts
    assert "5 of 6 organisations have reported" in texts
    assert "Nothing new to report (1)" in texts
    assert "Have not reported (1)" in texts
    assert "Not attending the meeting (1)" in texts
    assert "No contributions under this item." in texts
    late = texts.index("Received after the summary was compiled")
    assert texts[late + 1 :] == ["Platser och områden", "Bostadsbolaget", "Klotter i trapphusen."]


def test_a_preview_says_it_is_not_final(sv: Texts) -> None:
    forum = make_forum(SECTIONS, ORGANISATIONS)
    preview = compile_at(forum, [entry("police", {"events": "Hittills lugnt"})], ON_TIME)

    texts = texts_of(render_summary_cards(sv, preview))

    assert texts[0] == "Förhandsvisning av lägesbild – Trygghetsforum Centrum"
    assert any(text.startswith("Förhandsvisning, inte slutlig") for text in texts)
    assert "Inkommet efter sammanställning" not in texts


def test_user_text_cannot_inject_formatting_links_or_lists(sv: Texts) -> None:
    hostile = "**Viktigt** [klicka här](http://evil.example)\n- punkt\n1. numrerad\n# rubrik\n<at>Alla</at> _i_"
    forum = make_forum(SECTIONS, (Organisation("o", "**Fet** [org](http://evil.example)", 1),))
    summary = compile_at(forum, [entry("o", {"events": hostile})])

    texts = texts_of(render_summary_cards(sv, summary))

    name, text = texts[texts.index("Aktuella händelser") + 1 :][:2]
    assert text == (
        "\\*\\*Viktigt\\*\\* \\[klicka här\\](http://evil.example)\n\n\\- punkt\n\n1\\. numrerad\n\n"
        "\\# rubrik\n\n\\<at\\>Alla\\</at\\> \\_i\\_"
    )
    assert name == "\\*\\*Fet\\*\\* \\[org\\](http://evil.example)"
    for rendered in (name, text):
        assert re.search(r"(?<!\\)[*_\[\]<>#]", rendered) is None  # every marker is escaped


def many_organisations(count: int, sections: int, length: int) -> tuple[Forum, list[ContributionInput]]:
    agenda = tuple(AgendaSection(f"s{i}", f"Punkt {i + 1}", i) for i in range(sections))
    organisations = tuple(Organisation(f"o{i}", f"Organisation {i + 1}", i) for i in range(count))
    contributions = [entry(o.id, {s.id: distinct_text(o.id, s.id, length) for s in agenda}) for o in organisations]
    return make_forum(agenda, organisations), contributions


def distinct_text(organisation_id: str, section_id: str, length: int) -> str:
    words = f"<{organisation_id}/{section_id}> " + "läget är lugnt men vi ser oro kring torget på kvällarna " * 40
    return words[:length].strip()


def test_a_large_summary_is_split_into_cards_under_the_limit_in_agenda_order_losing_nothing(
    sv: Texts,
) -> None:
    forum, contributions = many_organisations(60, 6, 1_500)
    summary = compile_at(forum, contributions)

    cards = render_summary_cards(sv, summary)

    assert len(cards) > 1
    assert all(utf16(card) <= LIMIT for card in cards)
    texts = texts_of(cards)
    assert texts[0] == f"Trygghetsforum Centrum, torsdag 26 november 2026 – del 1 av {len(cards)}"
    assert cards[-1]["body"][0]["text"].endswith(f"del {len(cards)} av {len(cards)}")
    expected = [
        distinct_text(o.id, s.id, 1_500).replace("<", "\\<").replace(">", "\\>")
        for s in forum.sections
        for o in forum.organisations
    ]
    entries = [text for text in texts if text.startswith("\\<o")]
    assert entries == expected  # all present, once, in agenda order then forum order
    for i, text in enumerate(texts):
        if text.startswith("\\<o"):
            org = text[3 : text.index("/")]
            assert texts[i - 1] == f"Organisation {int(org) + 1}"
    headings = [text for text in texts if text.startswith("Punkt ")]
    assert headings == sorted(headings, key=lambda h: int(h.split()[1]))
    assert {f"Punkt {i}" for i in range(1, 7)} <= set(headings)


def test_a_card_that_continues_a_section_repeats_its_heading(sv: Texts) -> None:
    forum, contributions = many_organisations(60, 6, 1_500)
    cards = render_summary_cards(sv, compile_at(forum, contributions))

    for card in cards[1:]:
        first = card["body"][1]["text"]
        assert re.fullmatch(r"Punkt \d( \(forts\.\))?", first)


def test_a_single_huge_text_is_split_across_cards_with_its_owner_repeated(sv: Texts) -> None:
    words = [f"ord{i}" for i in range(30_000)]
    huge = " ".join(words)[:200_000]
    assert len(huge) == 200_000
    forum = make_forum(SECTIONS, ORGANISATIONS[:2])
    summary = compile_at(forum, [entry("police", {"events": huge}), entry("school", {"events": "Kort."})])

    cards = render_summary_cards(sv, summary)

    assert len(cards) >= 3
    assert all(utf16(card) <= LIMIT for card in cards)
    texts = texts_of(cards)
    pieces = [text for text in texts if text.startswith("ord")]
    assert " ".join(pieces).split() == huge.split()
    assert len(pieces) >= 3
    assert texts.count("Polisen (forts.)") == len(pieces) - 1
    for i, text in enumerate(texts):
        if text == "Polisen (forts.)":
            assert texts[i - 1] == "Aktuella händelser (forts.)"
    assert texts.index("Skolan") < texts.index("Polisen")


def test_splitting_counts_utf16_so_emoji_and_escapes_never_overflow(sv: Texts) -> None:
    text = '🚓 *akut* [brand] \\ "citat" \n' * 400
    forum, _ = many_organisations(10, 3, 10)
    summary = compile_at(forum, [entry(o.id, {s.id: text for s in forum.sections}) for o in forum.organisations])

    for limit in (5_000, 12_345, LIMIT):
        cards = render_summary_cards(sv, summary, max_bytes=limit)
        assert all(utf16(card) <= limit for card in cards)
        assert sum(t.count("🚓") for t in texts_of(cards)) == 10 * 3 * 400


@pytest.mark.parametrize("hostile", ["*" * 60_000, "- punkt 1. ett " * 8_000], ids=["stars", "markers"])
def test_cuts_never_split_an_escape_or_start_a_piece_with_a_list_marker(sv: Texts, hostile: str) -> None:
    forum = make_forum(SECTIONS, ORGANISATIONS[:1])
    summary = compile_at(forum, [entry("school", {"events": hostile})])

    cards = render_summary_cards(sv, summary)

    texts = texts_of(cards)
    pieces = [texts[i + 1] for i, text in enumerate(texts) if text in ("Skolan", "Skolan (forts.)")]
    assert len(pieces) > 2
    for piece in pieces:
        assert re.search(r"(?<!\\)(\\\\)*\\$", piece) is None  # no dangling escape at the end
        assert not piece.startswith(("-", "*")) and not re.match(r"\d+\.", piece)
    assert "".join(pieces).replace(" ", "").replace("\\", "") == hostile.replace(" ", "")


def test_a_limit_too_small_for_any_text_raises_instead_of_exceeding(sv: Texts, summary: Summary) -> None:
    with pytest.raises(ValueError):
        render_summary_cards(sv, summary, max_bytes=900)


def test_each_activity_carries_one_card_and_stays_under_the_message_limit(sv: Texts) -> None:
    forum, contributions = many_organisations(60, 6, 1_500)
    summary = compile_at(forum, contributions)

    activities = summary_activities(sv, summary)

    assert len(activities) > 1
    for number, activity in enumerate(activities, start=1):
        assert activity["type"] == "message"
        assert utf16(activity) <= LIMIT
        assert activity["text"] == activity["summary"]
        assert activity["text"].startswith("Lägesbild för Trygghetsforum Centrum, möte torsdag 26 november 2026")
        assert activity["text"].endswith(f"Del {number} av {len(activities)}.")
        [attachment] = activity["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert attachment["content"]["version"] == "1.5"
        assert attachment["content"]["fallbackText"] == activity["text"]


def test_a_small_summary_is_one_activity_without_part_numbers(en: Texts, summary: Summary) -> None:
    [activity] = summary_activities(en, summary)

    assert activity["text"] == (
        "Situation report for Trygghetsforum Centrum, meeting Thursday 26 November 2026: "
        "5 of 6 organisations have reported."
    )
    assert "part" not in json.dumps(activity)


def test_the_plain_text_fallback_has_every_part_without_markup(sv: Texts, summary: Summary) -> None:
    text = render_summary_text(sv, summary)

    assert text.splitlines()[:5] == [
        "Lägesbild – Trygghetsforum Centrum",
        "Möte: torsdag 26 november 2026 kl. 09:00",
        "Sista tid för lägesbilder: onsdag 25 november 2026 kl. 16:00",
        "Sammanställd: onsdag 25 november 2026 kl. 19:00",
        "5 av 6 organisationer har rapporterat",
    ]
    assert "Inget nytt att rapportera (1): Fältassistenterna" in text
    assert "Har inte rapporterat (1): Församlingen" in text
    assert "Deltar inte i mötet (1): Räddningstjänsten" in text
    order = ["Aktuella händelser", "Skolan", "Lugnt på skolan.\nEtt bråk på rasten.", "Polisen", "Inbrott"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.index("Inkommet efter sammanställning") < text.index("Klotter i trapphusen.")
    assert "\\" not in text and "**" not in text


def test_the_markdown_export_uses_headings_lists_and_escaped_user_text(sv: Texts) -> None:
    forum = make_forum(SECTIONS, ORGANISATIONS)
    contributions = [
        entry("police", {"events": "**Viktigt** [länk](http://evil.example)\n- punkt\n\nNytt stycke | tabell"}),
        entry("school", {}, nothing_new=True),
        entry("housing", {"places": "Sent"}, after_deadline=True, submitted_at=LATE),
    ]

    markdown = render_summary_markdown(sv, compile_at(forum, contributions))

    assert markdown.startswith(
        "# Lägesbild – Trygghetsforum Centrum\n\n- **Möte:** torsdag 26 november 2026 kl. 09:00\n"
    )
    assert "- **3 av 6 organisationer har rapporterat**" in markdown
    assert "## Inget nytt att rapportera (1)\n\n- Skolan\n" in markdown
    assert "## Har inte rapporterat (3)\n\n- Fältassistenterna\n- Räddningstjänsten\n- Församlingen\n" in markdown
    assert (
        "## Aktuella händelser\n\n### Polisen\n\n"
        "\\*\\*Viktigt\\*\\* \\[länk\\](http://evil.example)  \n\\- punkt\n\nNytt stycke \\| tabell\n"
    ) in markdown
    assert "## Uppföljning\n\n_Inga bidrag under den här punkten._\n" in markdown
    assert markdown.index("## Platser och områden") < markdown.index("## Inkommet efter sammanställning")
    assert markdown.endswith(
        "## Inkommet efter sammanställning\n\n### Platser och områden\n\n#### Bostadsbolaget\n\nSent\n"
    )


def test_the_markdown_export_of_a_large_summary_keeps_every_text(en: Texts) -> None:
    forum, contributions = many_organisations(60, 6, 1_500)

    markdown = render_summary_markdown(en, compile_at(forum, contributions))

    for contribution in contributions:
        for text in contribution.sections.values():
            assert text.replace("<", "\\<").replace(">", "\\>") in markdown


def test_summary_texts_have_the_same_keys_and_placeholders_in_swedish_and_english() -> None:
    sv_keys = {k: v for k, v in load_catalog("sv").items() if k.startswith("summary.")}
    en_keys = {k: v for k, v in load_catalog("en").items() if k.startswith("summary.")}

    assert sv_keys.keys() == en_keys.keys()
    assert {k: placeholders(v) for k, v in sv_keys.items()} == {k: placeholders(v) for k, v in en_keys.items()}


@pytest.mark.node
@pytest.mark.parametrize("language", ["sv", "en"])
def test_rendered_summary_cards_are_valid_adaptive_cards(language: str, summary: Summary) -> None:
    t = Texts(language, strict=True)
    forum, contributions = many_organisations(20, 6, 1_500)
    preview = compile_at(forum, contributions, ON_TIME)

    cards = render_summary_cards(t, summary) + render_summary_cards(t, preview, max_bytes=20_000)

    assert len(cards) > 2
    assert validate_cards(cards) == []
