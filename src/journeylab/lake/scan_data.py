"""``data`` objects for the compiled line scanner (numba, no per-line Python).

:func:`data_object` takes ``data`` only when it is a flat object of strings, ``true``,
``false``, ``null`` and numbers spelled as msgspec writes them back (:func:`_num_ok`), with
distinct keys and at most 32 KiB once canonical; it writes the canonical text (keys sorted
byte-wise, no whitespace: msgspec's ``order="sorted"``) or, when the text already is
canonical, leaves it in place. Anything else leaves the line to the Python path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from journeylab.lake.model import MAX_DATA_BYTES
from journeylab.lake.scan_parse import (
    FALSE,
    NULL,
    TRUE,
    copy,
    is_literal,
    jit,
    skip_ws,
    small,
    string_end,
)

__all__ = ["CAP", "data_object"]

#: data members one line may hold on the fast path
CAP = 8192
_U64 = np.uint64


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
            if not is_literal(buf, p, end, TRUE):
                return -1, -1, False
            p += 4
        elif c == 102:
            if not is_literal(buf, p, end, FALSE):
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
