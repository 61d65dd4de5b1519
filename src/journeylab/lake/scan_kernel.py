"""The compiled line scanner behind :mod:`journeylab.lake.scan` (numba, no per-line Python).

Each line is parsed byte by byte. A line is *taken* only when its result provably equals
what :class:`~.model.Validator` gives after ``msgspec.json.decode``; any doubt leaves it
to the Python path. Taken lines:

- are ASCII without a backslash and without control characters inside strings (so a
  string's text is its bytes, and nothing needs unescaping);
- form one JSON object (whitespace allowed between tokens) whose keys are wire fields,
  each at most once; ``userId`` and ``name`` are strings of 1..255 characters; ``eventId``
  is null or such a string; ``eventAt`` is null or an RFC 3339 string in the Validator's
  grammar (``[Tt ]``, any fraction length, ``Z``/``z``/``±HH:MM`` or naive) with a real
  date, a year in 2..9998 (no offset can leave 1..9999) and an offset ≤ 23:59;
- hold ``data`` null or a flat object of strings, ``true``, ``false``, ``null`` and
  numbers spelled as msgspec writes them back (:func:`_num_ok`), distinct keys, at most
  32 KiB once canonical (keys sorted byte-wise, no whitespace: msgspec's ``order="sorted"``).

The derived id is the MD5 of the payload ``derive_event_id`` encodes:
``["<userId>","<name>",<µs or null>,"<data with \\" for each quote>" or null]``.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from journeylab.lake.hashing import md5_words
from journeylab.lake.model import MAX_DATA_BYTES, MAX_ID_CHARS

__all__ = ["FLAG_AT", "FLAG_NAIVE", "FLAG_OK", "SPANS", "scan_kernel"]

#: per-line flags
FLAG_OK, FLAG_AT, FLAG_NAIVE = 1, 2, 4
#: columns of the per-line int64 ``spans`` array
US, UL, NS, NL, ES, EL, DS, DL, AT = range(9)
SPANS = 9
#: columns of the per-line uint64 ``hashes`` array: id hash, user key, derived id (2 words)
IDH, UKEY, H0, H1 = range(4)

_CAP = 8192  # data members one line may hold on the fast path
_PAY = 2 * MAX_DATA_BYTES + 2 * MAX_ID_CHARS + 64  # the derived id's payload, at most
_U64 = np.uint64
_K_USER = np.frombuffer(b"userId", np.uint8).copy()
_K_NAME = np.frombuffer(b"name", np.uint8).copy()
_K_AT = np.frombuffer(b"eventAt", np.uint8).copy()
_K_ID = np.frombuffer(b"eventId", np.uint8).copy()
_K_DATA = np.frombuffer(b"data", np.uint8).copy()
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8).copy()
_DIM = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


@nb.njit(cache=True, nogil=True)
def _ws(buf: Any, p: int, end: int) -> int:
    while p < end:
        c = buf[p]
        if c == 32 or c == 9 or c == 13 or c == 10:
            p += 1
        else:
            break
    return p


@nb.njit(cache=True, nogil=True)
def _string(buf: Any, p: int, end: int) -> int:
    """``p`` at an opening quote: the index of the closing one, or -1 when the string holds
    a backslash, a control character or a non-ASCII byte (or does not end)."""
    q = p + 1
    while q < end:
        c = buf[q]
        if c == 34:
            return q
        if c < 32 or c > 127 or c == 92:
            return -1
        q += 1
    return -1


@nb.njit(cache=True, nogil=True)
def _is(buf: Any, s: int, n: int, lit: Any) -> bool:
    if n != len(lit):
        return False
    for j in range(n):
        if buf[s + j] != lit[j]:
            return False
    return True


@nb.njit(cache=True, nogil=True)
def _key_id(buf: Any, s: int, n: int) -> int:
    """0 userId, 1 name, 2 eventAt, 3 eventId, 4 data; -1 anything else."""
    if _is(buf, s, n, _K_USER):
        return 0
    if _is(buf, s, n, _K_NAME):
        return 1
    if _is(buf, s, n, _K_AT):
        return 2
    if _is(buf, s, n, _K_ID):
        return 3
    if _is(buf, s, n, _K_DATA):
        return 4
    return -1


@nb.njit(cache=True, nogil=True)
def _lit(buf: Any, p: int, end: int, text: Any) -> bool:
    return p + len(text) <= end and _is(buf, p, len(text), text)


_NULL = np.frombuffer(b"null", np.uint8).copy()
_TRUE = np.frombuffer(b"true", np.uint8).copy()
_FALSE = np.frombuffer(b"false", np.uint8).copy()


@nb.njit(cache=True, nogil=True)
def _digits(buf: Any, s: int, n: int) -> int:
    """The number ``buf[s:s + n]`` spells in ASCII digits, or -1."""
    v = 0
    for j in range(n):
        c = buf[s + j]
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@nb.njit(cache=True, nogil=True)
def _days(y: int, m: int, d: int) -> int:
    """Days from 1970-01-01 to the proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= 1 if m <= 2 else 0
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@nb.njit(cache=True, nogil=True)
def _parse_at(buf: Any, s: int, n: int) -> tuple[bool, int, bool]:
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


