"""Benchmark of the working-day calendar (prints figures, asserts nothing).

    .venv/bin/python bench/bench_calendar.py

Compares ``WorkCalendar.add_working_days`` / ``working_days_between`` (bisect over a precomputed
table of working-day ordinals) with a naive day-by-day loop over ``chinese_calendar.is_workday``,
on random start dates in 2004–2026 and limits of 1–60 working days (the catalog's range).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import chinese_calendar  # noqa: E402

from shebao.domain.workdays import WorkCalendar  # noqa: E402

N = 20_000
random.seed(20261128)
BASE = dt.date(2004, 1, 1).toordinal()
SPAN = dt.date(2026, 9, 30).toordinal() - BASE
CASES = [(dt.date.fromordinal(BASE + random.randrange(SPAN)), random.randint(1, 60)) for _ in range(N)]


def naive_add(start: dt.date, days: int) -> dt.date:
    d, counted = start, 0
    while counted < days:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            counted += 1
    return d


def naive_between(a: dt.date, b: dt.date) -> int:
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n += 1
    return n


WORKING = None  # set of working-day ordinals, filled in main(): the fairest naive baseline


def naive_add_set(start: dt.date, days: int) -> dt.date:
    o, counted = start.toordinal(), 0
    while counted < days:
        o += 1
        if o in WORKING:
            counted += 1
    return dt.date.fromordinal(o)


def timed(fn, cases) -> tuple[float, list]:
    t = time.perf_counter()
    out = [fn(*c) for c in cases]
    return time.perf_counter() - t, out


def main() -> None:
    t = time.perf_counter()
    cal = WorkCalendar()
    build = time.perf_counter() - t

    global WORKING
    WORKING = set(cal._ords)
    fast_t, fast = timed(cal.add_working_days, CASES)
    set_t, via_set = timed(naive_add_set, CASES)
    slow_t, slow = timed(naive_add, CASES)
    assert fast == slow == via_set  # sanity, not a benchmark assertion: the two must agree
    pairs = [(s, d) for (s, _), d in zip(CASES, fast, strict=True)]
    fast_bt, _ = timed(cal.working_days_between, pairs)
    slow_bt, _ = timed(naive_between, pairs)

    us = lambda seconds: seconds / N * 1e6  # noqa: E731
    print(f"calendar build (2000–2099 table, once per schedule change): {build * 1e3:.1f} ms")
    print(f"add_working_days       : {us(fast_t):7.2f} µs/call   naive day loop: {us(slow_t):8.2f} µs/call   "
          f"ratio {slow_t / fast_t:6.1f}×")  # fmt: skip
    print(f"add_working_days       : {us(fast_t):7.2f} µs/call   day loop over a set : {us(set_t):5.2f} µs/call   "
          f"ratio {set_t / fast_t:6.1f}×")  # fmt: skip
    print(f"working_days_between   : {us(fast_bt):7.2f} µs/call   naive day loop: {us(slow_bt):8.2f} µs/call   "
          f"ratio {slow_bt / fast_bt:6.1f}×")  # fmt: skip
    print(f"({N} random calls, start dates 2004–2026, 1–60 working days)")


if __name__ == "__main__":
    main()
