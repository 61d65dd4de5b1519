"""Token-level parsing for the compiled line scanner (numba, no per-line Python).

Every function here reads an ASCII byte buffer and answers only when it can prove the
answer equals what ``msgspec.json.decode`` and :class:`~.model.Validator` would make of
the same bytes; otherwise it fails and the line is left to the Python path:

- strings hold no backslash, control character or non-ASCII byte, so their text is their
  bytes (:func:`string_end`);
- ``eventAt`` follows ``model.parse_rfc3339``'s grammar (``[Tt ]``, any fraction length,
  ``Z``/``z``/``±HH:MM`` or naive) with a real date, a year in 2..9998 (no offset can leave
  1..9999) and an offset ≤ 23:59 (:func:`parse_at`);
- ``data`` is proven by :mod:`~.scan_data`.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

__all__ = [
    "FALSE",
    "NULL",
    "TRUE",
    "copy",
    "count_lines",
    "is_literal",
    "jit",
    "key_id",
    "line_end",
    "parse_at",
    "skip_ws",
    "small",
    "string_end",
    "word",
]

#: numba for per-line code: compiled once (cached), without reference counting
jit: Any = nb.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]
#: the same, for small helpers LLVM should always inline
small: Any = nb.njit(cache=True, nogil=True, _nrt=False, forceinline=True)  # type: ignore[call-overload]

_U64 = np.uint64
_K_USER = np.frombuffer(b"userId", np.uint8).copy()
_K_NAME = np.frombuffer(b"name", np.uint8).copy()
_K_AT = np.frombuffer(b"eventAt", np.uint8).copy()
_K_ID = np.frombuffer(b"eventId", np.uint8).copy()
_K_DATA = np.frombuffer(b"data", np.uint8).copy()
_W_USER, _W_NAME, _W_AT, _W_ID, _W_DATA = (
    np.uint64(int.from_bytes(k, "little"))
    for k in (b"userId", b"name", b"eventAt", b"eventId", b"data")
)
_ONES = _U64(0x0101010101010101)
_HIGH = _U64(0x8080808080808080)
_QUOTES = _U64(0x2222222222222222)
_SLASHES = _U64(0x5C5C5C5C5C5C5C5C)
_SPACES = _U64(0x2020202020202020)
_DIM = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


@small
def skip_ws(buf: Any, p: int, end: int) -> int:
    while p < end:
        c = buf[p]
        if c == 32 or c == 9 or c == 13 or c == 10:
            p += 1
        else:
            break
    return p


@small
def word(buf: Any, p: int) -> Any:
    """The 8 bytes ``buf[p:p + 8]`` as a little-endian uint64 (unsigned indices: numba then
    skips its negative-index check and LLVM makes this one load)."""
    q = _U64(p)
    w = _U64(0)
    for t in range(8):
        w |= _U64(buf[q + _U64(t)]) << _U64(8 * t)
    return w


@small
def copy(dst: Any, o: int, src: Any, s: int, n: int) -> int:
    """Copy ``src[s:s + n]`` to ``dst[o:]``; the index after the copy."""
    d, f = _U64(o), _U64(s)
    for t in range(_U64(n)):
        dst[d + t] = src[f + t]
    return o + n


@small
def string_end(buf: Any, p: int, end: int) -> int:
    """``p`` at an opening quote: the index of the closing one, or -1 when the string holds
    a backslash, a control character or a non-ASCII byte (or does not end). Eight bytes
    are tested at a time: the lowest flagged byte is always a real stop (the tests'
    borrows only run upwards from a real one), and it is found by counting zero bits."""
    q = p + 1
    while q + 8 <= end:
        w = word(buf, q)
        quote = w ^ _QUOTES
        slash = w ^ _SLASHES
        stop = ((quote - _ONES) & ~quote) | ((slash - _ONES) & ~slash) | ((w - _SPACES) & ~w) | w
        stop &= _HIGH
        if stop:
            k = q + np.int64(trailing_zeros(stop) >> 3)  # type: ignore[call-arg]
            return k if buf[k] == 34 else -1
        q += 8
    while q < end:
        c = buf[q]
        if c == 34:
            return q
        if c < 32 or c > 127 or c == 92:
            return -1
        q += 1
    return -1


@small
def _is(buf: Any, s: int, n: int, lit: Any) -> bool:
    if n != len(lit):
        return False
    for j in range(n):
        if buf[s + j] != lit[j]:
            return False
    return True


@small
def key_id(buf: Any, s: int, n: int) -> int:
    """0 userId, 1 name, 2 eventAt, 3 eventId, 4 data; -1 anything else."""
    if n < 4 or n > 7:
        return -1
    if s + 8 > len(buf):  # too near the end to read a word
        if _is(buf, s, n, _K_USER):
            return 0
        if _is(buf, s, n, _K_NAME):
            return 1
        if _is(buf, s, n, _K_AT):
            return 2
        if _is(buf, s, n, _K_ID):
            return 3
        return 4 if _is(buf, s, n, _K_DATA) else -1
    w = word(buf, s) & ((_U64(1) << _U64(8 * n)) - _U64(1))
    if n == 6:
        return 0 if w == _W_USER else -1
    if n == 4:
        return 1 if w == _W_NAME else (4 if w == _W_DATA else -1)
    if n == 7:
        return 2 if w == _W_AT else (3 if w == _W_ID else -1)
    return -1


@small
def is_literal(buf: Any, p: int, end: int, text: Any) -> bool:
    return p + len(text) <= end and _is(buf, p, len(text), text)


NULL = np.frombuffer(b"null", np.uint8).copy()
TRUE = np.frombuffer(b"true", np.uint8).copy()
FALSE = np.frombuffer(b"false", np.uint8).copy()


@small
def _digits(buf: Any, s: int, n: int) -> int:
    """The number ``buf[s:s + n]`` spells in ASCII digits, or -1."""
    v = 0
    for j in range(n):
        c = buf[s + j]
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@jit
def _days(y: int, m: int, d: int) -> int:
    """Days from 1970-01-01 to the proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= 1 if m <= 2 else 0
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@jit
def parse_at(buf: Any, s: int, n: int) -> tuple[bool, int, bool]:
    """(ok, µs since the epoch in UTC, naive) of the eventAt text ``buf[s:s + n]``, as
    ``model.parse_rfc3339`` computes it; ok is False whenever that might differ."""
    if n < 19:
        return False, 0, False
    sep = buf[s + 10]
    if (
        buf[s + 4] != 45
        or buf[s + 7] != 45
        or not (sep == 84 or sep == 116 or sep == 32)
        or buf[s + 13] != 58
        or buf[s + 16] != 58
    ):
        return False, 0, False
    y = _digits(buf, s, 4)
    mo = _digits(buf, s + 5, 2)
    d = _digits(buf, s + 8, 2)
    h = _digits(buf, s + 11, 2)
    mi = _digits(buf, s + 14, 2)
    se = _digits(buf, s + 17, 2)
    if y < 2 or y > 9998 or mo < 1 or mo > 12 or d < 1 or h < 0 or h > 23:
        return False, 0, False
    if mi < 0 or mi > 59 or se < 0 or se > 59:
        return False, 0, False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if d > _DIM[mo] + (1 if mo == 2 and leap else 0):
        return False, 0, False
    p = 19
    frac = 0
    if p < n and buf[s + p] == 46:
        p += 1
        k = 0
        while p < n and 48 <= buf[s + p] <= 57:
            if k < 6:
                frac = frac * 10 + (buf[s + p] - 48)
            k += 1
            p += 1
        if k == 0:
            return False, 0, False
        for _ in range(k, 6):
            frac *= 10
    naive = True
    off = 0
    if p < n:
        c = buf[s + p]
        if (c == 90 or c == 122) and p + 1 == n:
            naive = False
        elif (c == 43 or c == 45) and p + 6 == n and buf[s + p + 3] == 58:
            oh = _digits(buf, s + p + 1, 2)
            om = _digits(buf, s + p + 4, 2)
            if oh < 0 or oh > 23 or om < 0 or om > 59:
                return False, 0, False
            off = (oh * 60 + om) * (1 if c == 43 else -1)
            naive = False
        else:
            return False, 0, False
    secs = ((_days(y, mo, d) * 24 + h) * 60 + mi) * 60 + se - off * 60
    return True, secs * 1_000_000 + frac, naive