@nb.njit(cache=True, nogil=True)
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


@nb.njit(cache=True, nogil=True)
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


@nb.njit(cache=True, nogil=True)
def _sort_members(buf: Any, mem: Any, order: Any, m: int) -> bool:
    """Sort ``order[:m]`` by key (shell sort); False when two keys are equal."""
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
                return False
    return True


@nb.njit(cache=True, nogil=True)
def _data(buf: Any, p: int, end: int, dbuf: Any, mem: Any, order: Any) -> tuple[int, int]:
    """``p`` at the ``{`` of data: (index after its ``}``, canonical length written to
    ``dbuf[p:]``), or (-1, -1) when the object is not one the fast path takes."""
    start = p
    p = _ws(buf, p + 1, end)
    m = 0
    if p < end and buf[p] == 125:
        dbuf[start] = 123
        dbuf[start + 1] = 125
        return p + 1, 2
    while True:
        if p >= end or buf[p] != 34 or m >= _CAP:
            return -1, -1
        q = _string(buf, p, end)
        if q < 0:
            return -1, -1
        mem[m, 0] = p + 1
        mem[m, 1] = q - p - 1
        p = _ws(buf, q + 1, end)
        if p >= end or buf[p] != 58:
            return -1, -1
        p = _ws(buf, p + 1, end)
        if p >= end:
            return -1, -1
        c = buf[p]
        vs = p
        if c == 34:
            q = _string(buf, p, end)
            if q < 0:
                return -1, -1
            p = q + 1
        elif c == 116:
            if not _lit(buf, p, end, _TRUE):
                return -1, -1
            p += 4
        elif c == 102:
            if not _lit(buf, p, end, _FALSE):
                return -1, -1
            p += 5
        elif c == 110:
            if not _lit(buf, p, end, _NULL):
                return -1, -1
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
                return -1, -1
            p = q
        else:
            return -1, -1
        mem[m, 2] = vs
        mem[m, 3] = p - vs
        m += 1
        p = _ws(buf, p, end)
        if p >= end:
            return -1, -1
        if buf[p] == 44:
            p = _ws(buf, p + 1, end)
            continue
        if buf[p] != 125:
            return -1, -1
        p += 1
        break
    if not _sort_members(buf, mem, order, m):
        return -1, -1
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
        for t in range(mem[r, 1]):
            dbuf[o + t] = buf[mem[r, 0] + t]
        o += mem[r, 1]
        dbuf[o] = 34
        dbuf[o + 1] = 58
        o += 2
        for t in range(mem[r, 3]):
            dbuf[o + t] = buf[mem[r, 2] + t]
        o += mem[r, 3]
    dbuf[o] = 125
    o += 1
    if o - start > MAX_DATA_BYTES:
        return -1, -1
    return p, o - start


@nb.njit(cache=True, nogil=True)
def _put(dst: Any, o: int, src: Any, s: int, n: int) -> int:
    for t in range(n):
        dst[o + t] = src[s + t]
    return o + n


