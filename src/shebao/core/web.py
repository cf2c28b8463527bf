"""Helpers the server-rendered pages of every context share."""

from __future__ import annotations

from django.http import Http404

from shebao.core.selectors import current_county


def county_or_404(request):
    """The request's county (see ``current_county``); 404 while no catalog has been loaded."""
    county = current_county(request)
    if county is None:
        raise Http404("系统尚未加载事项库，请联系管理员运行 shebao catalog load。")
    return county


def is_htmx(request) -> bool:
    """Whether htmx sent the request (it swaps the fragment the view returns)."""
    return request.headers.get("HX-Request") == "true"


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as a PNG ``data:`` URI (printed notices link back to their page)."""
    import base64
    import io

    import qrcode

    buf = io.BytesIO()
    qrcode.make(url, border=2).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
