"""JSON with a nesting limit, for the API and the WebSockets.

Python's decoder recurses once per level: a 2 KB body of a thousand ``[`` overflowed it
(RecursionError: a 500 on every JSON endpoint, 1011 on a socket). No message of this
project nests more than a few levels, so anything past ``MAX_JSON_DEPTH`` is refused as
malformed, whether or not the decoder itself would have coped.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


class JSONTooDeep(ValueError):
    pass


def _deepest(value: Any) -> int:
    """Nesting depth of a decoded value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> JSONTooDeep:
    return JSONTooDeep(f"the JSON is nested too deeply (the limit is {MAX_JSON_DEPTH} levels)")


def check_depth(value: Any) -> Any:
    if _deepest(value) > MAX_JSON_DEPTH:
        raise _too_deep()
    return value


def loads_bounded(text: str | bytes) -> Any:
    """json.loads that raises ValueError (JSONTooDeep) instead of overflowing."""
    try:
        return check_depth(json.loads(text))
    except RecursionError as exc:
        raise _too_deep() from exc


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return check_depth(super().parse(stream, media_type, parser_context))
        except RecursionError as exc:
            raise ParseError(str(_too_deep())) from exc
        except JSONTooDeep as exc:
            raise ParseError(str(exc)) from exc
