"""How fast is the completion report for every councillor in England?

Builds 17,000 councillors with 200,000 quiz attempts (plus roles, certificates, module reads and
dilemma runs) in a temporary SQLite database with bulk inserts, then prints how long the report
takes to build, render and export, and how many queries each needs. A benchmark prints figures;
it is not a timed test.

    .venv/bin/python bench/report_bench.py [--members 17000] [--attempts 200000]
"""
from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (Certificate, CouncillorRole, ModuleRead, Officer, Person,  # noqa: E402
                        QuizAttempt, ScenarioRun)

TODAY = date(2026, 11, 1)
PASSWORD = "benchmark passphrase for the officer"
WARDS = [f"Ward {n}" for n in range(400)]
PARTIES = ["Conservative", "Labour", "Liberal Democrat", "Green", "Independent", "Reform UK"]
ROLES = ["board", "scrutiny", "home-visitor", "lead-member", "chair"]


def build_data(members: int, attempts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 10, 1)
    people = [{"id": n, "kind": "councillor", "name": f"Councillor {n:05d}", "email": f"c{n}@example.gov.uk",
               "active": True, "session_version": 1, "failed_sign_ins": 0, "created_at": now,
               "ward": rng.choice(WARDS), "party": rng.choice(PARTIES),
               "elected_on": date(2026, 5, 7) if rng.random() < 0.2 else date(2022, 5, 5)}
              for n in range(1, members + 1)]
    # Councillor's columns live on the people table (single-table inheritance): one insert.
    db.session.execute(insert(Person.__table__), people)
    roles, certificates, reads, runs, quiz = [], [], [], [], []
    for p in people:
        roles.append({"person_id": p["id"], "role": "member", "assigned_on": date(2022, 5, 5)})
        if rng.random() < 0.25:
            roles.append({"person_id": p["id"], "role": rng.choice(ROLES), "assigned_on": date(2025, 1, 1)})
        if rng.random() < 0.7:
            completed = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1000))
            due = completed.replace(year=completed.year + 2) if not (completed.month == 2 and completed.day == 29) \
                else date(completed.year + 2, 3, 1)
            certificates.append({"person_id": p["id"], "pathway_id": "induction", "level": 1,
                                 "completed_on": completed, "refresher_due": due, "score_percent": 85,
                                 "code": f"B{p['id']:011d}", "how": "online", "issued_at": now})
        for module in rng.sample(["principles", "education", "care-leavers", "corporate-parent"], rng.randrange(0, 4)):
            reads.append({"person_id": p["id"], "module_id": module, "content_fingerprint": "x", "read_at": now})
        for n in range(rng.randrange(0, 4)):
            runs.append({"person_id": p["id"], "scenario_id": f"scenario-{n}", "status": "finished",
                         "path": [], "events": [], "started_at": now, "finished_at": now})
    for n in range(attempts):
        pid = rng.randrange(1, members + 1)
        quiz.append({"person_id": pid, "quiz": "assessment" if n % 3 == 0 else f"module:m{n % 16}",
                     "status": "submitted", "layout": "one-page", "question_ids": [], "answers": {},
                     "score_percent": rng.randrange(40, 101), "passed": True, "pass_mark": 80,
                     "started_at": now, "submitted_at": now})
    for model, rows in ((CouncillorRole, roles), (Certificate, certificates), (ModuleRead, reads),
                        (ScenarioRun, runs), (QuizAttempt, quiz)):
        db.session.execute(insert(model), rows)
    db.session.add(Officer(name="Bench Officer", email="officer@bench.example", password_hash=hash_password(PASSWORD)))
    db.session.commit()


def timed(app, label: str, action, runs: int = 3) -> None:
    """Run action several times and print the median time (the machine may be shared)."""
    statements = []

    def listener(*_args):
        statements.append(1)

    walls, cpus, result = [], [], None
    for _ in range(runs):
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", listener)
    size = f", {len(result):,} bytes" if isinstance(result, (bytes, bytearray)) and result else ""
    # "label  seconds s  queries queries" first: bench/run.py reads that much of each line.
    print(f"{label:<40} {statistics.median(walls):7.3f} s {len(statements):4d} queries   "
          f"(CPU {statistics.median(cpus):.3f} s, median of {runs}{size})", flush=True)


