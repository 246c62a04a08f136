"""Councillors from modern.gov: its GetCouncillorsByWard web service, read and applied like the CSV import.

read() takes the XML (fetched from the council's modern.gov site, or a saved file) and keeps only
what the training record needs: the councillor id, name, ward, party, key posts, the work email,
and the dates of the terms of office. Home addresses, mobiles, photos and surgery details are never
read: the parser only looks up the elements it names. A home email is kept only for a councillor
with no work email, so that an officer can choose to use it.

plan() compares with the council's record and never writes; apply() writes the whole plan or nothing.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from app import audit
from app.clock import today as clock_today
from app.data import moderngov as store
from app.models import ROLE_LABELS, Councillor
from app.officers.importer import _check_email
from app.officers.members import set_roles
from app.officers.names import sort_name

MAX_BYTES = 10 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 30
NO_COUNCIL_EMAIL = "no council email: add one before inviting"
DEFAULT_RULES = Path(__file__).with_name("key_post_rules.yaml")


class SyncFailed(Exception):
    """The modern.gov data could not be read, or the database refused it: nothing was changed."""


# --- reading the XML ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Record:
    """One councillor as modern.gov lists them, minimised: nothing else is ever read."""
    councillor_id: str
    name: str
    ward: str | None
    party: str | None
    key_posts: str | None
    work_email: str | None
    home_email: str | None  # kept only when there is no work email, for an officer to confirm
    terms: tuple[Term, ...]
    position: int  # the councillor's place in the file, 1 for the first, to say where a problem is

    def is_leaver(self, today: date) -> bool:
        """Every term has ended (a file with no terms says nothing, so is not a leaver)."""
        return bool(self.terms) and all(t.end is not None and t.end < today for t in self.terms)

    def current_term_start(self, today: date) -> date | None:
        starts = [t.start for t in self.terms
                  if t.start is not None and t.start <= today and (t.end is None or t.end >= today)]
        return max(starts) if starts else None

    def to_json(self) -> dict:
        data = asdict(self)
        data["terms"] = [[t.start and t.start.isoformat(), t.end and t.end.isoformat()] for t in self.terms]
        return data

    @classmethod
    def from_json(cls, data: dict) -> Record:
        terms = tuple(Term(date.fromisoformat(s) if s else None, date.fromisoformat(e) if e else None)
                      for s, e in data["terms"])
        return cls(**{**data, "terms": terms})


@dataclass(frozen=True)
class Problem:
    where: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: Element | None, name: str) -> list[Element]:
    return [c for c in element if _local(c.tag) == name] if element is not None else []


def _text(element: Element | None, *path: str) -> str | None:
    for name in path:
        element = _child(element, name)
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value or None


def parse_date(text: str | None) -> date | None:
    """modern.gov writes DD/MM/YYYY; 'unspecified' or blank means no date."""
    if not text or text.strip().lower() in {"unspecified", "n/a", "none", "-"}:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(T.*)?", text.strip())
        if not match:
            raise ValueError(text)
        year, month, day = (int(g) for g in match.groups()[:3])
    return date(year, month, day)


def read(data: bytes, source: str = "modern.gov") -> Parsed:
    """Read a GetCouncillorsByWard response; never touches the database."""
    result = Parsed()
    if len(data) > MAX_BYTES:
        result.errors.append(Problem(source, "The response is larger than 10 MB, so it is not a list of councillors."))
        return result
    if not data.strip():
        result.errors.append(Problem(source, "The response is empty: modern.gov sent no councillors."))
        return result
    try:
        root = fromstring(data)
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        result.errors.append(Problem(source, f"The response is not valid XML (line {line}, column {column}). "
                                             "Check the address ends in /mgWebService.asmx/GetCouncillorsByWard."))
        return result
    except DefusedXmlException:
        result.errors.append(Problem(source, "The response uses XML entities or a DTD, which are refused "
                                             "for safety. It is not a modern.gov response."))
        return result
    if _local(root.tag) != "councillorsbyward":
        result.errors.append(Problem(source, f"The response is XML but not a list of councillors by ward "
                                             f"(its first element is <{_local(root.tag)}>, not <councillorsbyward>)."))
        return result
    seen: dict[str, int] = {}
    position = 0
    for ward in _children(_child(root, "wards"), "ward"):
        ward_title = _text(ward, "wardtitle")
        for element in _children(_child(ward, "councillors"), "councillor"):
            position += 1
            record = _read_councillor(element, ward_title, position, source, result)
            if record is None:
                continue
            if record.councillor_id in seen:
                result.errors.append(Problem(
                    f"{source}, councillor {position}",
                    f"councillorid {record.councillor_id} is also councillor {seen[record.councillor_id]}: "
                    "each councillor must appear once."))
                continue
            seen[record.councillor_id] = position
            result.records.append(record)
    if not result.records and not result.errors:
        result.errors.append(Problem(source, "The response lists no councillors."))
    return result


def _read_councillor(element: Element, ward: str | None, position: int, source: str,
                     result: Parsed) -> Record | None:
    where = f"{source}, councillor {position}" + (f" in {ward}" if ward else "")
    councillor_id = _text(element, "councillorid")
    name = _text(element, "fullusername")
    errors_before = len(result.errors)
    if not councillor_id:
        result.errors.append(Problem(where, "The councillor has no <councillorid>."))
    elif len(councillor_id) > 40:
        result.errors.append(Problem(where, "The <councillorid> is longer than 40 characters."))
    if not name:
        result.errors.append(Problem(where, "The councillor has no <fullusername>."))
    elif len(name) > 200:
        result.errors.append(Problem(where, "The <fullusername> is longer than 200 characters."))
    terms = []
    for index, term in enumerate(_children(_child(element, "termsofoffice"), "termofoffice"), start=1):
        try:
            start = parse_date(_text(term, "startdate"))
            end = parse_date(_text(term, "enddate"))
        except ValueError as exc:
            result.errors.append(Problem(where, f"Term of office {index} has the date '{exc}', which is not "
                                                "a real date like 07/05/2022."))
            continue
        terms.append(Term(start, end))
    if len(result.errors) > errors_before:
        return None
    if councillor_id:
        where = f"{where} (councillorid {councillor_id})"
    work_email = _email(_text(element, "workaddress", "email"), where, "work", result)
    home_email = None
    if work_email is None:
        # Only the email element of the home address is looked at, and only when there is no work email.
        home_email = _email(_text(element, "homeaddress", "email"), where, "home", result)
    return Record(councillor_id=councillor_id, name=name, ward=_limit(ward),
                  party=_limit(_text(element, "politicalpartytitle")),
                  key_posts=_text(element, "keyposts"), work_email=work_email, home_email=home_email,
                  terms=tuple(terms), position=position)


def _limit(value: str | None) -> str | None:
    return value[:200] if value else value


def _email(value: str | None, where: str, kind: str, result: Parsed) -> str | None:
    if not value:
        return None
    email = _check_email(value)
    if email is None:
        result.warnings.append(Problem(where, f"The {kind} email address is not valid, so it is not used."))
    return email


def fetch(url: str) -> bytes:
    """The body of the modern.gov web service's response; SyncFailed says why there is none."""
    if not re.match(r"https?://", url, flags=re.IGNORECASE):
        raise SyncFailed(f"The address {url!r} must start with https:// (or http://).")
    request = urllib.request.Request(url, headers={"Accept": "application/xml, text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # nosec B310 - the scheme is checked above
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise SyncFailed(f"modern.gov answered {exc.code} {exc.reason} for {url}. Nothing was changed.") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SyncFailed(f"modern.gov could not be reached at {url} ({reason}). Nothing was changed.") from None
    return data


# --- key posts to roles ------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    role: str


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """The council's key-post rules; SyncFailed names the file and the rule that is wrong."""
    path = Path(path or current_app.config.get("MODERNGOV_KEY_POST_RULES") or DEFAULT_RULES)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SyncFailed(f"The key post rules in {path} cannot be read: {exc}") from None
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SyncFailed(f"{path}: the file must have a 'rules:' list.")
    rules = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str) or "role" not in item:
            raise SyncFailed(f"{path}, rule {number}: each rule needs a 'pattern' and a 'role'.")
        if item["role"] not in ROLE_LABELS or item["role"] == "member":
            raise SyncFailed(f"{path}, rule {number}: '{item['role']}' is not a role. Use one of: "
                             + ", ".join(k for k in ROLE_LABELS if k != "member") + ".")
        try:
            rules.append(Rule(re.compile(item["pattern"], re.IGNORECASE), item["role"]))
        except re.error as exc:
            raise SyncFailed(f"{path}, rule {number}: the pattern is not a valid regular expression ({exc}).") from None
    return rules


def roles_for(key_posts: str | None, rules: list[Rule]) -> set[str]:
    roles = set()
    for post in (key_posts or "").split(";"):
        for rule in rules:
            if post.strip() and rule.pattern.search(post.strip()):
                roles.add(rule.role)
    return roles


# --- comparing with the council's record -------------------------------------------------------

@dataclass(frozen=True)
class Change:
    member_id: int
    record: Record
    values: dict           # field name -> new value
    roles_added: tuple[str, ...]
    roles_removed: tuple[str, ...]
    reactivate: bool

    def describe(self) -> list[str]:
        words = {"name": "name", "sort_name": "name", "email": "email", "ward": "ward", "party": "party",
                 "key_posts": "key posts", "elected_on": "date elected", "moderngov_id": "linked to modern.gov"}
        parts = list(dict.fromkeys(words[f] for f in self.values))
        if self.roles_added:
            parts.append("roles added: " + ", ".join(ROLE_LABELS[r] for r in self.roles_added))
        if self.roles_removed:
            parts.append("roles removed: " + ", ".join(ROLE_LABELS[r] for r in self.roles_removed))
        if self.reactivate:
            parts.append("reactivated")
        return parts


@dataclass(frozen=True)
class Addition:
    record: Record
    email: str | None
    roles: tuple[str, ...]
    elected_on: date | None

    @property
    def no_council_email(self) -> bool:
        return self.record.work_email is None


@dataclass(frozen=True)
class Leaver:
    member_id: int
    record: Record


@dataclass
class Plan:
    adds: list[Addition] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    leavers: list[Leaver] = field(default_factory=list)
    unchanged: list[Record] = field(default_factory=list)
    past_members_skipped: int = 0
    elections: list[date] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.adds or self.updates or self.leavers or self.elections)

    @property
    def no_council_email(self) -> list[Record]:
        """Members (new or held) who have no council email: they cannot be invited yet."""
        rows = [a.record for a in self.adds if a.no_council_email]
        rows += [c.record for c in self.updates if c.record.work_email is None and c.values.get("email") is None
                 and not c.record.is_leaver(clock_today())]
        return rows

    def counts(self) -> str:
        return (f"{len(self.adds)} to add, {len(self.updates)} to update, {len(self.leavers)} leaving, "
                f"{len(self.unchanged)} unchanged, {len(self.elections)} election date(s) to record")


