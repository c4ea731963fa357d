"""A compiled summary and its frame <-> JSON, for the frozen record in summary_revisions.

Keys added later are optional when read: a summary stored before the follow-up existed has no `follow_up` and
loads as one without (and so renders exactly as it did)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.minutes import OwnerSnapshot
from domain.model import AgendaSection, Organisation, RoleKind
from domain.reporting import SectionEntry, Summary, SummaryFollowUp, SummaryFrame, SummarySection
from storage.records_codec import follow_up_from_json, follow_up_to_json


def _org(o: Organisation) -> dict[str, object]:
    return {"id": o.id, "name": o.name, "position": o.position}


def _org_from(data: Any) -> Organisation:
    return Organisation(str(data["id"]), str(data["name"]), int(data["position"]))


def _section(s: AgendaSection) -> dict[str, object]:
    return {"id": s.id, "title": s.title, "position": s.position}


def _section_from(data: Any) -> AgendaSection:
    return AgendaSection(str(data["id"]), str(data["title"]), int(data["position"]))


def _summary_section(s: SummarySection) -> dict[str, object]:
    return {
        "section": _section(s.section),
        "entries": [{"organisation": _org(e.organisation), "text": e.text, "late": e.late, "areas": list(e.areas)}
                    for e in s.entries],
    }


def _summary_section_from(data: Any) -> SummarySection:
    entries = tuple(
        SectionEntry(_org_from(e["organisation"]), str(e["text"]), bool(e["late"]),
                     tuple(str(a) for a in e.get("areas", ())))  # summaries kept before areas have none
        for e in data["entries"]
    )
    return SummarySection(_section_from(data["section"]), entries)


def _follow_up(f: SummaryFollowUp | None) -> dict[str, object] | None:
    if f is None:
        return None
    owners = {role_id: {"organisation_name": o.organisation_name, "kind": o.kind.value, "holder_name": o.holder_name}
              for role_id, o in f.owners.items()}
    return {"actions": follow_up_to_json(f.actions), "owners": owners, "as_of": f.as_of.isoformat()}


def _follow_up_from(data: Any) -> SummaryFollowUp | None:
    if data is None:
        return None
    owners = {str(role_id): OwnerSnapshot(str(o["organisation_name"]), RoleKind(o["kind"]), o.get("holder_name"))
              for role_id, o in data["owners"].items()}
    return SummaryFollowUp(follow_up_from_json(data["actions"]), owners, date.fromisoformat(str(data["as_of"])))


def frame_to_json(frame: SummaryFrame) -> dict[str, object]:
    return {
        "forum_name": frame.forum_name,
        "timezone": frame.timezone,
        "meeting_date": frame.meeting_date.isoformat(),
        "starts_at": frame.starts_at.isoformat(),
        "deadline_at": frame.deadline_at.isoformat(),
        "sections": [_section(s) for s in frame.sections],
        "organisations": [_org(o) for o in frame.organisations],
        "follow_up": _follow_up(frame.follow_up),
    }


def frame_from_json(data: Any) -> SummaryFrame:
    return SummaryFrame(
        forum_name=str(data["forum_name"]),
        timezone=str(data["timezone"]),
        meeting_date=date.fromisoformat(str(data["meeting_date"])),
        starts_at=datetime.fromisoformat(str(data["starts_at"])),
        deadline_at=datetime.fromisoformat(str(data["deadline_at"])),
        sections=tuple(_section_from(s) for s in data["sections"]),
        organisations=tuple(_org_from(o) for o in data["organisations"]),
        follow_up=_follow_up_from(data.get("follow_up")),
    )


def summary_to_json(summary: Summary) -> dict[str, object]:
    return {
        "forum_name": summary.forum_name,
        "timezone": summary.timezone,
        "meeting_date": summary.meeting_date.isoformat(),
        "starts_at": summary.starts_at.isoformat(),
        "deadline_at": summary.deadline_at.isoformat(),
        "compiled_at": summary.compiled_at.isoformat(),
        "sections": [_summary_section(s) for s in summary.sections],
        "nothing_new": [_org(o) for o in summary.nothing_new],
        "missing": [_org(o) for o in summary.missing],
        "not_attending": [_org(o) for o in summary.not_attending],
        "late": [_summary_section(s) for s in summary.late],
        "reported_count": summary.reported_count,
        "organisation_count": summary.organisation_count,
        "final": summary.final,
        "follow_up": _follow_up(summary.follow_up),
    }


def summary_from_json(data: Any) -> Summary:
    return Summary(
        forum_name=str(data["forum_name"]),
        timezone=str(data["timezone"]),
        meeting_date=date.fromisoformat(str(data["meeting_date"])),
        starts_at=datetime.fromisoformat(str(data["starts_at"])),
        deadline_at=datetime.fromisoformat(str(data["deadline_at"])),
        compiled_at=datetime.fromisoformat(str(data["compiled_at"])),
        sections=tuple(_summary_section_from(s) for s in data["sections"]),
        nothing_new=tuple(_org_from(o) for o in data["nothing_new"]),
        missing=tuple(_org_from(o) for o in data["missing"]),
        not_attending=tuple(_org_from(o) for o in data["not_attending"]),
        late=tuple(_summary_section_from(s) for s in data["late"]),
        reported_count=int(data["reported_count"]),
        organisation_count=int(data["organisation_count"]),
        final=bool(data["final"]),
        follow_up=_follow_up_from(data.get("follow_up")),
    )
