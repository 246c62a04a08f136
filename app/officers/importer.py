"""Importing councillors from a CSV file after an election.

The file comes from a spreadsheet, so we accept what Excel and LibreOffice write: UTF-8 with or
without a byte order mark, comma or semicolon separated (found from the header line, or from an
Excel "sep=;" line), CRLF or LF, quoted fields, blank rows, spaces around values, and columns in
any order. Every problem is reported with its row (the spreadsheet's row number: the header is
row 1) and column, and nothing is imported until there are none: then all rows go in one
transaction.

parse() and plan() never write; apply() writes everything or nothing.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.extensions import db
from app.models import ROLE_LABELS, Councillor, Person
from app.officers.members import set_roles
from app.officers.names import sort_name
from app.text import clean as clean_text

MAX_BYTES = 1024 * 1024
COLUMNS = ("name", "email", "ward", "party", "roles", "elected_on")
REQUIRED = ("name", "email")
# Headings people actually type, mapped to ours.
ALIASES = {"e_mail": "email", "email_address": "email", "role": "roles",
           "date_elected": "elected_on", "elected": "elected_on", "elected_date": "elected_on"}
MAX_TEXT = 200
# Enough for any council (the largest has about 150 members), and what can be checked and saved
# well within the server's 30-second limit; more timed out, saving nothing (security review, LOW-6).
MAX_ROWS = 2000
# Past this many problems the page would only get longer (40,000 bad rows made a 10 MB page).
MAX_PROBLEMS = 100
NOT_UTF8 = ("The file is not saved as UTF-8. In Excel choose File > Save As > 'CSV UTF-8 (Comma "
            "delimited)', then upload it again.")


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"row {self.row}" if self.row else "",
                                            f"column {self.column}" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ImportRow:
    row: int
    name: str
    email: str
    ward: str | None
    party: str | None
    roles: tuple[str, ...] | None  # None: the file says nothing about roles
    elected_on: date | None


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    text: str | None = None
    delimiter: str = ","

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading the file ---------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str | None, Problem | None]:
    if len(data) > MAX_BYTES:
        return None, Problem(None, None, "The file is larger than 1 MB. Split it into smaller files.")
    if data.startswith(b"PK\x03\x04"):
        return None, Problem(None, None, "The file is an Excel workbook, not a CSV file. In Excel choose "
                                         "File > Save As > 'CSV UTF-8 (Comma delimited)', then upload that.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, Problem(line, None, NOT_UTF8)
    if not text.strip().strip(",;\r\n\t "):
        return None, Problem(None, None, "The file is empty. It needs a header row and a row for each member.")
    return text, None


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def detect_delimiter(text: str) -> tuple[str, str, int]:
    """The delimiter, the text without an Excel 'sep=' line, and how many lines that removed."""
    lines = text.splitlines()
    first_index = next((i for i, line in enumerate(lines) if line.strip()), 0)
    first = lines[first_index].strip() if lines else ""
    match = re.fullmatch(r"sep=(.)", first, flags=re.IGNORECASE)
    if match:
        return match.group(1), "\n".join(lines[first_index + 1:]), first_index + 1
    delimiter = ";" if _count_outside_quotes(first, ";") > _count_outside_quotes(first, ",") else ","
    return delimiter, text, 0


def _heading_key(heading: str) -> str:
    key = re.sub(r"[\s_\-]+", "_", heading.replace("\ufeff", "").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def _clean(value: str) -> str:
    # Control characters out (they broke the Excel export: security review, MEDIUM-5), then
    # runs of whitespace (including line breaks inside quoted cells) collapsed to one space.
    return " ".join(clean_text(value.replace("\ufeff", "")).split())


_ROLE_LOOKUP: dict[str, str] = {}
for _key, _label in ROLE_LABELS.items():
    for _name in (_key, _label):
        _ROLE_LOOKUP[" ".join(_name.lower().replace("-", " ").replace("’", "'").split())] = _key


def parse_roles(text: str) -> tuple[tuple[str, ...], list[str]]:
    """Role keys from 'member; Lead member|scrutiny'; returns (keys, the names not recognised)."""
    keys, unknown = [], []
    for part in re.split(r"[;|]", text):
        name = " ".join(part.lower().replace("-", " ").replace("’", "'").split())
        if not name:
            continue
        key = _ROLE_LOOKUP.get(name)
        if key is None:
            unknown.append(part.strip())
        elif key not in keys:
            keys.append(key)
    return tuple(sorted(keys)), unknown


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY (as UK spreadsheets show it); None if it is neither or not real."""
    text = re.sub(r"[ T]00:00(:00)?$", "", text.strip())  # a spreadsheet date with a midnight time
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _check_email(value: str) -> str | None:
    if len(value) > 320 or " " in value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return None
    return Person.normalise_email(value)