@nb.njit(cache=True, nogil=True)
def _put_int(dst: Any, o: int, v: int) -> int:
    if v < 0:
        dst[o] = 45
        o += 1
        v = -v
    k = 1
    while v // k >= 10:
        k *= 10
    while k:
        dst[o] = 48 + (v // k) % 10
        o += 1
        k //= 10
    return o


@nb.njit(cache=True, nogil=True)
def _payload(buf: Any, dbuf: Any, sp: Any, has_at: bool, pay: Any) -> int:
    """Build ``derive_event_id``'s payload in ``pay``; its length."""
    pay[0] = 91
    pay[1] = 34
    o = _put(pay, 2, buf, sp[US], sp[UL])
    pay[o] = 34
    pay[o + 1] = 44
    pay[o + 2] = 34
    o = _put(pay, o + 3, buf, sp[NS], sp[NL])
    pay[o] = 34
    pay[o + 1] = 44
    o += 2
    if has_at:
        o = _put_int(pay, o, sp[AT])
    else:
        o = _put(pay, o, _NULL, 0, 4)
    pay[o] = 44
    o += 1
    if sp[DL] >= 0:
        pay[o] = 34
        o += 1
        for t in range(sp[DS], sp[DS] + sp[DL]):
            c = dbuf[t]
            if c == 34:
                pay[o] = 92
                o += 1
            pay[o] = c
            o += 1
        pay[o] = 34
        o += 1
    else:
        o = _put(pay, o, _NULL, 0, 4)
    pay[o] = 93
    return o + 1


@nb.njit(cache=True, nogil=True)
def id_hash(buf: Any, s: int, n: int) -> Any:
    """A 64-bit hash of ``buf[s:s + n]`` (8 bytes at a time, then a final mix)."""
    h = _U64(0x9E3779B97F4A7C15) ^ _U64(n)
    mul = _U64(0xFF51AFD7ED558CCD)
    i = 0
    while i + 8 <= n:
        w = _U64(0)
        for t in range(8):
            w |= _U64(buf[s + i + t]) << _U64(8 * t)
        h = (h ^ w) * mul
        h ^= h >> _U64(32)
        i += 8
    if i < n:
        w = _U64(0)
        for t in range(n - i):
            w |= _U64(buf[s + i + t]) << _U64(8 * t)
        h = (h ^ w) * mul
    h ^= h >> _U64(33)
    h *= _U64(0xC4CEB9FE1A85EC53)
    h ^= h >> _U64(33)
    return h


@nb.njit(cache=True, nogil=True)
def hex_id(h0: Any, h1: Any, out: Any, o: int) -> None:
    """The 32 lowercase hex digits of the MD5 whose little-endian words are h0, h1."""
    for j in range(16):
        word = h0 if j < 8 else h1
        byte = (word >> _U64(8 * (j % 8))) & _U64(0xFF)
        out[o + 2 * j] = _HEX[byte >> _U64(4)]
        out[o + 2 * j + 1] = _HEX[byte & _U64(0xF)]


@nb.njit(cache=True, nogil=True)
def _line(buf: Any, s: int, e: int, dbuf: Any, sp: Any, hs: Any, scratch: tuple[Any, ...]) -> int:
    """Scan one line ``buf[s:e]`` (without its newline): its flags (0: not taken)."""
    tail, m16, pay, mem, order, hexs = scratch
    p = _ws(buf, s, e)
    if p >= e or buf[p] != 123:
        return 0
    p = _ws(buf, p + 1, e)
    for j in range(SPANS):
        sp[j] = -1
    seen = 0
    flags = FLAG_OK
    while True:
        if p >= e or buf[p] != 34:
            return 0
        q = _string(buf, p, e)
        if q < 0:
            return 0
        k = _key_id(buf, p + 1, q - p - 1)
        if k < 0 or seen & (1 << k):
            return 0
        seen |= 1 << k
        p = _ws(buf, q + 1, e)
        if p >= e or buf[p] != 58:
            return 0
        p = _ws(buf, p + 1, e)
        if p >= e:
            return 0
        c = buf[p]
        if c == 110:  # null: absent (userId and name are then missing: the Validator says so)
            if k <= 1 or not _lit(buf, p, e, _NULL):
                return 0
            p += 4
        elif k <= 3:
            if c != 34:
                return 0
            q = _string(buf, p, e)
            if q < 0:
                return 0
            n = q - p - 1
            if k == 2:
                ok, at, naive = _parse_at(buf, p + 1, n)
                if not ok:
                    return 0
                sp[AT] = at
                flags |= FLAG_AT | (FLAG_NAIVE if naive else 0)
            else:
                if n < 1 or n > MAX_ID_CHARS:
                    return 0
                col = US if k == 0 else (NS if k == 1 else ES)
                sp[col] = p + 1
                sp[col + 1] = n
            p = q + 1
        else:
            if c != 123:
                return 0
            q, dl = _data(buf, p, e, dbuf, mem, order)
            if q < 0:
                return 0
            sp[DS] = p
            sp[DL] = dl
            p = q
        p = _ws(buf, p, e)
        if p >= e:
            return 0
        if buf[p] == 44:
            p = _ws(buf, p + 1, e)
            continue
        if buf[p] != 125:
            return 0
        break
    if _ws(buf, p + 1, e) != e or sp[UL] < 0 or sp[NL] < 0:
        return 0
    a, b, _, _ = md5_words(buf, sp[US], sp[UL], tail, m16)
    hs[UKEY] = a | (b << _U64(32))
    if sp[EL] >= 0:
        hs[IDH] = id_hash(buf, sp[ES], sp[EL])
    else:
        n = _payload(buf, dbuf, sp, flags & FLAG_AT != 0, pay)
        a, b, c2, d = md5_words(pay, 0, n, tail, m16)
        hs[H0] = a | (b << _U64(32))
        hs[H1] = c2 | (d << _U64(32))
        hex_id(hs[H0], hs[H1], hexs, 0)
        hs[IDH] = id_hash(hexs, 0, 32)
    return flags


@nb.njit(cache=True, nogil=True, parallel=True)
def scan_kernel(buf: Any, offs: Any, dbuf: Any, flags: Any, spans: Any, hashes: Any) -> None:
    """Scan every line ``buf[offs[i]:offs[i + 1]]`` (a trailing newline is dropped):
    ``flags[i]`` (0: left to the Validator), ``spans[i]`` (column offsets into ``buf``;
    data into ``dbuf``), ``hashes[i]``."""
    n = len(offs) - 1
    parts = min(n, 256)
    for part in nb.prange(parts):
        scratch = (
            np.empty(128, np.uint8),
            np.empty(16, np.uint64),
            np.empty(_PAY, np.uint8),
            np.empty((_CAP, 4), np.int64),
            np.empty(_CAP, np.int64),
            np.empty(32, np.uint8),
        )
        for i in range(part * n // parts, (part + 1) * n // parts):
            s, e = offs[i], offs[i + 1]
            if e > s and buf[e - 1] == 10:
                e -= 1
            flags[i] = _line(buf, s, e, dbuf, spans[i], hashes[i], scratch)
