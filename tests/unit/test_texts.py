"""The catalogs: same keys and placeholders in Swedish and English, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogs.texts import LANGUAGES, MissingText, Texts, load_catalog, negotiate, placeholders

ROOT = Path(__file__).resolve().parents[2]
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_swedish_and_english_have_the_same_keys() -> None:
    sv, en = load_catalog("sv"), load_catalog("en")
    assert sorted(set(sv) - set(en)) == []
    assert sorted(set(en) - set(sv)) == []


@pytest.mark.parametrize("key", sorted(load_catalog("sv")))
def test_each_text_has_the_same_placeholders_in_both_languages(key: str) -> None:
    sv, en = load_catalog("sv")[key], load_catalog("en")[key]
    assert type(sv) is type(en), key
    if isinstance(sv, str):
        assert placeholders(sv) == placeholders(en), key
    elif key.startswith("calendar."):
        assert len(sv) == len(en), key


def test_every_literal_key_used_in_code_exists_in_the_catalog() -> None:
    catalog = load_catalog("sv")
    missing = []
    for folder in ("bot", "dialogs"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
                if key not in catalog:
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_a_missing_key_raises_in_strict_mode() -> None:
    with pytest.raises(MissingText):
        Texts("en", strict=True)("no.such.key")


@pytest.mark.parametrize(
    ("preferred", "locale", "expected"),
    [(None, "en-US", "en"), (None, "sv-SE", "sv"), ("sv", "en-GB", "sv"), (None, "de-DE", "sv"), (None, None, "sv")],
)
def test_language_is_the_preference_then_the_teams_locale_then_swedish(
    preferred: str | None, locale: str | None, expected: str
) -> None:
    assert negotiate(preferred, locale) == expected


def test_both_languages_are_loadable() -> None:
    for language in LANGUAGES:
        assert Texts(language)("help.title")
