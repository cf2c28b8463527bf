"""Benchmark of the director's dashboard (prints figures, asserts nothing).

    .venv/bin/python bench/bench_dashboard.py                 # 200,000 cases
    .venv/bin/python bench/bench_dashboard.py --cases 1000000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/x .venv/bin/python bench/bench_dashboard.py

1. Generates N synthetic cases with ``shebao demo generate``'s generator (演示县, three years up to
   2026-11-28) into private databases: ``var/bench/bench_reports.sqlite3`` and, if a PostgreSQL server
   is given by DATABASE_URL or reachable at 127.0.0.1:5432, the database ``bench_reports`` on it
   (created here; any other database on the server is never touched). Data of an earlier run with
   the same N is reused (``--fresh`` regenerates).
2. For three scopes (a month of the whole county, a month of one department, a year by month) it
   times the dashboard as the page computes it (every table and chart: ORM queries + Python),
   the database time of those ORM queries alone, and the equivalent hand-written SQL, and prints
   the ratios — once with the indexes the migrations create today, once with the proposed
   indexes on ``cases_case(county_id, received_at)``, ``cases_case(county_id, closed_at)`` and
   ``cases_rating(created_at)`` (created here for the measurement and dropped afterwards).
3. Prints the query plan of the main aggregate, and whether the hand-written SQL and the dashboard
   agree on the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

END = dt.date(2026, 11, 28)
BENCH_DIR = ROOT / "var" / "bench"
PG_DB = "bench_reports"
PROPOSED = [
    ("bench_case_county_received", "cases_case", ["county_id", "received_at"]),
    ("bench_case_county_closed", "cases_case", ["county_id", "closed_at"]),
    ("bench_rating_created", "cases_rating", ["created_at"]),
]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=200_000, help="synthetic cases (default 200000)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (median printed)")
    p.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    p.add_argument("--no-postgres", action="store_true", help="SQLite only")
    p.add_argument("--pg-jit", action="store_true", help="leave PostgreSQL's JIT on (server default)")
    return p.parse_args()


def postgres_url() -> str | None:
    """The bench database's URL on the server of DATABASE_URL, else on 127.0.0.1:5432; None if unreachable."""
    import dj_database_url
    import psycopg

    given = os.environ.get("SHEBAO_BENCH_PG_URL") or os.environ.get("DATABASE_URL", "")
    cfg = dj_database_url.parse(given) if given.startswith("postgres") else {
        "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": 5432}
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else "")
    server = f"postgresql://{auth}@{cfg.get('HOST') or '127.0.0.1'}:{cfg.get('PORT') or 5432}"
    try:
        with psycopg.connect(server + "/postgres", autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone():
                conn.execute(f'CREATE DATABASE "{PG_DB}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL: not reachable ({str(exc).strip().splitlines()[0]}); SQLite only.")
        return None
    return f"{server}/{PG_DB}"


def setup_django():
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # The default database of this process is a scratch file: the bench never writes elsewhere.
    os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'default.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# -- data -----------------------------------------------------------------------------------------
def prepare(alias: str, url: str, n: int, fresh: bool, jit: bool = False) -> None:
    from django.db import connections

    from shebao.cases.models import Case
    from shebao.reports import demo
    from shebao.reports.dbsettings import database_from_url

    config = database_from_url(url)
    if url.startswith("postgres") and not jit:
        # PostgreSQL's JIT compiles any plan whose estimated cost passes jit_above_cost; the
        # working-day look-ups of the handling-time histogram do, and compiling costs ~0.6 s per
        # query, far more than running it. Recommended for the project's settings as well.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    demo.add_alias(alias, config)
    have = 0
    try:
        have = Case.objects.using(alias).count()
    except Exception:  # noqa: BLE001 - tables not there yet
        connections[alias].close()
    if have == n and not fresh:
        print(f"  {alias}: reusing {n:,} cases")
        return
    if have:
        reset(alias, url)
    t = time.perf_counter()
    last = [t]

    def progress(done, total):
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(f"    … {done:,}/{total:,}", flush=True)

    demo.generate(count=n, database=alias, end=END, progress=progress)
    took = time.perf_counter() - t
    print(f"  {alias}: generated {n:,} cases in {took:.1f} s ({n / took:,.0f} cases/s)")


def reset(alias: str, url: str) -> None:
    from django.db import connections

    connections[alias].close()
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')


def set_indexes(alias: str, on: bool) -> None:
    from django.db import connections

    conn = connections[alias]
    with conn.cursor() as cur:
        for name, table, cols in PROPOSED:
            if on:
                cur.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(cols)})")
            else:
                cur.execute(f"DROP INDEX IF EXISTS {name}")
        cur.execute("ANALYZE")


