"""The audit log in words: one readable sentence for each event's detail, and UK local times.

Events store ids, keys and counts (never free text); this turns them into what an officer would
write in a file note: "Certificate recorded: Induction (level 1), completed 3 March 2026, at a
face-to-face session".
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from app.vocabulary import CertificateHow

UK = ZoneInfo("Europe/London")

FIELD_WORDS = {"name": "name", "email": "email address", "ward": "ward", "party": "party",
               "elected_on": "date elected"}
FORMATS = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF", "docx": "Word"}


def local_time(value: datetime | None) -> datetime | None:
    """A stored UTC time (naive, as every table keeps it) in UK local time, GMT or BST."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(UK)


def local_date_time(value: datetime | None) -> str:
    """'28 November 2026 at 2:22pm': the UK's way of writing a time, as the GOV.UK style guide asks."""
    here = local_time(value)
    if here is None:
        return ""
    hour = here.hour % 12 or 12
    clock_time = f"{hour}{here.strftime(':%M') if here.minute else ''}{'am' if here.hour < 12 else 'pm'}"
    if here.hour == 12 and here.minute == 0:
        clock_time = "midday"
    elif here.hour == 0 and here.minute == 0:
        clock_time = "midnight"
    return f"{here.day} {here.strftime('%B %Y')} at {clock_time}"


def _day(text) -> str:
    try:
        return date.fromisoformat(str(text)).strftime("%-d %B %Y")
    except ValueError:
        return str(text)


def _plural(count, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _list(items) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _roles(keys) -> str:
    from app.roles import role_label

    return _list(role_label(k) for k in keys)


def _pathway(pathway_id) -> str:
    from app.officers.display import pathway_name

    try:
        return pathway_name(pathway_id)
    except RuntimeError:  # no application context: the id in words
        return str(pathway_id).replace("-", " ").capitalize()


def _filters(detail: dict) -> str:
    from app.roles import role_label

    parts = []
    for key, value in sorted(detail.items()):
        if not key.startswith("filter_"):
            continue
        name = key.removeprefix("filter_").replace("_", " ")
        if name == "role":
            value = "no role" if value == "none" else role_label(value)
        if name == "due within":
            parts.append(f"due within {value} days")
        else:
            parts.append(f"{name} {value}")
    return _list(parts)


def _member_added(d: dict) -> str:
    if d.get("row"):
        return f"row {d['row']} of the file"
    return f"with roles {_roles(d['roles'])}" if d.get("roles") else ""


def _member_edited(d: dict) -> str:
    return "changed " + _list(FIELD_WORDS.get(f, f.replace("_", " ")) for f in d.get("fields", []))


def _roles_changed(d: dict) -> str:
    parts = []
    if d.get("added"):
        parts.append(f"added {_roles(d['added'])}")
    if d.get("removed"):
        parts.append(f"removed {_roles(d['removed'])}")
    return "; ".join(parts)


def _member_invited(d: dict) -> str:
    words = "sent again" if d.get("resend") else "first invitation"
    return words + (", with everyone not yet invited" if d.get("bulk") else "")


def _members_imported(d: dict) -> str:
    return (f"{_plural(d.get('added', 0), 'member')} added, {d.get('updated', 0)} updated, "
            f"{d.get('unchanged', 0)} already up to date")


def _report_exported(d: dict) -> str:
    words = f"{FORMATS.get(d.get('format'), d.get('format', ''))} with {_plural(d.get('rows', 0), 'member')}"
    return words + (f", filtered by {_filters(d)}" if _filters(d) else "")


def _reminders_sent(d: dict) -> str:
    parts = [f"{_plural(d.get('count', 0), 'email')}"]
    for key, label in (("refresher", "refresher due"), ("overdue", "overdue"),
                       ("summaries", "officer summary"), ("group_summaries", "group leader summary")):
        if d.get(key):
            parts.append(f"{d[key]} {label}")
    return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


def _reminder_sent(d: dict) -> str:
    words = {"overdue": "overdue training", "due soon": "training due soon",
             "not started": "induction not started"}.get(d.get("kind", ""), d.get("kind", ""))
    return words + (", with others chosen from the report" if d.get("bulk") else "")


def _certificate(d: dict) -> str:
    parts = [_pathway(d.get("pathway", ""))]
    if d.get("completed_on"):
        parts.append(f"completed {_day(d['completed_on'])}")
    if d.get("how") == CertificateHow.FACE_TO_FACE:
        parts.append("at a face-to-face session")
    if d.get("trainer"):
        parts.append(f"trainer {d['trainer']}")
    return ", ".join(p for p in parts if p)


def _election(d: dict) -> str:
    return (f"held {_day(d.get('held_on', ''))}, induction within {d.get('induction_months')} months"
            + (f", {_plural(d['members_updated'], 'member')} updated" if d.get("members_updated") else ""))


def _password_set(d: dict) -> str:
    return {"invitation": "from the invitation", "reset": "after a reset"}.get(d.get("via", ""), "")


def _group_leader_set(d: dict) -> str:
    return f"{d.get('party', '')}: {'whip' if d.get('title') == 'whip' else 'group leader'}"


def _group_summary_sent(d: dict) -> str:
    return f"{d.get('party', '')}: {_plural(d.get('members', 0), 'member')} needing action"


def _local_facts_changed(d: dict) -> str:
    return "changed " + _list(d.get("fields", [])) if d.get("fields") else ""


def _legal_signed_off(d: dict) -> str:
    return f"module {d.get('module', '')}, signed {_day(d.get('signed_on', ''))}"


def _anything_else(d: dict) -> str:
    return "; ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(d.items()))


# One sentence-maker per audit action (a registry, like the question types'); others list their detail.
DESCRIBERS: dict[str, Callable[[dict], str]] = {
    "member.added": _member_added, "member.edited": _member_edited, "member.roles_changed": _roles_changed,
    "member.invited": _member_invited, "members.imported": _members_imported,
    "report.exported": _report_exported, "reminders.sent": _reminders_sent, "reminder.sent": _reminder_sent,
    "certificate.recorded": _certificate, "certificate.revoked": _certificate,
    "election.recorded": _election, "election.updated": _election, "password-set": _password_set,
    "group_leader.set": _group_leader_set, "group_summary.sent": _group_summary_sent,
    "local_facts.changed": _local_facts_changed, "legal.signed_off": _legal_signed_off,
}


def describe(action: str, detail: dict | None) -> str:
    """The event's detail as a sentence (without the action's own name), or "" when there is none."""
    d = dict(detail or {})
    via = {"import": "from the spreadsheet import", "command line": "from the command line"}
    source = via.get(d.get("source") or d.get("via") or "", "")
    describer = DESCRIBERS.get(action)
    words = describer(d) if describer else (_anything_else(d) if d else "")
    if source and action != "member.added":
        words = f"{words}, {source}" if words else source
    elif source:
        words = f"{source}, {words}" if words else source
    return words
