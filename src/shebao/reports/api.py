"""JSON API of the reports context."""

from ninja import Router

router = Router(tags=["reports"])
