"""The authorisation matrix: every role × every API operation and every page.

Roles: anonymous; the four department roles of 企业保险股 (QY); the director; the system
administrator; a clerk of another department (城居保险股, CJ); and a section head of another county.
The data: a QY case at its review step and a finished QY case with a 差评.

Each cell says what the role must get: ``ok`` (2xx, or a redirect that is not to the login page),
``401`` (API without a token), ``login`` (page → login), ``deny`` (403, or 404 where a case of another
county is not even admitted to exist), ``409`` (allowed to act, refused only by the stale version
we send so that nothing changes), or ``any`` (not a 5xx). Every API operation of the OpenAPI schema
and every URL pattern must appear in the matrix, so a new endpoint cannot skip this test.
"""

from __future__ import annotations

import json
import re
import warnings

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anon", "clerk", "reviewer", "approver", "head", "director", "admin", "clerk_cj", "head_other"]
QY = ["clerk", "reviewer", "approver", "head"]
STAFF = [*QY, "director", "admin", "clerk_cj", "head_other"]


def cells(default: str, **over: str) -> dict[str, str]:
    out = dict.fromkeys(ROLES, default)
    for roles, expect in over.items():
        for r in roles.split("__"):
            out[r] = expect
    return out


def public() -> dict[str, str]:
    return cells("ok")


def local() -> dict[str, str]:
    # A page of one of our county's items: staff of another county see their own county's catalog.
    return cells("ok", head_other="any")


def case_read(anon: str) -> dict[str, str]:
    # The QY case: its department and the director read it; nobody else.
    return cells("deny", anon=anon, clerk__reviewer__approver__head__director="ok")


# -- API: (method, path) → cells ------------------------------------------------------------------------
API = {
    ("GET", "/api/v1/categories"): public(),
    ("GET", "/api/v1/items"): public(),
    ("GET", "/api/v1/items/{no}"): public(),
    ("GET", "/api/v1/tolerance"): public(),
    ("GET", "/api/v1/calendar/add-working-days"): public(),
    ("GET", "/api/v1/calendar/working-days-between"): public(),
    ("GET", "/api/v1/calendar/day"): public(),
    ("GET", "/api/v1/calendar/schedules"): public(),
    ("GET", "/api/v1/items/{no}/deadlines"): public(),
    ("GET", "/api/v1/rules/retirement"): cells("any"),
    ("POST", "/api/v1/rules/eligibility/{no}"): cells("any"),
    ("GET", "/api/v1/rules/eligibility"): public(),
    ("GET", "/api/v1/validate/id-number"): public(),
    ("GET", "/api/v1/validate/credit-code"): public(),
    ("GET", "/api/v1/validate/phone"): public(),
    ("POST", "/api/v1/rules/estimate/enterprise-pension"): cells("any"),
    ("POST", "/api/v1/rules/estimate/resident-pension"): cells("any"),
    ("POST", "/api/v1/rules/estimate/work-injury"): cells("any"),
    ("POST", "/api/v1/rules/estimate/work-injury-death"): cells("any"),
    ("POST", "/api/v1/rules/estimate/unemployment"): cells("any"),
    ("GET", "/api/v1/rules/parameters"): public(),
    ("GET", "/api/v1/search"): public(),
    # Intake of a QY item: the window clerk and the section head of QY only.
    ("POST", "/api/v1/cases"): cells("deny", anon="401", clerk__head="ok", head_other="any"),
    # The list: every case-reading role sees its own scope (checked for leaks below); admin none.
    ("GET", "/api/v1/cases"): cells("ok", anon="401", admin="deny"),
    ("GET", "/api/v1/cases/{case_no}"): case_read("401"),
    ("GET", "/api/v1/cases/{case_no}/receipt.pdf"): case_read("401"),
    # An accepted case has no 不予受理 notice (422): allowed, but nothing to print.
    ("GET", "/api/v1/cases/{case_no}/notice.pdf"): {**case_read("401"), **dict.fromkeys(
        ["clerk", "reviewer", "approver", "head", "director"], "allowed")},
    # The case is at its review step: the reviewer and the section head may act.
    ("POST", "/api/v1/cases/{case_no}/actions"): cells("deny", anon="401", reviewer__head="409"),
    # 综合受理窗口 → department handover (new): only the generic rules until its matrix is settled.
    ("POST", "/api/v1/cases/{case_no}/handover"): cells("any", anon="401"),
    ("POST", "/api/v1/life-events/applications/{number}/handover"): cells("any", anon="401"),
    ("GET", "/api/v1/ratings/bad"): cells("deny", anon="401", head__director__head_other="ok"),
    ("POST", "/api/v1/ratings/{rating_id}/follow-up"): cells("deny", anon="401", head="ok"),
    ("GET", "/api/v1/reports/summary"): cells("deny", anon="401", head__director__head_other="ok"),
    ("GET", "/api/v1/reports/tables"): cells("deny", anon="401", head__director__head_other="ok"),
    ("GET", "/api/v1/reports/tables/{key}"): cells("deny", anon="401", head__director__head_other="ok"),
    ("GET", "/api/v1/track"): public(),
    ("POST", "/api/v1/ratings"): cells("any"),
    ("GET", "/api/v1/life-events"): public(),
    ("GET", "/api/v1/life-events/track"): cells("any"),
    ("GET", "/api/v1/life-events/applications/{number}"): cells("any", anon="401"),
    ("POST", "/api/v1/life-events/applications/{number}/parts/{order}"): cells("any", anon="401"),
    ("GET", "/api/v1/life-events/{code}"): public(),
    ("POST", "/api/v1/life-events/{code}/notice"): cells("any"),
    ("POST", "/api/v1/life-events/{code}/applications"): cells("any", anon="401"),
}

