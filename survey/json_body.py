"""Strict JSON bodies: declared as JSON, shallow, no duplicate keys, exact types; else a 4xx naming the field.

``refuse_loose_json`` is the app's ``before_request`` hook (``survey/app.py``), so every handler whose
``data`` is JSON gets it without asking: it runs after the guards and before Litestar reads the body into
``data`` (which converts leniently: ``"1"`` or ``1.0`` for an integer), and refuses

- a content type other than ``application/json`` (optionally ``; charset=utf-8``): 415 naming
  ``content-type``;
- nesting deeper than ``MAX_DEPTH`` (the decoder would recurse until Python's limit, a 500): 400 naming
  ``body``;
- anything ``msgspec.json.decode(body, type=..., strict=True)`` refuses: no string or float for an
  integer, unknown fields, ranges (``Annotated`` constraints): 400 naming the field (``survey_version``);
- a key given twice in one object (a JSON decoder silently keeps the last): 400 naming the key's path
  (``answers.who5_1``).

What passes is exactly what the strict decoder accepts, so Litestar's lenient conversion of it afterwards
gives the same value. A layer below the app that sets a ``before_request`` of its own replaces this one
(Litestar runs only the closest): call ``refuse_loose_json`` from it.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final, TypeVar

import msgspec
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, HTTPException

if TYPE_CHECKING:
    from litestar import Request

MAX_DEPTH: Final = 32
"""Deepest nesting of objects and arrays accepted; a kiosk response needs 3 (body, answers, a list)."""
JSON_MEDIA_TYPE: Final = "application/json"

# JSON strings, whose brackets are not structure (escapes included); an unterminated one stays, which
# only makes the count more cautious.
_STRING: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
# Objects and arrays nest alike: both become "[" and "]", and everything else is dropped.
_BRACKETS: Final = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS: Final = bytes(byte for byte in range(256) if byte not in b"[]{}")
_AT: Final = re.compile(r" - at `(?P<where>[^`]*)`(?: in `(?P<container>[^`]*)`)?$")
_NAMED: Final = re.compile(r"(?:unknown|missing required) field `(?P<name>[^`]+)`")

T = TypeVar("T")


class BodyRefusedError(ValueError):
    """A JSON body was refused; ``field`` names where (``body`` for the whole of it), ``message`` why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def nesting_depth(body: bytes, *, limit: int = MAX_DEPTH) -> int:
    """How deeply the objects and arrays of a JSON text nest, counted up to ``limit + 1``.

    Each pass removes the innermost empty pairs (C-speed ``bytes.replace``), so the cost is at most
    ``limit + 1`` passes over the body, however it is shaped. Unbalanced brackets (a malformed text,
    which the decoder refuses anyway) count as deep as they could make the decoder recurse.

    Args:
        body: the raw JSON text.
        limit: the deepest nesting of interest.

    Returns:
        The depth, or ``limit + 1`` for anything deeper than ``limit``.
    """
    shape = _STRING.sub(b"", body).translate(_BRACKETS, _NOT_BRACKETS)
    for removed in range(limit + 1):
        if not shape:
            return removed
        shorter = shape.replace(b"[]", b"")
        if shorter == shape:  # no pair left: only unmatched brackets, "]]][[["
            return min(removed + shape.count(b"["), limit + 1)
        shape = shorter
    return limit + 1


def _field_of(error: msgspec.ValidationError) -> str:
    """The field a msgspec error is about, as the API names fields: ``survey_version``, ``answers``."""
    text = str(error)
    at = _AT.search(text)
    where = (at.group("container") or at.group("where")) if at else "$"
    # msgspec writes a dict's key as "[...]": name the dict, not a position inside a value of it.
    path = where.removeprefix("$").removeprefix(".").partition("[...]")[0]
    named = _NAMED.search(text)
    if named and not (at and at.group("container")):
        path = f"{path}.{named.group('name')}" if path else named.group("name")
    return path or "body"


class _Pairs(list[tuple[str, Any]]):
    """An object's members in order, as written (so duplicates are still there to find)."""


def _duplicate(value: object, path: str) -> str | None:
    """The path of the first key written twice in one object, or ``None``."""
    if isinstance(value, _Pairs):
        seen: set[str] = set()
        for key, member in value:
            where = f"{path}.{key}" if path else key
            if key in seen:
                return where
            seen.add(key)
            if (found := _duplicate(member, where)) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _duplicate(item, f"{path}[{index}]")) is not None:
                return found
    return None


def _ignore(_: str) -> None:
    return None


def decode(body: bytes, type_: type[T]) -> T:
    """Decode a JSON body strictly into ``type_``.

    Raises:
        BodyRefusedError: too deep, malformed, not of the type (strictly), or a key written twice.
    """
    if nesting_depth(body) > MAX_DEPTH:
        raise BodyRefusedError(
            "body", f"The body nests objects and arrays more than {MAX_DEPTH} levels deep."
        )
    try:
        value = msgspec.json.decode(body, type=type_, strict=True)
    except msgspec.ValidationError as refused:
        raise BodyRefusedError(_field_of(refused), str(refused)) from None
    except msgspec.DecodeError as malformed:
        raise BodyRefusedError("body", f"The body is not valid JSON: {malformed}") from None
    # Valid and shallow by now; the standard decoder is the one that can show every member as written.
    members = json.loads(body, object_pairs_hook=_Pairs, parse_int=_ignore, parse_float=_ignore)
    if (twice := _duplicate(members, "")) is not None:
        raise BodyRefusedError(twice, f"The key `{twice}` is given more than once.")
    return value


def check_content_type(request: Request[Any, Any, Any]) -> None:
    """Refuse a body not declared as ``application/json`` (UTF-8, the only charset JSON has).

    Raises:
        HTTPException: 415 naming ``content-type``.
    """
    media_type, options = request.content_type
    charset = options.get("charset", "utf-8").lower()
    if media_type.lower() != JSON_MEDIA_TYPE or charset not in {"utf-8", "utf8"}:
        raise HTTPException(
            status_code=415,
            detail="Send the body as application/json (UTF-8).",
            extra={"field": "content-type"},
        )


async def refuse_loose_json(request: Request[Any, Any, Any]) -> None:
    """Before-request hook: a handler's JSON ``data`` must come strict (see the module docstring).

    Raises:
        HTTPException: 415 for another content type; 400 naming the field for a body that is refused.
    """
    field = request.route_handler.parsed_data_field
    if field is None:
        return
    media_type = getattr(field.kwarg_definition, "media_type", RequestEncodingType.JSON)
    if media_type != RequestEncodingType.JSON:
        return
    check_content_type(request)
    try:
        decode(await request.body(), field.annotation)
    except BodyRefusedError as refused:
        raise ClientException(detail=refused.message, extra={"field": refused.field}) from None