# -- the dashboard as the page computes it ---------------------------------------------------------
class QueryTimer:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t
            self.count += 1


def run_dashboard(alias: str, scope_kw: dict, period: str):
    from django.db import connections

    from shebao.reports import charts, tables
    from shebao.reports import selectors as sel

    timer = QueryTimer()
    t = time.perf_counter()
    with connections[alias].execute_wrapper(timer):
        scope = sel.make_scope(using=alias, **scope_kw)
        d = sel.Dashboard(scope, period=period, today=END)
        built = tables.build_all(d)
        for chart in charts.charts_for(d, width=520, height=260).values():
            charts.to_svg(chart)
    return time.perf_counter() - t, timer, d, built


# -- the same figures in hand-written SQL ----------------------------------------------------------
def hand_sql(alias: str, scope_kw: dict) -> tuple[list[tuple[str, str, list]], str]:
    from django.db import connections

    from shebao.domain.deadlines import LOCAL_TZ

    conn = connections[alias]
    pg = conn.vendor == "postgresql"
    tz = "Asia/Shanghai"

    def ld(col):
        return f"(({col}) AT TIME ZONE '{tz}')::date" if pg else f"date({col}, '+480 minutes')"

    def hr(col):
        return f"EXTRACT(HOUR FROM ({col}) AT TIME ZONE '{tz}')::integer" if pg else \
            f"CAST(strftime('%%H', {col}, '+480 minutes') AS INTEGER)"

    greatest = "GREATEST" if pg else "MAX"
    county = scope_kw["county"].pk
    start, end = scope_kw["start"], scope_kw["end"]
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    lo, hi = conn.ops.adapt_datetimefield_value(lo), conn.ops.adapt_datetimefield_value(hi)
    dept_sql, dept_params = "", []
    if scope_kw.get("department"):
        from shebao.catalog.models import Department

        dept_sql = " AND c.department_id = %s"
        dept_params = [Department.objects.using(alias).get(county_id=county, code=scope_kw["department"]).pk]
    base = f"c.county_id = %s{dept_sql}"
    bp = [county, *dept_params]
    recv = f"{base} AND c.received_at >= %s AND c.received_at < %s"
    rp = [*bp, lo, hi]
    fin = f"{base} AND c.closed_at >= %s AND c.closed_at < %s AND c.status = 'finished'"
    due = "COALESCE(c.extended_due, c.promised_due, c.statutory_due)"
    vol = ("COUNT(*), COUNT(*) FILTER (WHERE c.status <> 'not_accepted'), "
           "COUNT(*) FILTER (WHERE c.status = 'not_accepted'), "
           + ", ".join(f"COUNT(*) FILTER (WHERE c.status = '{s}')"
                       for s in ("in_progress", "suspended", "finished", "refused", "terminated")))
    timely = (f"COUNT(*), COUNT(*) FILTER (WHERE {due} IS NOT NULL), COUNT(*) FILTER (WHERE {due} >= {ld('c.closed_at')}), "
              f"COUNT(*) FILTER (WHERE c.statutory_due IS NOT NULL), "
              f"COUNT(*) FILTER (WHERE c.statutory_due >= {ld('c.closed_at')})")
    hist_from = (f"FROM cases_case c JOIN reports_workdayindex wc ON wc.day = {ld('c.closed_at')} "
                 f"JOIN reports_workdayindex wr ON wr.day = {ld('c.received_at')} WHERE {fin}")
    wd = f"{greatest}(wc.n - wr.n - c.suspended_days, 0)"
    levels = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
    queries = [
        ("labels", "SELECT id, short_name FROM catalog_department WHERE county_id = %s", [county]),
        ("labels", "SELECT id, no, name, category_id FROM catalog_item WHERE county_id = %s", [county]),
        ("labels", "SELECT id, name FROM catalog_category WHERE county_id = %s", [county]),
        ("volume", f"SELECT c.item_id, c.department_id, {vol} FROM cases_case c WHERE {recv} GROUP BY 1, 2", rp),
        ("volume", f"SELECT c.item_id, c.department_id, COUNT(*) FROM cases_case c WHERE {fin} GROUP BY 1, 2", rp),
        ("volume", f"SELECT {ld('c.received_at')}, {vol} FROM cases_case c WHERE {recv} GROUP BY 1", rp),
        ("volume", f"SELECT {ld('c.closed_at')}, COUNT(*) FROM cases_case c WHERE {fin} GROUP BY 1", rp),
        ("timeliness", f"SELECT c.item_id, c.department_id, {timely} FROM cases_case c WHERE {fin} GROUP BY 1, 2",
         rp),
        ("timeliness", f"SELECT c.item_id, c.department_id, {wd}, COUNT(*) {hist_from} GROUP BY 1, 2, 3", rp),
        ("tolerance", f"""SELECT c.department_id, COUNT(*),
              COUNT(*) FILTER (WHERE c.awaiting_supplement AND c.status IN ('in_progress', 'suspended')),
              COUNT(*) FILTER (WHERE NOT c.awaiting_supplement AND NOT EXISTS (
                  SELECT 1 FROM cases_casematerial m WHERE m.case_id = c.id AND m.tolerated
                  AND (m.supplied_at IS NULL OR {ld('m.supplied_at')} > c.supplement_due))),
              COUNT(*) FILTER (WHERE NOT c.awaiting_supplement AND NOT EXISTS (
                  SELECT 1 FROM cases_casematerial m WHERE m.case_id = c.id AND m.tolerated AND m.supplied_at IS NULL)
                  AND EXISTS (SELECT 1 FROM cases_casematerial m WHERE m.case_id = c.id AND m.tolerated
                  AND {ld('m.supplied_at')} > c.supplement_due))
            FROM cases_case c WHERE {recv} AND c.tolerance GROUP BY c.department_id""", rp),
        ("ratings", "SELECT c.department_id, " + ", ".join(
            f"COUNT(*) FILTER (WHERE r.level = '{lv}')" for lv in levels)
         + ", COUNT(*) FILTER (WHERE r.is_bad AND r.follow_up <> '') FROM cases_rating r "
           f"JOIN cases_case c ON c.id = r.case_id WHERE {base} AND r.created_at >= %s AND r.created_at < %s "
           "GROUP BY c.department_id", rp),
        ("snapshot", "SELECT COUNT(*) FILTER (WHERE c.status = 'in_progress'), COUNT(*) FILTER (WHERE c.status = "
                     "'suspended'), COUNT(*) FILTER (WHERE c.warning = 'yellow'), COUNT(*) FILTER (WHERE c.warning "
                     "= 'red'), COUNT(*) FILTER (WHERE c.awaiting_supplement) FROM cases_case c "
                     f"WHERE {base} AND c.status IN ('in_progress', 'suspended')", bp),
        ("snapshot", f"SELECT COUNT(*) FROM cases_rating r JOIN cases_case c ON c.id = r.case_id WHERE {base} "
                     "AND r.is_bad AND r.follow_up = ''", bp),
        ("lists", f"""SELECT c.*, d.short_name, i.no, i.name FROM cases_case c
            JOIN catalog_department d ON d.id = c.department_id JOIN catalog_item i ON i.id = c.item_id
            WHERE {base} AND c.status IN ('in_progress', 'suspended') AND c.warning IN ('yellow', 'red')
            ORDER BY CASE WHEN c.warning = 'red' THEN 0 ELSE 1 END, {due}, c.received_at, c.id LIMIT 100""", bp),
        ("lists", f"""SELECT c.*, d.short_name, i.no, i.name, {ld('c.closed_at')}, {due}
            FROM cases_case c JOIN catalog_department d ON d.id = c.department_id
            JOIN catalog_item i ON i.id = c.item_id
            WHERE {fin} AND {due} < {ld('c.closed_at')} ORDER BY c.closed_at, c.id LIMIT 100""", rp),
        ("lists", f"""SELECT r.*, c.case_no, d.short_name, i.no, i.name FROM cases_rating r
            JOIN cases_case c ON c.id = r.case_id JOIN catalog_department d ON d.id = c.department_id
            JOIN catalog_item i ON i.id = c.item_id WHERE {base} AND r.is_bad AND r.follow_up = ''
            ORDER BY r.created_at, r.id LIMIT 100""", bp),
        ("busiest", f"SELECT c.item_id, i.no, COUNT(*) FROM cases_case c JOIN catalog_item i ON i.id = c.item_id "
                    f"WHERE {recv} GROUP BY c.item_id, i.no ORDER BY 3 DESC, i.no LIMIT 10", rp),
        ("busiest", f"SELECT {hr('c.received_at')}, COUNT(*) FROM cases_case c WHERE {recv} GROUP BY 1", rp),
    ]
    plan_sql, plan_params = queries[3][1], queries[3][2]
    with conn.cursor() as cur:
        cur.execute(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + plan_sql, plan_params)
        plan = " | ".join(" ".join(str(x) for x in row[-1:]) for row in cur.fetchall())
    return queries, plan