def parse(data: bytes) -> ParsedFile:
    """Read and check a whole file; never touches the database."""
    result = ParsedFile()
    text, problem = decode(data)
    if problem:
        result.errors.append(problem)
        return result
    result.text = text
    result.delimiter, body, skipped = detect_delimiter(text)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=result.delimiter, skipinitialspace=True)
    header: list[str] | None = None
    width = 0
    columns: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    data_rows = 0
    while True:
        start = reader.line_num + 1 + skipped
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(Problem(start, None, f"The row cannot be read ({exc}). Check its quotation marks."))
            break
        if not any(cell.strip() for cell in record):
            continue  # blank rows, including Excel's ",,,,,"
        if header is None:
            header = [_heading_key(cell) for cell in record]
            width = len(header)  # a spreadsheet writes every row as wide as the header row
            while header and header[-1] == "":
                header.pop()  # empty trailing headings from a spreadsheet
            columns = _check_header(header, record, start, result)
            if result.errors:
                return result
            continue
        data_rows += 1
        if not _take_row(record, start, data_rows, header, width, columns, seen_emails, result):
            break
    if header is None:
        result.errors.append(Problem(None, None, "The file is empty. It needs a header row and a row for each member."))
    elif not result.rows and not result.errors:
        result.errors.append(Problem(None, None, "The file has a header row but no members."))
    return result


def _take_row(record: list[str], line: int, data_rows: int, header: list[str], width: int,
              columns: dict[str, int], seen_emails: dict[str, int], result: ParsedFile) -> bool:
    """Read one member's row into result; False once reading should stop."""
    if _too_many_rows(data_rows, line, result):
        return False
    row = _read_row(record, line, header, width, columns, seen_emails, result)
    if row is not None:
        result.rows.append(row)
    return not _too_many_problems(line, result)


def _too_many_rows(data_rows: int, line: int, result: ParsedFile) -> bool:
    if data_rows <= MAX_ROWS:
        return False
    result.errors.append(Problem(line, None, f"The file has more than {MAX_ROWS:,} members. Import at "
                                 f"most {MAX_ROWS:,} at a time: split the file and upload each part. "
                                 f"Nothing has been saved."))
    return True


def _too_many_problems(line: int, result: ParsedFile) -> bool:
    if len(result.errors) < MAX_PROBLEMS:
        return False
    result.errors.append(Problem(None, None, f"There are more problems after row {line}. Fix these "
                                 f"{MAX_PROBLEMS} first, then upload the file again."))
    return True


def _check_header(header: list[str], record: list[str], line: int, result: ParsedFile) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, key in enumerate(header):
        if key in COLUMNS:
            if key in columns:
                result.errors.append(Problem(line, key, f"The column '{key}' appears twice in the header row."))
            columns[key] = index
        elif key:
            result.warnings.append(Problem(line, _clean(record[index]) or f"{index + 1}",
                                           "This column is not used and will be ignored."))
        else:
            result.warnings.append(Problem(line, f"{index + 1}", "This column has no heading and will be ignored."))
    for key in REQUIRED:
        if key not in columns:
            result.errors.append(Problem(
                line, key, f"The header row has no '{key}' column. The first row must name the columns: "
                           + ",".join(COLUMNS) + "."))
    return columns


def _row_email(raw_email: str, line: int, seen_emails: dict[str, int],
               error: Callable[[str, str], None]) -> str | None:
    """The row's email, normalised; None (with the problem reported) when it cannot be used."""
    email = _check_email(raw_email) if raw_email else None
    if not raw_email:
        error("email", "Enter the member's email address.")
    elif email is None:
        error("email", f"'{raw_email}' is not a valid email address.")
    elif email in seen_emails:
        error("email", f"{email} is also on row {seen_emails[email]}: each member must appear once.")
        return None
    else:
        seen_emails[email] = line
    return email


