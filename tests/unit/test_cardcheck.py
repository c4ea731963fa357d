"""tests/cardcheck.py + tools/validate-cards.mjs accept good 1.5 cards and catch bad ones."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import tests.cardcheck
from tests.cardcheck import NodeToolsMissing, validate_cards

pytestmark = pytest.mark.node


def good_card() -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Lägesbild inför mötet", "wrap": True, "weight": "Bolder"},
            {
                "type": "Input.Text",
                "id": "situation",
                "label": "Din lägesbild",
                "isMultiline": True,
                "isRequired": True,
                "errorMessage": "Skriv en kort lägesbild",
                "maxLength": 2000,
            },
            {
                "type": "Input.ChoiceSet",
                "id": "trend",
                "label": "Hur har läget utvecklats?",
                "style": "expanded",
                "choices": [
                    {"title": "Bättre", "value": "better"},
                    {"title": "Oförändrat", "value": "same"},
                    {"title": "Sämre", "value": "worse"},
                ],
            },
            {
                "type": "ColumnSet",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            {"type": "Image", "url": "https://example.se/logo.png", "altText": "Logga"}
                        ],
                    }
                ],
            },
        ],
        "actions": [
            {
                "type": "Action.Execute",
                "title": "Skicka",
                "verb": "report.submit",
                "data": {"forum": "f1"},
                "fallback": {"type": "Action.Submit", "title": "Skicka", "data": {"verb": "report.submit"}},
            },
            {
                "type": "Action.Submit",
                "title": "Avbryt",
                "associatedInputs": "none",
                "data": {"verb": "cancel"},
            },
        ],
    }


def test_accepts_a_good_1_5_card() -> None:
    assert validate_cards([good_card()]) == []


def test_accepts_an_empty_batch() -> None:
    assert validate_cards([]) == []


def test_catches_input_without_label() -> None:
    card = good_card()
    del card["body"][1]["label"]
    card["body"][1]["placeholder"] = "Skriv här"
    problems = validate_cards([card])
    assert 'card 0: body[1] (Input.Text "situation"): input has no label' in "\n".join(problems)
    # the library's own rule for required inputs fires too; nothing else is reported
    assert all('"situation"' in problem for problem in problems), problems


def test_catches_input_without_label_inside_a_show_card_column() -> None:
    card = good_card()
    card["actions"].append(
        {
            "type": "Action.ShowCard",
            "title": "Mer",
            "card": {
                "type": "AdaptiveCard",
                "body": [
                    {
                        "type": "ColumnSet",
                        "columns": [
                            {"type": "Column", "items": [{"type": "Input.Date", "id": "until", "label": " "}]}
                        ],
                    }
                ],
            },
        }
    )
    problems = validate_cards([card])
    assert problems == [
        'card 0: actions[2].card.body[0].columns[0].items[0] (Input.Date "until"): '
        "input has no label (placeholders are not read by screen readers)"
    ]


def test_catches_wrong_version() -> None:
    card = good_card()
    card["version"] = "1.6"
    problems = validate_cards([card])
    assert problems == ['card 0: version must be "1.5" (Teams), got "1.6"']


def test_catches_missing_version() -> None:
    card = good_card()
    del card["version"]
    problems = validate_cards([card])
    assert any('version must be "1.5"' in problem for problem in problems)


def test_catches_unknown_element_type() -> None:
    card = good_card()
    card["body"].append({"type": "Input.Slider", "id": "x", "label": "Skala"})
    problems = validate_cards([card])
    assert len(problems) == 1
    assert "UnknownElementType" in problems[0]
    assert "Input.Slider" in problems[0]


def test_catches_element_newer_than_1_5() -> None:
    # Carousel exists in the library but only from 1.6, which Teams does not render
    card = good_card()
    card["body"].append({"type": "Carousel", "pages": []})
    problems = validate_cards([card])
    assert any("Carousel" in problem for problem in problems)


def test_catches_image_without_alt_text_duplicate_ids_and_execute_without_verb() -> None:
    card = good_card()
    del card["body"][3]["columns"][0]["items"][0]["altText"]
    card["body"].append({"type": "Input.Text", "id": "situation", "label": "Igen"})
    del card["actions"][0]["verb"]
    problems = validate_cards([card])
    assert any("image has no altText" in problem for problem in problems)
    assert any("DuplicateId" in problem and "situation" in problem for problem in problems)
    assert any("Action.Execute has no verb" in problem for problem in problems)


def test_reports_each_card_by_index() -> None:
    bad = copy.deepcopy(good_card())
    bad["type"] = "HeroCard"
    problems = validate_cards([good_card(), bad, good_card()])
    assert problems
    assert all(problem.startswith("card 1: ") for problem in problems)


def test_missing_node_modules_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tests.cardcheck, "ROOT", tmp_path)
    with pytest.raises(NodeToolsMissing, match="run `make install`"):
        validate_cards([good_card()])