def plan(parsed: Parsed, confirmed_home_emails: set[str] | frozenset[str] = frozenset(),
         rules: list[Rule] | None = None, today: date | None = None) -> Plan:
    """What syncing would do. Members are matched by councillorid, or (the first time) by work email."""
    today = today or clock_today()
    result = Plan(errors=list(parsed.errors), warnings=list(parsed.warnings))
    if parsed.errors:
        return result
    rules = load_rules() if rules is None else rules
    by_id = store.councillors_by_moderngov_id([r.councillor_id for r in parsed.records])
    emails = [e for r in parsed.records for e in (r.work_email, r.home_email) if e]
    people_by_email = store.people_by_email(emails)
    known_dates = store.election_dates()
    new_dates: set[date] = set()
    emails_taken: dict[str, str] = {}
    for record in parsed.records:
        where = f"councillor {record.position} (councillorid {record.councillor_id})"
        email = _email_for(record, confirmed_home_emails)
        member, problem = _linked_member(record, email, by_id.get(record.councillor_id), people_by_email)
        if problem is None and email in emails_taken:
            problem = (f"{email} is also councillorid {emails_taken[email]}'s email: "
                       "each member needs their own.")
        if problem:
            result.errors.append(Problem(where, problem))
            continue
        if email:
            emails_taken[email] = record.councillor_id
        leaver = record.is_leaver(today)
        elected_on = record.current_term_start(today)
        if elected_on and elected_on not in known_dates:
            new_dates.add(elected_on)
        if member is None:
            _plan_newcomer(result, record, email, leaver, elected_on, rules)
        else:
            _plan_member(result, member, record, email, leaver, elected_on, where, people_by_email, rules)
    result.elections = sorted(new_dates)
    return result


