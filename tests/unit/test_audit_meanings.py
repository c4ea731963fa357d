"""Every audit code the bot appends has a meaning in words in both languages, so the audit log CSVs read as
sentences for an auditor, not only as codes (dialogs/texts/*/auditlog.toml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogs.documents.admin_csv import describe_action
from dialogs.texts import Texts

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = (r'action="([a-z_]+\.[a-z_]+)"', r'audit\("([a-z_]+\.[a-z_]+)"', r'_audit\((?:uow, )?"([a-z_]+\.[a-z_]+)"',
            r'_count_hits\([^)]*"([a-z_]+\.[a-z_]+)"', r'_audit_screening\([^)]*"([a-z_]+\.[a-z_]+)"',
            r'action, detail = "([a-z_]+\.[a-z_]+)"')
CONSTANT = r'^[A-Z_]+ = "([a-z_]+\.[a-z_]+)"'  # domain/audit.py's codes


def codes() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "domain", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for pattern in PATTERNS:
                found |= set(re.findall(pattern, source, flags=re.M))
    found |= set(re.findall(CONSTANT, (ROOT / "domain" / "audit.py").read_text(encoding="utf-8"), flags=re.M))
    return found


def test_the_codes_are_found() -> None:
    assert {"minutes.published", "retention.disposed", "summary.exported", "action.created"} <= codes()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_audit_code_has_a_meaning(language: str) -> None:
    t = Texts(language, strict=True)
    assert sorted(c for c in codes() if describe_action(t, c) == c) == []
