"""The compiled line scanner behind :mod:`journeylab.lake.scan` (numba, no per-line Python).

A line is *taken* only when its result provably equals what :class:`~.model.Validator`
gives after ``msgspec.json.decode``; any doubt leaves it to the Python path. Taken lines
are one JSON object (whitespace allowed between tokens) whose keys are wire fields, each
at most once, with ``userId`` and ``name`` strings of 1..255 characters, ``eventId`` null
or such a string, ``eventAt`` null or a timestamp and ``data`` null or a flat object as
:mod:`~.scan_parse` proves them.

Hashing: ``user_key`` is the first 8 bytes of the MD5 of ``userId`` (a small per-slice
cache keeps the keys of recent user ids); a derived id is the MD5 of the payload
``derive_event_id`` encodes, ``["<userId>","<name>",<µs or null>,"<data, \\" for each
quote>" or null]``. MD5 work is queued two messages at a time and hashed side by side
(:func:`~.scan_md5_pair.md5_pair`). ``_nrt=False`` everywhere but the entry point: no reference
counting in the per-line code.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from journeylab.lake.model import MAX_DATA_BYTES, MAX_ID_CHARS
from journeylab.lake.scan_data import CAP, data_object
from journeylab.lake.scan_ids import event_id_hash, id_hash, md5_hash
from journeylab.lake.scan_md5 import md5_one, pad
from journeylab.lake.scan_md5_pair import md5_pair
from journeylab.lake.scan_parse import (
    NULL,
    copy,
    count_lines,
    is_literal,
    jit,
    key_id,
    line_end,
    parse_at,
    skip_ws,
    string_end,
    word,
)

__all__ = [
    "FLAG_AT",
    "FLAG_NAIVE",
    "FLAG_OK",
    "FLAG_RAW_DATA",
    "SPANS",
    "count_lines",
    "new_pool",
    "scan_kernel",
]

#: per-line flags (raw data: the line's data text is canonical, ``dbuf`` was not written)
FLAG_OK, FLAG_AT, FLAG_NAIVE, FLAG_RAW_DATA = 1, 2, 4, 8
#: columns of the per-line int64 ``spans`` array
US, UL, NS, NL, ES, EL, DS, DL, AT = range(9)
SPANS = 9
#: columns of the per-line uint64 ``hashes`` array: id hash, user key, derived id (2 words)
IDH, UKEY, H0, H1 = range(4)

_PAY = 2 * MAX_DATA_BYTES + 2 * MAX_ID_CHARS + 64 + 72  # a payload, at most, and padding
_CACHE = 1 << 16  # user ids whose key a slice remembers
_CKEY = 32  # bytes of a user id the cache holds (longer ids are always hashed)
_U64 = np.uint64


@jit
def _put_int(dst: Any, o: int, v: int) -> int:
    """Write the decimal digits of ``v`` (divisions by the constant 10 only: a division by
    a variable costs tens of cycles)."""
    if v < 0:
        dst[o] = 45
        o += 1
        v = -v
    digits = 1
    t = v
    while t >= 10:
        t //= 10
        digits += 1
    for k in range(digits):
        dst[o + digits - 1 - k] = 48 + v % 10
        v //= 10
    return o + digits


@jit
def _escaped(pay: Any, o: int, src: Any, s: int, n: int) -> int:
    """Copy ``src[s:s + n]`` to ``pay[o:]`` with a backslash before each quote."""
    u = _U64(o)
    for t in range(_U64(s), _U64(s + n)):
        c = src[t]
        if c == 34:
            pay[u] = 92
            u += _U64(1)
        pay[u] = c
        u += _U64(1)
    return int(u)


@jit
def _payload(
    buf: Any, dbuf: Any, spans: Any, i: int, has_at: bool, raw_data: bool, pay: Any
) -> int:
    """Build ``derive_event_id``'s payload of line ``i`` in ``pay``; its length."""
    pay[0] = 91
    pay[1] = 34
    o = copy(pay, 2, buf, spans[i, US], spans[i, UL])
    pay[o] = 34
    pay[o + 1] = 44
    pay[o + 2] = 34
    o = copy(pay, o + 3, buf, spans[i, NS], spans[i, NL])
    pay[o] = 34
    pay[o + 1] = 44
    o += 2
    o = _put_int(pay, o, spans[i, AT]) if has_at else copy(pay, o, NULL, 0, 4)
    pay[o] = 44
    o += 1
    if spans[i, DL] >= 0:
        pay[o] = 34
        if raw_data:
            o = _escaped(pay, o + 1, buf, spans[i, DS], spans[i, DL])
        else:
            o = _escaped(pay, o + 1, dbuf, spans[i, DS], spans[i, DL])
        pay[o] = 34
        o += 1
    else:
        o = copy(pay, o, NULL, 0, 4)
    pay[o] = 93
    return o + 1


