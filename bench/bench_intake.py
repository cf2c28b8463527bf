"""Case intake per second through the real API, against a raw INSERT of the same rows (``make bench``).

For SQLite and (when a server answers at DATABASE_URL or 127.0.0.1:5432) PostgreSQL, each in its
own subprocess and scratch database:

1. ``shebao serve`` (default worker count, with its ticker process, whose outbox sender sends the
   intakes' messages meanwhile on the same cores) on a free 127.0.0.1 port; BENCH_CLIENTS clients
   (default 8) post complete intakes (``POST /api/v1/cases``, bearer token) for BENCH_SECONDS
   seconds (default 10): intakes per second and p50/p99 latency.
2. The server is stopped; every row those intakes wrote (the case, its materials, its timeline
   entry, its notification and its audit event) is read, deleted, and written again with plain
   INSERT statements through the database driver, one transaction per case: the floor cost of the
   same writes without HTTP, Django views, validation, numbering and the audit chain. That pass is
   run BENCH_RAW_PASSES times (default 3, deleting the rows in between) and its median taken.

Prints the figures and the ratio app ÷ raw measured in the same run, then what explains them: the CPU
each intake cost the server and the load generator (from /proc), the raw pass's CPU per case, and how
long the scratch disk takes to make one write durable. Asserts nothing about timings.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "0")) or 2 * (os.cpu_count() or 1) + 1
RAW_PASSES = int(os.environ.get("BENCH_RAW_PASSES", "3"))

# Tables an intake writes, children after parents; (table, how a row belongs to a case).
CASE_TABLES = [
    ("cases_case", "id"),
    ("cases_casematerial", "case_id"),
    ("cases_caseaction", "case_id"),
    ("cases_notification", "case_id"),
]


def run_backend(vendor: str) -> dict:
    from shebao.ops import loadkit
    from shebao.ops.testing import ServerProcess, scratch_database

    with tempfile.TemporaryDirectory(prefix="shebao-bench-intake-") as tmp:
        tmp_path = Path(tmp)
        with scratch_database(tmp_path, "benchintake", vendor=vendor) as db:
            site = loadkit.prepare_site(db, tmp_path, SHEBAO_LOG_LEVEL="WARNING", DEBUG="0")
            with ServerProcess(env=site.env, workers=WORKERS, log_path=tmp_path / "serve.log",
                               extra_args=["--no-prepare"]) as server:
                templates = loadkit.intake_templates(server.base, site.tokens["head"])
                _wait_for_the_outbox_sender(server.base, site.tokens["head"])
                loadkit.run_load(server.base, site.tokens, templates, clients=CLIENTS, duration=1.5,
                                 max_requests=10_000, intake_share=1.0)  # warm-up
                server_cpu, client_cpu = process_tree_cpu(server.proc.pid), time.process_time()
                result = loadkit.run_load(server.base, site.tokens, templates, clients=CLIENTS,
                                          duration=SECONDS, max_requests=100_000, intake_share=1.0)
                server_cpu = process_tree_cpu(server.proc.pid) - server_cpu
                client_cpu = time.process_time() - client_cpu
            if result.server_errors:
                raise SystemExit("server errors during the intake benchmark:\n" + "\n".join(result.server_errors[:5]))
            lat = sorted(result.intake_latencies)
            q = statistics.quantiles(lat, n=100)
            n = max(1, len(result.intakes))
            app = {"intakes": len(result.intakes), "seconds": result.elapsed,
                   "per_s": len(result.intakes) / result.elapsed, "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000,
                   "server_cpu_ms": server_cpu * 1000 / n, "client_cpu_ms": client_cpu * 1000 / n}
            raw = raw_insert(db.url, list(result.intakes))
            raw["fsync_ms"] = fsync_ms(tmp_path)
            return {"vendor": vendor, "app": app, "raw": raw}


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and its children (gunicorn's workers and
    the ticker), from /proc; 0 where /proc is missing."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = entry.read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(entry.parent.name) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def fsync_ms(directory: Path, writes: int = 100) -> float:
    """How long the disk under ``directory`` takes to make one 4 KiB write durable: what each
    commit waits for (``synchronous=FULL``; PostgreSQL's WAL flush)."""
    path = directory / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        started = time.perf_counter()
        for i in range(writes):
            os.pwrite(fd, b"\0" * 4096, i * 4096)
            os.fsync(fd)
        return (time.perf_counter() - started) * 1000 / writes
    finally:
        os.close(fd)
        path.unlink()


def _wait_for_the_outbox_sender(base: str, token: str, timeout: float = 120) -> None:
    """Until the ticker process has started and sent the template intakes' messages: its start-up
    (imports, the first tick) is not part of the load measured."""
    from shebao.ops import loadkit

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cases = [loadkit.fetch_case(base, token, no) for no in loadkit.list_case_numbers(base, token)]
        if cases and all(n["status"] != "pending" for c in cases for n in (c or {}).get("notifications", [])):
            return
        time.sleep(0.2)
    raise SystemExit("the ticker's outbox sender did not send the first messages in time")


def raw_insert(url: str, case_numbers: list[str]) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    q = connection.ops.quote_name
    with connection.cursor() as cur:
        ids = {}
        for chunk in range(0, len(case_numbers), 500):
            part = case_numbers[chunk : chunk + 500]
            cur.execute(f"SELECT id, case_no FROM cases_case WHERE case_no IN ({', '.join(['%s'] * len(part))})", part)
            ids.update({no: pk for pk, no in cur.fetchall()})
        rows: dict[str, dict[int, list[tuple]]] = {}
        columns: dict[str, list[str]] = {}
        for table, key in CASE_TABLES + [("core_auditevent", "object_id")]:
            cur.execute(f"SELECT * FROM {q(table)}")
            columns[table] = [d[0] for d in cur.description]
            k = columns[table].index(key)
            by_case: dict = {}
            wanted = set(ids) if table == "core_auditevent" else set(ids.values())
            for row in cur.fetchall():
                owner = row[k]
                if table == "core_auditevent":
                    if owner not in wanted or row[columns[table].index("object_type")] != "case":
                        continue
                    owner = ids[owner]
                elif owner not in wanted:
                    continue
                by_case.setdefault(owner, []).append(row)
            rows[table] = by_case
        total_rows = sum(len(v) for by in rows.values() for v in by.values())
        # Delete the rows (children first), then write them again, one transaction per case; the
        # pass is short (about a second on SQLite), so it is repeated and its median taken.
        _delete(cur, q, rows, columns)
        order = CASE_TABLES + [("core_auditevent", "object_id")]
        sql = {t: f"INSERT INTO {q(t)} ({', '.join(q(c) for c in columns[t])}) "
                  f"VALUES ({', '.join(['%s'] * len(columns[t]))})" for t, _ in order}
        passes, cpu = [], []
        for n in range(RAW_PASSES):
            if n:
                _delete(cur, q, rows, columns)
            started, cpu_started = time.perf_counter(), time.process_time()
            for case_id in ids.values():
                with transaction.atomic():
                    for table, _ in order:
                        batch = rows[table].get(case_id)
                        if batch:
                            cur.executemany(sql[table], batch)
            passes.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    elapsed = statistics.median(passes)
    return {"cases": len(ids), "rows": total_rows, "seconds": elapsed, "per_s": len(ids) / elapsed,
            "passes_per_s": [round(len(ids) / p, 1) for p in passes],
            "cpu_ms": statistics.median(cpu) * 1000 / max(1, len(ids))}


def _delete(cur, q, rows, columns) -> None:
    from django.db import transaction

    with transaction.atomic():
        for table, _ in reversed(CASE_TABLES + [("core_auditevent", "object_id")]):
            pk = columns[table].index("id")
            for case_rows in rows[table].values():
                cur.executemany(f"DELETE FROM {q(table)} WHERE id = %s", [(r[pk],) for r in case_rows])


def postgres_reachable() -> bool:
    from shebao.ops.testing import postgres_available

    return postgres_available()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--backend":
        print(json.dumps(run_backend(sys.argv[2])))
        return
    backends = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    print(f"bench_intake: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"gunicorn {WORKERS} sync workers · {CLIENTS} clients · {SECONDS:.0f}s\n")
    results = []
    for vendor in backends:
        proc = subprocess.run([sys.executable, __file__, "--backend", vendor], capture_output=True, text=True,
                              timeout=SECONDS * 10 + 600)
        if proc.returncode != 0:
            print(f"{vendor}: failed\n{proc.stderr[-3000:]}")
            raise SystemExit(1)
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"{'database':<12} {'API intakes/s':>14} {'p50 ms':>8} {'p99 ms':>8} {'raw INSERT cases/s':>19} "
          f"{'rows/case':>10} {'app ÷ raw':>10}")
    for r in results:
        app, raw = r["app"], r["raw"]
        print(f"{r['vendor']:<12} {app['per_s']:>14.1f} {app['p50_ms']:>8.1f} {app['p99_ms']:>8.1f} "
              f"{raw['per_s']:>19.1f} {raw['rows'] / max(1, raw['cases']):>10.1f} {app['per_s'] / raw['per_s']:>10.3f}")
    for r in results:
        print(f"{r['vendor']}: raw INSERT passes {r['raw']['passes_per_s']} cases/s (median taken)")
    print(f"\n{'database':<12} {'server CPU ms/intake':>21} {'client CPU ms/intake':>21} "
          f"{'raw pass CPU ms/case':>21} {'fsync ms':>9}")
    for r in results:
        app, raw = r["app"], r["raw"]
        print(f"{r['vendor']:<12} {app['server_cpu_ms']:>21.2f} {app['client_cpu_ms']:>21.2f} "
              f"{raw['cpu_ms']:>21.2f} {raw['fsync_ms']:>9.2f}")
    print("(server CPU: gunicorn's workers and the ticker, from /proc; the raw pass's CPU leaves out the "
          "database server's on PostgreSQL; fsync: one 4 KiB write made durable on the scratch disk)")
    if len(results) == 1:
        print("\n(PostgreSQL not reachable: set DATABASE_URL=postgresql://… to include it)")


if __name__ == "__main__":
    main()
