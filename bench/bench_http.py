"""HTTP throughput of real pages against a bare Django view, on one real server (``make bench``).

Starts ``shebao serve`` (gunicorn, the default 2 × cores + 1 workers unless BENCH_WORKERS says
otherwise) on a free 127.0.0.1 port with a scratch database (SQLite, or PostgreSQL when
DATABASE_URL names it), then for each target runs the same closed-loop load — BENCH_CONCURRENCY
clients (default 8) in BENCH_PROCS processes, for BENCH_SECONDS seconds (default 8) after a warm-up —
and prints requests per second, p50 and p99 latency, and the ratio of each target to the bare view
measured in the same run. Then it reads each worker's peak resident memory (VmHWM) and proportional
set size (Pss, which shares the preloaded code fairly between workers).

Prints figures only; it asserts nothing about timings.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from shebao.ops.testing import ServerProcess, scratch_database, shebao  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
PROCS = int(os.environ.get("BENCH_PROCS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "0")) or 2 * (os.cpu_count() or 1) + 1

TARGETS = [
    ("bare Django view (constant)", "/_bench/constant"),
    ("GET /api/v1/items/36", "/api/v1/items/36"),
    ("item page /items/36/", "/items/36/"),
    ("GET /api/v1/items (list)", "/api/v1/items"),
    ("home page /", "/"),
]


def _client_proc(port: int, path: str, threads: int, seconds: float, out: mp.Queue) -> None:
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop():
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers={"Connection": "close"})
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status != 200:
                    bad += 1
                    continue
            except OSError:
                bad += 1
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    ts = [threading.Thread(target=loop) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((latencies, errors[0]))


def measure(port: int, path: str, seconds: float) -> dict:
    per_proc = max(1, CONCURRENCY // PROCS)
    queue: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_client_proc, args=(port, path, per_proc, seconds, queue)) for _ in range(PROCS)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors = 0
    for _ in procs:
        lat, err = queue.get(timeout=seconds + 120)
        latencies.extend(lat)
        errors += err
    for p in procs:
        p.join(timeout=30)
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 100 else [float("nan")] * 99
    return {"rps": len(latencies) / elapsed, "p50": q[49] * 1000, "p99": q[98] * 1000, "n": len(latencies),
            "errors": errors}


def worker_memory(master_pid: int) -> list[dict]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(fields["PPid"].strip()) != master_pid:
                continue
            cmd = (entry / "cmdline").read_bytes()
            if b"ticker" in cmd:
                continue
            pss = 0
            rollup = entry / "smaps_rollup"
            if rollup.exists():
                for line in rollup.read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1])
            out.append({"pid": int(entry.name), "hwm_mb": int(fields["VmHWM"].split()[0]) / 1024,
                        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024, "pss_mb": pss / 1024})
        except (OSError, KeyError, ValueError):
            continue
    return out


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="shebao-bench-http-") as tmp:
        tmp_path = Path(tmp)
        with scratch_database(tmp_path, "benchhttp") as db:
            env = db.env(tmp_path, SHEBAO_BENCH="1", SHEBAO_LOG_LEVEL="WARNING", DEBUG="0")
            shebao("migrate", "--no-input", "-v", "0", env=env)
            shebao("catalog", "load", env=env)
            with ServerProcess(env=env, workers=WORKERS, log_path=tmp_path / "serve.log",
                               extra_args=["--no-prepare", "--no-tick"]) as server:
                print(f"bench_http: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
                      f"{db.vendor} · gunicorn {WORKERS} sync workers · {CONCURRENCY} clients · "
                      f"{SECONDS:.0f}s per target\n")
                results = []
                for label, path in TARGETS:
                    measure(server.port, path, 1.0)  # warm-up: imports, caches, connections
                    results.append((label, path, measure(server.port, path, SECONDS)))
                memory = worker_memory(server.proc.pid)
        base = results[0][2]["rps"]
        print(f"{'target':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'errors':>7}")
        for label, _, r in results:
            print(f"{label:<32} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['rps'] / base:>8.2f} "
                  f"{r['errors']:>7}")
        if memory:
            print(f"\nworkers: {len(memory)}; peak RSS (VmHWM) per worker max {max(m['hwm_mb'] for m in memory):.0f} MB, "
                  f"mean {statistics.mean(m['hwm_mb'] for m in memory):.0f} MB; "
                  f"PSS (shared pages split) mean {statistics.mean(m['pss_mb'] for m in memory):.0f} MB "
                  f"(goal < 150 MB)")


if __name__ == "__main__":
    main()
