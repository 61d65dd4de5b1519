"""Token-level parsing for the compiled line scanner (numba, no per-line Python).

Every function here reads an ASCII byte buffer and answers only when it can prove the
answer equals what ``msgspec.json.decode`` and :class:`~.model.Validator` would make of
the same bytes; otherwise it fails and the line is left to the Python path:

- strings hold no backslash, control character or non-ASCII byte, so their text is their
  bytes (:func:`string_end`);
- ``eventAt`` follows ``model.parse_rfc3339``'s grammar (``[Tt ]``, any fraction length,
  ``Z``/``z``/``±HH:MM`` or naive) with a real date, a year in 2..9998 (no offset can leave
  1..9999) and an offset ≤ 23:59 (:func:`parse_at`);
- ``data`` is a flat object of strings, ``true``, ``false``, ``null`` and numbers spelled
  as msgspec writes them back (:func:`_num_ok`), with distinct keys, at most 32 KiB once
  canonical: keys sorted byte-wise, no whitespace, as msgspec's ``order="sorted"``
  (:func:`data_object`).
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

from journeylab.lake.model import MAX_DATA_BYTES

__all__ = [
    "CAP",
    "copy",
    "word",
    "NULL",
    "data_object",
    "is_literal",
    "jit",
    "key_id",
    "parse_at",
    "skip_ws",
    "string_end",
]

#: numba for per-line code: compiled once (cached), without reference counting
jit: Any = nb.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]
#: the same, for small helpers LLVM should always inline
small: Any = nb.njit(cache=True, nogil=True, _nrt=False, forceinline=True)  # type: ignore[call-overload]

#: data members one line may hold on the fast path
CAP = 8192
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
_TRUE = np.frombuffer(b"true", np.uint8).copy()
_FALSE = np.frombuffer(b"false", np.uint8).copy()


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


@jit
def _num_ok(buf: Any, s: int, n: int) -> bool:
    """The number ``buf[s:s + n]`` is one msgspec writes back with the same bytes: an
    integer of at most 18 digits (not ``-0``) or a decimal ``[-]I.F`` with 1..7 integer
    digits (no leading zero) and 1..8 fraction digits ending in a non-zero digit or ``.0``,
    or ``[-]0.F`` with at most 3 leading zeros and 1..5 significant digits."""
    i = s
    end = s + n
    neg = i < end and buf[i] == 45
    if neg:
        i += 1
    if i >= end or not (48 <= buf[i] <= 57):
        return False
    if buf[i] == 48:  # 0 or 0.F
        i += 1
        if i == end:
            return not neg
        if buf[i] != 46:
            return False
        i += 1
        z = 0
        while i < end and buf[i] == 48:
            z += 1
            i += 1
        sig = end - i
        if z > 3 or sig < 1 or sig > 5 or buf[end - 1] == 48:
            return False
        for j in range(i, end):
            if not (48 <= buf[j] <= 57):
                return False
        return True
    w = 0
    while i < end and 48 <= buf[i] <= 57:
        w += 1
        i += 1
    if i == end:
        return w <= 18
    if buf[i] != 46 or w > 7:
        return False
    i += 1
    f = end - i
    if f < 1 or f > 8:
        return False
    for j in range(i, end):
        if not (48 <= buf[j] <= 57):
            return False
    return buf[end - 1] != 48 or f == 1


@small
def _key_less(buf: Any, mem: Any, a: int, b: int) -> int:
    """Compare the keys of members a and b byte-wise: -1, 0 or 1."""
    sa, la, sb, lb = mem[a, 0], mem[a, 1], mem[b, 0], mem[b, 1]
    for j in range(min(la, lb)):
        ca, cb = buf[sa + j], buf[sb + j]
        if ca != cb:
            return -1 if ca < cb else 1
    if la == lb:
        return 0
    return -1 if la < lb else 1


@jit
def _sort_members(buf: Any, mem: Any, order: Any, m: int) -> int:
    """Sort ``order[:m]`` by key (shell sort): 1 when already sorted, 2 when sorted now, 0
    when two keys are equal."""
    for j in range(m):
        order[j] = j
    ordered = True
    for j in range(1, m):
        if _key_less(buf, mem, j - 1, j) >= 0:
            ordered = False
            break
    if not ordered:
        gap = 1
        while gap * 3 + 1 < m:
            gap = gap * 3 + 1
        while gap >= 1:
            for j in range(gap, m):
                v = order[j]
                k = j
                while k >= gap and _key_less(buf, mem, order[k - gap], v) > 0:
                    order[k] = order[k - gap]
                    k -= gap
                order[k] = v
            gap //= 3
        for j in range(1, m):
            if _key_less(buf, mem, order[j - 1], order[j]) == 0:
                return 0
    return 1 if ordered else 2


@jit
def data_object(
    buf: Any, p: int, end: int, dbuf: Any, mem: Any, order: Any
) -> tuple[int, int, bool]:
    """``p`` at the ``{`` of data: (index after its ``}``, canonical length, whether the
    text in ``buf`` is canonical already — else the canonical text is written to
    ``dbuf[p:]``), or (-1, -1, False) when the object is not one the fast path takes."""
    start = p
    p = skip_ws(buf, p + 1, end)
    m = 0
    if p < end and buf[p] == 125:
        dbuf[start] = 123
        dbuf[start + 1] = 125
        return p + 1, 2, False
    while True:
        if p >= end or buf[p] != 34 or m >= CAP:
            return -1, -1, False
        q = string_end(buf, p, end)
        if q < 0:
            return -1, -1, False
        mem[m, 0] = p + 1
        mem[m, 1] = q - p - 1
        p = skip_ws(buf, q + 1, end)
        if p >= end or buf[p] != 58:
            return -1, -1, False
        p = skip_ws(buf, p + 1, end)
        if p >= end:
            return -1, -1, False
        c = buf[p]
        vs = p
        if c == 34:
            q = string_end(buf, p, end)
            if q < 0:
                return -1, -1, False
            p = q + 1
        elif c == 116:
            if not is_literal(buf, p, end, _TRUE):
                return -1, -1, False
            p += 4
        elif c == 102:
            if not is_literal(buf, p, end, _FALSE):
                return -1, -1, False
            p += 5
        elif c == 110:
            if not is_literal(buf, p, end, NULL):
                return -1, -1, False
            p += 4
        elif c == 45 or 48 <= c <= 57:
            q = p
            while q < end:
                d = buf[q]
                if 48 <= d <= 57 or d == 46 or d == 45 or d == 43 or d == 101 or d == 69:
                    q += 1
                else:
                    break
            if not _num_ok(buf, p, q - p):
                return -1, -1, False
            p = q
        else:
            return -1, -1, False
        mem[m, 2] = vs
        mem[m, 3] = p - vs
        m += 1
        p = skip_ws(buf, p, end)
        if p >= end:
            return -1, -1, False
        if buf[p] == 44:
            p = skip_ws(buf, p + 1, end)
            continue
        if buf[p] != 125:
            return -1, -1, False
        p += 1
        break
    sort = _sort_members(buf, mem, order, m)
    if sort == 0:
        return -1, -1, False
    size = m + 1  # braces and commas
    for j in range(m):
        size += mem[j, 1] + mem[j, 3] + 3
    if sort == 1 and size == p - start:  # sorted, no whitespace: the text is canonical
        return (p, size, True) if size <= MAX_DATA_BYTES else (-1, -1, False)
    o = start
    dbuf[o] = 123
    o += 1
    for j in range(m):
        r = order[j]
        if j:
            dbuf[o] = 44
            o += 1
        dbuf[o] = 34
        o += 1
        o = copy(dbuf, o, buf, mem[r, 0], mem[r, 1])
        dbuf[o] = 34
        dbuf[o + 1] = 58
        o += 2
        o = copy(dbuf, o, buf, mem[r, 2], mem[r, 3])
    dbuf[o] = 125
    o += 1
    if o - start > MAX_DATA_BYTES:
        return -1, -1, False
    return p, o - start, False
