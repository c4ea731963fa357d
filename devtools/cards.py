"""Reading a card as Teams would submit it (shared by the conversation tests and bench/turns.py)."""

from __future__ import annotations

from typing import Any


def inputs_of(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's Input.* elements by id."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found
