"""JSON API of the core context."""

from ninja import Router

router = Router(tags=["core"])