def run_hand_sql(alias: str, queries) -> tuple[float, dict]:
    from django.db import connections

    results: dict[int, list] = {}
    t = time.perf_counter()
    with connections[alias].cursor() as cur:
        for i, (_, sql, params) in enumerate(queries):
            cur.execute(sql, params)
            results[i] = cur.fetchall()
    return time.perf_counter() - t, results


def agree(d, results) -> str:
    """Do the hand-written SQL and the dashboard give the same totals?"""
    from shebao.reports.selectors import percentile

    apps = sum(r[2] for r in results[3])
    fin = sum(r[2] for r in results[4])
    ok = sum(r[4] for r in results[7])
    hist: dict[int, int] = {}
    for _, _, v, c in results[8]:
        if v is not None:
            hist[v] = hist.get(v, 0) + c
    t = d.timeliness_total
    checks = [
        (apps, d.volume_total.applications), (fin, d.volume_total.finished_in_period), (ok, t.promised_ok),
        (percentile(hist), t.p90_days), (sum(hist.values()), sum(t.hist.values())),
    ]
    same = all(a == b for a, b in checks)
    return "yes" if same else "NO: " + ", ".join(f"{a}≠{b}" for a, b in checks if a != b)


def measure(alias: str, label: str, scope_kw: dict, period: str, repeat: int):
    run_dashboard(alias, scope_kw, period)  # warm-up (and the working-day index check)
    page, db, counts = [], [], None
    for _ in range(repeat):
        took, timer, d, _ = run_dashboard(alias, scope_kw, period)
        page.append(took)
        db.append(timer.seconds)
        counts = timer.count
    queries, plan = hand_sql(alias, scope_kw)
    run_hand_sql(alias, queries)
    hand = []
    for _ in range(repeat):
        took, results = run_hand_sql(alias, queries)
        hand.append(took)
    p, q, h = statistics.median(page), statistics.median(db), statistics.median(hand)
    print(f"    {label:<34} page {p * 1e3:8.1f} ms ({counts} queries, DB {q * 1e3:7.1f} ms)   "
          f"hand SQL {h * 1e3:7.1f} ms ({len(queries)} queries)   ratio page/SQL {p / h:5.2f}×  "
          f"ORM-DB/SQL {q / h:5.2f}×   same figures: {agree(d, results)}")
    return plan


