"""MD5 with its 64 steps written out, one message at a time (generated for numba).

Written by scan_md5_gen.py (do not edit by hand). The scanner hashes user ids
(``user_key``) and derived-id payloads; :mod:`~.scan_md5_pair` hashes two at once.
Messages are padded in place first (:func:`pad`), so a message is whole 64-byte blocks.
tests/test_ingest_scan.py holds these equal to ``hashlib.md5``.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

__all__ = ["IV", "M", "block", "jit", "md5_one", "pad", "w32"]

#: numba for per-line code: compiled once (cached), without reference counting
jit: Any = nb.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]

M = np.uint64(0xFFFFFFFF)
IV = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476)


@nb.njit(cache=True, nogil=True, _nrt=False, inline="always")  # type: ignore[call-overload]
def w32(src: Any, q: Any) -> Any:
    """The little-endian 32-bit word at ``src[q:q + 4]`` (``q`` unsigned)."""
    u = np.uint64
    a = u(src[q]) | (u(src[q + u(1)]) << u(8))
    return a | (u(src[q + u(2)]) << u(16)) | (u(src[q + u(3)]) << u(24))


@jit
def block(src: Any, p: int, st: tuple[Any, Any, Any, Any]) -> tuple[Any, Any, Any, Any]:
    """One 64-byte block of ``src`` from ``p`` into the state ``st``."""
    u = np.uint64
    pu = u(p)
    m0 = w32(src, pu + u(0))
    m1 = w32(src, pu + u(4))
    m2 = w32(src, pu + u(8))
    m3 = w32(src, pu + u(12))
    m4 = w32(src, pu + u(16))
    m5 = w32(src, pu + u(20))
    m6 = w32(src, pu + u(24))
    m7 = w32(src, pu + u(28))
    m8 = w32(src, pu + u(32))
    m9 = w32(src, pu + u(36))
    m10 = w32(src, pu + u(40))
    m11 = w32(src, pu + u(44))
    m12 = w32(src, pu + u(48))
    m13 = w32(src, pu + u(52))
    m14 = w32(src, pu + u(56))
    m15 = w32(src, pu + u(60))
    a0, b0, c0, d0 = st
    a, b, c, d = st
    x = (a + ((b & c) | (~b & d)) + u(0xD76AA478) + m0) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0xE8C7B756) + m1) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0x242070DB) + m2) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0xC1BDCEEE) + m3) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    x = (a + ((b & c) | (~b & d)) + u(0xF57C0FAF) + m4) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0x4787C62A) + m5) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0xA8304613) + m6) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0xFD469501) + m7) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    x = (a + ((b & c) | (~b & d)) + u(0x698098D8) + m8) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0x8B44F7AF) + m9) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0xFFFF5BB1) + m10) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0x895CD7BE) + m11) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    x = (a + ((b & c) | (~b & d)) + u(0x6B901122) + m12) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0xFD987193) + m13) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0xA679438E) + m14) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0x49B40821) + m15) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0xF61E2562) + m1) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0xC040B340) + m6) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0x265E5A51) + m11) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0xE9B6C7AA) + m0) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0xD62F105D) + m5) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0x2441453) + m10) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0xD8A1E681) + m15) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0xE7D3FBC8) + m4) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0x21E1CDE6) + m9) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0xC33707D6) + m14) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0xF4D50D87) + m3) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0x455A14ED) + m8) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0xA9E3E905) + m13) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0xFCEFA3F8) + m2) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0x676F02D9) + m7) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0x8D2A4C8A) + m12) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0xFFFA3942) + m5) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0x8771F681) + m8) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0x6D9D6122) + m11) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0xFDE5380C) + m14) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0xA4BEEA44) + m1) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0x4BDECFA9) + m4) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0xF6BB4B60) + m7) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0xBEBFBC70) + m10) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0x289B7EC6) + m13) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0xEAA127FA) + m0) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0xD4EF3085) + m3) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0x4881D05) + m6) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0xD9D4D039) + m9) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0xE6DB99E5) + m12) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0x1FA27CF8) + m15) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0xC4AC5665) + m2) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0xF4292244) + m0) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0x432AFF97) + m7) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0xAB9423A7) + m14) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0xFC93A039) + m5) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0x655B59C3) + m12) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0x8F0CCC92) + m3) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0xFFEFF47D) + m10) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0x85845DD1) + m1) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0x6FA87E4F) + m8) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0xFE2CE6E0) + m15) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0xA3014314) + m6) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0x4E0811A1) + m13) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0xF7537E82) + m4) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0xBD3AF235) + m11) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0x2AD7D2BB) + m2) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0xEB86D391) + m9) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    return (a0 + a) & M, (b0 + b) & M, (c0 + c) & M, (d0 + d) & M


@jit
def pad(buf: Any, n: int) -> int:
    """Pad the message ``buf[:n]`` in place (``buf`` has room for 72 more bytes); the
    number of 64-byte blocks."""
    total = (n + 8) // 64 * 64 + 64
    buf[n] = 0x80
    for q in range(np.uint64(n + 1), np.uint64(total - 8)):
        buf[q] = 0
    bits = n * 8
    for q in range(8):
        buf[total - 8 + q] = (bits >> (8 * q)) & 0xFF
    return total // 64


@jit
def md5_one(buf: Any, blocks: int) -> tuple[Any, Any, Any, Any]:
    """The MD5 of a padded message: four little-endian 32-bit words (as uint64)."""
    st = (np.uint64(IV[0]), np.uint64(IV[1]), np.uint64(IV[2]), np.uint64(IV[3]))
    for k in range(blocks):
        st = block(buf, 64 * k, st)
    return st
