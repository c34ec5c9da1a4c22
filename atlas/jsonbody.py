"""JSON request bodies: one place that parses them for every route (Flask's JSON provider), so
a body nested too deeply or no JSON at all is a 400 with a German message, never a 500
(``RecursionError``)."""

from __future__ import annotations

from flask import Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

#: Deepest nesting of objects and lists accepted in a request body (the atlas's own bodies, Dash
#: callbacks and Sitzungsfolgen, nest fewer than 20 levels).
MAX_DEPTH = 64


class JSONBodyError(ValueError):
    """A request body the atlas does not read (German message)."""


def depth(value: object) -> int:
    """Nesting depth of parsed JSON (a scalar is 0, ``[]`` is 1), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            items = item.values()
        elif isinstance(item, list):
            items = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in items)
    return deepest


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than :data:`MAX_DEPTH`."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as exc:
            raise JSONBodyError(_too_deep()) from exc
        if depth(value) > MAX_DEPTH:
            raise JSONBodyError(_too_deep())
        return value


def _too_deep() -> str:
    return f"Das JSON ist zu tief verschachtelt (höchstens {MAX_DEPTH} Ebenen)."


class SafeRequest(Request):
    """A request whose unreadable JSON body is a 400 with a German message."""

    def on_json_loading_failed(self, e: ValueError | None):
        if isinstance(e, JSONBodyError):
            raise BadRequest(str(e))
        raise BadRequest("Der Inhalt der Anfrage ist kein gültiges JSON "
                         "(erwartet: Content-Type application/json).")


def plain_400(error: BadRequest):
    """The German message of a 400 as plain text (instead of Werkzeug's English HTML page)."""
    from flask import Response

    response = Response((error.description or "Ungültige Anfrage.") + "\n", status=400,
                        mimetype="text/plain")
    response.charset = "utf-8"
    return response


def install(server) -> None:
    """Use the safe JSON parsing and the German 400 for every route of ``server``."""
    server.json = SafeJSONProvider(server)
    server.request_class = SafeRequest
    server.register_error_handler(BadRequest, plain_400)
