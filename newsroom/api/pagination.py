"""Keyset pagination with opaque cursors: stable under inserts, no OFFSET scans.

A cursor is the sort key of the last row of a page, as URL-safe base64 JSON.
Clients pass it back unchanged; anything else is answered 400.
"""

import base64
import binascii
import datetime as dt
import json
from urllib.parse import urlencode

from django.db.models import Q

from newsroom.api.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
BAD_CURSOR = "The cursor is not one this API gave out; start again without it."


class Order:
    """A sort order: (field, kind) pairs, all ascending or all descending.

    ``kind`` is "int", "str" or "datetime"; the last field must be unique.
    """

    def __init__(self, *fields, descending=False):
        self.fields = fields
        self.descending = descending

    def order_by(self):
        return [f"-{name}" if self.descending else name for name, _ in self.fields]

    def key_of(self, row):
        values = []
        for name, kind in self.fields:
            value = getattr(row, name)
            values.append(value.isoformat() if kind == "datetime" else value)
        return values

    def after(self, values):
        """The Q selecting rows after the row with these sort values."""
        op = "lt" if self.descending else "gt"
        condition = Q()
        equal = {}
        for (name, _), value in zip(self.fields, values, strict=True):
            condition |= Q(**equal, **{f"{name}__{op}": value})
            equal[name] = value
        return condition

    def decode(self, cursor):
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (ValueError, UnicodeError, binascii.Error):
            raise ApiError(BAD_CURSOR) from None
        if not isinstance(raw, list) or len(raw) != len(self.fields):
            raise ApiError(BAD_CURSOR)
        values = []
        for (_, kind), value in zip(self.fields, raw, strict=True):
            values.append(self._parse(kind, value))
        return values

    @staticmethod
    def _parse(kind, value):
        if kind == "int":
            # bool is an int in Python; a cursor never holds one.
            if type(value) is not int or not 0 <= value < 2**63:
                raise ApiError(BAD_CURSOR)
            return value
        if not isinstance(value, str):
            raise ApiError(BAD_CURSOR)
        if kind == "datetime":
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                raise ApiError(BAD_CURSOR) from None
            if parsed.tzinfo is None:
                raise ApiError(BAD_CURSOR)
            return parsed
        if "\x00" in value:
            raise ApiError(BAD_CURSOR)
        return value

    @staticmethod
    def encode(values):
        raw = json.dumps(values, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def page(request, queryset, order, *, limit, cursor):
    """One page of ``queryset`` in ``order``: (rows, next URL or None)."""
    queryset = queryset.order_by(*order.order_by())
    if cursor:
        queryset = queryset.filter(order.after(order.decode(cursor)))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, next_url(request, order.encode(order.key_of(rows[-1])))


def next_url(request, cursor):
    params = request.GET.copy()
    params["cursor"] = cursor
    query = urlencode(sorted(params.lists()), doseq=True)
    return request.build_absolute_uri(f"{request.path}?{query}")