_CHILD = """
import sys
sys.path.insert(0, {root!r})
from bench.report_bench import high_water_mb, reset_high_water, signed_in_client
app, client = signed_in_client({path!r})
reset_high_water()  # the sign-in's password check is not the export's
before = high_water_mb()
if {url!r}:
    response = client.get({url!r})
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.response)
print(before, high_water_mb())
"""


def high_water_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss, which a child inherits from
    the process that started it (this bench, holding far more than a worker ever does)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_high_water() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # "5" resets the peak to the current size


def peak_memory(path: Path, url: str) -> tuple[float, float]:
    """(peak resident memory of a fresh process after start-up and sign-in, and after it has
    built and sent the export at url), in MB."""
    out = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT), path=str(path), url=url)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=True).stdout
    before, after = out.strip().splitlines()[-1].split()
    return float(before), float(after)


def make_app(path: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "CONTENT_ROOT": str(ROOT),
                       "BASE_URL": "http://bench.test", "TODAY": TODAY})


def signed_in_client(path: str):
    app = make_app(Path(path))
    client = app.test_client()
    assert client.post("/sign-in", data={"email": "officer@bench.example", "password": PASSWORD}).status_code == 302
    return app, client


PAGES = (("GET /officers/report (page 1)", "/officers/report"),
         ("GET /officers/report?status=overdue", "/officers/report?status=overdue"),
         ("GET /officers/report?ward=Ward 7", "/officers/report?ward=Ward+7"),
         ("GET /officers/report?due_within=60&sort=urgency", "/officers/report?due_within=60&sort=urgency"),
         ("GET /officers/report?sort=status&page=40", "/officers/report?sort=status&page=40"))
EXPORTS = (("GET /officers/report.csv", "/officers/report.csv"),
           ("GET /officers/report.xlsx", "/officers/report.xlsx"),
           ("GET /officers/report.pdf", "/officers/report.pdf"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=17_000)
    parser.add_argument("--attempts", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, default=None,
                        help="Build the database at this path, or reuse it if it is there")
    parser.add_argument("--skip-pdf", action="store_true", help="Leave out the PDF timings")
    parser.add_argument("--runs", type=int, default=3, help="Time each step this many times; print the median")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        app = make_app(path)
        with app.app_context():
            if not (args.keep and path.exists() and db.session.get(Person, 1)):
                db.create_all()
                start = time.perf_counter()
                build_data(args.members, args.attempts)
                print(f"Built {args.members:,} members and {args.attempts:,} attempts in "
                      f"{time.perf_counter() - start:.1f} s (SQLite, {path})\n")
        from app.officers import exports, report

        app, client = signed_in_client(str(path))
        with app.app_context():
            data = report.build(report.Filters(), per_page=200)
        print(f"{data.matched:,} members; by status: {data.counts}\n")

        def page():
            with app.app_context():
                return report.build(report.Filters(), per_page=200) and b""
        timed(app, "report.build() (page 1 of 200)", page, args.runs)
        formats = ("csv", "xlsx") if args.skip_pdf else ("csv", "xlsx", "pdf")
        for fmt in formats:
            def render(fmt=fmt):
                with app.test_request_context():
                    if fmt == "csv":
                        summary = report.build_summary(report.Filters(), counts=False)
                        return b"".join(exports.render(fmt, summary, report.stream(summary)))
                    return b"".join(exports.render(fmt, *report.build_export(report.Filters())))
            timed(app, f"{fmt} export, no HTTP", render, args.runs)
        for label, url in PAGES + EXPORTS:
            if args.skip_pdf and url.endswith(".pdf"):
                continue

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response.data
            timed(app, label, get, args.runs)
        print()
        base, _ = peak_memory(path, "")
        for label, url in EXPORTS:
            if args.skip_pdf and url.endswith(".pdf"):
                continue
            _, peak = peak_memory(path, url)
            # "peak memory ... MB" lines: bench/run.py reads them.
            print(f"peak memory, {label:<32} {peak:7.1f} MB   ({peak - base:+.1f} MB over a signed-in process, "
                  f"{base:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()
