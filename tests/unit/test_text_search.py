"""Searching the record: words in any order, case and å/ä/ö folded, paragraphs with their § and an excerpt."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.actions import ActionItem, ActionStatus
from domain.minutes import DraftAction, MinutesContent, MinutesFrame, MinutesItem, PublishedVersion
from domain.text_search import ELLIPSIS, excerpt, fold, matches, search_actions, search_minutes, terms_of

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_case_and_swedish_letters_are_folded_both_ways() -> None:
    assert fold("ÅTGÄRD Över") == "atgard over"
    assert matches(terms_of("atgard"), "Åtgärden följs upp")
    assert matches(terms_of("ÅTGÄRDEN"), "atgarden")
    assert matches(terms_of("skolan polis"), "Polisen besöker skolan")  # every word, any order, part of a word
    assert not matches(terms_of("skolan brand"), "Polisen besöker skolan")
    assert not matches(terms_of("   "), "vad som helst")
    assert terms_of("Skolan skolan SKOLAN") == ("skolan",)


def test_an_excerpt_is_the_written_text_around_the_first_match() -> None:
    long = "Inledning. " * 30 + "Fältassistenterna såg oro vid Åbyskolan på fredagskvällar. " + "Slut. " * 30
    shown = excerpt(long, terms_of("abyskolan"))
    assert shown is not None and "Åbyskolan" in shown
    assert shown.startswith(ELLIPSIS) and shown.endswith(ELLIPSIS) and len(shown) <= 142
    assert excerpt("Kort  text\nmed radbrytning", terms_of("text")) == "Kort text med radbrytning"
    assert excerpt("Inget här", terms_of("skolan")) is None


def _version(meeting_id: str, day: date, first: int, items: tuple[MinutesItem, ...]) -> PublishedVersion:
    frame = MinutesFrame("Forum", day, "Europe/Stockholm", {}, {})
    return PublishedVersion(meeting_id, "f", 1, first, MinutesContent(items), frame, NOW, "29:chair", "Anna")


def test_minutes_are_searched_paragraph_by_paragraph_newest_meeting_first() -> None:
    older = _version("m1", date(2026, 11, 19), 1, (
        MinutesItem("s1", "Aktuellt", "Oro vid skolan."), MinutesItem("s2", "Övrigt", "Inget.")))
    newer = _version("m2", date(2026, 11, 26), 3, (
        MinutesItem("s1", "Skolan", "Lugnt."),
        MinutesItem("s2", "Övrigt", "", ("Beslut om kvällsvandring",),
                    (DraftAction("a1", "Kontakta skolan", "r1", date(2026, 12, 10), number=1),))))
    hits = search_minutes([older, newer], terms_of("skolan"))
    assert [(h.meeting_id, h.paragraph) for h in hits] == [("m2", 3), ("m2", 4), ("m1", 1)]
    assert hits[0].excerpt == ""  # only the title matched: nothing more to show
    assert hits[1].excerpt == "Kontakta skolan" and hits[2].excerpt == "Oro vid skolan."
    assert [h.paragraph for h in search_minutes([older, newer], terms_of("kvällsvandring"))] == [4]


def _action(number: int, title: str, *, status: ActionStatus = ActionStatus.OPEN, description: str = "",
            outcome: str = "") -> ActionItem:
    return ActionItem(id=f"a{number}", forum_id="f", number=number, title=title, owner_role_id="r1",
                      due=date(2026, 12, 10), meeting_id="m1", item_key="s1", status=status, created_at=NOW,
                      created_by="29:chair", description=description, outcome=outcome)


def test_actions_are_found_by_title_description_or_outcome_but_not_when_removed() -> None:
    actions = [_action(1, "Ring rektorn", description="Om skolgården"),
               _action(2, "Skolgården", status=ActionStatus.DONE, outcome="Klart"),
               _action(3, "Skolgården igen", status=ActionStatus.CANCELLED),
               _action(4, "Annat", outcome="Pratat med skolgårdens vaktmästare")]
    hits = search_actions(actions, terms_of("skolgarden"))
    assert [(h.action.number, h.excerpt) for h in hits] == [
        (4, "Pratat med skolgårdens vaktmästare"), (2, ""), (1, "Om skolgården")]
