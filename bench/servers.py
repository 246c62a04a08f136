"""Start and stop the application under gunicorn, as production runs it, for benchmarks and tests.

Everything here talks to 127.0.0.1 only. Servers write their logs to files (never to a pipe
nobody reads, which would stall them once the pipe fills).
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py")]
BENCH_PASSWORD = "bench members read every module"
LOCAL = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return s.getsockname()[1]


def app_environment(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The production settings, with a throwaway key, on the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update({
        "APP_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        # Production needs a public address and a mail transport; nothing here sends mail.
        "BASE_URL": f"http://{LOCAL}",
        "MAIL_TRANSPORT": "smtp",
        "MAIL_SERVER": f"{LOCAL}:9",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        # Every simulated member comes from 127.0.0.1, so the per-address sign-in limit
        # (20 a minute, meant for one attacker) would stop the benchmark, not measure it.
        "SIGN_IN_RATE_LIMIT": "100000 per minute",
        "PYTHONDONTWRITEBYTECODE": "1",
        # No worker is recycled in the middle of a measurement (gunicorn.conf.py recycles every
        # 5,000 requests in production): a fresh worker's warm-up would land in the figures.
        "GUNICORN_MAX_REQUESTS": "0",
    })
    env.update(extra)
    return env


def prepare_database(env: dict[str, str], members: int, reset: bool = True, *extra: str) -> None:
    """Migrate the database to head and add `members` councillors (bench-N@example.gov.uk);
    extra arguments go to bench/prepare.py."""
    subprocess.run([PYTHON, "-m", "bench.prepare", "--members", str(members), *extra]
                   + (["--reset"] if reset else []),
                   cwd=REPO, env=env, check=True, timeout=600, stdout=subprocess.DEVNULL)


def _cpu_ticks(pid: int) -> tuple[int, int, int, int]:
    """utime, stime, cutime, cstime of a process (fields 14-17 of /proc/<pid>/stat), in ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]), int(fields[12]), int(fields[13]), int(fields[14])
    except (OSError, IndexError, ValueError):
        return 0, 0, 0, 0


@dataclass
class Server:
    """One gunicorn master and its workers, on 127.0.0.1:port."""

    app: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    workers: int | None = None
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{LOCAL}:{self.port}"

    def start(self, ready_path: str = "/healthz", timeout: float = 180) -> Server:
        env = dict(self.env, PORT=str(self.port), HOST=LOCAL)
        if self.workers:
            env["WEB_CONCURRENCY"] = str(self.workers)
        log_path = self.log_path or Path(env["INSTANCE_PATH"]) / f"gunicorn-{self.port}.log"
        self.log_path = log_path
        log = open(log_path, "ab")
        self.process = subprocess.Popen(GUNICORN + [self.app], cwd=REPO, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + ready_path, timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: {self.log_tail()}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return sizes

    def worker_cpu_seconds(self) -> float:
        """CPU time used so far by every worker this master has had: a cost per request that
        other load on the machine does not distort the way it distorts throughput.

        The live workers' own time, plus the master's children's time: a worker that exited
        (recycled after max_requests, or killed on timeout) is reaped by the master, and the
        kernel adds its CPU to the master's cutime/cstime. Without that, a worker replaced in the
        middle of a measurement took its CPU with it (once giving a negative CPU per request).
        The benchmarks also turn max_requests off (app_environment), so both guards hold.
        """
        if self.process is None:
            return 0.0
        total = 0.0
        for pid in self.worker_pids():
            utime, stime, _, _ = _cpu_ticks(pid)
            total += utime + stime
        _, _, reaped_user, reaped_system = _cpu_ticks(self.process.pid)
        return (total + reaped_user + reaped_system) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a power cut, not a shutdown."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except (OSError, TypeError):
            return ""

    def __enter__(self) -> Server:
        # "with Server(...).start() as server" must not start a second gunicorn: the first,
        # forgotten, would outlive the test.
        return self if self.process is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def postgres_answers(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return False


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


class OwnPostgresDatabase:
    """A database of our own on the PostgreSQL server (never the shared `test` database),
    created on entry and dropped on exit."""

    def __init__(self, server_url: str, name: str):
        self.server_url = server_url.rstrip("/")
        self.name = name

    @property
    def url(self) -> str:
        return f"{self.server_url}/{self.name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url.replace("+psycopg", "") + "/postgres",
                             autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)

    def __enter__(self) -> OwnPostgresDatabase:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