# -- pages: route pattern → (method, cells) --------------------------------------------------------------
PAGES = {
    "": ("GET", public()),
    "search/": ("GET", public()),
    "items/<int:no>/": ("GET", local()),
    "items/<int:no>/notice/": ("GET", local()),
    "items/<int:no>/notice.pdf": ("GET", local()),
    "self-check/": ("GET", public()),
    "self-check/retirement/": ("GET", public()),
    "self-check/resident-pension/": ("GET", public()),
    "self-check/early-retirement/": ("GET", public()),
    "self-check/unemployment/": ("GET", public()),
    "self-check/benefits/": ("GET", public()),
    "track/": ("GET", public()),
    "track/rate/": ("GET", cells("any")),
    "healthz": ("GET", public()),
    "accounts/login/": ("GET", public()),
    "accounts/logout/": ("POST", public()),
    "life-events/": ("GET", public()),
    "life-events/track/": ("GET", public()),
    "life-events/<slug:code>/": ("GET", local()),
    "life-events/<slug:code>/notice/": ("GET", cells("any")),
    "life-events/<slug:code>/notice.pdf": ("GET", cells("any")),
    "life-events/<slug:code>/start/": ("GET", cells("any", anon="login")),
    "life-events/staff/": ("GET", cells("ok", anon="login")),
    "life-events/staff/<str:number>/": ("GET", cells("any", anon="login")),
    "workbench/": ("GET", cells("ok", anon="login", admin="deny")),
    "workbench/intake/": ("GET", cells("deny", anon="login", clerk__head__clerk_cj__head_other="ok")),
    # 移交 is the 综合受理窗口's alone (none of these roles): everybody else is refused.
    "workbench/handover/": ("POST", cells("deny", anon="login")),
    "workbench/cases/<str:case_no>/": ("GET", case_read("login")),
    "workbench/cases/<str:case_no>/receipt.pdf": ("GET", case_read("login")),
    "workbench/cases/<str:case_no>/notice.pdf": ("GET", {**case_read("login"), **dict.fromkeys(
        ["clerk", "reviewer", "approver", "head", "director"], "allowed")}),
    "workbench/complaints/": ("GET", cells("deny", anon="login", head__director__head_other="ok")),
    "workbench/complaints/<int:rating_id>/follow-up/": ("POST", cells("deny", anon="login", head="ok")),
    "reports/": ("GET", cells("deny", anon="login", head__director__head_other="ok")),
    "reports/monthly.pdf": ("GET", cells("deny", anon="login", head__director__head_other="ok")),
    "reports/^export/(?P<key>[a-z_]+)\\.(?P<fmt>xlsx|csv)$": (
        "GET", cells("deny", anon="login", head__director__head_other="ok")),
}
ADMIN_PAGE = cells("login", admin="ok")  # /admin/: only the system administrator


