"""Councillors from modern.gov: files in GetCouncillorsByWard's shape, with the quirks real councils'
files have, served by a real HTTP server on 127.0.0.1 and read from disk."""
from __future__ import annotations

import http.server
import re
import threading
from datetime import date

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditEvent, Councillor, Election
from app.officers import moderngov
from app.officers.names import sort_name
from tests.conftest import make_councillor, make_officer

TODAY = date(2026, 11, 28)

# Things that must never be read or stored: home address lines, postcodes, mobiles, photos, surgeries.
HOME_SECRETS = ("12 Hidden Lane", "ZZ9 9ZZ", "07700 900123", "photo-of-alex.jpg", "Saturday surgery at the library")


def councillor_xml(cid, name, party="Independent", key_posts="", work_email=None, home_email=None,
                   terms=(("07/05/2022", "unspecified"),), with_terms=True):
    work = f"<email>{work_email}</email>" if work_email is not None else ""
    home_mail = f"<email>{home_email}</email>" if home_email else ""
    terms_xml = ""
    if with_terms:
        terms_xml = "<termsofoffice>" + "".join(
            f"<termofoffice><startdate>{s}</startdate><enddate>{e}</enddate></termofoffice>" for s, e in terms
        ) + "</termsofoffice>"
    return f"""
    <councillor>
      <councillorid> {cid} </councillorid>
      <fullusername>{name}</fullusername>
      <photosmallurl>https://moderngov.example/photo-of-alex.jpg</photosmallurl>
      <politicalpartytitle>{party}</politicalpartytitle>
      <keyposts>{key_posts}</keyposts>
      <workaddress><line1>Civic Offices</line1><phone>01632 960000</phone>{work}</workaddress>
      <homeaddress><line1>12 Hidden Lane</line1><postcode>ZZ9 9ZZ</postcode><mobile>07700 900123</mobile>{home_mail}</homeaddress>
      <surgerydetails>Saturday surgery at the library</surgerydetails>
      {terms_xml}
    </councillor>"""


def council_file(*wards) -> bytes:
    body = "".join(f"<ward><wardtitle>\n  {title}  \n</wardtitle><councillors><councillorcount> {len(cs)}</councillorcount>"
                   f"{''.join(cs)}</councillors></ward>" for title, cs in wards)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<councillorsbyward><wards>{body}</wards></councillorsbyward>'.encode()


def standard_file() -> bytes:
    return council_file(
        ("Riverside", [
            councillor_xml(1046, "Councillor Alex Example", key_posts="Chair, Corporate Parenting Board; "
                           "Vice-Chair, Scrutiny Committee", work_email="Alex.Example@council.gov.uk"),
            councillor_xml(1047, "Cllr Bea Newcomer", party="Green", work_email="",
                           home_email="bea.home@example.com", terms=(("02/05/2024", ""),)),
        ]),
        ("Hilltop", [
            councillor_xml(1050, "County Councillor Dr Chris Lead OBE", party="Labour",
                           key_posts="Cabinet Member for Children and Families", work_email="chris.lead@council.gov.uk"),
            councillor_xml(1051, "Dee Unknown-Terms", party="", work_email="dee@council.gov.uk", with_terms=False),
            # A past member whose terms have all ended, who was never on the training record.
            councillor_xml(900, "Councillor Old Timer", work_email="old.timer@council.gov.uk",
                           terms=(("01/05/2014", "03/05/2018"), ("03/05/2018", "05/05/2022"))),
            # A past member the training record holds: a leaver.
            councillor_xml(901, "Councillor Eve Leaving", work_email="eve.leaving@council.gov.uk",
                           terms=(("05/05/2022", "01/10/2026"),)),
        ]),
    )


@pytest.fixture
def sync_app(app):
    app.config["TODAY"] = TODAY
    return app


@pytest.fixture
def leaver(sync_app):
    return make_councillor(sync_app, name="Councillor Eve Leaving", email="eve.leaving@council.gov.uk",
                           moderngov_id="901")


