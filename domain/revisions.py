"""The revision a state-changing card was built from.

A card that changes stored state carries the revision of the part of the forum it shows; a submit whose
revision no longer matches was made on an outdated copy (in Teams an `Action.Execute` response replaces
the card only for the person who pressed it, so everyone else keeps the original with a working button).
The revision is a digest of the state the card shows, so a change elsewhere (someone joins while the chair
edits the agenda) does not make the setup card outdated, and an undone change makes it current again.
"""

from __future__ import annotations

import hashlib

from domain.model import Forum


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def setup_revision(forum: Forum) -> str:
    """What the setup card shows: name, schedule, agenda, organisations and (once set) the language."""
    # The language only counts once set, so the setup cards already out there stay current.
    language = () if forum.language is None else (("language", forum.language),)
    return _digest(
        "setup",
        forum.id,
        forum.name,
        forum.schedule,
        tuple((s.id, s.title, s.position) for s in forum.sections),
        tuple((o.id, o.name, o.position) for o in forum.organisations),
        *language,
    )


def members_revision(forum: Forum) -> str:
    """What the members card shows: the chair, organisations, role holders and memberships."""
    return _digest(
        "members",
        forum.id,
        forum.chair_id,
        tuple((o.id, o.name) for o in forum.organisations),
        tuple(sorted((r.organisation_id, r.kind.value, r.holder_id or "") for r in forum.roles)),
        tuple(sorted((m.person_id, m.organisation_id or "") for m in forum.memberships)),
    )


def join_revision(forum: Forum) -> str:
    """What the join card offers: the organisations."""
    return _digest("join", forum.id, tuple((o.id, o.name) for o in forum.organisations))


def fingerprint(value: str) -> str:
    """A short digest of a value a card showed, so an outdated submit can tell typed values from shown ones."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]


def typed_values(submitted: dict[str, object], shown: object) -> dict[str, str]:
    """The submitted values that differ from what the card showed (what the person actually typed).

    `shown` maps input id -> fingerprint of the value the card was built with. Without it (a card from before
    fingerprints, or a submit that carries no inputs) nothing counts as typed.
    """
    if not isinstance(shown, dict):
        return {}
    typed: dict[str, str] = {}
    for key, value in submitted.items():
        if key in shown and isinstance(value, str | int | float) and fingerprint(str(value)) != shown[key]:
            typed[key] = str(value)
    return typed


def record_revision(forum: Forum) -> str:
    """What the record-roles card shows: secretary, approvers, recipients, e-mail recipients, action due days."""
    return _digest("record", forum.id, forum.record)
