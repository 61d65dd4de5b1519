"""MD5 of two messages side by side, steps interleaved (generated for numba).

Written by scan_md5_gen.py (do not edit by hand). MD5's steps form one dependency
chain, so two independent messages hashed step by step together run almost as fast as
one (:mod:`~.scan_md5` hashes one). tests/test_ingest_scan.py holds them equal to
``hashlib.md5``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from journeylab.lake.scan_md5 import IV, M, block, jit, w32

__all__ = ["md5_pair"]


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
    m0 = w32(s1, p1u + u(0))
    m1 = w32(s1, p1u + u(4))
    m2 = w32(s1, p1u + u(8))
    m3 = w32(s1, p1u + u(12))
    m4 = w32(s1, p1u + u(16))
    m5 = w32(s1, p1u + u(20))
    m6 = w32(s1, p1u + u(24))
    m7 = w32(s1, p1u + u(28))
    m8 = w32(s1, p1u + u(32))
    m9 = w32(s1, p1u + u(36))
    m10 = w32(s1, p1u + u(40))
    m11 = w32(s1, p1u + u(44))
    m12 = w32(s1, p1u + u(48))
    m13 = w32(s1, p1u + u(52))
    m14 = w32(s1, p1u + u(56))
    m15 = w32(s1, p1u + u(60))
    p2u = u(p2)
    n0 = w32(s2, p2u + u(0))
    n1 = w32(s2, p2u + u(4))
    n2 = w32(s2, p2u + u(8))
    n3 = w32(s2, p2u + u(12))
    n4 = w32(s2, p2u + u(16))
    n5 = w32(s2, p2u + u(20))
    n6 = w32(s2, p2u + u(24))
    n7 = w32(s2, p2u + u(28))
    n8 = w32(s2, p2u + u(32))
    n9 = w32(s2, p2u + u(36))
    n10 = w32(s2, p2u + u(40))
    n11 = w32(s2, p2u + u(44))
    n12 = w32(s2, p2u + u(48))
    n13 = w32(s2, p2u + u(52))
    n14 = w32(s2, p2u + u(56))
    n15 = w32(s2, p2u + u(60))
    a, b, c, d = st1
    e, f, g, h = st2
    x = (a + ((b & c) | (~b & d)) + u(0xD76AA478) + m0) & M
    yx = (e + ((f & g) | (~f & h)) + u(0xD76AA478) + n0) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0xE8C7B756) + m1) & M
    yx = (h + ((e & f) | (~e & g)) + u(0xE8C7B756) + n1) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0x242070DB) + m2) & M
    yx = (g + ((h & e) | (~h & f)) + u(0x242070DB) + n2) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0xC1BDCEEE) + m3) & M
    yx = (f + ((g & h) | (~g & e)) + u(0xC1BDCEEE) + n3) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & M)) & M
    x = (a + ((b & c) | (~b & d)) + u(0xF57C0FAF) + m4) & M
    yx = (e + ((f & g) | (~f & h)) + u(0xF57C0FAF) + n4) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0x4787C62A) + m5) & M
    yx = (h + ((e & f) | (~e & g)) + u(0x4787C62A) + n5) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0xA8304613) + m6) & M
    yx = (g + ((h & e) | (~h & f)) + u(0xA8304613) + n6) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0xFD469501) + m7) & M
    yx = (f + ((g & h) | (~g & e)) + u(0xFD469501) + n7) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & M)) & M
    x = (a + ((b & c) | (~b & d)) + u(0x698098D8) + m8) & M
    yx = (e + ((f & g) | (~f & h)) + u(0x698098D8) + n8) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0x8B44F7AF) + m9) & M
    yx = (h + ((e & f) | (~e & g)) + u(0x8B44F7AF) + n9) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0xFFFF5BB1) + m10) & M
    yx = (g + ((h & e) | (~h & f)) + u(0xFFFF5BB1) + n10) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0x895CD7BE) + m11) & M
    yx = (f + ((g & h) | (~g & e)) + u(0x895CD7BE) + n11) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & M)) & M
    x = (a + ((b & c) | (~b & d)) + u(0x6B901122) + m12) & M
    yx = (e + ((f & g) | (~f & h)) + u(0x6B901122) + n12) & M
    a = (b + (((x << u(7)) | (x >> u(25))) & M)) & M
    e = (f + (((yx << u(7)) | (yx >> u(25))) & M)) & M
    x = (d + ((a & b) | (~a & c)) + u(0xFD987193) + m13) & M
    yx = (h + ((e & f) | (~e & g)) + u(0xFD987193) + n13) & M
    d = (a + (((x << u(12)) | (x >> u(20))) & M)) & M
    h = (e + (((yx << u(12)) | (yx >> u(20))) & M)) & M
    x = (c + ((d & a) | (~d & b)) + u(0xA679438E) + m14) & M
    yx = (g + ((h & e) | (~h & f)) + u(0xA679438E) + n14) & M
    c = (d + (((x << u(17)) | (x >> u(15))) & M)) & M
    g = (h + (((yx << u(17)) | (yx >> u(15))) & M)) & M
    x = (b + ((c & d) | (~c & a)) + u(0x49B40821) + m15) & M
    yx = (f + ((g & h) | (~g & e)) + u(0x49B40821) + n15) & M
    b = (c + (((x << u(22)) | (x >> u(10))) & M)) & M
    f = (g + (((yx << u(22)) | (yx >> u(10))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0xF61E2562) + m1) & M
    yx = (e + ((h & f) | (~h & g)) + u(0xF61E2562) + n1) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0xC040B340) + m6) & M
    yx = (h + ((g & e) | (~g & f)) + u(0xC040B340) + n6) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0x265E5A51) + m11) & M
    yx = (g + ((f & h) | (~f & e)) + u(0x265E5A51) + n11) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0xE9B6C7AA) + m0) & M
    yx = (f + ((e & g) | (~e & h)) + u(0xE9B6C7AA) + n0) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0xD62F105D) + m5) & M
    yx = (e + ((h & f) | (~h & g)) + u(0xD62F105D) + n5) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0x2441453) + m10) & M
    yx = (h + ((g & e) | (~g & f)) + u(0x2441453) + n10) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0xD8A1E681) + m15) & M
    yx = (g + ((f & h) | (~f & e)) + u(0xD8A1E681) + n15) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0xE7D3FBC8) + m4) & M
    yx = (f + ((e & g) | (~e & h)) + u(0xE7D3FBC8) + n4) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0x21E1CDE6) + m9) & M
    yx = (e + ((h & f) | (~h & g)) + u(0x21E1CDE6) + n9) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0xC33707D6) + m14) & M
    yx = (h + ((g & e) | (~g & f)) + u(0xC33707D6) + n14) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0xF4D50D87) + m3) & M
    yx = (g + ((f & h) | (~f & e)) + u(0xF4D50D87) + n3) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0x455A14ED) + m8) & M
    yx = (f + ((e & g) | (~e & h)) + u(0x455A14ED) + n8) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & M)) & M
    x = (a + ((d & b) | (~d & c)) + u(0xA9E3E905) + m13) & M
    yx = (e + ((h & f) | (~h & g)) + u(0xA9E3E905) + n13) & M
    a = (b + (((x << u(5)) | (x >> u(27))) & M)) & M
    e = (f + (((yx << u(5)) | (yx >> u(27))) & M)) & M
    x = (d + ((c & a) | (~c & b)) + u(0xFCEFA3F8) + m2) & M
    yx = (h + ((g & e) | (~g & f)) + u(0xFCEFA3F8) + n2) & M
    d = (a + (((x << u(9)) | (x >> u(23))) & M)) & M
    h = (e + (((yx << u(9)) | (yx >> u(23))) & M)) & M
    x = (c + ((b & d) | (~b & a)) + u(0x676F02D9) + m7) & M
    yx = (g + ((f & h) | (~f & e)) + u(0x676F02D9) + n7) & M
    c = (d + (((x << u(14)) | (x >> u(18))) & M)) & M
    g = (h + (((yx << u(14)) | (yx >> u(18))) & M)) & M
    x = (b + ((a & c) | (~a & d)) + u(0x8D2A4C8A) + m12) & M
    yx = (f + ((e & g) | (~e & h)) + u(0x8D2A4C8A) + n12) & M
    b = (c + (((x << u(20)) | (x >> u(12))) & M)) & M
    f = (g + (((yx << u(20)) | (yx >> u(12))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0xFFFA3942) + m5) & M
    yx = (e + (f ^ g ^ h) + u(0xFFFA3942) + n5) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0x8771F681) + m8) & M
    yx = (h + (e ^ f ^ g) + u(0x8771F681) + n8) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0x6D9D6122) + m11) & M
    yx = (g + (h ^ e ^ f) + u(0x6D9D6122) + n11) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0xFDE5380C) + m14) & M
    yx = (f + (g ^ h ^ e) + u(0xFDE5380C) + n14) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0xA4BEEA44) + m1) & M
    yx = (e + (f ^ g ^ h) + u(0xA4BEEA44) + n1) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0x4BDECFA9) + m4) & M
    yx = (h + (e ^ f ^ g) + u(0x4BDECFA9) + n4) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0xF6BB4B60) + m7) & M
    yx = (g + (h ^ e ^ f) + u(0xF6BB4B60) + n7) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0xBEBFBC70) + m10) & M
    yx = (f + (g ^ h ^ e) + u(0xBEBFBC70) + n10) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0x289B7EC6) + m13) & M
    yx = (e + (f ^ g ^ h) + u(0x289B7EC6) + n13) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0xEAA127FA) + m0) & M
    yx = (h + (e ^ f ^ g) + u(0xEAA127FA) + n0) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0xD4EF3085) + m3) & M
    yx = (g + (h ^ e ^ f) + u(0xD4EF3085) + n3) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0x4881D05) + m6) & M
    yx = (f + (g ^ h ^ e) + u(0x4881D05) + n6) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & M)) & M
    x = (a + (b ^ c ^ d) + u(0xD9D4D039) + m9) & M
    yx = (e + (f ^ g ^ h) + u(0xD9D4D039) + n9) & M
    a = (b + (((x << u(4)) | (x >> u(28))) & M)) & M
    e = (f + (((yx << u(4)) | (yx >> u(28))) & M)) & M
    x = (d + (a ^ b ^ c) + u(0xE6DB99E5) + m12) & M
    yx = (h + (e ^ f ^ g) + u(0xE6DB99E5) + n12) & M
    d = (a + (((x << u(11)) | (x >> u(21))) & M)) & M
    h = (e + (((yx << u(11)) | (yx >> u(21))) & M)) & M
    x = (c + (d ^ a ^ b) + u(0x1FA27CF8) + m15) & M
    yx = (g + (h ^ e ^ f) + u(0x1FA27CF8) + n15) & M
    c = (d + (((x << u(16)) | (x >> u(16))) & M)) & M
    g = (h + (((yx << u(16)) | (yx >> u(16))) & M)) & M
    x = (b + (c ^ d ^ a) + u(0xC4AC5665) + m2) & M
    yx = (f + (g ^ h ^ e) + u(0xC4AC5665) + n2) & M
    b = (c + (((x << u(23)) | (x >> u(9))) & M)) & M
    f = (g + (((yx << u(23)) | (yx >> u(9))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0xF4292244) + m0) & M
    yx = (e + (g ^ (f | ~h)) + u(0xF4292244) + n0) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0x432AFF97) + m7) & M
    yx = (h + (f ^ (e | ~g)) + u(0x432AFF97) + n7) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0xAB9423A7) + m14) & M
    yx = (g + (e ^ (h | ~f)) + u(0xAB9423A7) + n14) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0xFC93A039) + m5) & M
    yx = (f + (h ^ (g | ~e)) + u(0xFC93A039) + n5) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0x655B59C3) + m12) & M
    yx = (e + (g ^ (f | ~h)) + u(0x655B59C3) + n12) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0x8F0CCC92) + m3) & M
    yx = (h + (f ^ (e | ~g)) + u(0x8F0CCC92) + n3) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0xFFEFF47D) + m10) & M
    yx = (g + (e ^ (h | ~f)) + u(0xFFEFF47D) + n10) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0x85845DD1) + m1) & M
    yx = (f + (h ^ (g | ~e)) + u(0x85845DD1) + n1) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0x6FA87E4F) + m8) & M
    yx = (e + (g ^ (f | ~h)) + u(0x6FA87E4F) + n8) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0xFE2CE6E0) + m15) & M
    yx = (h + (f ^ (e | ~g)) + u(0xFE2CE6E0) + n15) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0xA3014314) + m6) & M
    yx = (g + (e ^ (h | ~f)) + u(0xA3014314) + n6) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0x4E0811A1) + m13) & M
    yx = (f + (h ^ (g | ~e)) + u(0x4E0811A1) + n13) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & M)) & M
    x = (a + (c ^ (b | ~d)) + u(0xF7537E82) + m4) & M
    yx = (e + (g ^ (f | ~h)) + u(0xF7537E82) + n4) & M
    a = (b + (((x << u(6)) | (x >> u(26))) & M)) & M
    e = (f + (((yx << u(6)) | (yx >> u(26))) & M)) & M
    x = (d + (b ^ (a | ~c)) + u(0xBD3AF235) + m11) & M
    yx = (h + (f ^ (e | ~g)) + u(0xBD3AF235) + n11) & M
    d = (a + (((x << u(10)) | (x >> u(22))) & M)) & M
    h = (e + (((yx << u(10)) | (yx >> u(22))) & M)) & M
    x = (c + (a ^ (d | ~b)) + u(0x2AD7D2BB) + m2) & M
    yx = (g + (e ^ (h | ~f)) + u(0x2AD7D2BB) + n2) & M
    c = (d + (((x << u(15)) | (x >> u(17))) & M)) & M
    g = (h + (((yx << u(15)) | (yx >> u(17))) & M)) & M
    x = (b + (d ^ (c | ~a)) + u(0xEB86D391) + m9) & M
    yx = (f + (h ^ (g | ~e)) + u(0xEB86D391) + n9) & M
    b = (c + (((x << u(21)) | (x >> u(11))) & M)) & M
    f = (g + (((yx << u(21)) | (yx >> u(11))) & M)) & M
    a0, b0, c0, d0 = st1
    e0, f0, g0, h0 = st2
    return (
        ((a0 + a) & M, (b0 + b) & M, (c0 + c) & M, (d0 + d) & M),
        ((e0 + e) & M, (f0 + f) & M, (g0 + g) & M, (h0 + h) & M),
    )


@jit
def md5_pair(
    b1: Any, n1: int, b2: Any, n2: int
) -> tuple[tuple[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]:
    """The MD5s of two padded messages of ``n1`` and ``n2`` blocks, hashed side by side."""
    st1 = (np.uint64(IV[0]), np.uint64(IV[1]), np.uint64(IV[2]), np.uint64(IV[3]))
    st2 = st1
    both = min(n1, n2)
    for k in range(both):
        st1, st2 = _block2(b1, 64 * k, st1, b2, 64 * k, st2)
    for k in range(both, n1):
        st1 = block(b1, 64 * k, st1)
    for k in range(both, n2):
        st2 = block(b2, 64 * k, st2)
    return st1, st2
