"""JSON API of the ops context."""

from ninja import Router

router = Router(tags=["ops"])
