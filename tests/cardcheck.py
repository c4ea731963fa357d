"""Validate Adaptive Cards with the npm `adaptivecards` library through tools/validate-cards.mjs.

Use from tests marked ``@pytest.mark.node``:

    problems = validate_cards([card_a, card_b])
    assert problems == []

Each problem reads ``card <index>: <message>``. The check covers the Adaptive Card 1.5 object model
(unknown or newer element types, invalid values, missing/duplicate ids), ``version == "1.5"``, a ``label``
on every Input.*, ``altText`` on every Image and a ``verb`` on every Action.Execute. Missing node or
node_modules raises ``NodeToolsMissing`` (run ``make install``); the tests never skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CARD_VALIDATOR = ROOT / "tools" / "validate-cards.mjs"
MANIFEST_VALIDATOR = ROOT / "tools" / "validate-manifest.mjs"
NODE_PACKAGES = ("adaptivecards", "@microsoft/app-manifest")
TIMEOUT_SECONDS = 120


class NodeToolsMissing(RuntimeError):
    """node or the npm validators are not installed."""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise NodeToolsMissing("node is not on PATH: install Node.js 20+ and run `make install`")
    for package in NODE_PACKAGES:
        if not (ROOT / "node_modules" / package / "package.json").is_file():
            raise NodeToolsMissing(
                f"node_modules/{package} is missing: run `make install` (npm ci) in {ROOT}"
            )
    return node


def _run(script: Path, args: list[str], stdin: str | None) -> tuple[int, Any]:
    result = subprocess.run(
        [_node(), str(script), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{script.name} failed (exit {result.returncode}): {result.stderr.strip()}")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"{script.name} printed no JSON report (exit {result.returncode}): {result.stderr.strip()}"
        ) from exc
    return result.returncode, report


def validate_cards(cards: list[dict[str, Any]]) -> list[str]:
    """Human-readable problems for the given cards; an empty list means every card is fine."""
    code, report = _run(CARD_VALIDATOR, [], json.dumps(cards, ensure_ascii=False))
    if not isinstance(report, list) or len(report) != len(cards):
        raise RuntimeError(f"{CARD_VALIDATOR.name} returned a malformed report: {report!r}")
    problems = [f"card {entry['index']}: {error}" for entry in report for error in entry["errors"]]
    if (code == 1) != bool(problems):
        raise RuntimeError(f"{CARD_VALIDATOR.name} exit code {code} disagrees with its report {report!r}")
    return problems


def validate_manifest(manifest_path: Path) -> list[str]:
    """Schema errors for an unpacked app manifest (and its localization files); empty means valid."""
    code, report = _run(MANIFEST_VALIDATOR, [str(manifest_path)], None)
    if not isinstance(report, dict) or not isinstance(report.get("errors"), list):
        raise RuntimeError(f"{MANIFEST_VALIDATOR.name} returned a malformed report: {report!r}")
    errors = [str(error) for error in report["errors"]]
    if (code == 1) != bool(errors):
        raise RuntimeError(f"{MANIFEST_VALIDATOR.name} exit code {code} disagrees with its report {report!r}")
    return errors
