"""Text catalogs: every user-facing string, Swedish by default, English when the user's locale is English.

Each language is a folder of TOML files (one per concern, e.g. `setup.toml`); their tables merge into one
dotted key space. `t("help.title")` formats a key with `str.format` placeholders.

Every text that puts a number before a word is a plural: a table with the forms `one` and `other`
(`test_queued = { one = "... {count} person ...", other = "... {count} personer ..." }`), used as
`t.plural("membership.test_queued", n)`. Swedish and English both need only these two forms.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("sv", "en")
PLURAL_ONE = "one"
PLURAL_OTHER = "other"
DEFAULT_LANGUAGE = "sv"

log = logging.getLogger(__name__)


class MissingText(KeyError):
    """A key is missing from every catalog (a programming error)."""


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, Any]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        else:
            if full in out:
                raise ValueError(f"text key {full} defined twice")
            out[full] = value


@cache
def load_catalog(language: str) -> dict[str, Any]:
    """All keys of one language. Strings, or lists of strings (command words)."""
    folder = resources.files(__name__).joinpath(language)
    merged: dict[str, Any] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), merged)
    return merged


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Texts:
    """The words of one language, with Swedish as the fallback for a missing key."""

    def __init__(self, language: str, *, strict: bool = False) -> None:
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        self.language = language
        self._catalog = load_catalog(language)
        self._fallback = load_catalog(DEFAULT_LANGUAGE)
        self._strict = strict

    def raw(self, key: str) -> Any:
        if key in self._catalog:
            return self._catalog[key]
        if self._strict or key not in self._fallback:
            raise MissingText(key)
        log.warning("text key %s missing for language %s; using Swedish", key, self.language)
        return self._fallback[key]

    def __call__(self, key: str, **params: object) -> str:
        template = self.raw(key)
        if not isinstance(template, str):
            raise MissingText(key)
        return template.format(**params) if params else template

    def plural(self, key: str, n: int, **params: object) -> str:
        """The `one` or `other` form of a plural text for `n`; `count` is `n` unless given."""
        form = PLURAL_ONE if n == 1 else PLURAL_OTHER
        return self(f"{key}.{form}", **{"count": n, **params})

    def words(self, key: str) -> list[str]:
        value = self.raw(key)
        return [value] if isinstance(value, str) else list(value)

    def has(self, key: str) -> bool:
        return key in self._catalog


@cache
def for_language(language: str | None) -> Texts:
    return Texts(language or DEFAULT_LANGUAGE)


def language_of(locale: str | None) -> str | None:
    """'en-US' -> 'en' when it is a language we have; otherwise None."""
    if not locale:
        return None
    code = locale.split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None


def negotiate(preferred: str | None, locale: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The person's stored preference, else the Teams locale (en-US -> en), else the default."""
    return language_of(preferred) or language_of(locale) or default
