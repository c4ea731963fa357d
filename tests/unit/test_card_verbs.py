"""Every button a card offers reaches a route: a verb no route handles would answer a person with an error."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.routing import VERBS

ROOT = Path(__file__).resolve().parents[2]


def _verbs_in_code() -> dict[str, str]:
    """Literal verbs given to `execute(title, verb, …)` and `refresh(verb, …)`, with where they are."""
    found: dict[str, str] = {}
    for package in ("dialogs", "bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                position = {"execute": 1, "refresh": 0}.get(node.func.id)
                if position is None or len(node.args) <= position:
                    continue
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.setdefault(argument.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_literal_card_verb_has_a_route() -> None:
    routes = {route.name for route in VERBS}
    used = _verbs_in_code()
    assert len(used) > 20  # the scan sees the cards' buttons
    missing = {verb: where for verb, where in used.items() if verb not in routes}
    assert missing == {}