_NL = _U64(0x0A0A0A0A0A0A0A0A)
_LOW7 = _U64(0x7F7F7F7F7F7F7F7F)


@jit
def _count_newlines(buf: Any, a: int, b: int) -> int:
    """Newlines in ``buf[a:b]``, eight bytes at a time."""
    count = _U64(0)
    p = a
    while p + 8 <= b:
        x = word(buf, p) ^ _NL
        zero = ~(((x & _LOW7) + _LOW7) | x) & _HIGH  # the high bit of each zero byte
        count += ((zero >> _U64(7)) * _ONES) >> _U64(56)
        p += 8
    c = np.int64(count)
    while p < b:
        c += buf[p] == 10
        p += 1
    return int(c)


@jit
def line_end(buf: Any, p: int, b: int) -> int:
    """The index of the first newline in ``buf[p:b]``, or ``b``."""
    while p + 8 <= b:
        x = word(buf, p) ^ _NL
        if (x - _ONES) & ~x & _HIGH:
            break
        p += 8
    while p < b and buf[p] != 10:
        p += 1
    return p


@nb.njit(cache=True, nogil=True, parallel=True)
def count_lines(buf: Any, parts: int) -> tuple[Any, Any]:
    """Cut ``buf`` into at most ``parts`` slices, each after a newline: their bounds, and
    the index of each slice's first line (the last entry: all newlines), counted on all
    cores."""
    size = len(buf)
    parts = max(1, min(parts, size // 64 + 1))
    bounds = np.empty(parts + 1, np.int64)
    bounds[0] = 0
    bounds[parts] = size
    for k in range(1, parts):
        cut = max(k * size // parts, bounds[k - 1])
        bounds[k] = min(line_end(buf, cut, size) + 1, size)
    first = np.zeros(parts + 1, np.int64)
    for k in nb.prange(parts):
        first[k + 1] = _count_newlines(buf, bounds[k], bounds[k + 1])
    for k in range(parts):
        first[k + 1] += first[k]
    return bounds, first
