"""The reminder sweeps benchmark: `make bench-sweeps` (or `python -m bench.sweeps`).

Seeds the demo data at scale S and at 10 x S (`seed_demo --scale`), each into a
throwaway database in a fresh process (a SQLite file under a temporary folder, or,
when DATABASE_URL names PostgreSQL, a new database beside it, dropped afterwards).
In each it runs every registered sweep twice (the first run writes the reminders it
finds due, the second must find nothing new) and then the dispatcher's claim with
nothing due, and reports each one's queries, rows examined and median time.

Rows examined come from PostgreSQL's `EXPLAIN ANALYZE` of each SELECT the step ran
(rows read by every scan, including those a filter removed). SQLite has no such
count: there the report names the tables a step scanned without an index instead.

A step with nothing to do must take about the same time at 10 x the data: it reads
due rows through an index, never the whole table. The report prints the ratio of
the 10x time to the 1x time; BENCH_STRICT=1 makes the command fail when a ratio is
above TARGET_RATIO. BENCH_SWEEP_SCALE sets S (default 1). Results go to
bench/results/sweeps.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "sweeps.json"
BASE_DIR = Path(__file__).resolve().parent.parent
REPEAT = 7
# "About the same": a step with nothing to do may be this much slower at 10x the data
# (timings of a few milliseconds are noisy); a scan would be about ten times slower.
TARGET_RATIO = 2.5
# Below this a step is noise-bound and its ratio is not held against it.
NOISE_SECONDS = 0.002


# --- In the child process: one scale, one database ----------------------------------------


def _explain_rows(sql: str) -> int | None:
    """Rows read by every scan node of one SELECT (PostgreSQL only)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
        transaction.set_rollback(True)
    if isinstance(plan, str):
        plan = json.loads(plan)
    return _scanned(plan[0]["Plan"])


def _scanned(node: dict) -> int:
    own = 0
    if "Scan" in node["Node Type"] and "Bitmap Index" not in node["Node Type"]:
        loops = node.get("Actual Loops", 1)
        own = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
    return own + sum(_scanned(child) for child in node.get("Plans", []))


def _full_scans(sql: str) -> list[str]:
    """Tables SQLite reads in full for one SELECT (SQLite only)."""
    from django.db import connection

    if connection.vendor != "sqlite" or not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        details = [row[-1] for row in cursor.fetchall()]
    return sorted({d.split()[1] for d in details if d.startswith("SCAN ") and " INDEX" not in d})


