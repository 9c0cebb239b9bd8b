"""The timestamp type of JSON response models: ISO 8601 as `datetime.isoformat()` writes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

# Pydantic would write UTC as "Z"; the API has always sent "+00:00" (as the WebSocket events
# still do), so clients see one format everywhere.
Timestamp = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