def _read_row(record: list[str], line: int, header: list[str], width: int, columns: dict[str, int],  # noqa: C901 - 13, under 15
              seen_emails: dict[str, int], result: ParsedFile) -> ImportRow | None:
    # More values than the header row has cells means a delimiter inside an unquoted value, and
    # every value after it would land in the wrong column.
    if len(record) < len(header) or len(record) > width:
        result.errors.append(Problem(
            line, None, f"This row has {len(record)} values but the header row has {len(header)} "
                        f"columns. Check for a {'semicolon' if result.delimiter == ';' else 'comma'} "
                        "inside a value that is not in quotation marks."))
        return None
    errors_before = len(result.errors)

    def cell(key: str) -> str:
        return _clean(record[columns[key]]) if key in columns else ""

    def error(column: str, message: str) -> None:
        result.errors.append(Problem(line, column, message))

    name = cell("name")
    if not name:
        error("name", "Enter the member's name.")
    elif len(name) > MAX_TEXT:
        error("name", f"The name must be {MAX_TEXT} characters or fewer.")
    email = _row_email(cell("email"), line, seen_emails, error)
    for key in ("ward", "party"):
        if len(cell(key)) > MAX_TEXT:
            error(key, f"The {key} must be {MAX_TEXT} characters or fewer.")
    roles: tuple[str, ...] | None = None
    if cell("roles"):
        roles, unknown = parse_roles(cell("roles"))
        if unknown:
            known = "; ".join(ROLE_LABELS.values())
            error("roles", f"Unknown role {', '.join(repr(u) for u in unknown)}. Use these, separated by "
                           f"';' or '|': {known}.")
    elected_on = None
    if cell("elected_on"):
        elected_on = parse_date(cell("elected_on"))
        if elected_on is None:
            error("elected_on", f"'{cell('elected_on')}' is not a real date. Write it as YYYY-MM-DD or DD/MM/YYYY.")
    if len(result.errors) > errors_before:
        return None
    return ImportRow(row=line, name=name, email=email, ward=cell("ward") or None,
                     party=cell("party") or None, roles=roles, elected_on=elected_on)


# --- comparing with the council's record --------------------------------------------------------

@dataclass(frozen=True)
class Change:
    member_id: int
    row: ImportRow
    fields: tuple[str, ...]
    roles_added: tuple[str, ...]
    roles_removed: tuple[str, ...]
    reactivate: bool
    # What the council holds now for each changed field, so the preview shows old and new values.
    held: tuple[tuple[str, object], ...] = ()
    held_roles: tuple[str, ...] = ()

    def differences(self) -> list[tuple[str, str, str]]:
        """(what, value held now, value after the import) for the preview, in words."""
        from app.roles import role_label

        labels = {"name": "Name", "ward": "Ward", "party": "Party", "elected_on": "Date elected"}
        held = dict(self.held)

        def words(value) -> str:
            if isinstance(value, date):
                return value.strftime("%-d %B %Y")
            return "" if value is None else str(value)

        found = [(labels[f], words(held.get(f)), words(getattr(self.row, f))) for f in self.fields]
        if self.roles_added or self.roles_removed:
            after = (set(self.held_roles) | set(self.roles_added)) - set(self.roles_removed)
            found.append(("Roles", ", ".join(role_label(r) for r in sorted(self.held_roles)) or "None",
                          ", ".join(role_label(r) for r in sorted(after)) or "None"))
        if self.reactivate:
            found.append(("Account", "Deactivated", "Active again"))
        return found

    def describe(self) -> list[str]:
        words = {"name": "name", "ward": "ward", "party": "party", "elected_on": "date elected"}
        parts = [words[f] for f in self.fields]
        if self.roles_added or self.roles_removed:
            parts.append("roles")
        if self.reactivate:
            parts.append("reactivated")
        return parts


