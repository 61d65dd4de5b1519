"""The scanner's id hashing (numba): a 64-bit hash of any id, the same hash of a derived
id computed from its MD5 words without writing it out, and an MD5 written as 32 hex digits.
The hashes find repeated ids (``idh``); a hash hit is always checked against the ids."""

from __future__ import annotations

from typing import Any

import numpy as np

from journeylab.lake.scan_parse import jit, word

__all__ = ["event_id_hash", "hex_id", "id_hash", "md5_hash"]

_U64 = np.uint64
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8).copy()


@jit
def id_hash(buf: Any, s: int, n: int) -> Any:
    """A 64-bit hash of ``buf[s:s + n]`` (8 bytes at a time, then a final mix)."""
    h = _U64(0x9E3779B97F4A7C15) ^ _U64(n)
    mul = _U64(0xFF51AFD7ED558CCD)
    i = 0
    while i + 8 <= n:
        h = (h ^ word(buf, s + i)) * mul
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


@jit
def md5_hash(h0: Any, h1: Any) -> Any:
    """The id hash of a 32-digit lowercase hex id, from its 16 bytes (little-endian words)."""
    h = (h0 * _U64(0x9E3779B97F4A7C15)) ^ h1
    h ^= h >> _U64(33)
    h *= _U64(0xC4CEB9FE1A85EC53)
    h ^= h >> _U64(33)
    return h


@jit
def event_id_hash(buf: Any, s: int, n: int) -> Any:
    """A 64-bit hash of the event id ``buf[s:s + n]``: an id spelled like a derived one
    (32 lowercase hex digits) hashes from its bytes' value, as the scanner hashes derived
    ids without writing them out; any other id by :func:`id_hash`."""
    if n != 32:
        return id_hash(buf, s, n)
    h0 = _U64(0)
    h1 = _U64(0)
    for j in range(16):
        byte = _U64(0)
        for c in (buf[s + 2 * j], buf[s + 2 * j + 1]):
            if 48 <= c <= 57:
                v = c - 48
            elif 97 <= c <= 102:
                v = c - 87
            else:
                return id_hash(buf, s, n)
            byte = (byte << _U64(4)) | _U64(v)
        if j < 8:
            h0 |= byte << _U64(8 * j)
        else:
            h1 |= byte << _U64(8 * (j - 8))
    return md5_hash(h0, h1)


@jit
def hex_id(h0: Any, h1: Any, out: Any, o: int) -> None:
    """The 32 lowercase hex digits of the MD5 whose little-endian words are h0, h1."""
    for j in range(16):
        word = h0 if j < 8 else h1
        byte = (word >> _U64(8 * (j % 8))) & _U64(0xFF)
        out[o + 2 * j] = _HEX[byte >> _U64(4)]
        out[o + 2 * j + 1] = _HEX[byte & _U64(0xF)]
