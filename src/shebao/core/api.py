"""JSON API of the core context, and what every context's API shares."""

from ninja import Router
from pydantic import BaseModel

router = Router(tags=["core"])


class DictOut(BaseModel):
    """Base of a response schema that views fill with plain dicts (never model instances).

    ninja's ``Schema`` wraps the input of every nested schema in a ``DjangoGetter`` so that it can
    read attributes of ORM objects; for a dict that is pure overhead (a case with its steps,
    materials and timeline: ~50,000 attribute look-ups per hundred answers, a tenth of an intake's
    time). A plain pydantic model validates the same dict in pydantic's core, with the same
    OpenAPI schema. A view that returns ``TheSchema.model_validate(data)`` (an instance of its
    response schema) is answered by ninja with a plain dump of it, without a second validation
    through ninja's wrapper model.
    """


class DictIn(BaseModel):
    """Base of a request-body schema: the body is parsed JSON, so ninja's attribute-reading
    ``DjangoGetter`` wrapper (run for every nested object) buys nothing; same OpenAPI schema."""
