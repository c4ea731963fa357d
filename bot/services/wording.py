"""Turn error keys and parameters into sentences of the person's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dialogs.cards.setup_form import FormError
from dialogs.texts import Texts


def word_error(t: Texts, key: str, params: Mapping[str, object]) -> str:
    """`field_key` in the parameters is worded too (the schedule errors name the field they are about)."""
    params = dict(params)
    field_key = params.pop("field_key", None)
    if isinstance(field_key, str):
        params["field"] = t(field_key)
    return t(key, **params)


def word_form_errors(t: Texts, errors: Iterable[FormError]) -> list[str]:
    return [word_error(t, e.key, e.params) for e in errors]