def _email_for(record: Record, confirmed_home_emails: set[str] | frozenset[str]) -> str | None:
    # A home email only when an officer has confirmed it for this councillor.
    if record.work_email is None and record.home_email and record.councillor_id in confirmed_home_emails:
        return record.home_email
    return record.work_email


def _linked_member(record: Record, email: str | None, member, people_by_email):
    """(the member this record is, or None; why it cannot be matched, or None)."""
    if member is not None or not email:
        return member, None
    other = people_by_email.get(email)
    if other is None:
        return None, None
    if not other.is_councillor:
        return None, f"{email} belongs to an officer's account, not a councillor's."
    if other.moderngov_id not in (None, record.councillor_id):
        return None, (f"{email} belongs to the member with councillorid {other.moderngov_id}. "
                      "Correct it in modern.gov.")
    return other, None  # the first sync after a CSV import: link the member to modern.gov


def _plan_newcomer(result: Plan, record: Record, email: str | None, leaver: bool, elected_on: date | None,
                   rules: list[Rule]) -> None:
    if leaver:
        result.past_members_skipped += 1
        return
    roles = tuple(sorted({"member"} | roles_for(record.key_posts, rules)))
    result.adds.append(Addition(record, email, roles, elected_on))


def _plan_member(result: Plan, member, record: Record, email: str | None, leaver: bool,
                 elected_on: date | None, where: str, people_by_email, rules: list[Rule]) -> None:
    if member.erased_at is not None:
        result.unchanged.append(record)  # an erased member's record stays erased
        return
    if leaver:
        if member.active:
            result.leavers.append(Leaver(member.id, record))
        else:
            result.unchanged.append(record)
        return
    if email and email != member.email and people_by_email.get(email) not in (None, member):
        result.errors.append(Problem(where, f"{email} belongs to another account, so it cannot become "
                                            f"this member's email."))
        return
    change = _change_for(member, record, email, elected_on, rules)
    if change.describe():
        result.updates.append(change)
    else:
        result.unchanged.append(record)