def _measure(step, *, repeat: int = REPEAT, rollback: bool = False) -> dict:
    """Run `step` `repeat` times; report the median time and, from one run, its queries."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def once():
        if not rollback:
            return step()
        with transaction.atomic():
            result = step()
            transaction.set_rollback(True)
        return result

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = once()
    timings = [time.perf_counter() - started] if not repeat else []
    for _ in range(repeat):
        started = time.perf_counter()
        once()
        timings.append(time.perf_counter() - started)
    queries = [q["sql"] for q in captured.captured_queries]
    # Writes are not explained (that would run them again): rows examined count the reads.
    examined = [n for n in (_explain_rows(sql) for sql in queries) if n is not None]
    return {
        "result": result if isinstance(result, int | str | None) else repr(result)[:200],
        "seconds": round(statistics.median(timings), 6),
        "queries": len(queries),
        "rows_examined": sum(examined) if connection.vendor == "postgresql" else None,
        "full_scans": sorted({t for sql in queries for t in _full_scans(sql)}),
    }


def _sizes() -> dict[str, int]:
    from matching.models import Mentorship
    from mentoring.accounts.models import User
    from mentoring.notifications.models import Notification
    from sessions.models import Meeting

    return {
        "users": User.objects.count(),
        "mentorships": Mentorship.objects.count(),
        "meetings": Meeting.objects.count(),
        "notifications": Notification.objects.count(),
    }


def child(scale: int) -> dict:
    """Seed one database at `scale` and measure every sweep and the claim in it."""
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from mentoring.notifications import registry, services
    from mentoring.notifications.models import Notification

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("seed_demo", scale=scale, stdout=io.StringIO())
    seeded = round(time.monotonic() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    now = timezone.now()
    sweeps = {}
    for sweep in registry.sweeps():
        first = _measure(lambda sweep=sweep: sweep.run(now), repeat=0)
        again = _measure(lambda sweep=sweep: sweep.run(now))
        sweeps[sweep.name] = {"kinds": list(sweep.kinds), "first": first, "again": again}
    # Matching's own sweeps, on beat beside the reminders (expiry hourly, resume daily).
    from matching.services.lifecycle import mentorships_resume_due
    from matching.services.requests import requests_expire

    for name, run in (
        ("matching-expire-requests", lambda: requests_expire(now)),
        ("matching-resume-paused", lambda: mentorships_resume_due(timezone.localdate(now))),
    ):
        first = _measure(run, repeat=0)
        again = _measure(run)
        sweeps[name] = {"kinds": [], "first": first, "again": again}
    # Everything due has gone: the claim that runs every minute finds nothing to do.
    Notification.objects.filter(status="pending", due_at__lte=now).update(status="sent")
    claim = _measure(lambda: len(services.notifications_claim(now=now)[1]), rollback=True)
    return {
        "scale": scale,
        "database": connection.vendor,
        "seed_seconds": seeded,
        "sizes": _sizes(),
        "sweeps": sweeps,
        "claim_nothing_due": claim,
    }


# --- In the parent: a throwaway database per scale -------------------------------------------


def _postgres_database(url: str, name: str, *, create: bool) -> str:
    """Create (or drop) database `name` on the server of `url`; returns its URL."""
    import psycopg2
    from psycopg2 import sql

    base, _, _ = url.rpartition("/")
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if create:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    return f"{base}/{name}"


def run_scale(scale: int, folder: Path) -> dict:
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres", "postgis"))
    name = f"bench_sweeps_{os.getpid()}_{scale}"
    database = (
        _postgres_database(url, name, create=True)
        if postgres
        else f"sqlite:///{folder / f'{name}.sqlite3'}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DATABASE_URL": database,
        "VAR_DIR": str(folder / f"var-{scale}"),
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    try:
        done = subprocess.run(  # noqa: S603 (this module, in a fresh process)
            [sys.executable, "-m", "bench.sweeps", "--child", str(scale)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if postgres:
            _postgres_database(url, name, create=False)
    if done.returncode != 0:
        raise RuntimeError(f"scale {scale} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _steps(result: dict) -> dict[str, dict]:
    steps = {f"{name} (again)": s["again"] for name, s in result["sweeps"].items()}
    steps["claim, nothing due"] = result["claim_nothing_due"]
    return steps


def compare(small: dict, large: dict) -> list[dict]:
    rows = []
    small_steps, large_steps = _steps(small), _steps(large)
    for name, s in small_steps.items():
        big = large_steps.get(name)
        if big is None:
            continue
        ratio = big["seconds"] / s["seconds"] if s["seconds"] else None
        noisy = big["seconds"] < NOISE_SECONDS
        rows.append(
            {
                "step": name,
                "seconds": [s["seconds"], big["seconds"]],
                "rows_examined": [s["rows_examined"], big["rows_examined"]],
                "full_scans": sorted(set(s["full_scans"]) | set(big["full_scans"])),
                "ratio": round(ratio, 2) if ratio else None,
                "ok": noisy or (ratio is not None and ratio <= TARGET_RATIO),
            }
        )
    return rows


def _print(small: dict, large: dict, rows: list[dict]) -> None:
    print(f"database: {small['database']}; sizes {small['sizes']} -> {large['sizes']}")
    for result in (small, large):
        for name, s in result["sweeps"].items():
            first = s["first"]
            print(
                f"  scale {result['scale']:>3} {name}: first run wrote {first['result']} "
                f"in {first['seconds'] * 1000:.1f} ms, {first['rows_examined']} rows examined"
            )
    print(f"  {'step':<40} {'1x ms':>9} {'10x ms':>9} {'ratio':>6} {'rows 1x':>9} {'rows 10x':>9}")
    for row in rows:
        a, b = row["seconds"]
        ra, rb = row["rows_examined"]
        flag = "" if row["ok"] else "  <-- grows with the data"
        scans = f"  full scans: {', '.join(row['full_scans'])}" if row["full_scans"] else ""
        print(
            f"  {row['step']:<40} {a * 1000:>9.2f} {b * 1000:>9.2f} {row['ratio'] or '-':>6} "
            f"{ra if ra is not None else '-':>9} {rb if rb is not None else '-':>9}{flag}{scans}"
        )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(child(int(argv[1]))))
        return 0
    scale = int(os.environ.get("BENCH_SWEEP_SCALE", "1"))
    with tempfile.TemporaryDirectory(prefix="bench-sweeps-") as folder:
        small = run_scale(scale, Path(folder))
        large = run_scale(scale * 10, Path(folder))
    rows = compare(small, large)
    _print(small, large, rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "target_ratio": TARGET_RATIO,
                "results": [small, large],
                "comparison": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {RESULTS.relative_to(BASE_DIR)}")
    missed = [row["step"] for row in rows if not row["ok"]]
    if missed:
        print(f"  nothing-due time grows with the data: {', '.join(missed)}")
    return 1 if missed and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