# -- the world ---------------------------------------------------------------------------------------------
@pytest.fixture
def world(county, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from shebao.accounts import services as accounts
    from shebao.accounts.models import Role
    from shebao.cases import services
    from shebao.catalog.models import Department, Item
    from shebao.catalog.services import load_catalog_file
    from shebao.core.models import County
    from shebao.domain.identifiers import id_check_char

    load_catalog_file(path=str(settings.PROJECT_DIR / "tests" / "fixtures" / "second_county.yaml"))
    other = County.objects.exclude(pk=county.pk).first()
    qy = Department.objects.get(county=county, code="QY")
    cj = Department.objects.get(county=county, code="CJ")
    spec = {
        "clerk": (Role.CLERK, county, qy), "reviewer": (Role.REVIEWER, county, qy),
        "approver": (Role.APPROVER, county, qy), "head": (Role.SECTION_HEAD, county, qy),
        "director": (Role.DIRECTOR, county, None), "admin": (Role.ADMIN, county, None),
        "clerk_cj": (Role.CLERK, county, cj),
        "head_other": (Role.SECTION_HEAD, other, Department.objects.filter(county=other).order_by("id").first()),
    }
    users, tokens = {}, {}
    for name, (role, c, dept) in spec.items():
        users[name] = accounts.create_staff(username=f"mx_{name}", password="mx-pass-12345", county=c,
                                            role=role, department=dept)
        tokens[name] = accounts.create_token(user=users[name])

    item = Item.objects.get(county=county, no=7)
    names = [m["name"] for m in json.loads(Client().get("/api/v1/items/7").content)["material_groups"][0]["materials"]]

    def intake(seq: int):
        first17 = f"14052219700101{seq:03d}"
        return services.intake_case(
            user=users["head"], item_no=item.no, scenario=None,
            applicant=services.Applicant(kind="person", name="矩阵测试", id_number=first17 + id_check_char(first17),
                                         phone="13912345678"),
            materials=[services.MaterialEntry(n, "received") for n in names], tolerance=False,
        ), first17 + id_check_char(first17)

    case, _ = intake(1)
    done, id_number = intake(2)
    while done.status == "in_progress":
        action = "finish" if "finish" in _allowed(done, users["head"]) else "advance"
        done = services.perform_action(user=users["head"], case_no=done.case_no, action=action,
                                       version=done.version, result="已办结", reason="已办结")
    rating = services.rate_case(case_no=done.case_no, id_suffix=id_number[-6:], level="very_dissatisfied",
                                comment="矩阵测试差评", ip="10.0.0.1")
    life_event = json.loads(Client().get("/api/v1/life-events").content)
    code = life_event[0]["code"] if isinstance(life_event, list) and life_event else "retirement"
    return {"users": users, "tokens": tokens, "case": case, "done": done, "rating": rating,
            "id_number": id_number, "life_event": code}


def _allowed(case, user) -> list[str]:
    from shebao.cases.api import case_out

    return case_out(case, user)["allowed_actions"]


# -- requests ------------------------------------------------------------------------------------------
def _api_request(method: str, path: str, world) -> tuple[str, dict]:
    case, done = world["case"], world["done"]
    url = (path.replace("{case_no}", case.case_no).replace("{no}", "7").replace("{rating_id}", str(world["rating"].pk))
           .replace("{number}", "YJS-2026-000001").replace("{key}", "summary").replace("{order}", "1").replace("{code}", world["life_event"]))
    query = {
        "/api/v1/track": f"?case_no={done.case_no}&id_suffix={world['id_number'][-6:]}",
        "/api/v1/search": "?q=退休",
        "/api/v1/calendar/add-working-days": "?start=2026-11-02&days=5",
        "/api/v1/calendar/working-days-between": "?start=2026-11-02&end=2026-11-30",
        "/api/v1/calendar/day": "?date=2026-11-02",
        "/api/v1/validate/id-number": f"?value={world['id_number']}",
        "/api/v1/validate/credit-code": "?value=91140522MA0K12345Q",
        "/api/v1/validate/phone": "?value=13912345678",
    }.get(path, "")
    url = re.sub(r"\{\w+\}", "1", url)
    body = {
        "/api/v1/cases/{case_no}/actions": {"action": "advance", "version": -1},
        "/api/v1/ratings/{rating_id}/follow-up": {"text": "已电话回访，问题已解决。"},
        "/api/v1/cases": json.loads(_intake_json(world)),
    }.get(path, {})
    return url + query, body


def _intake_json(world) -> str:
    names = [m.name for m in world["case"].materials.all()]
    from shebao.domain.identifiers import id_check_char

    first17 = "14052219750505321"
    return json.dumps({"item_no": 7, "applicant": {"kind": "person", "name": "矩阵", "id_number":
                       first17 + id_check_char(first17), "phone": "13912345678"},
                       "materials": [{"name": n, "status": "received"} for n in names]})


def _judge(expect: str, resp, *, api: bool) -> str | None:
    status = resp.status_code
    location = resp.get("Location", "")
    if status >= 500:
        return f"{status} (server error)"
    if expect == "any":
        return None
    if expect == "ok":
        ok = status < 400 and not (status in (301, 302) and settings.LOGIN_URL.split(":")[-1] in location
                                   and "login" in location)
        return None if ok else f"{status} {location}"
    if expect == "allowed":
        return None if status not in (401, 403, 404) and "/login/" not in location else f"{status} {location}"
    if expect == "401":
        return None if status == 401 else f"{status}"
    if expect == "409":
        return None if status == 409 else f"{status}"
    if expect == "login":
        return None if status == 302 and "/login/" in location else f"{status} {location}"
    if expect == "deny":
        return None if status in (403, 404) else f"{status} {location}"
    raise AssertionError(expect)


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _page_url(route: str, world) -> str:
    if "(?P<" in route:
        route = "reports/export/summary.csv"
    subs = {"<int:no>": "7", "<str:case_no>": world["case"].case_no, "<slug:code>": world["life_event"],
            "<str:number>": "YJS-2026-000001", "<int:rating_id>": str(world["rating"].pk)}
    for k, v in subs.items():
        route = route.replace(k, v)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)