def main():
    args = parse_args()
    setup_django()
    from shebao.core.models import County
    from shebao.reports import demo

    backends = [("bench_sqlite", f"sqlite:///{BENCH_DIR / 'bench_reports.sqlite3'}")]
    if not args.no_postgres:
        url = postgres_url()
        if url:
            backends.append(("bench_pg", url))
    print(f"dashboard benchmark: {args.cases:,} synthetic cases, median of {args.repeat} runs")
    for alias, url in backends:
        jit = "" if alias != "bench_pg" else (", JIT on" if args.pg_jit else ", jit=off")
        print(f"\n== {alias} ({url.split('@')[-1] if '@' in url else url}{jit})")
        prepare(alias, url, args.cases, args.fresh, jit=args.pg_jit)
        county = County.objects.using(alias).get(code=demo.DEMO_COUNTY["code"])
        scopes = [
            ("2026-11, whole county, by day", {"county": county, "start": dt.date(2026, 11, 1), "end": END}, "day"),
            ("2026-11, department QY, by day", {"county": county, "start": dt.date(2026, 11, 1), "end": END,
                                                "department": "QY"}, "day"),
            ("2026, whole county, by month", {"county": county, "start": dt.date(2026, 1, 1), "end": END}, "month"),
        ]
        for on in (False, True):
            set_indexes(alias, on)
            print(f"  {'with the proposed indexes' if on else 'indexes as migrated today'}:")
            plans = [measure(alias, label, kw, period, args.repeat) for label, kw, period in scopes]
            print(f"    plan of the month's received-range aggregate: {plans[0][:220]}")
        set_indexes(alias, False)
        demo.remove_alias(alias)


if __name__ == "__main__":
    main()
