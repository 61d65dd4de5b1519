"""Who may write: the write key, as a Bearer token or a Basic user name, in constant time."""

from __future__ import annotations

import binascii
import hmac
from base64 import b64decode

__all__ = ["authorized"]


def authorized(header: bytes | None, key: str | None) -> bool:
    """Whether an ``Authorization`` header value carries ``key`` (always, without a key).

    ``Bearer KEY`` or ``Basic base64(KEY:anything)`` (the key as the user name, as Segment's
    libraries send it). The comparison takes the same time wherever the first difference
    is (:func:`hmac.compare_digest`); a malformed header is simply not authorized.
    """
    if key is None:
        return True
    expected = key.encode("ascii")
    scheme, _, value = (header or b"").strip().partition(b" ")
    scheme, value = scheme.lower(), value.strip()
    given: bytes | None = None
    if scheme == b"bearer":
        given = value
    elif scheme == b"basic":
        try:
            decoded = b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        user, colon, _ = decoded.partition(b":")
        given = user if colon else b""  # RFC 7617: user-id ":" password
    # compare even when nothing usable was sent: the time does not tell what was wrong
    return hmac.compare_digest(given if given is not None else b"", expected) and bool(given)