@jit
def _deliver(jobs: Any, w: int, buf: Any, st: Any, work: Any) -> None:
    """Store the MD5 ``st`` of job ``jobs[w]`` = (line, kind, blocks, length, cache slot),
    whose message is in ``buf``."""
    hashes, hexs, cache = work
    i, kind, n, slot = jobs[w, 0], jobs[w, 1], jobs[w, 3], jobs[w, 4]
    a, b, c, d = st
    if kind == 0:  # a user key; remembered in the cache: length, key, the id's words
        key = a | (b << _U64(32))
        hashes[i, UKEY] = key
        if slot >= 0:
            cache[slot, 0] = n
            cache[slot, 1] = key
            for k in range((n + 7) // 8):
                cache[slot, 2 + k] = _id_word(buf, 8 * k, n - 8 * k)
    else:  # a derived event id
        hashes[i, H0] = a | (b << _U64(32))
        hashes[i, H1] = c | (d << _U64(32))
        hashes[i, IDH] = md5_hash(hashes[i, H0], hashes[i, H1])


@jit
def _queue(jobs: Any, one: Any, two: Any, n: int, i: int, kind: int, slot: int, work: Any) -> None:
    """Queue the message of ``n`` bytes just written to the free buffer (``one`` when no
    job waits, else ``two``); with two waiting, hash both side by side and deliver."""
    w = 1 if jobs[0, 0] >= 0 else 0
    jobs[w, 0] = i
    jobs[w, 1] = kind
    jobs[w, 2] = pad(two if w else one, n)
    jobs[w, 3] = n
    jobs[w, 4] = slot
    if w == 0:
        return
    st1, st2 = md5_pair(one, jobs[0, 2], two, jobs[1, 2])
    _deliver(jobs, 0, one, st1, work)
    _deliver(jobs, 1, two, st2, work)
    jobs[0, 0] = -1


@jit
def _flush(jobs: Any, one: Any, work: Any) -> None:
    if jobs[0, 0] >= 0:
        _deliver(jobs, 0, one, md5_one(one, jobs[0, 2]), work)
        jobs[0, 0] = -1


@jit
def _id_word(buf: Any, p: int, left: int) -> Any:
    """Up to 8 bytes of an id from ``p`` (``left`` bytes remain) as a word, zero-padded."""
    if left >= 8 and p + 8 <= len(buf):
        return word(buf, p)
    w = _U64(0)
    for t in range(min(left, 8)):
        w |= _U64(buf[p + t]) << _U64(8 * t)
    return w


@jit
def _hash_line(buf: Any, dbuf: Any, spans: Any, i: int, flags: int, scratch: Any) -> None:
    """The user key (cached, or queued) and the id hash of line ``i`` (derived: queued)."""
    jobs, one, two, mem, order, work = scratch
    hashes, hexs, cache = work
    us, ul = spans[i, US], spans[i, UL]
    slot: Any = -1
    if ul <= _CKEY:
        slot = np.int64(id_hash(buf, us, ul) & _U64(_CACHE - 1))
        hit = cache[slot, 0] == ul
        if hit:
            for k in range((ul + 7) // 8):
                if cache[slot, 2 + k] != _id_word(buf, us + 8 * k, ul - 8 * k):
                    hit = False
                    break
        if hit:
            hashes[i, UKEY] = cache[slot, 1]
            slot = -2
    if slot != -2:
        dst = two if jobs[0, 0] >= 0 else one
        copy(dst, 0, buf, us, ul)
        _queue(jobs, one, two, ul, i, 0, slot, work)
    if spans[i, EL] >= 0:
        hashes[i, IDH] = event_id_hash(buf, spans[i, ES], spans[i, EL])
    else:
        dst = two if jobs[0, 0] >= 0 else one
        n = _payload(buf, dbuf, spans, i, flags & FLAG_AT != 0, flags & FLAG_RAW_DATA != 0, dst)
        _queue(jobs, one, two, n, i, 1, -1, work)


@jit
def _line(buf: Any, s: int, e: int, dbuf: Any, spans: Any, i: int, scratch: Any) -> int:
    """Scan line ``i`` = ``buf[s:e]`` (without its newline): its flags (0: not taken)."""
    jobs, one, two, mem, order, work = scratch
    p = skip_ws(buf, s, e)
    if p >= e or buf[p] != 123:
        return 0
    p = skip_ws(buf, p + 1, e)
    for j in range(SPANS):
        spans[i, j] = -1
    seen = 0
    flags = FLAG_OK
    while True:
        if p >= e or buf[p] != 34:
            return 0
        q = string_end(buf, p, e)
        if q < 0:
            return 0
        k = key_id(buf, p + 1, q - p - 1)
        if k < 0 or seen & (1 << k):
            return 0
        seen |= 1 << k
        p = skip_ws(buf, q + 1, e)
        if p >= e or buf[p] != 58:
            return 0
        p = skip_ws(buf, p + 1, e)
        if p >= e:
            return 0
        c = buf[p]
        if c == 110:  # null: absent (userId and name are then missing: the Validator says so)
            if k <= 1 or not is_literal(buf, p, e, NULL):
                return 0
            p += 4
        elif k <= 3:
            if c != 34:
                return 0
            q = string_end(buf, p, e)
            if q < 0:
                return 0
            n = q - p - 1
            if k == 2:
                ok, at, naive = parse_at(buf, p + 1, n)
                if not ok:
                    return 0
                spans[i, AT] = at
                flags |= FLAG_AT | (FLAG_NAIVE if naive else 0)
            else:
                if n < 1 or n > MAX_ID_CHARS:
                    return 0
                col = US if k == 0 else (NS if k == 1 else ES)
                spans[i, col] = p + 1
                spans[i, col + 1] = n
            p = q + 1
        else:
            if c != 123:
                return 0
            q, dl, canonical = data_object(buf, p, e, dbuf, mem, order)
            if q < 0:
                return 0
            flags |= FLAG_RAW_DATA if canonical else 0
            spans[i, DS] = p
            spans[i, DL] = dl
            p = q
        p = skip_ws(buf, p, e)
        if p >= e:
            return 0
        if buf[p] == 44:
            p = skip_ws(buf, p + 1, e)
            continue
        if buf[p] != 125:
            return 0
        break
    if skip_ws(buf, p + 1, e) != e or spans[i, UL] < 0 or spans[i, NL] < 0:
        return 0
    _hash_line(buf, dbuf, spans, i, flags, scratch)
    return flags


@nb.njit(cache=True, nogil=True, parallel=True)
def scan_kernel(buf: Any, bounds: Any, first: Any, out: Any, pool: Any, sums: Any) -> None:
    """Scan every line of ``buf`` (line i is ``buf[offs[i]:offs[i + 1]]`` with its
    newline; the last may lack one) into ``out`` = (offs, flags, spans, hashes, dbuf):
    ``flags[i]`` (0: left to the Validator), ``spans[i]`` (column offsets into ``buf``,
    data into ``dbuf``), ``hashes[i]``. The slices of :func:`count_lines` run on all
    cores, each with its scratch space in ``pool`` (kept between calls: the user key cache
    stays warm). ``sums[k + 1]``: slice k's taken lines, the bytes of their event_id,
    user_id, name and data, and the index after its last line."""
    offs, flags, spans, hashes, dbuf = out
    jobs, pays, mem, order, hexs, cache = pool
    parts = len(bounds) - 1
    offs[len(offs) - 1] = len(buf)
    for part in nb.prange(parts):
        jobs[part, 0, 0] = -1
        work = (hashes, hexs[part], cache[part])
        scratch = (jobs[part], pays[part, 0], pays[part, 1], mem[part], order[part], work)
        i = first[part]
        p, b = bounds[part], bounds[part + 1]
        taken = ids = users = names = datas = 0
        while p < b:
            e = line_end(buf, p, b)
            offs[i] = p
            f = _line(buf, p, e, dbuf, spans, i, scratch)
            flags[i] = f
            if f:
                taken += 1
                ids += spans[i, EL] if spans[i, EL] >= 0 else 32
                users += spans[i, UL]
                names += spans[i, NL]
                datas += max(spans[i, DL], 0)
            p = e + 1
            i += 1
        _flush(jobs[part], pays[part, 0], work)
        sums[part + 1, 0] = taken
        sums[part + 1, 1] = ids
        sums[part + 1, 2] = users
        sums[part + 1, 3] = names
        sums[part + 1, 4] = datas
        sums[part + 1, 5] = i  # the slice's lines end here


def new_pool(parts: int) -> tuple[np.ndarray, ...]:
    """Scratch space for ``parts`` slices (see :func:`scan_kernel`)."""
    cache = np.zeros((parts, _CACHE, 2 + _CKEY // 8), np.uint64)
    cache[:, :, 0] = _CKEY + 1  # no id has this length: empty
    return (
        np.full((parts, 2, 5), -1, np.int64),
        np.empty((parts, 2, _PAY), np.uint8),
        np.empty((parts, CAP, 4), np.int64),
        np.empty((parts, CAP), np.int64),
        np.empty((parts, 32), np.uint8),
        cache,
    )
