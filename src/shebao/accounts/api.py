"""JSON API of the accounts context."""

from ninja import Router

router = Router(tags=["accounts"])
