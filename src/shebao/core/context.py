from django.conf import settings


def site(request):
    from shebao.core.selectors import current_county

    county = current_county(request)
    return {
        "site_county": county,
        "site_title": f"{county.agency if county else '社会保险中心'} · 社保办事通",
        "production": settings.PRODUCTION,
    }
