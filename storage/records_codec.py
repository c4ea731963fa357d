"""JSON forms of the minutes' content, frame, approvals and follow-up, and of a forum's record roles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.actions import ActionItem, ActionStatus, FollowUp
from domain.minutes import (
    Approval,
    ApprovalDecision,
    Attendance,
    DraftAction,
    MinutesContent,
    MinutesFrame,
    MinutesItem,
    OwnerSnapshot,
)
from domain.model import RecordRoles, RoleKind

Json = dict[str, Any]


def record_roles_to_json(record: RecordRoles) -> Json:
    return {
        "secretary_id": record.secretary_id,
        "approver_ids": list(record.approver_ids),
        "recipient_ids": list(record.recipient_ids),
        "recipient_emails": list(record.recipient_emails),
        "action_due_days": record.action_due_days,
    }


def record_roles_from_json(data: Json | None) -> RecordRoles:
    if not data:
        return RecordRoles()
    return RecordRoles(
        secretary_id=data.get("secretary_id"),
        approver_ids=tuple(data.get("approver_ids", ())),
        recipient_ids=tuple(data.get("recipient_ids", ())),
        recipient_emails=tuple(data.get("recipient_emails", ())),
        action_due_days=int(data.get("action_due_days", 14)),
    )


def _action_to_json(a: DraftAction) -> Json:
    return {"key": a.key, "title": a.title, "owner_role_id": a.owner_role_id, "due": a.due.isoformat(),
            "description": a.description, "number": a.number}


def _action_from_json(d: Json) -> DraftAction:
    return DraftAction(d["key"], d["title"], d["owner_role_id"], date.fromisoformat(d["due"]),
                       d.get("description", ""), d.get("number"))


def _items_to_json(items: tuple[MinutesItem, ...]) -> list[Json]:
    return [
        {"key": i.key, "title": i.title, "notes": i.notes, "decisions": list(i.decisions),
         "actions": [_action_to_json(a) for a in i.actions]}
        for i in items
    ]


def _items_from_json(data: list[Json]) -> tuple[MinutesItem, ...]:
    return tuple(
        MinutesItem(i["key"], i["title"], i.get("notes", ""), tuple(i.get("decisions", ())),
                    tuple(_action_from_json(a) for a in i.get("actions", ())))
        for i in data
    )


def content_to_json(content: MinutesContent) -> Json:
    data: Json = {
        "items": _items_to_json(content.items),
        "attendance": {"organisation_ids": list(content.attendance.organisation_ids),
                       "guests": content.attendance.guests},
    }
    if content.correction_note:
        data["correction_note"] = content.correction_note
    if content.sent_items is not None:
        data["sent_items"] = _items_to_json(content.sent_items)
    return data


def content_from_json(data: Json) -> MinutesContent:
    att = data.get("attendance", {})
    sent = data.get("sent_items")
    return MinutesContent(_items_from_json(data.get("items", [])),
                          Attendance(tuple(att.get("organisation_ids", ())), att.get("guests", "")),
                          correction_note=data.get("correction_note", ""),
                          sent_items=None if sent is None else _items_from_json(sent))


def frame_to_json(frame: MinutesFrame) -> Json:
    return {
        "forum_name": frame.forum_name,
        "meeting_date": frame.meeting_date.isoformat(),
        "timezone": frame.timezone,
        "organisation_names": dict(frame.organisation_names),
        "owners": {k: {"organisation_name": o.organisation_name, "kind": o.kind.value, "holder_name": o.holder_name}
                   for k, o in frame.owners.items()},
    }


def frame_from_json(data: Json) -> MinutesFrame:
    return MinutesFrame(
        forum_name=data["forum_name"],
        meeting_date=date.fromisoformat(data["meeting_date"]),
        timezone=data["timezone"],
        organisation_names=dict(data.get("organisation_names", {})),
        owners={k: OwnerSnapshot(o["organisation_name"], RoleKind(o["kind"]), o.get("holder_name"))
                for k, o in data.get("owners", {}).items()},
    )


def approval_to_json(a: Approval) -> Json:
    return {"approver_id": a.approver_id, "approver_name": a.approver_name, "revision": a.revision,
            "decision": a.decision.value, "at": a.at.isoformat(), "comment": a.comment}


def approval_from_json(d: Json) -> Approval:
    return Approval(d["approver_id"], d["approver_name"], int(d["revision"]), ApprovalDecision(d["decision"]),
                    datetime.fromisoformat(d["at"]), d.get("comment", ""))


def action_item_to_json(a: ActionItem) -> Json:
    return {"id": a.id, "forum_id": a.forum_id, "number": a.number, "title": a.title,
            "owner_role_id": a.owner_role_id, "due": a.due.isoformat(), "meeting_id": a.meeting_id,
            "item_key": a.item_key, "status": a.status.value, "created_at": a.created_at.isoformat(),
            "created_by": a.created_by, "description": a.description,
            "closed_at": a.closed_at.isoformat() if a.closed_at else None, "outcome": a.outcome}


def action_item_from_json(d: Json) -> ActionItem:
    return ActionItem(
        id=d["id"], forum_id=d["forum_id"], number=int(d["number"]), title=d["title"],
        owner_role_id=d["owner_role_id"], due=date.fromisoformat(d["due"]), meeting_id=d["meeting_id"],
        item_key=d["item_key"], status=ActionStatus(d["status"]), created_at=datetime.fromisoformat(d["created_at"]),
        created_by=d["created_by"], description=d.get("description", ""),
        closed_at=datetime.fromisoformat(d["closed_at"]) if d.get("closed_at") else None,
        outcome=d.get("outcome", ""),
    )


def follow_up_to_json(f: FollowUp) -> Json:
    return {"open": [action_item_to_json(a) for a in f.open], "closed": [action_item_to_json(a) for a in f.closed]}


def follow_up_from_json(data: Json | None) -> FollowUp:
    if not data:
        return FollowUp((), ())
    return FollowUp(tuple(action_item_from_json(a) for a in data.get("open", ())),
                    tuple(action_item_from_json(a) for a in data.get("closed", ())))
