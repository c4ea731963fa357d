"""One plural helper: every number put before a word goes through `t.plural` with `one` and `other` forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogs.texts import LANGUAGES, PLURAL_ONE, PLURAL_OTHER, MissingText, Texts, load_catalog

ROOT = Path(__file__).resolve().parents[2]
COUNTS = ("count", "total", "n")
# A count placeholder followed by a word ("{count} personer", "{total} organisationer") needs plural forms;
# "{count} av {total}" / "{count} of {total}" is a number before a number, not before a noun.
COUNT_BEFORE_WORD = re.compile(r"\{(" + "|".join(COUNTS) + r")\}\s+(?!(?:av|of)\b)[^\W\d_]", re.UNICODE)
PLURAL_USE = re.compile(r"""\.plural\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_text_puts_a_count_before_a_word_outside_a_plural(language: str) -> None:
    offending = [
        key for key, value in load_catalog(language).items()
        if isinstance(value, str) and COUNT_BEFORE_WORD.search(value)
        and not key.endswith((f".{PLURAL_ONE}", f".{PLURAL_OTHER}"))
    ]
    assert offending == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_has_both_forms_with_the_same_placeholders(language: str) -> None:
    catalog = load_catalog(language)
    bases = {key.rsplit(".", 1)[0] for key in catalog if key.endswith((f".{PLURAL_ONE}", f".{PLURAL_OTHER}"))}
    assert bases
    for base in bases:
        assert f"{base}.{PLURAL_ONE}" in catalog and f"{base}.{PLURAL_OTHER}" in catalog, base


def test_every_plural_the_code_uses_exists_in_both_forms() -> None:
    used = set()
    for folder in ("bot", "dialogs"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(PLURAL_USE.findall(path.read_text(encoding="utf-8")))
    assert {"membership.test_queued", "summary.reported", "setup.days"} <= used
    for language in LANGUAGES:
        catalog = load_catalog(language)
        for key in used:
            assert f"{key}.{PLURAL_ONE}" in catalog and f"{key}.{PLURAL_OTHER}" in catalog, (language, key)


@pytest.mark.parametrize(("language", "n", "expected"), [
    ("sv", 1, "på väg till 1 person."), ("sv", 2, "på väg till 2 personer."), ("sv", 0, "på väg till 0 personer."),
    ("en", 1, "on its way to 1 person."), ("en", 5, "on its way to 5 people."),
])
def test_plural_picks_the_form_for_the_number(language: str, n: int, expected: str) -> None:
    assert expected in Texts(language, strict=True).plural("membership.test_queued", n)


@pytest.mark.parametrize(("language", "total", "expected"), [
    ("sv", 1, "1 av 1 organisation har rapporterat"), ("sv", 3, "1 av 3 organisationer har rapporterat"),
    ("en", 1, "1 of 1 organisation has reported"), ("en", 3, "1 of 3 organisations have reported"),
])
def test_a_plural_can_follow_another_number_than_count(language: str, total: int, expected: str) -> None:
    assert Texts(language, strict=True).plural("summary.reported", total, reported=1, total=total) == expected


def test_a_plain_text_is_not_a_plural() -> None:
    with pytest.raises(MissingText):
        Texts("sv", strict=True).plural("membership.saved", 2)
