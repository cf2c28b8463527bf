"""JSON API of the lifeevents context."""

from ninja import Router

router = Router(tags=["lifeevents"])
