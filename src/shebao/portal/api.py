"""JSON API of the portal context."""

from ninja import Router

router = Router(tags=["portal"])