@pytest.fixture
def served():
    """A real HTTP server on 127.0.0.1: set .body/.status/.content_type, read .url."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            server.requests += 1
            self.send_response(server.status)
            self.send_header("Content-Type", server.content_type)
            self.send_header("Content-Length", str(len(server.body)))
            self.end_headers()
            self.wfile.write(server.body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.body, server.status, server.content_type, server.requests = standard_file(), 200, "text/xml", 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}/mgWebService.asmx/GetCouncillorsByWard"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _members(app) -> dict[str, Councillor]:
    with app.app_context():
        found = {m.moderngov_id or m.email: m for m in db.session.scalars(select(Councillor))}
        for m in found.values():
            _ = m.role_keys
            db.session.expunge(m)
        return found


def _snapshot(app) -> list:
    with app.app_context():
        people = db.session.execute(text("SELECT * FROM people ORDER BY id")).all()
        roles = db.session.execute(text("SELECT person_id, role FROM councillor_roles ORDER BY person_id, role")).all()
        elections = db.session.execute(text("SELECT held_on FROM elections ORDER BY held_on")).all()
        return [list(map(tuple, people)), list(map(tuple, roles)), list(map(tuple, elections))]


# --- the command -------------------------------------------------------------------------------

def test_dry_run_prints_the_preview_and_changes_nothing(sync_app, runner, served, leaver):
    before = _snapshot(sync_app)
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url, "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "add: Councillor Alex Example (councillorid 1046), Riverside, roles: board, chair, member" in out
    assert "add: Cllr Bea Newcomer (councillorid 1047)" in out and "[no council email: add one before inviting]" in out
    assert "--use-home-email 1047" in out
    assert "roles: lead-member, member" in out
    assert "leaver: Councillor Eve Leaving (councillorid 901" in out
    assert "Old Timer" not in out  # a past member never on the record is not added
    assert "election: 2022-05-07 will be recorded" in out and "election: 2024-05-02 will be recorded" in out
    assert "Dry run: 4 to add, 0 to update, 1 leaving" in out and "Nothing was changed." in out
    assert _snapshot(sync_app) == before
    assert served.requests == 1


def test_sync_applies_everything_and_a_second_run_changes_nothing(sync_app, runner, served, leaver):
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    assert result.exit_code == 0, result.output
    assert "Synced: 4 added, 0 updated, 1 deactivated, 2 election(s) recorded." in result.output
    members = _members(sync_app)
    alex = members["1046"]
    assert alex.name == "Councillor Alex Example" and alex.sort_name == "Alex Example"
    assert alex.email == "alex.example@council.gov.uk" and alex.ward == "Riverside"
    assert alex.role_keys == {"member", "board", "chair"}
    assert alex.key_posts.startswith("Chair, Corporate Parenting Board")
    assert alex.elected_on == date(2022, 5, 7)
    chris = members["1050"]
    assert chris.sort_name == "Chris Lead" and chris.role_keys == {"member", "lead-member"}
    bea = members["1047"]
    assert bea.email is None and bea.elected_on == date(2024, 5, 2)  # the home email needs an officer's yes
    dee = members["1051"]
    assert dee.elected_on is None and dee.party is None and dee.active
    eve = members["901"]
    assert not eve.active and eve.name == "Councillor Eve Leaving"  # deactivated, record kept
    with sync_app.app_context():
        assert set(db.session.scalars(select(Election.held_on))) == {date(2022, 5, 7), date(2024, 5, 2)}
    after_first = _snapshot(sync_app)

    again = runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    assert again.exit_code == 0, again.output
    assert "Nothing to change: 0 to add, 0 to update, 0 leaving, 5 unchanged" in again.output
    assert _snapshot(sync_app) == after_first


def test_a_file_works_like_the_web_service(sync_app, runner, tmp_path):
    path = tmp_path / "GetCouncillorsByWard.xml"
    path.write_bytes(standard_file())
    result = runner.invoke(args=["members", "sync-moderngov", "--file", str(path), "--use-home-email", "1047"])
    assert result.exit_code == 0, result.output
    assert _members(sync_app)["1047"].email == "bea.home@example.com"


def test_home_address_mobile_photo_and_surgery_are_never_stored(sync_app, runner, served, leaver):
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url, "--use-home-email", "1047"])
    assert result.exit_code == 0, result.output
    with sync_app.app_context():
        stored = repr([tuple(r) for table in ("people", "councillor_roles", "audit_events", "elections")
                       for r in db.session.execute(text(f"SELECT * FROM {table}")).all()])  # nosec B608 - fixed table names
    for secret in HOME_SECRETS:
        assert secret not in stored and secret not in result.output
    # The parser keeps nothing from the home address but the email of a member with no work email.
    parsed = moderngov.read(standard_file())
    kept = repr(parsed.records)
    assert not any(secret in kept for secret in HOME_SECRETS)
    assert [r.home_email for r in parsed.records if r.home_email] == ["bea.home@example.com"]


def test_an_existing_member_from_the_csv_import_is_linked_by_email_and_updated(sync_app, runner, served):
    member_id = make_councillor(sync_app, name="Alex Example", email="alex.example@council.gov.uk",
                                ward="Old Ward")
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url, "--dry-run"])
    assert re.search(rf"update: Councillor Alex Example \(councillorid 1046, member #{member_id}\): "
                     r"linked to modern.gov; name; ward; party; key posts; date elected; roles added: "
                     r"Corporate parenting board or panel, Chair, Member", result.output), result.output
    runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    alex = _members(sync_app)["1046"]
    assert alex.id == member_id and alex.ward == "Riverside"


def test_roles_follow_key_posts_but_roles_no_rule_names_stay(sync_app, runner, served):
    runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    with sync_app.app_context():
        alex = db.session.scalar(select(Councillor).where(Councillor.moderngov_id == "1046"))
        from app.officers.members import set_roles
        set_roles(alex, ["member", "board", "chair", "home-visitor"])
        db.session.commit()
    served.body = standard_file().replace(b"Chair, Corporate Parenting Board; ", b"")
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    assert result.exit_code == 0, result.output
    assert _members(sync_app)["1046"].role_keys == {"member", "home-visitor"}


def test_the_council_can_edit_the_key_post_rules(sync_app, runner, served, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - pattern: vice-chair, scrutiny\n    role: scrutiny\n")
    sync_app.config["MODERNGOV_KEY_POST_RULES"] = str(rules)
    runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    assert _members(sync_app)["1046"].role_keys == {"member", "scrutiny"}
    rules.write_text("rules:\n  - pattern: '(unclosed'\n    role: scrutiny\n  - pattern: x\n    role: mayor\n")
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url, "--dry-run"])
    assert result.exit_code == 1
    assert f"{rules}, rule 1: the pattern is not a valid regular expression" in result.output


@pytest.mark.parametrize("body, status, message", [
    (b"<html><body>Service Unavailable</body>", 200, "not valid XML (line 1"),
    (b"<html><body><p>Log in</p></body></html>", 200, "not a list of councillors by ward (its first element is <html>"),
    (b"", 200, "The response is empty"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><councillorsbyward>&a;</councillorsbyward>', 200,
     "XML entities or a DTD"),
    (b"oops", 500, "modern.gov answered 500"),
])
def test_a_broken_response_is_a_clear_error_and_nothing_changes(sync_app, runner, served, leaver, body, status, message):
    served.body, served.status = body, status
    before = _snapshot(sync_app)
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    assert result.exit_code == 1
    assert message in result.output
    assert _snapshot(sync_app) == before


def test_a_councillor_without_an_id_names_where_it_is(sync_app, runner, tmp_path):
    path = tmp_path / "council.xml"
    path.write_bytes(standard_file().replace(b"<councillorid> 1050 </councillorid>", b"<councillorid/>"))
    before = _snapshot(sync_app)
    result = runner.invoke(args=["members", "sync-moderngov", "--file", str(path)])
    assert result.exit_code == 1
    assert "council.xml, councillor 3 in Hilltop: The councillor has no <councillorid>." in result.output
    assert "nothing was changed" in result.output
    assert _snapshot(sync_app) == before


def test_an_officers_email_is_refused(sync_app, runner, served):
    make_officer(sync_app, email="alex.example@council.gov.uk")
    before = _snapshot(sync_app)
    result = runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    assert result.exit_code == 1
    assert "alex.example@council.gov.uk belongs to an officer's account" in result.output
    assert _snapshot(sync_app) == before


def test_unreachable_modern_gov_is_a_clear_error(sync_app, runner):
    result = runner.invoke(args=["members", "sync-moderngov", "--url", "http://127.0.0.1:9/mgWebService.asmx/x"])
    assert result.exit_code == 1
    assert "modern.gov could not be reached at http://127.0.0.1:9/" in result.output


def test_titles_are_stripped_for_sorting():
    assert sort_name("Councillor Alex Example") == "Alex Example"
    assert sort_name("Cllr. Bea  Jones") == "Bea Jones"
    assert sort_name("County Councillor Mrs Ann Lee MBE") == "Ann Lee"
    assert sort_name("Dee Smith") == "Dee Smith"


def test_the_member_list_sorts_without_titles(sync_app, runner, served, client, auth):
    make_officer(sync_app)
    runner.invoke(args=["members", "sync-moderngov", "--url", served.url])
    auth.sign_in("sam.officer@example.gov.uk")
    page = client.get("/officers/members").get_data(as_text=True)
    order = [page.index(n) for n in ("Councillor Alex Example", "Cllr Bea Newcomer",
                                     "County Councillor Dr Chris Lead OBE", "Dee Unknown-Terms")]
    assert order == sorted(order)


# --- the officer page --------------------------------------------------------------------------

def _upload(client, data: bytes, name="GetCouncillorsByWard.xml"):
    import io
    return client.post("/officers/members/moderngov", data={"xml_file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _token(page: str) -> str:
    return re.search(r'name="checked" value="([^"]+)"', page).group(1)


def test_officer_previews_a_file_then_applies_it_with_a_confirmed_home_email(sync_app, client, auth, leaver):
    make_officer(sync_app)
    auth.sign_in("sam.officer@example.gov.uk")
    preview = _upload(client, standard_file())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Check the changes from modern.gov" in page
    assert "No council email: add one before inviting" in page
    assert "Use their home email, bea.home@example.com" in page
    assert "Councillor Eve Leaving" in page and "Leavers" in page
    token = _token(page)
    for secret in HOME_SECRETS:
        assert secret not in page
    assert _members(sync_app)["901"].active  # nothing yet

    done = client.post("/officers/members/moderngov", data={"checked": token, "home_email": ["1047"]})
    assert done.status_code == 302
    members = _members(sync_app)
    assert members["1047"].email == "bea.home@example.com"
    assert not members["901"].active
    with sync_app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.synced")) is not None

    again = client.post("/officers/members/moderngov", data={"checked": token}, follow_redirects=True)
    assert "Nothing to change" in again.get_data(as_text=True)


def test_officer_page_fetches_from_the_configured_address(sync_app, client, auth, served):
    sync_app.config["MODERNGOV_URL"] = served.url
    make_officer(sync_app)
    auth.sign_in("sam.officer@example.gov.uk")
    assert "Check modern.gov now" in client.get("/officers/members/moderngov").get_data(as_text=True)
    preview = client.post("/officers/members/moderngov", data={"fetch": "1"})
    assert preview.status_code == 200 and "Councillor Alex Example" in preview.get_data(as_text=True)
    served.body = b"<html>Down for maintenance"
    broken = client.post("/officers/members/moderngov", data={"fetch": "1"})
    assert broken.status_code == 400 and "not valid XML" in broken.get_data(as_text=True)


def test_a_changed_or_another_officers_token_is_refused(sync_app, client, auth):
    make_officer(sync_app)
    auth.sign_in("sam.officer@example.gov.uk")
    token = _token(_upload(client, standard_file()).get_data(as_text=True))
    forged = client.post("/officers/members/moderngov", data={"checked": token[:-3] + "abc"})
    assert forged.status_code == 400 and "expired or was changed" in forged.get_data(as_text=True)
    assert "1046" not in _members(sync_app)