def _change_for(member, record: Record, email: str | None, elected_on: date | None, rules: list[Rule]) -> Change:
    wanted = {"moderngov_id": record.councillor_id, "name": record.name, "sort_name": sort_name(record.name),
              "ward": record.ward, "party": record.party, "key_posts": record.key_posts}
    if email:
        wanted["email"] = email  # no email in modern.gov leaves the one an officer added
    if elected_on:
        wanted["elected_on"] = elected_on
    values = {k: v for k, v in wanted.items() if getattr(member, k) != v}
    current = member.role_keys
    managed_roles = {rule.role for rule in rules}
    roles = (current - managed_roles) | roles_for(record.key_posts, rules) | {"member"}
    return Change(member.id, record, values, tuple(sorted(roles - current)),
                  tuple(sorted(current - roles)), reactivate=not member.active)


@dataclass(frozen=True)
class Summary:
    added_ids: tuple[int, ...]
    updated_ids: tuple[int, ...]
    deactivated_ids: tuple[int, ...]
    elections: tuple[date, ...]


def apply(the_plan: Plan, actor_id: int | None = None, source: str = "modern.gov") -> Summary:  # noqa: C901 - over the cap of 12 before the gate; split it when next changed
    """Write the plan in one transaction: all of it, or (on any failure) none."""
    if not the_plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    added, updated, deactivated = [], [], []
    try:
        for held_on in the_plan.elections:
            store.add_election(held_on)
            audit.record("election.recorded", None, actor_id=actor_id, held_on=held_on.isoformat(),
                         source="modern.gov")
        for addition in the_plan.adds:
            record = addition.record
            member = Councillor(name=record.name, sort_name=sort_name(record.name), email=addition.email,
                                moderngov_id=record.councillor_id, ward=record.ward, party=record.party,
                                key_posts=record.key_posts, elected_on=addition.elected_on, password_hash=None)
            store.add(member)
            set_roles(member, addition.roles)
            store.flush()
            audit.record("member.added", member.id, actor_id=actor_id, source="modern.gov",
                         roles=list(addition.roles), home_email=bool(addition.email and record.work_email is None))
            added.append(member.id)
        for change in the_plan.updates:
            member = store.councillor(change.member_id)
            if member is None or member.erased_at is not None:
                raise SyncFailed(f"councillorid {change.record.councillor_id}: the member was removed while "
                                 "syncing. Nothing was changed: sync again.")
            for name, value in change.values.items():
                setattr(member, name, value)
            fields = sorted({f for f in change.values if f != "sort_name"})
            if fields:
                audit.record("member.edited", member.id, actor_id=actor_id, source="modern.gov", fields=fields)
            if change.roles_added or change.roles_removed:
                set_roles(member, sorted((member.role_keys | set(change.roles_added)) - set(change.roles_removed)))
                audit.record("member.roles_changed", member.id, actor_id=actor_id, source="modern.gov",
                             added=list(change.roles_added), removed=list(change.roles_removed))
            if change.reactivate:
                member.active = True
                audit.record("member.reactivated", member.id, actor_id=actor_id, source="modern.gov")
            updated.append(member.id)
        for leaver in the_plan.leavers:
            member = store.councillor(leaver.member_id)
            if member is None:
                raise SyncFailed(f"councillorid {leaver.record.councillor_id}: the member was removed while "
                                 "syncing. Nothing was changed: sync again.")
            member.active = False
            member.session_version += 1  # signs them out everywhere
            audit.record("member.deactivated", member.id, actor_id=actor_id, source="modern.gov",
                         reason="terms of office ended")
            deactivated.append(member.id)
        audit.record("members.synced", None, actor_id=actor_id, source=source, added=len(added),
                     updated=len(updated), deactivated=len(deactivated), unchanged=len(the_plan.unchanged),
                     elections=len(the_plan.elections))
        store.commit()
    except IntegrityError:
        store.rollback()
        raise SyncFailed("Another officer changed the member list while syncing. Nothing was changed: "
                         "sync again.") from None
    except BaseException:
        store.rollback()
        raise
    return Summary(tuple(added), tuple(updated), tuple(deactivated), tuple(the_plan.elections))


# --- keeping the checked councillors between the preview and the confirmation -------------------
# The page carries the minimised records (never the XML, which holds home addresses), signed so
# they cannot be changed; confirming plans them against the database again.

TOKEN_MAX_AGE_SECONDS = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cpt-moderngov-sync")


def make_token(parsed: Parsed, officer_id: int, source: str) -> str:
    return _serializer().dumps({"officer": officer_id, "source": source,
                                "records": [r.to_json() for r in parsed.records],
                                "warnings": [[w.where, w.message] for w in parsed.warnings]})


def read_token(token: str, officer_id: int) -> tuple[Parsed, str] | None:
    """The records back, or None if the token is forged, expired or another officer's."""
    try:
        data = _serializer().loads(token or "", max_age=TOKEN_MAX_AGE_SECONDS)
        if data.get("officer") != officer_id:
            return None
        parsed = Parsed(records=[Record.from_json(r) for r in data["records"]],
                        warnings=[Problem(w, m) for w, m in data["warnings"]])
        return parsed, data["source"]
    except (BadSignature, SignatureExpired, AttributeError, KeyError, TypeError, ValueError):
        return None

