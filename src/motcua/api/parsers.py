"""The API's JSON parser: DRF's, with nesting too deep for Python's parser a ParseError (400
``bad_json``) like any other unreadable body instead of an escaping RecursionError (a 500)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON lồng quá sâu") from None
