"""Importing councillors after an election: messy real-world files, the preview, all-or-nothing."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Councillor, CouncillorRole
from app.officers import importer
from tests.conftest import make_councillor

HEADER = "name,email,ward,party,roles,elected_on"
GOOD = (HEADER + "\n"
        "Cllr Ada Lovelace,ada@example.gov.uk,Riverside,Green,member;board,2026-05-07\n"
        "Cllr Ben Okri,ben@example.gov.uk,Hillside,Labour,Lead member,07/05/2026\n")


def messages(parsed):
    return [str(p) for p in parsed.errors]


# --- the importer on its own -----------------------------------------------------------------------

def test_a_clean_file_gives_one_row_per_member():
    parsed = importer.parse(GOOD.encode())
    assert parsed.ok, messages(parsed)
    ada, ben = parsed.rows
    assert (ada.row, ada.name, ada.email, ada.roles, ada.elected_on) == (
        2, "Cllr Ada Lovelace", "ada@example.gov.uk", ("board", "member"), date(2026, 5, 7))
    assert ben.roles == ("lead-member",) and ben.elected_on == date(2026, 5, 7)


def test_excel_csv_utf8_with_bom_semicolons_and_crlf():
    # What Excel in a European locale writes: a BOM, semicolons, CRLF, a trailing blank row.
    text = ("\ufeffName;Email;Ward;Party;Roles;Elected on\r\n"
            "Cllr Zoë Brontë;ZOE@Example.gov.uk;St Mary’s;Independent;\"member;scrutiny\";7/5/2026\r\n"
            ";;;;;\r\n\r\n")
    parsed = importer.parse(text.encode("utf-8"))
    assert parsed.ok, messages(parsed)
    assert parsed.delimiter == ";"
    [row] = parsed.rows
    assert row.name == "Cllr Zoë Brontë" and row.email == "zoe@example.gov.uk"
    assert row.ward == "St Mary’s" and row.roles == ("member", "scrutiny")


def test_quoted_fields_with_commas_spaces_and_line_breaks():
    text = ('email , name ,ward\n'
            ' "ann@example.gov.uk" ,"Smith, Ann (Cllr)", "North\nand South" \n'
            '\n\n')
    parsed = importer.parse(text.encode())
    assert parsed.ok, messages(parsed)
    [row] = parsed.rows
    assert row.name == "Smith, Ann (Cllr)" and row.ward == "North and South"
    assert row.roles is None and row.party is None  # missing columns say nothing


def test_columns_in_any_order_and_extra_columns_reported():
    text = "Elected_On,Phone,EMAIL,Name\n2026-05-07,01234,cat@example.gov.uk,Cat Jones\n"
    parsed = importer.parse(text.encode())
    assert parsed.ok
    assert parsed.rows[0].email == "cat@example.gov.uk"
    assert [str(w) for w in parsed.warnings] == ["row 1, column Phone: This column is not used and will be ignored."]


def test_excel_trailing_empty_columns_are_fine():
    # A spreadsheet with a formatted column beyond the data writes an empty cell for it on every row.
    parsed = importer.parse(b"name,email,,\r\nAnn,ann@example.gov.uk,,\r\nBob,bob@example.gov.uk\r\n")
    assert parsed.ok, messages(parsed)
    assert [r.name for r in parsed.rows] == ["Ann", "Bob"]


def test_excel_sep_line_sets_the_delimiter():
    parsed = importer.parse(b"sep=;\nname;email\nDee;dee@example.gov.uk\n")
    assert parsed.ok and parsed.rows[0].row == 3


def test_windows_1252_file_is_refused_with_a_clear_message():
    data = (HEADER + "\nCllr Zo\xeb Bront\xeb,zoe@example.gov.uk,,,,\n").encode("cp1252")
    parsed = importer.parse(data)
    assert messages(parsed) == ["row 2: " + importer.NOT_UTF8]
    assert "CSV UTF-8" in messages(parsed)[0]


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    (b"\r\n\r\n", "The file is empty"),
    (b"\xef\xbb\xbf", "The file is empty"),
    (b"name,email\n", "header row but no members"),
    (b"x" * (importer.MAX_BYTES + 1), "larger than 1 MB"),
    (b"PK\x03\x04\x14\x00\x06\x00", "an Excel workbook, not a CSV file"),
    ("name,email\nAnn,ann@example.gov.uk\n".encode("utf-16"), "not saved as UTF-8"),
])
def test_empty_and_oversized_files(data, message):
    parsed = importer.parse(data)
    assert not parsed.ok and message in messages(parsed)[0]


def test_every_problem_is_reported_with_its_row_and_column():
    text = (HEADER + "\n"
            "Ann,ann@example.gov.uk,,,member,2026-05-07\n"
            ",nobody@example.gov.uk,,,,\n"                       # 3: missing name
            "Bob,not-an-email,,,,\n"                              # 4: bad email
            "Ann Again,ANN@example.gov.uk,,,,\n"                  # 5: duplicate in the file
            "Cat,cat@example.gov.uk,,,member|deputy mayor,\n"     # 6: unknown role
            "Dan,dan@example.gov.uk,,,,31/02/2026\n"              # 7: not a real date
            "Eve,eve@example.gov.uk,,,\n"                         # 8: too few fields
            "Fay,fay@example.gov.uk,North, East,,,\n")            # 9: an unquoted comma
    parsed = importer.parse(text.encode())
    found = messages(parsed)
    assert found[0] == "row 3, column name: Enter the member's name."
    assert found[1] == "row 4, column email: 'not-an-email' is not a valid email address."
    assert found[2].startswith("row 5, column email: ann@example.gov.uk is also on row 2")
    assert found[3].startswith("row 6, column roles: Unknown role 'deputy mayor'")
    assert found[4].startswith("row 7, column elected_on: '31/02/2026' is not a real date")
    assert found[5].startswith("row 8: This row has 5 values but the header row has 6 columns")
    assert found[6].startswith("row 9: This row has 7 values")
    assert len(found) == 7
    assert [r.email for r in parsed.rows] == ["ann@example.gov.uk"]  # only the good row


def test_missing_required_column_is_named():
    parsed = importer.parse(b"name,ward\nAnn,North\n")
    assert messages(parsed) == ["row 1, column email: The header row has no 'email' column. The first row "
                                "must name the columns: name,email,ward,party,roles,elected_on."]


@pytest.mark.parametrize("text, keys, unknown", [
    ("member; Board | SCRUTINY", ("board", "member", "scrutiny"), []),
    ("Visitor of children's homes|lead member", ("home-visitor", "lead-member"), []),
    ("Visitor of children’s homes", ("home-visitor",), []),
    ("corporate parenting board or panel;chair;chair", ("board", "chair"), []),
    ("member;mayor", ("member",), ["mayor"]),
])
def test_roles_by_key_or_label_in_any_case(text, keys, unknown):
    assert importer.parse_roles(text) == (keys, unknown)


@pytest.mark.parametrize("text, expected", [
    ("2026-05-07", date(2026, 5, 7)), ("7/5/2026", date(2026, 5, 7)), ("07/05/2026", date(2026, 5, 7)),
    ("2026-05-07 00:00:00", date(2026, 5, 7)), ("2026-02-30", None), ("05/07/26", None), ("May 2026", None),
])
def test_dates(text, expected):
    assert importer.parse_date(text) == expected


def test_plan_matches_existing_members_by_email_whatever_the_case(app):
    existing = make_councillor(app, name="Ada Lovelace", email="ada@example.gov.uk", password=None,
                               ward="Riverside")
    with app.app_context():
        plan = importer.plan(importer.parse(GOOD.replace("ada@", "ADA@").encode()))
        assert plan.ok
        assert [r.email for r in plan.adds] == ["ben@example.gov.uk"]
        [change] = plan.updates
        assert change.member_id == existing
        assert change.fields == ("name", "party", "elected_on")  # ward is the same
        assert change.roles_added == ("board", "member")


def test_plan_refuses_an_officer_email(app, officer):
    with app.app_context():
        plan = importer.plan(importer.parse(b"name,email\nSam,Sam.Officer@example.gov.uk\n"))
    assert [str(p) for p in plan.errors] == [
        "row 2, column email: sam.officer@example.gov.uk belongs to an officer's account, not a councillor's."]


def test_a_failure_half_way_leaves_nothing(app, monkeypatch):
    text = HEADER + "\n" + "".join(f"Member {n},m{n}@example.gov.uk,,,member,\n" for n in range(10))
    calls = {"n": 0}
    real_record = importer.audit.record

    def failing_record(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 6:
            raise RuntimeError("the database went away")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(importer.audit, "record", failing_record)
    with app.app_context():
        plan = importer.plan(importer.parse(text.encode()))
        with pytest.raises(RuntimeError):
            importer.apply(plan)
        assert db.session.scalar(select(func.count()).select_from(Councillor)) == 0
        assert db.session.scalar(select(func.count()).select_from(CouncillorRole)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_token_round_trip_and_tampering(app):
    with app.test_request_context():
        token = importer.make_token(GOOD, officer_id=7)
        assert importer.read_token(token, 7) == GOOD
        assert importer.read_token(token, 8) is None              # another officer's
        assert importer.read_token(token[:-2] + "xx", 7) is None  # changed
        assert importer.read_token("", 7) is None


# --- through the officer pages ---------------------------------------------------------------------

def upload(client, text: str | bytes, filename="members.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/officers/members/import", data={"csv_file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def confirm_from(page: str) -> str:
    return page.split('name="checked_file" value="')[1].split('"')[0]


def count(app, model=Councillor):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_officer_previews_then_imports_a_file(app, client, auth, officer):
    existing = make_councillor(app, name="Ada L", email="ada@example.gov.uk", password=None)
    auth.sign_in(email="sam.officer@example.gov.uk")
    response = upload(client, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check the import" in page and "Nothing has been imported yet" in page
    assert "Cllr Ben Okri" in page and "Members to update" in page
    assert "Import 2 members" in page
    assert count(app) == 1  # nothing yet

    response = client.post("/officers/members/import", data={"checked_file": confirm_from(page)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported: 1 added, 1 updated" in page
    with app.app_context():
        ada = db.session.get(Councillor, existing)
        assert ada.name == "Cllr Ada Lovelace" and ada.role_keys == {"member", "board"}
        ben = Councillor.by_email("ben@example.gov.uk")
        assert ben.role_keys == {"lead-member"} and ben.elected_on == date(2026, 5, 7)
        assert ben.password_hash is None
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "members.imported" in actions and "member.roles_changed" in actions

    # Confirming again (a double click, or the back button) changes nothing.
    response = client.post("/officers/members/import", data={"checked_file": confirm_from(upload(client, GOOD).get_data(as_text=True))})
    assert count(app) == 2
    assert "Nothing to import" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_file_with_problems_shows_them_all_and_imports_nothing(app, client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    response = upload(client, HEADER + "\nAnn,bad-email,,,,\n,bob@example.gov.uk,,,,\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "2 problems in the file" in page
    assert "row 2, column email: &#39;bad-email&#39; is not a valid email address." in page
    assert "row 3, column name" in page
    assert 'name="checked_file"' not in page
    assert count(app) == 0


def test_a_windows_1252_upload_says_save_as_csv_utf8(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    response = upload(client, (HEADER + "\nZo\xeb,zoe@example.gov.uk,,,,\n").encode("cp1252"))
    assert response.status_code == 400
    assert "CSV UTF-8 (Comma delimited)" in response.get_data(as_text=True)


def test_no_file_chosen(client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    response = client.post("/officers/members/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Select a CSV file to upload" in response.get_data(as_text=True)


def test_a_file_over_the_upload_limit_gets_a_413_page(app, client, auth, officer):
    assert 1024 * 1024 < app.config["MAX_CONTENT_LENGTH"] < 1.1 * 1024 * 1024
    auth.sign_in(email="sam.officer@example.gov.uk")
    # A small limit for the test: the test client spools big bodies to files it never closes.
    app.config["MAX_CONTENT_LENGTH"] = 4000
    response = upload(client, b"x" * 5000)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The selected file must be smaller than 1 MB" in page and 'href="#csv_file"' in page


def test_a_forged_or_stale_confirmation_imports_nothing(app, client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    response = client.post("/officers/members/import", data={"checked_file": "not-a-real-token"})
    assert response.status_code == 400
    assert "expired or was changed" in response.get_data(as_text=True)
    assert count(app) == 0


def test_an_email_taken_between_preview_and_confirm_is_caught(app, client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    token = confirm_from(upload(client, GOOD).get_data(as_text=True))
    from tests.conftest import make_officer
    make_officer(app, name="Another Officer", email="ben@example.gov.uk")
    response = client.post("/officers/members/import", data={"checked_file": token})
    assert response.status_code == 409
    assert "belongs to an officer" in response.get_data(as_text=True)
    assert count(app) == 0


def test_councillors_cannot_import(client, auth, councillor):
    auth.sign_in()
    assert upload(client, GOOD).status_code == 403


# --- from the command line -------------------------------------------------------------------------

def test_cli_dry_run_says_what_would_happen(app, runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    result = runner.invoke(args=["members", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 2 to add, 0 to update, 0 unchanged. Nothing was imported." in result.output
    assert count(app) == 0


def test_cli_imports_a_clean_file(app, runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(GOOD.replace(",", ";").replace("member;board", '"member;board"').encode())
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported: 2 added, 0 updated." in result.output
    assert count(app) == 2


def test_cli_prints_every_error_and_exits_non_zero(app, runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(HEADER + "\nAnn,ann@,,,,\nBob,bob@example.gov.uk,,,wizard,\n")
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 1
    assert "row 2, column email: 'ann@' is not a valid email address." in result.output
    assert "row 3, column roles: Unknown role 'wizard'" in result.output
    assert "nothing was imported" in result.output
    assert count(app) == 0


def test_markup_in_a_file_is_shown_escaped_in_the_preview_and_after(app, client, auth, officer):
    auth.sign_in(email="sam.officer@example.gov.uk")
    text = (HEADER + "\n"
            '"<script>alert(1)</script>",a@example.gov.uk,"""><img src=x onerror=alert(1)>",javascript:alert(1),,\n')
    page = upload(client, text).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&#34;&gt;&lt;img src=x" in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    response = client.post("/officers/members/import", data={"checked_file": confirm_from(page)})
    assert response.status_code == 302
    for url in ("/officers/members", "/officers/report", "/officers/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page and 'href="javascript:' not in page
