"""Concurrent intake and actions on overlapping cases against a real server, and the checks after.

Used by ``tests/test_load*.py`` (pass/fail), ``tests/test_crash*.py`` (kill -9 in the middle) and
``bench/bench_intake.py`` (figures). Every request goes to 127.0.0.1; every loop is bounded by a
deadline and a request budget.

The workload: ``clients`` threads, each with the section head's bearer token (who may act on every
step of the department) or the clerk's (intake only). A client either takes in a new case
(``POST /api/v1/cases``) or reads one of the few most recent open cases — the *hot* cases that
every client works on at once — and posts one of its allowed actions with the version it read.
Every answer is recorded: 201/200 are *acknowledged* (the server said it is done), 409 is a lost
race (expected, the optimistic lock at work), 422 an invalid transition, anything 5xx a failure.
"""

from __future__ import annotations

import http.client as http_client
import json
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from shebao.ops.testing import ScratchDatabase, http, shebao

ACTIONS = ("advance", "return", "suspend", "resume", "extend", "finish")
ACTION_WEIGHTS = {"advance": 6, "resume": 4, "finish": 2, "return": 1, "suspend": 1, "extend": 1}
QY_ITEMS = tuple(range(1, 11))


def _id_number(seq: int) -> str:
    from shebao.domain.identifiers import id_check_char

    # Born 1960-1989 on a valid day; the 3-digit sequence makes each applicant distinct.
    year = 1960 + seq % 30
    month = 1 + (seq // 30) % 12
    day = 1 + (seq // 360) % 28
    first17 = f"140522{year:04d}{month:02d}{day:02d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


@dataclass
class Site:
    """A prepared database: catalog loaded, demo staff, and bearer tokens by username."""

    db: ScratchDatabase
    env: dict[str, str]
    tokens: dict[str, str]
    var_dir: Path


_PREPARE = """
import json
from io import StringIO
from django.core.management import call_command
from django.contrib.auth import get_user_model
from shebao.accounts.services import create_token
call_command("migrate", interactive=False, verbosity=0)
call_command("catalog", "load", stdout=StringIO())
call_command("demo", "staff", stdout=StringIO())
User = get_user_model()
print(json.dumps({u: create_token(user=User.objects.get(username=u)) for u in ("head", "clerk")}))
"""


def prepare_site(db: ScratchDatabase, var_dir: Path, **env_extra: str) -> Site:
    """Migrate, load the catalog, create the demo staff and their tokens (one subprocess)."""
    env = db.env(var_dir, **env_extra)
    out = shebao("shell", "--no-imports", "-c", _PREPARE, env=env).stdout
    tokens = json.loads(out.strip().splitlines()[-1])
    return Site(db=db, env=env, tokens=tokens, var_dir=var_dir)


@dataclass
class Template:
    item_no: int
    materials: list[str]
    scenario: str | None = None


def intake_templates(base: str, token: str) -> list[Template]:
    """Department QY items whose checklist we can fill, each proven by one real intake."""
    templates = []
    refused = []
    for no in QY_ITEMS:
        status, body, _ = http("GET", f"{base}/api/v1/items/{no}")
        if status != 200:
            continue
        groups = json.loads(body)["material_groups"]
        group = groups[0] if groups else {"scenario_code": None, "materials": []}
        tpl = Template(no, [m["name"] for m in group["materials"]], group.get("scenario_code"))
        status, raw, _ = http("POST", f"{base}/api/v1/cases", body=intake_body(tpl, seq=no),
                              headers=_auth(token))
        if status == 201:
            templates.append(tpl)
        else:
            refused.append(f"item {no}: {status} {raw[:300].decode(errors='replace')}")
    if not templates:
        raise AssertionError("no QY item accepted a complete intake; the load test cannot run:\n"
                             + "\n".join(refused))
    return templates


def intake_body(tpl: Template, *, seq: int) -> dict:
    return {
        "item_no": tpl.item_no,
        "scenario": tpl.scenario,
        "applicant": {"kind": "person", "name": f"测试申请人{seq % 97}", "id_number": _id_number(seq),
                      "phone": f"139{seq % 100000000:08d}"},
        "materials": [{"name": m, "status": "received"} for m in tpl.materials],
        "tolerance": False,
    }


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Ack:
    case_no: str
    action: str
    version_before: int
    version_after: int


@dataclass
class LoadResult:
    intakes: dict[str, int] = field(default_factory=dict)  # case_no → version at intake
    acks: list[Ack] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: int = 0
    duplicate_case_nos: list[str] = field(default_factory=list)
    requests: int = 0
    elapsed: float = 0.0
    intake_latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def summary(self) -> str:
        return (f"{self.requests} requests in {self.elapsed:.1f}s, {len(self.intakes)} intakes, "
                f"{len(self.acks)} actions acknowledged, statuses {dict(sorted(self.statuses.items()))}, "
                f"{self.transport_errors} transport errors, {len(self.server_errors)} 5xx")


class _Client(threading.Thread):
    def __init__(self, n: int, *, base: str, tokens: dict[str, str], templates: list[Template],
                 result: LoadResult, hot: list[str], hot_lock: threading.Lock, deadline: float,
                 budget: list[int], intake_share: float, seq_start: int, stop: threading.Event):
        super().__init__(daemon=True, name=f"load-{n}")
        self.rng = random.Random(n)
        self.base, self.tokens, self.templates = base, tokens, templates
        self.result, self.hot, self.hot_lock = result, hot, hot_lock
        self.deadline, self.budget, self.intake_share = deadline, budget, intake_share
        self.seq = seq_start
        self.stop = stop
        self.head = tokens["head"]
        self.intake_token = tokens["clerk"] if n % 2 else tokens["head"]

    def _take_budget(self) -> bool:
        with self.result.lock:
            if self.budget[0] <= 0:
                return False
            self.budget[0] -= 1
            self.result.requests += 1
            return True

    def _request(self, method, path, body=None, token=None):
        if not self._take_budget():
            return None
        try:
            started = time.perf_counter()
            status, raw, _ = http(method, self.base + path, body=body, headers=_auth(token or self.head), timeout=30)
            took = time.perf_counter() - started
        except (OSError, http_client.HTTPException):
            with self.result.lock:
                self.result.transport_errors += 1
            return None
        with self.result.lock:
            self.result.statuses[status] += 1
            if status >= 500:
                self.result.server_errors.append(f"{method} {path} → {status}: {raw[:300]!r}")
        return status, raw, took

    def run(self):
        while time.monotonic() < self.deadline and not self.stop.is_set():
            with self.hot_lock:
                hot = list(self.hot[-8:])
            if not hot or self.rng.random() < self.intake_share:
                if self._intake() is False:
                    return
            elif self._act(self.rng.choice(hot)) is False:
                return

    def _intake(self):
        tpl = self.rng.choice(self.templates)
        self.seq += 1
        answer = self._request("POST", "/api/v1/cases", intake_body(tpl, seq=self.seq), token=self.intake_token)
        if answer is None:
            return False if self.budget[0] <= 0 else None
        status, raw, took = answer
        if status == 201:
            data = json.loads(raw)
            with self.result.lock:
                if data["case_no"] in self.result.intakes:
                    self.result.duplicate_case_nos.append(data["case_no"])
                self.result.intakes[data["case_no"]] = data["version"]
                self.result.intake_latencies.append(took)
            if data["status"] in ("in_progress", "suspended"):
                with self.hot_lock:
                    self.hot.append(data["case_no"])
        return None

    def _act(self, case_no: str):
        answer = self._request("GET", f"/api/v1/cases/{case_no}")
        if answer is None:
            return False if self.budget[0] <= 0 else None
        status, raw, _ = answer
        if status != 200:
            return None
        case = json.loads(raw)
        allowed = [a for a in case["allowed_actions"] if a in ACTION_WEIGHTS]
        if case["status"] not in ("in_progress", "suspended") or not allowed:
            with self.hot_lock:
                if case_no in self.hot:
                    self.hot.remove(case_no)
            return None
        action = self.rng.choices(allowed, weights=[ACTION_WEIGHTS[a] for a in allowed])[0]
        body = {"action": action, "version": case["version"], "reason": "并发测试：理由", "result": "并发测试：办结"}
        if action == "extend":
            body["days"] = 1
        answer = self._request("POST", f"/api/v1/cases/{case_no}/actions", body)
        if answer is None:
            return False if self.budget[0] <= 0 else None
        status, raw, _ = answer
        if status == 200:
            after = json.loads(raw)
            with self.result.lock:
                self.result.acks.append(Ack(case_no, action, case["version"], after["version"]))
        return None


def run_load(base: str, tokens: dict[str, str], templates: list[Template], *, clients: int = 16,
             duration: float = 10.0, max_requests: int = 4000, intake_share: float = 0.3,
             stop: threading.Event | None = None, seed_cases: list[str] | None = None) -> LoadResult:
    result = LoadResult()
    hot: list[str] = list(seed_cases or [])
    hot_lock = threading.Lock()
    budget = [max_requests]
    stop = stop or threading.Event()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        _Client(n, base=base, tokens=tokens, templates=templates, result=result, hot=hot, hot_lock=hot_lock,
                deadline=deadline, budget=budget, intake_share=intake_share, seq_start=100_000 + n * 10_000,
                stop=stop)
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 60)
    result.elapsed = time.monotonic() - started
    return result


# -- checks after the load --------------------------------------------------------------------------
def fetch_case(base: str, token: str, case_no: str) -> dict | None:
    status, raw, _ = http("GET", f"{base}/api/v1/cases/{case_no}", headers=_auth(token))
    return json.loads(raw) if status == 200 else None


def list_case_numbers(base: str, token: str) -> list[str]:
    out, offset = [], 0
    while True:
        status, raw, _ = http("GET", f"{base}/api/v1/cases?status=&limit=500&offset={offset}", headers=_auth(token))
        assert status == 200, raw[:300]
        page = [c["case_no"] for c in json.loads(raw)]
        out.extend(page)
        if len(page) < 500:
            return out
        offset += 500


def check_consistency(base: str, token: str, result: LoadResult, *, complete: bool,
                      templates: list[Template]) -> list[str]:
    """Problems found in the data the server now holds, given what it acknowledged.

    ``complete``: every request got its answer (no crash), so the database must hold exactly the
    acknowledged work; after a crash, actions whose answer was lost may be there too.
    """
    problems: list[str] = []
    if result.duplicate_case_nos:
        problems.append(f"duplicate case numbers acknowledged: {result.duplicate_case_nos[:10]}")
    numbers = list_case_numbers(base, token)
    dupes = [n for n, c in Counter(numbers).items() if c > 1]
    if dupes:
        problems.append(f"duplicate case numbers in the database: {dupes[:10]}")
    missing = [n for n in result.intakes if n not in set(numbers)]
    if missing:
        problems.append(f"acknowledged intakes missing: {missing[:10]}")
    materials_of = {t.item_no: len(t.materials) for t in templates}
    by_case: dict[str, list[Ack]] = defaultdict(list)
    for ack in result.acks:
        by_case[ack.case_no].append(ack)
    for case_no, acks in by_case.items():
        versions = Counter(a.version_before for a in acks)
        twice = [v for v, c in versions.items() if c > 1]
        if twice:
            problems.append(f"{case_no}: two actions acknowledged on the same version {twice} (lost update)")
        bad_bump = [a for a in acks if a.version_after != a.version_before + 1]
        if bad_bump:
            problems.append(f"{case_no}: version did not move by one: {bad_bump[:3]}")
    # Every case: its version and its timeline agree (no half-written action), and it has its
    # intake record, materials and steps (no half-written case).
    for case_no in numbers:
        case = fetch_case(base, token, case_no)
        if case is None:
            problems.append(f"{case_no}: listed but cannot be read")
            continue
        if not case["steps"] or not case["timeline"] or case["timeline"][0]["action"] in ACTIONS:
            problems.append(f"{case_no}: half-written (steps or intake record missing)")
        if len(case["materials"]) != materials_of.get(case["item_no"], len(case["materials"])):
            problems.append(f"{case_no}: half-written ({len(case['materials'])} materials recorded)")
        actions = [t for t in case["timeline"] if t["action"] in ACTIONS]
        acked = by_case.get(case_no, [])
        start = result.intakes.get(case_no)
        if start is not None and case["version"] - start != len(actions):
            problems.append(f"{case_no}: version moved {case['version'] - start} times but the timeline has "
                            f"{len(actions)} actions")
        if complete and start is not None and len(actions) != len(acked):
            problems.append(f"{case_no}: {len(acked)} actions acknowledged, {len(actions)} recorded (lost update)")
        if not complete and len(actions) < len(acked):
            problems.append(f"{case_no}: {len(acked)} actions acknowledged but only {len(actions)} recorded")
        recorded = Counter(t["action"] for t in actions)
        for action, n in Counter(a.action for a in acked).items():
            if recorded[action] < n:
                problems.append(f"{case_no}: acknowledged {n}× {action}, recorded {recorded[action]}×")
    return problems


def audit_verify(env: dict[str, str]) -> tuple[bool, str]:
    proc = shebao("audit", "verify", env=env, check=False, timeout=600)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def integrity_check(db: ScratchDatabase, env: dict[str, str]) -> list[str]:
    """The database engine's own check (see shebao.ops.integrity), run by ``shebao dbcheck``."""
    proc = shebao("dbcheck", "--json", env=env, check=False, timeout=600)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return [f"dbcheck failed ({proc.returncode}): {proc.stderr[-2000:]}"]
    problems = [] if report["integrity"] == "ok" else list(report["integrity"])
    if report["audit_chain"] != "ok":
        problems += [f"audit: {p}" for p in report["audit_chain"]]
    return problems