# -- the tests -----------------------------------------------------------------------------------------------
def _schema() -> dict:
    return json.loads(Client().get("/api/v1/openapi.json").content)


def _api_cells(schema: dict) -> dict:
    """The matrix, plus the generic rule for operations added since it was written (with a warning):
    secured by the schema → 401 without a token, and never a 5xx for anyone."""
    out = dict(API)
    new = [(m.upper(), p) for p, ops in schema["paths"].items() for m in ops if (m.upper(), p) not in API]
    for method, path in new:
        secured = bool(schema["paths"][path][method.lower()].get("security"))
        out[(method, path)] = cells("any", anon="401") if secured else cells("any")
    if new:
        warnings.warn(f"API operations not yet in the authorisation matrix (generic checks only): {new}",
                      stacklevel=2)
    return out


def _page_cells() -> dict:
    out = dict(PAGES)
    new = sorted(r for r in _walk(get_resolver()) if not r.startswith(("admin/", "api/")) and r not in PAGES)
    for route in new:
        out[route] = ("GET", cells("any"))
    if new:
        warnings.warn(f"pages not yet in the authorisation matrix (no 5xx only): {new}", stacklevel=2)
    return out


def test_the_matrix_covers_every_operation_and_page(db):
    schema = _schema()
    operations = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    stale = set(API) - operations
    assert not stale, f"operations in the matrix that the API no longer has: {stale}"
    routes = {r for r in _walk(get_resolver()) if not r.startswith(("admin/", "api/"))}
    assert not set(PAGES) - routes, f"pages in the matrix that no longer exist: {set(PAGES) - routes}"
    # Staff-only operations per the schema are 401 for anonymous in the matrix, and back.
    for (method, path), c in API.items():
        secured = bool(schema["paths"][path][method.lower()].get("security"))
        assert (c["anon"] == "401") == secured, (method, path)
    # Staff-only operations per the schema must be 401 for anonymous in the matrix, and back.
    for (method, path), c in API.items():
        if (method, path) in operations:
            secured = bool(schema["paths"][path][method.lower()].get("security"))
            assert (c["anon"] == "401") == secured, (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(role, world):
    headers = {} if role == "anon" else {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][role]}"}
    client = Client()
    if role != "anon":
        client.force_login(world["users"][role])  # a session must never stand in for the token
    wrong = []
    for (method, path), c in _api_cells(_schema()).items():
        url, body = _api_request(method, path, world)
        if method == "GET":
            resp = client.get(url, **headers)
        else:
            resp = client.post(url, data=json.dumps(body), content_type="application/json", **headers)
        why = _judge(c[role], resp, api=True)
        if why:
            wrong.append(f"{method} {url}: expected {c[role]}, got {why}: {resp.content[:160]!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(role, world):
    client = Client()
    if role != "anon":
        client.force_login(world["users"][role])
    wrong = []
    # Logging out ends the session the other pages need: last.
    for route, (method, c) in sorted(_page_cells().items(), key=lambda kv: kv[0] == "accounts/logout/"):
        url = _page_url(route, world)
        resp = client.get(url) if method == "GET" else client.post(url, {"text": "已电话回访，问题已解决。"})
        why = _judge(c[role], resp, api=False)
        if why:
            wrong.append(f"{method} {url}: expected {c[role]}, got {why}")
    if role != "anon":
        client.force_login(world["users"][role])
    resp = client.get("/admin/")
    why = _judge(ADMIN_PAGE[role], resp, api=False)
    if why:
        wrong.append(f"GET /admin/: expected {ADMIN_PAGE[role]}, got {why}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["clerk_cj", "head_other"])
def test_lists_do_not_leak_other_scopes(role, world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][role]}")
    listed = {c["case_no"] for c in json.loads(client.get("/api/v1/cases").content)}
    assert world["case"].case_no not in listed and world["done"].case_no not in listed
    page = Client()
    page.force_login(world["users"][role])
    html = page.get("/workbench/").content.decode()
    assert world["case"].case_no not in html


@pytest.mark.django_db
def test_lists_mask_personal_data(world):
    id_number = world["id_number"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['tokens']['head']}")
    listing = client.get("/api/v1/cases").content.decode("unicode_escape")
    assert id_number not in listing and "矩阵测试" not in listing
    page = Client()
    page.force_login(world["users"]["head"])
    for url in ("/workbench/", "/workbench/complaints/"):
        html = page.get(url).content.decode()
        assert id_number not in html and "13912345678" not in html, url
    track = Client().get(f"/api/v1/track?case_no={world['done'].case_no}&id_suffix={id_number[-6:]}")
    text = track.content.decode("unicode_escape")
    assert id_number not in text and "13912345678" not in text
    assert re.search(r"矩阵测试", client.get(f"/api/v1/cases/{world['case'].case_no}").content.decode("unicode_escape"))


@pytest.mark.django_db
def test_a_session_alone_does_not_open_the_api(world):
    # The API's staff endpoints take bearer tokens only: a browser session (which a forged cross-site
    # request would carry) must not be enough.
    client = Client()
    client.force_login(world["users"]["head"])
    for (method, path), c in _api_cells(_schema()).items():
        if c["anon"] != "401":
            continue
        url, body = _api_request(method, path, world)
        resp = client.get(url) if method == "GET" else client.post(url, data=json.dumps(body),
                                                                   content_type="application/json")
        assert resp.status_code == 401, (method, url, resp.status_code)
