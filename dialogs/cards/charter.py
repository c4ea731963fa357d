"""The forum's charter (syfte, mål, uppdragsgivare, områden): the chair's card to edit it, the card that shows it
with each goal's latest evaluation (`mål`), and the chair's evaluation card (`utvärdera mål`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogs.cards.elements import (
    Element,
    card,
    choice_set,
    errors_block,
    execute,
    facts,
    heading,
    input_text,
    notice,
    text,
)
from dialogs.cards.escaping import escape_card_inline, escape_card_text
from dialogs.texts import Texts
from dialogs.texts.formatting import format_date
from domain.charter import (
    MAX_AREA_NAME,
    MAX_COMMISSIONED_BY,
    MAX_EVALUATION_COMMENT,
    MAX_GOAL_TEXT,
    MAX_PURPOSE,
    Charter,
    GoalEvaluation,
    GoalRating,
)
from domain.model import Forum

PURPOSE, COMMISSIONED_BY, GOAL, GOALS_NEW, AREA, AREAS_NEW = (
    "purpose", "commissioned_by", "goal__", "goals_new", "area__", "areas_new")
PERIOD, RATING, COMMENT = "period", "rating__", "comment__"


def charter_values(charter: Charter) -> dict[str, str]:
    values = {PURPOSE: charter.purpose, COMMISSIONED_BY: charter.commissioned_by, GOALS_NEW: "", AREAS_NEW: ""}
    values |= {GOAL + g.id: g.text for g in charter.goals}
    values |= {AREA + a.id: a.name for a in charter.areas}
    return values


def charter_card(t: Texts, forum: Forum, *, values: Mapping[str, str], revision: str,
                 errors: Sequence[str] = (), note: str | None = None) -> Element:
    body: list[Element] = [heading(t("charter.title")),
                           text(t("charter.intro", forum=escape_card_inline(forum.name)), subtle=True)]
    if note:
        body.append(notice(note))
    if errors:
        body.append(errors_block(errors, t("charter.errors_title")))
    body += [
        input_text(PURPOSE, t("charter.purpose"), value=values.get(PURPOSE, ""), multiline=True,
                   max_length=MAX_PURPOSE, error=t("charter.error.purpose_too_long", max=MAX_PURPOSE)),
        input_text(COMMISSIONED_BY, t("charter.commissioned_by"), value=values.get(COMMISSIONED_BY, ""),
                   max_length=MAX_COMMISSIONED_BY, placeholder=t("charter.commissioned_by_example")),
    ]
    body += [input_text(GOAL + g.id, t("charter.goal_label", number=n), value=values.get(GOAL + g.id, ""),
                        max_length=MAX_GOAL_TEXT) for n, g in enumerate(forum.charter.goals, start=1)]
    body.append(input_text(GOALS_NEW, t("charter.goals_new"), value=values.get(GOALS_NEW, ""), multiline=True,
                           placeholder=t("charter.goals_example")))
    body += [input_text(AREA + a.id, t("charter.area_label", number=n), value=values.get(AREA + a.id, ""),
                        max_length=MAX_AREA_NAME) for n, a in enumerate(forum.charter.areas, start=1)]
    body.append(input_text(AREAS_NEW, t("charter.areas_new"), value=values.get(AREAS_NEW, ""), multiline=True,
                           placeholder=t("charter.areas_example")))
    body.append(text(t("charter.remove_hint"), subtle=True))
    return card(body, [execute(t("charter.save"), "charter.save", {"forum_id": forum.id, "revision": revision})])


def _rating(t: Texts, rating: GoalRating) -> str:
    return t(f"charter.rating.{rating.value}")


def charter_view(t: Texts, forum: Forum, latest: Mapping[str, GoalEvaluation], *, chair: bool,
                 saved: bool = False) -> Element:
    charter = forum.charter
    title = t("charter.saved_title" if saved else "charter.view_title", forum=escape_card_inline(forum.name))
    body: list[Element] = [heading(title)]
    if charter.is_empty:
        body.append(text(t("charter.empty_chair" if chair else "charter.empty")))
    else:
        body.append(facts([(t("charter.purpose"), charter.purpose or "–"),
                           (t("charter.commissioned_by"), charter.commissioned_by or "–")]))
        body.append(text(t("charter.goals"), weight="Bolder"))
        if not charter.goals:
            body.append(text(t("charter.no_goals"), subtle=True))
        for n, goal in enumerate(charter.goals, start=1):
            body.append({"type": "TextBlock", "wrap": True, "text": f"{n}. {escape_card_text(goal.text)}"})
            ev = latest.get(goal.id)
            body.append(text(t("charter.evaluated", rating=_rating(t, ev.rating), period=ev.period,
                               date=format_date(t, ev.evaluated_at.date()))
                             + (f" – {escape_card_text(ev.comment)}" if ev.comment else "") if ev
                             else t("charter.not_evaluated"), subtle=True))
        body.append(text(t("charter.areas"), weight="Bolder"))
        body.append(text(", ".join(a.name for a in charter.areas) or t("charter.no_areas"), subtle=not charter.areas))
    actions: list[Element] = []
    if chair:
        actions.append(execute(t("charter.edit"), "charter.open", {"forum_id": forum.id}, validate=False))
        if charter.goals:
            actions.append(execute(t("charter.evaluate"), "goals.open", {"forum_id": forum.id}, validate=False))
    return card(body, actions)


def evaluation_card(t: Texts, forum: Forum, *, values: Mapping[str, str], revision: str,
                    errors: Sequence[str] = ()) -> Element:
    body: list[Element] = [heading(t("charter.evaluation_title", forum=escape_card_inline(forum.name))),
                           text(t("charter.evaluation_intro"), subtle=True)]
    if errors:
        body.append(errors_block(errors, t("charter.errors_title")))
    body.append(input_text(PERIOD, t("charter.period"), value=values.get(PERIOD, ""), max_length=16,
                           required=True, error=t("charter.error.period")))
    ratings = [(r.value, _rating(t, r)) for r in GoalRating]
    for n, goal in enumerate(forum.charter.goals, start=1):
        body.append({"type": "TextBlock", "wrap": True, "weight": "Bolder",
                     "text": f"{n}. {escape_card_text(goal.text)}"})
        body.append(choice_set(RATING + goal.id, t("charter.rating_label", number=n), ratings,
                               value=values.get(RATING + goal.id) or None))
        body.append(input_text(COMMENT + goal.id, t("charter.comment_label", number=n),
                               value=values.get(COMMENT + goal.id, ""), multiline=True,
                               max_length=MAX_EVALUATION_COMMENT))
    return card(body, [execute(t("charter.evaluation_save"), "goals.save",
                               {"forum_id": forum.id, "revision": revision})])
