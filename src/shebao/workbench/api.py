"""JSON API of the workbench context."""

from ninja import Router

router = Router(tags=["workbench"])