@dataclass
class Plan:
    adds: list[ImportRow] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: list[ImportRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.adds or self.updates)


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plan(parsed: ParsedFile) -> Plan:
    """What importing would do: members to add, to update (matched by email) and unchanged."""
    result = Plan(errors=list(parsed.errors), warnings=list(parsed.warnings))
    if parsed.errors:
        return result
    emails = [row.email for row in parsed.rows]
    existing: dict[str, Councillor] = {}
    others: set[str] = set()
    for chunk in _chunks(emails):
        for member in db.session.scalars(select(Councillor).options(selectinload(Councillor.roles))
                                         .where(Councillor.email.in_(chunk))):
            existing[member.email] = member
        others.update(db.session.scalars(select(Person.email).where(Person.email.in_(chunk),
                                                                    Person.kind != "councillor")))
    for row in parsed.rows:
        if row.email in others:
            result.errors.append(Problem(row.row, "email", f"{row.email} belongs to an officer's account, "
                                                            "not a councillor's."))
            continue
        member = existing.get(row.email)
        if member is None:
            result.adds.append(row)
            continue
        fields = tuple(name for name, value in _updates_for(row).items() if getattr(member, name) != value)
        roles_added: tuple[str, ...] = ()
        roles_removed: tuple[str, ...] = ()
        if row.roles is not None:
            roles_added = tuple(sorted(set(row.roles) - member.role_keys))
            roles_removed = tuple(sorted(member.role_keys - set(row.roles)))
        change = Change(member.id, row, fields, roles_added, roles_removed, reactivate=not member.active,
                        held=tuple((name, getattr(member, name)) for name in fields),
                        held_roles=tuple(sorted(member.role_keys)))
        if change.describe():
            result.updates.append(change)
        else:
            result.unchanged.append(row)
    return result


def _updates_for(row: ImportRow) -> dict:
    # A blank cell leaves what we hold: a file of new members' wards should not wipe old ones.
    values = {"name": row.name}
    for name in ("ward", "party", "elected_on"):
        if getattr(row, name) is not None:
            values[name] = getattr(row, name)
    return values


class ImportFailed(Exception):
    """The database refused the import (for example another officer added one of the members)."""


@dataclass(frozen=True)
class ImportSummary:
    added_ids: tuple[int, ...]
    updated_ids: tuple[int, ...]


def apply(the_plan: Plan, actor_id: int | None = None) -> ImportSummary:
    """Write the plan in one transaction: every row, or (on any failure) none."""
    if not the_plan.ok:
        raise ValueError("a plan with errors cannot be imported")
    added, updated = [], []
    try:
        for row in the_plan.adds:
            member = Councillor(name=row.name, sort_name=sort_name(row.name), email=row.email, ward=row.ward,
                                party=row.party,
                                elected_on=row.elected_on, password_hash=None)
            db.session.add(member)
            set_roles(member, row.roles or ("member",))
            db.session.flush()
            audit.record("member.added", member.id, actor_id=actor_id, source="import", row=row.row)
            added.append(member.id)
        for change in the_plan.updates:
            member = db.session.get(Councillor, change.member_id)
            if member is None or member.erased_at is not None:
                raise ImportFailed(f"row {change.row.row}: the member was removed while importing")
            values = _updates_for(change.row)
            for name in change.fields:
                setattr(member, name, values[name])
            member.sort_name = sort_name(member.name)
            if change.fields:
                audit.record("member.edited", member.id, actor_id=actor_id, source="import",
                              fields=list(change.fields))
            if change.row.roles is not None and (change.roles_added or change.roles_removed):
                set_roles(member, change.row.roles)
                audit.record("member.roles_changed", member.id, actor_id=actor_id, source="import",
                             added=list(change.roles_added), removed=list(change.roles_removed))
            if change.reactivate:
                member.active = True
                audit.record("member.reactivated", member.id, actor_id=actor_id, source="import")
            updated.append(member.id)
        audit.record("members.imported", None, actor_id=actor_id, added=len(added),
                     updated=len(updated), unchanged=len(the_plan.unchanged))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportFailed("Another officer changed the member list while the file was imported. "
                           "Nothing was imported: upload the file again.") from None
    except BaseException:
        db.session.rollback()
        raise
    return ImportSummary(tuple(added), tuple(updated))


# --- keeping a checked file between the preview and the confirmation ----------------------------
# The page carries the file's text, signed and compressed, so a confirmation needs no second
# upload and no server memory (the app may run as several processes). The signature stops anyone
# changing the rows after the preview; confirming re-checks them against the database anyway.

MAX_TOKEN_CHARS = 400_000  # below Flask's default limit for a form field (500 kB)
TOKEN_MAX_AGE_SECONDS = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cpt-members-import")


def make_token(text: str, officer_id: int) -> str | None:
    """A signed token for the checked text, or None if it would be too large for a form."""
    token = _serializer().dumps({"officer": officer_id, "text": text})
    return token if len(token) <= MAX_TOKEN_CHARS else None


def read_token(token: str, officer_id: int) -> str | None:
    """The text back, or None if the token is forged, expired or another officer's."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE_SECONDS)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("officer") != officer_id or not isinstance(data.get("text"), str):
        return None
    return data["text"]
