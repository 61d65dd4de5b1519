"""MD5 with its 64 steps written out, one message or two at once (generated for numba).

Written by scan_md5_gen.py (do not edit by hand). The scanner hashes user ids
(``user_key``) and derived-id payloads. MD5's steps form one dependency chain, so two
independent messages hashed side by side, step by step, run almost as fast as one.
Messages are padded in place first (:func:`pad`), so a message is whole 64-byte blocks.
tests/test_ingest_scan.py holds these equal to ``hashlib.md5``.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

__all__ = ["jit", "md5_one", "md5_pair", "pad"]

#: numba for per-line code: compiled once (cached), without reference counting
jit: Any = nb.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]

_M = np.uint64(0xFFFFFFFF)
_IV = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476)


@jit
def _block(src: Any, p: int, st: tuple[Any, Any, Any, Any]) -> tuple[Any, Any, Any, Any]:
    """One 64-byte block of ``src`` from ``p`` into the state ``st``."""
    u = np.uint64
    pu = u(p)
    m0 = (
        u(src[pu + u(0)])
        | (u(src[pu + u(1)]) << u(8))
        | (u(src[pu + u(2)]) << u(16))
        | (u(src[pu + u(3)]) << u(24))
    )
    m1 = (
        u(src[pu + u(4)])
        | (u(src[pu + u(5)]) << u(8))
        | (u(src[pu + u(6)]) << u(16))
        | (u(src[pu + u(7)]) << u(24))
    )
    m2 = (
        u(src[pu + u(8)])
        | (u(src[pu + u(9)]) << u(8))
        | (u(src[pu + u(10)]) << u(16))
        | (u(src[pu + u(11)]) << u(24))
    )
    m3 = (
        u(src[pu + u(12)])
        | (u(src[pu + u(13)]) << u(8))
        | (u(src[pu + u(14)]) << u(16))
        | (u(src[pu + u(15)]) << u(24))
    )
    m4 = (
        u(src[pu + u(16)])
        | (u(src[pu + u(17)]) << u(8))
        | (u(src[pu + u(18)]) << u(16))
        | (u(src[pu + u(19)]) << u(24))
    )
    m5 = (
        u(src[pu + u(20)])
        | (u(src[pu + u(21)]) << u(8))
        | (u(src[pu + u(22)]) << u(16))
        | (u(src[pu + u(23)]) << u(24))
    )
    m6 = (
        u(src[pu + u(24)])
        | (u(src[pu + u(25)]) << u(8))
        | (u(src[pu + u(26)]) << u(16))
        | (u(src[pu + u(27)]) << u(24))
    )
    m7 = (
        u(src[pu + u(28)])
        | (u(src[pu + u(29)]) << u(8))
        | (u(src[pu + u(30)]) << u(16))
        | (u(src[pu + u(31)]) << u(24))
    )
    m8 = (
        u(src[pu + u(32)])
        | (u(src[pu + u(33)]) << u(8))
        | (u(src[pu + u(34)]) << u(16))
        | (u(src[pu + u(35)]) << u(24))
    )
    m9 = (
        u(src[pu + u(36)])
        | (u(src[pu + u(37)]) << u(8))
        | (u(src[pu + u(38)]) << u(16))
        | (u(src[pu + u(39)]) << u(24))
    )
    m10 = (
        u(src[pu + u(40)])
        | (u(src[pu + u(41)]) << u(8))
        | (u(src[pu + u(42)]) << u(16))
        | (u(src[pu + u(43)]) << u(24))
    )
    m11 = (
        u(src[pu + u(44)])
        | (u(src[pu + u(45)]) << u(8))
        | (u(src[pu + u(46)]) << u(16))
        | (u(src[pu + u(47)]) << u(24))
    )
    m12 = (
        u(src[pu + u(48)])
        | (u(src[pu + u(49)]) << u(8))
        | (u(src[pu + u(50)]) << u(16))
        | (u(src[pu + u(51)]) << u(24))
    )
    m13 = (
        u(src[pu + u(52)])
        | (u(src[pu + u(53)]) << u(8))
        | (u(src[pu + u(54)]) << u(16))
        | (u(src[pu + u(55)]) << u(24))
    )
    m14 = (
        u(src[pu + u(56)])
        | (u(src[pu + u(57)]) << u(8))
        | (u(src[pu + u(58)]) << u(16))
        | (u(src[pu + u(59)]) << u(24))
    )
    m15 = (
        u(src[pu + u(60)])
        | (u(src[pu + u(61)]) << u(8))
        | (u(src[pu + u(62)]) << u(16))
        | (u(src[pu + u(63)]) << u(24))
    )
    a0, b0, c0, d0 = st
    a, b, c, d = st
    x = (a + ((b & c) | (~b & d)) + u(0xD76AA478) + m0) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0xE8C7B756) + m1) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0x242070DB) + m2) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0xC1BDCEEE) + m3) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    x = (a + ((b & c) | (~b & d)) + u(0xF57C0FAF) + m4) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0x4787C62A) + m5) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0xA8304613) + m6) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0xFD469501) + m7) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    x = (a + ((b & c) | (~b & d)) + u(0x698098D8) + m8) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0x8B44F7AF) + m9) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0xFFFF5BB1) + m10) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0x895CD7BE) + m11) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    x = (a + ((b & c) | (~b & d)) + u(0x6B901122) + m12) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0xFD987193) + m13) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0xA679438E) + m14) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0x49B40821) + m15) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0xF61E2562) + m1) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0xC040B340) + m6) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0x265E5A51) + m11) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0xE9B6C7AA) + m0) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0xD62F105D) + m5) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0x2441453) + m10) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0xD8A1E681) + m15) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0xE7D3FBC8) + m4) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0x21E1CDE6) + m9) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0xC33707D6) + m14) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0xF4D50D87) + m3) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0x455A14ED) + m8) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0xA9E3E905) + m13) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0xFCEFA3F8) + m2) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0x676F02D9) + m7) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0x8D2A4C8A) + m12) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0xFFFA3942) + m5) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0x8771F681) + m8) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0x6D9D6122) + m11) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0xFDE5380C) + m14) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0xA4BEEA44) + m1) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0x4BDECFA9) + m4) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0xF6BB4B60) + m7) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0xBEBFBC70) + m10) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0x289B7EC6) + m13) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0xEAA127FA) + m0) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0xD4EF3085) + m3) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0x4881D05) + m6) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0xD9D4D039) + m9) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0xE6DB99E5) + m12) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0x1FA27CF8) + m15) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0xC4AC5665) + m2) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0xF4292244) + m0) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0x432AFF97) + m7) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0xAB9423A7) + m14) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0xFC93A039) + m5) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0x655B59C3) + m12) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0x8F0CCC92) + m3) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0xFFEFF47D) + m10) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0x85845DD1) + m1) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0x6FA87E4F) + m8) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0xFE2CE6E0) + m15) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0xA3014314) + m6) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0x4E0811A1) + m13) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0xF7537E82) + m4) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0xBD3AF235) + m11) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0x2AD7D2BB) + m2) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0xEB86D391) + m9) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    return (a0 + a) & _M, (b0 + b) & _M, (c0 + c) & _M, (d0 + d) & _M


@jit
def _block2(
    s1: Any,
    p1: int,
    st1: tuple[Any, Any, Any, Any],
    s2: Any,
    p2: int,
    st2: tuple[Any, Any, Any, Any],
) -> tuple[tuple[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]:
    """A block of each of two messages, their steps interleaved."""
    u = np.uint64
    p1u = u(p1)
    m0 = (
        u(s1[p1u + u(0)])
        | (u(s1[p1u + u(1)]) << u(8))
        | (u(s1[p1u + u(2)]) << u(16))
        | (u(s1[p1u + u(3)]) << u(24))
    )
    m1 = (
        u(s1[p1u + u(4)])
        | (u(s1[p1u + u(5)]) << u(8))
        | (u(s1[p1u + u(6)]) << u(16))
        | (u(s1[p1u + u(7)]) << u(24))
    )
    m2 = (
        u(s1[p1u + u(8)])
        | (u(s1[p1u + u(9)]) << u(8))
        | (u(s1[p1u + u(10)]) << u(16))
        | (u(s1[p1u + u(11)]) << u(24))
    )
    m3 = (
        u(s1[p1u + u(12)])
        | (u(s1[p1u + u(13)]) << u(8))
        | (u(s1[p1u + u(14)]) << u(16))
        | (u(s1[p1u + u(15)]) << u(24))
    )
    m4 = (
        u(s1[p1u + u(16)])
        | (u(s1[p1u + u(17)]) << u(8))
        | (u(s1[p1u + u(18)]) << u(16))
        | (u(s1[p1u + u(19)]) << u(24))
    )
    m5 = (
        u(s1[p1u + u(20)])
        | (u(s1[p1u + u(21)]) << u(8))
        | (u(s1[p1u + u(22)]) << u(16))
        | (u(s1[p1u + u(23)]) << u(24))
    )
    m6 = (
        u(s1[p1u + u(24)])
        | (u(s1[p1u + u(25)]) << u(8))
        | (u(s1[p1u + u(26)]) << u(16))
        | (u(s1[p1u + u(27)]) << u(24))
    )
    m7 = (
        u(s1[p1u + u(28)])
        | (u(s1[p1u + u(29)]) << u(8))
        | (u(s1[p1u + u(30)]) << u(16))
        | (u(s1[p1u + u(31)]) << u(24))
    )
    m8 = (
        u(s1[p1u + u(32)])
        | (u(s1[p1u + u(33)]) << u(8))
        | (u(s1[p1u + u(34)]) << u(16))
        | (u(s1[p1u + u(35)]) << u(24))
    )
    m9 = (
        u(s1[p1u + u(36)])
        | (u(s1[p1u + u(37)]) << u(8))
        | (u(s1[p1u + u(38)]) << u(16))
        | (u(s1[p1u + u(39)]) << u(24))
    )
    m10 = (
        u(s1[p1u + u(40)])
        | (u(s1[p1u + u(41)]) << u(8))
        | (u(s1[p1u + u(42)]) << u(16))
        | (u(s1[p1u + u(43)]) << u(24))
    )
    m11 = (
        u(s1[p1u + u(44)])
        | (u(s1[p1u + u(45)]) << u(8))
        | (u(s1[p1u + u(46)]) << u(16))
        | (u(s1[p1u + u(47)]) << u(24))
    )
    m12 = (
        u(s1[p1u + u(48)])
        | (u(s1[p1u + u(49)]) << u(8))
        | (u(s1[p1u + u(50)]) << u(16))
        | (u(s1[p1u + u(51)]) << u(24))
    )
    m13 = (
        u(s1[p1u + u(52)])
        | (u(s1[p1u + u(53)]) << u(8))
        | (u(s1[p1u + u(54)]) << u(16))
        | (u(s1[p1u + u(55)]) << u(24))
    )
    m14 = (
        u(s1[p1u + u(56)])
        | (u(s1[p1u + u(57)]) << u(8))
        | (u(s1[p1u + u(58)]) << u(16))
        | (u(s1[p1u + u(59)]) << u(24))
    )
    m15 = (
        u(s1[p1u + u(60)])
        | (u(s1[p1u + u(61)]) << u(8))
        | (u(s1[p1u + u(62)]) << u(16))
        | (u(s1[p1u + u(63)]) << u(24))
    )
    p2u = u(p2)
    n0 = (
        u(s2[p2u + u(0)])
        | (u(s2[p2u + u(1)]) << u(8))
        | (u(s2[p2u + u(2)]) << u(16))
        | (u(s2[p2u + u(3)]) << u(24))
    )
    n1 = (
        u(s2[p2u + u(4)])
        | (u(s2[p2u + u(5)]) << u(8))
        | (u(s2[p2u + u(6)]) << u(16))
        | (u(s2[p2u + u(7)]) << u(24))
    )
    n2 = (
        u(s2[p2u + u(8)])
        | (u(s2[p2u + u(9)]) << u(8))
        | (u(s2[p2u + u(10)]) << u(16))
        | (u(s2[p2u + u(11)]) << u(24))
    )
    n3 = (
        u(s2[p2u + u(12)])
        | (u(s2[p2u + u(13)]) << u(8))
        | (u(s2[p2u + u(14)]) << u(16))
        | (u(s2[p2u + u(15)]) << u(24))
    )
    n4 = (
        u(s2[p2u + u(16)])
        | (u(s2[p2u + u(17)]) << u(8))
        | (u(s2[p2u + u(18)]) << u(16))
        | (u(s2[p2u + u(19)]) << u(24))
    )
    n5 = (
        u(s2[p2u + u(20)])
        | (u(s2[p2u + u(21)]) << u(8))
        | (u(s2[p2u + u(22)]) << u(16))
        | (u(s2[p2u + u(23)]) << u(24))
    )
    n6 = (
        u(s2[p2u + u(24)])
        | (u(s2[p2u + u(25)]) << u(8))
        | (u(s2[p2u + u(26)]) << u(16))
        | (u(s2[p2u + u(27)]) << u(24))
    )
    n7 = (
        u(s2[p2u + u(28)])
        | (u(s2[p2u + u(29)]) << u(8))
        | (u(s2[p2u + u(30)]) << u(16))
        | (u(s2[p2u + u(31)]) << u(24))
    )
    n8 = (
        u(s2[p2u + u(32)])
        | (u(s2[p2u + u(33)]) << u(8))
        | (u(s2[p2u + u(34)]) << u(16))
        | (u(s2[p2u + u(35)]) << u(24))
    )
    n9 = (
        u(s2[p2u + u(36)])
        | (u(s2[p2u + u(37)]) << u(8))
        | (u(s2[p2u + u(38)]) << u(16))
        | (u(s2[p2u + u(39)]) << u(24))
    )
    n10 = (
        u(s2[p2u + u(40)])
        | (u(s2[p2u + u(41)]) << u(8))
        | (u(s2[p2u + u(42)]) << u(16))
        | (u(s2[p2u + u(43)]) << u(24))
    )
    n11 = (
        u(s2[p2u + u(44)])
        | (u(s2[p2u + u(45)]) << u(8))
        | (u(s2[p2u + u(46)]) << u(16))
        | (u(s2[p2u + u(47)]) << u(24))
    )
    n12 = (
        u(s2[p2u + u(48)])
        | (u(s2[p2u + u(49)]) << u(8))
        | (u(s2[p2u + u(50)]) << u(16))
        | (u(s2[p2u + u(51)]) << u(24))
    )
    n13 = (
        u(s2[p2u + u(52)])
        | (u(s2[p2u + u(53)]) << u(8))
        | (u(s2[p2u + u(54)]) << u(16))
        | (u(s2[p2u + u(55)]) << u(24))
    )
    n14 = (
        u(s2[p2u + u(56)])
        | (u(s2[p2u + u(57)]) << u(8))
        | (u(s2[p2u + u(58)]) << u(16))
        | (u(s2[p2u + u(59)]) << u(24))
    )
    n15 = (
        u(s2[p2u + u(60)])
        | (u(s2[p2u + u(61)]) << u(8))
        | (u(s2[p2u + u(62)]) << u(16))
        | (u(s2[p2u + u(63)]) << u(24))
    )
    a, b, c, d = st1
    e, f, g, h = st2
    x = (a + ((b & c) | (~b & d)) + u(0xD76AA478) + m0) & _M
    yx = (e + ((f & g) | (~f & h)) + u(0xD76AA478) + n0) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0xE8C7B756) + m1) & _M
    yx = (h + ((e & f) | (~e & g)) + u(0xE8C7B756) + n1) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0x242070DB) + m2) & _M
    yx = (g + ((h & e) | (~h & f)) + u(0x242070DB) + n2) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0xC1BDCEEE) + m3) & _M
    yx = (f + ((g & h) | (~g & e)) + u(0xC1BDCEEE) + n3) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & _M)) & _M
    x = (a + ((b & c) | (~b & d)) + u(0xF57C0FAF) + m4) & _M
    yx = (e + ((f & g) | (~f & h)) + u(0xF57C0FAF) + n4) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0x4787C62A) + m5) & _M
    yx = (h + ((e & f) | (~e & g)) + u(0x4787C62A) + n5) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0xA8304613) + m6) & _M
    yx = (g + ((h & e) | (~h & f)) + u(0xA8304613) + n6) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0xFD469501) + m7) & _M
    yx = (f + ((g & h) | (~g & e)) + u(0xFD469501) + n7) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & _M)) & _M
    x = (a + ((b & c) | (~b & d)) + u(0x698098D8) + m8) & _M
    yx = (e + ((f & g) | (~f & h)) + u(0x698098D8) + n8) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0x8B44F7AF) + m9) & _M
    yx = (h + ((e & f) | (~e & g)) + u(0x8B44F7AF) + n9) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0xFFFF5BB1) + m10) & _M
    yx = (g + ((h & e) | (~h & f)) + u(0xFFFF5BB1) + n10) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0x895CD7BE) + m11) & _M
    yx = (f + ((g & h) | (~g & e)) + u(0x895CD7BE) + n11) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & _M)) & _M
    x = (a + ((b & c) | (~b & d)) + u(0x6B901122) + m12) & _M
    yx = (e + ((f & g) | (~f & h)) + u(0x6B901122) + n12) & _M
    a = (b + (((x << u(7)) | (x >> u(25))) & _M)) & _M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & _M)) & _M
    x = (d + ((a & b) | (~a & c)) + u(0xFD987193) + m13) & _M
    yx = (h + ((e & f) | (~e & g)) + u(0xFD987193) + n13) & _M
    d = (a + (((x << u(12)) | (x >> u(20))) & _M)) & _M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & _M)) & _M
    x = (c + ((d & a) | (~d & b)) + u(0xA679438E) + m14) & _M
    yx = (g + ((h & e) | (~h & f)) + u(0xA679438E) + n14) & _M
    c = (d + (((x << u(17)) | (x >> u(15))) & _M)) & _M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & _M)) & _M
    x = (b + ((c & d) | (~c & a)) + u(0x49B40821) + m15) & _M
    yx = (f + ((g & h) | (~g & e)) + u(0x49B40821) + n15) & _M
    b = (c + (((x << u(22)) | (x >> u(10))) & _M)) & _M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0xF61E2562) + m1) & _M
    yx = (e + ((h & f) | (~h & g)) + u(0xF61E2562) + n1) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0xC040B340) + m6) & _M
    yx = (h + ((g & e) | (~g & f)) + u(0xC040B340) + n6) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0x265E5A51) + m11) & _M
    yx = (g + ((f & h) | (~f & e)) + u(0x265E5A51) + n11) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0xE9B6C7AA) + m0) & _M
    yx = (f + ((e & g) | (~e & h)) + u(0xE9B6C7AA) + n0) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0xD62F105D) + m5) & _M
    yx = (e + ((h & f) | (~h & g)) + u(0xD62F105D) + n5) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0x2441453) + m10) & _M
    yx = (h + ((g & e) | (~g & f)) + u(0x2441453) + n10) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0xD8A1E681) + m15) & _M
    yx = (g + ((f & h) | (~f & e)) + u(0xD8A1E681) + n15) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0xE7D3FBC8) + m4) & _M
    yx = (f + ((e & g) | (~e & h)) + u(0xE7D3FBC8) + n4) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0x21E1CDE6) + m9) & _M
    yx = (e + ((h & f) | (~h & g)) + u(0x21E1CDE6) + n9) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0xC33707D6) + m14) & _M
    yx = (h + ((g & e) | (~g & f)) + u(0xC33707D6) + n14) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0xF4D50D87) + m3) & _M
    yx = (g + ((f & h) | (~f & e)) + u(0xF4D50D87) + n3) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0x455A14ED) + m8) & _M
    yx = (f + ((e & g) | (~e & h)) + u(0x455A14ED) + n8) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & _M)) & _M
    x = (a + ((d & b) | (~d & c)) + u(0xA9E3E905) + m13) & _M
    yx = (e + ((h & f) | (~h & g)) + u(0xA9E3E905) + n13) & _M
    a = (b + (((x << u(5)) | (x >> u(27))) & _M)) & _M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & _M)) & _M
    x = (d + ((c & a) | (~c & b)) + u(0xFCEFA3F8) + m2) & _M
    yx = (h + ((g & e) | (~g & f)) + u(0xFCEFA3F8) + n2) & _M
    d = (a + (((x << u(9)) | (x >> u(23))) & _M)) & _M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & _M)) & _M
    x = (c + ((b & d) | (~b & a)) + u(0x676F02D9) + m7) & _M
    yx = (g + ((f & h) | (~f & e)) + u(0x676F02D9) + n7) & _M
    c = (d + (((x << u(14)) | (x >> u(18))) & _M)) & _M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & _M)) & _M
    x = (b + ((a & c) | (~a & d)) + u(0x8D2A4C8A) + m12) & _M
    yx = (f + ((e & g) | (~e & h)) + u(0x8D2A4C8A) + n12) & _M
    b = (c + (((x << u(20)) | (x >> u(12))) & _M)) & _M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0xFFFA3942) + m5) & _M
    yx = (e + (f ^ g ^ h) + u(0xFFFA3942) + n5) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0x8771F681) + m8) & _M
    yx = (h + (e ^ f ^ g) + u(0x8771F681) + n8) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0x6D9D6122) + m11) & _M
    yx = (g + (h ^ e ^ f) + u(0x6D9D6122) + n11) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0xFDE5380C) + m14) & _M
    yx = (f + (g ^ h ^ e) + u(0xFDE5380C) + n14) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0xA4BEEA44) + m1) & _M
    yx = (e + (f ^ g ^ h) + u(0xA4BEEA44) + n1) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0x4BDECFA9) + m4) & _M
    yx = (h + (e ^ f ^ g) + u(0x4BDECFA9) + n4) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0xF6BB4B60) + m7) & _M
    yx = (g + (h ^ e ^ f) + u(0xF6BB4B60) + n7) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0xBEBFBC70) + m10) & _M
    yx = (f + (g ^ h ^ e) + u(0xBEBFBC70) + n10) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0x289B7EC6) + m13) & _M
    yx = (e + (f ^ g ^ h) + u(0x289B7EC6) + n13) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0xEAA127FA) + m0) & _M
    yx = (h + (e ^ f ^ g) + u(0xEAA127FA) + n0) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0xD4EF3085) + m3) & _M
    yx = (g + (h ^ e ^ f) + u(0xD4EF3085) + n3) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0x4881D05) + m6) & _M
    yx = (f + (g ^ h ^ e) + u(0x4881D05) + n6) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & _M)) & _M
    x = (a + (b ^ c ^ d) + u(0xD9D4D039) + m9) & _M
    yx = (e + (f ^ g ^ h) + u(0xD9D4D039) + n9) & _M
    a = (b + (((x << u(4)) | (x >> u(28))) & _M)) & _M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & _M)) & _M
    x = (d + (a ^ b ^ c) + u(0xE6DB99E5) + m12) & _M
    yx = (h + (e ^ f ^ g) + u(0xE6DB99E5) + n12) & _M
    d = (a + (((x << u(11)) | (x >> u(21))) & _M)) & _M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & _M)) & _M
    x = (c + (d ^ a ^ b) + u(0x1FA27CF8) + m15) & _M
    yx = (g + (h ^ e ^ f) + u(0x1FA27CF8) + n15) & _M
    c = (d + (((x << u(16)) | (x >> u(16))) & _M)) & _M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & _M)) & _M
    x = (b + (c ^ d ^ a) + u(0xC4AC5665) + m2) & _M
    yx = (f + (g ^ h ^ e) + u(0xC4AC5665) + n2) & _M
    b = (c + (((x << u(23)) | (x >> u(9))) & _M)) & _M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0xF4292244) + m0) & _M
    yx = (e + (g ^ (f | ~h)) + u(0xF4292244) + n0) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0x432AFF97) + m7) & _M
    yx = (h + (f ^ (e | ~g)) + u(0x432AFF97) + n7) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0xAB9423A7) + m14) & _M
    yx = (g + (e ^ (h | ~f)) + u(0xAB9423A7) + n14) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0xFC93A039) + m5) & _M
    yx = (f + (h ^ (g | ~e)) + u(0xFC93A039) + n5) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0x655B59C3) + m12) & _M
    yx = (e + (g ^ (f | ~h)) + u(0x655B59C3) + n12) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0x8F0CCC92) + m3) & _M
    yx = (h + (f ^ (e | ~g)) + u(0x8F0CCC92) + n3) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0xFFEFF47D) + m10) & _M
    yx = (g + (e ^ (h | ~f)) + u(0xFFEFF47D) + n10) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0x85845DD1) + m1) & _M
    yx = (f + (h ^ (g | ~e)) + u(0x85845DD1) + n1) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0x6FA87E4F) + m8) & _M
    yx = (e + (g ^ (f | ~h)) + u(0x6FA87E4F) + n8) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0xFE2CE6E0) + m15) & _M
    yx = (h + (f ^ (e | ~g)) + u(0xFE2CE6E0) + n15) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0xA3014314) + m6) & _M
    yx = (g + (e ^ (h | ~f)) + u(0xA3014314) + n6) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0x4E0811A1) + m13) & _M
    yx = (f + (h ^ (g | ~e)) + u(0x4E0811A1) + n13) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & _M)) & _M
    x = (a + (c ^ (b | ~d)) + u(0xF7537E82) + m4) & _M
    yx = (e + (g ^ (f | ~h)) + u(0xF7537E82) + n4) & _M
    a = (b + (((x << u(6)) | (x >> u(26))) & _M)) & _M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & _M)) & _M
    x = (d + (b ^ (a | ~c)) + u(0xBD3AF235) + m11) & _M
    yx = (h + (f ^ (e | ~g)) + u(0xBD3AF235) + n11) & _M
    d = (a + (((x << u(10)) | (x >> u(22))) & _M)) & _M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & _M)) & _M
    x = (c + (a ^ (d | ~b)) + u(0x2AD7D2BB) + m2) & _M
    yx = (g + (e ^ (h | ~f)) + u(0x2AD7D2BB) + n2) & _M
    c = (d + (((x << u(15)) | (x >> u(17))) & _M)) & _M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & _M)) & _M
    x = (b + (d ^ (c | ~a)) + u(0xEB86D391) + m9) & _M
    yx = (f + (h ^ (g | ~e)) + u(0xEB86D391) + n9) & _M
    b = (c + (((x << u(21)) | (x >> u(11))) & _M)) & _M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & _M)) & _M
    a0, b0, c0, d0 = st1
    e0, f0, g0, h0 = st2
    return (
        ((a0 + a) & _M, (b0 + b) & _M, (c0 + c) & _M, (d0 + d) & _M),
        ((e0 + e) & _M, (f0 + f) & _M, (g0 + g) & _M, (h0 + h) & _M),
    )


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
    st = (np.uint64(_IV[0]), np.uint64(_IV[1]), np.uint64(_IV[2]), np.uint64(_IV[3]))
    for k in range(blocks):
        st = _block(buf, 64 * k, st)
    return st


@jit
def md5_pair(
    b1: Any, n1: int, b2: Any, n2: int
) -> tuple[tuple[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]:
    """The MD5s of two padded messages of ``n1`` and ``n2`` blocks, hashed side by side."""
    st1 = (np.uint64(_IV[0]), np.uint64(_IV[1]), np.uint64(_IV[2]), np.uint64(_IV[3]))
    st2 = st1
    both = min(n1, n2)
    for k in range(both):
        st1, st2 = _block2(b1, 64 * k, st1, b2, 64 * k, st2)
    for k in range(both, n1):
        st1 = _block(b1, 64 * k, st1)
    for k in range(both, n2):
        st2 = _block(b2, 64 * k, st2)
    return st1, st2
