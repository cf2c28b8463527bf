"""JSON API of the rules context."""

from ninja import Router

router = Router(tags=["rules"])
