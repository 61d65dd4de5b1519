"""Writes scan_md5.py and scan_md5_pair.py: MD5's 64 steps spelled out for numba, for one
message and for two side by side. ``python -m journeylab.lake.scan_md5_gen`` rewrites them
(then run ``ruff format``); tests/test_ingest_scan.py checks they are this script's output."""

from __future__ import annotations

import math
import sys
from pathlib import Path

__all__ = ["sources"]

S = [7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4
K = [int(abs(math.sin(i + 1)) * 2**32) & 0xFFFFFFFF for i in range(64)]


def sources() -> dict[str, str]:
    """The texts of scan_md5.py (one message) and scan_md5_pair.py (two side by side),
    before ``ruff format``."""
    one: list[str] = []
    pair: list[str] = []
    out = one
    w = one.append
    w('"""MD5 with its 64 steps written out, one message at a time (generated for numba).')
    w("")
    w("Written by scan_md5_gen.py (do not edit by hand). The scanner hashes user ids")
    w("(``user_key``) and derived-id payloads; :mod:`~.scan_md5_pair` hashes two at once.")
    w("Messages are padded in place first (:func:`pad`), so a message is whole 64-byte blocks.")
    w("tests/test_ingest_scan.py holds these equal to ``hashlib.md5``.")
    w('"""')
    w("")
    w("from __future__ import annotations")
    w("")
    w("from typing import Any")
    w("")
    w("import numba as nb")
    w("import numpy as np")
    w("")
    w('__all__ = ["IV", "M", "block", "jit", "md5_one", "pad", "w32"]')
    w("")
    w("#: numba for per-line code: compiled once (cached), without reference counting")
    w("jit: Any = nb.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]")
    w("")
    w("M = np.uint64(0xFFFFFFFF)")
    w("IV = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476)")
    w("")
    w("")
    w(
        "@nb.njit(cache=True, nogil=True, _nrt=False, inline='always')  # type: ignore[call-overload]"
    )
    w("def w32(src: Any, q: Any) -> Any:")
    w('    """The little-endian 32-bit word at ``src[q:q + 4]`` (``q`` unsigned)."""')
    w("    u = np.uint64")
    w("    a = u(src[q]) | (u(src[q + u(1)]) << u(8))")
    w("    return a | (u(src[q + u(2)]) << u(16)) | (u(src[q + u(3)]) << u(24))")
    w("")

    def rounds(pre, names, mp):
        lines = []
        for i in range(64):
            r = (-i) % 4
            A, B, C, D = (pre + names[(r + k) % 4] for k in range(4))
            if i < 16:
                f = f"(({B} & {C}) | (~{B} & {D}))"
                g = i
            elif i < 32:
                f = f"(({D} & {B}) | (~{D} & {C}))"
                g = (5 * i + 1) % 16
            elif i < 48:
                f = f"({B} ^ {C} ^ {D})"
                g = (3 * i + 5) % 16
            else:
                f = f"({C} ^ ({B} | ~{D}))"
                g = (7 * i) % 16
            s = S[i]
            lines.append(
                [
                    f"    {pre}x = ({A} + {f} + u({K[i]:#x}) + {mp}{g}) & M",
                    f"    {A} = ({B} + ((({pre}x << u({s})) | ({pre}x >> u({32 - s}))) & M)) & M",
                ]
            )
        return lines

    def loads(src, p, mp):
        out = [f"    {p}u = u({p})"]
        return out + [f"    {mp}{j} = w32({src}, {p}u + u({4 * j}))" for j in range(16)]

    w("")
    w("@jit")
    w("def block(src: Any, p: int, st: tuple[Any, Any, Any, Any]) -> tuple[Any, Any, Any, Any]:")
    w('    """One 64-byte block of ``src`` from ``p`` into the state ``st``."""')
    w("    u = np.uint64")
    out.extend(loads("src", "p", "m"))
    w("    a0, b0, c0, d0 = st")
    w("    a, b, c, d = st")
    for step in rounds("", "abcd", "m"):
        out.extend(step)
    w("    return (a0 + a) & M, (b0 + b) & M, (c0 + c) & M, (d0 + d) & M")
    w("")
    w("")
    w("@jit")
    w("def pad(buf: Any, n: int) -> int:")
    w('    """Pad the message ``buf[:n]`` in place (``buf`` has room for 72 more bytes); the')
    w('    number of 64-byte blocks."""')
    w("    total = (n + 8) // 64 * 64 + 64")
    w("    buf[n] = 0x80")
    w("    for q in range(np.uint64(n + 1), np.uint64(total - 8)):")
    w("        buf[q] = 0")
    w("    bits = n * 8")
    w("    for q in range(8):")
    w("        buf[total - 8 + q] = (bits >> (8 * q)) & 0xFF")
    w("    return total // 64")
    w("")
    w("")
    w("@jit")
    w("def md5_one(buf: Any, blocks: int) -> tuple[Any, Any, Any, Any]:")
    w('    """The MD5 of a padded message: four little-endian 32-bit words (as uint64)."""')
    w("    st = (np.uint64(IV[0]), np.uint64(IV[1]), np.uint64(IV[2]), np.uint64(IV[3]))")
    w("    for k in range(blocks):")
    w("        st = block(buf, 64 * k, st)")
    w("    return st")

    out = pair
    w = pair.append
    w('"""MD5 of two messages side by side, steps interleaved (generated for numba).')
    w("")
    w("Written by scan_md5_gen.py (do not edit by hand). MD5's steps form one dependency")
    w("chain, so two independent messages hashed step by step together run almost as fast as")
    w("one (:mod:`~.scan_md5` hashes one). tests/test_ingest_scan.py holds them equal to")
    w("``hashlib.md5``.")
    w('"""')
    w("")
    w("from __future__ import annotations")
    w("")
    w("from typing import Any")
    w("")
    w("import numpy as np")
    w("")
    w("from journeylab.lake.scan_md5 import IV, M, block, jit, w32")
    w("")
    w('__all__ = ["md5_pair"]')
    w("")
    w("")
    w("@jit")
    w("def _block2(")
    w(
        "    s1: Any, p1: int, st1: tuple[Any, Any, Any, Any], s2: Any, p2: int, st2: tuple[Any, Any, Any, Any]"
    )
    w(") -> tuple[tuple[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]:")
    w('    """A block of each of two messages, their steps interleaved."""')
    w("    u = np.uint64")
    out.extend(loads("s1", "p1", "m"))
    out.extend(loads("s2", "p2", "n"))
    w("    a, b, c, d = st1")
    w("    e, f, g, h = st2")
    for l1, l2 in zip(rounds("", "abcd", "m"), rounds("y", "efgh", "n"), strict=True):
        # the second message's names: prefix "y" is for its temp only
        l2 = [
            x.replace("ye", "e").replace("yf", "f").replace("yg", "g").replace("yh", "h")
            for x in l2
        ]
        out.extend([l1[0], l2[0], l1[1], l2[1]])
    w("    a0, b0, c0, d0 = st1")
    w("    e0, f0, g0, h0 = st2")
    w("    return (")
    w("        ((a0 + a) & M, (b0 + b) & M, (c0 + c) & M, (d0 + d) & M),")
    w("        ((e0 + e) & M, (f0 + f) & M, (g0 + g) & M, (h0 + h) & M),")
    w("    )")
    w("")
    w("")
    w("@jit")
    w("def md5_pair(")
    w("    b1: Any, n1: int, b2: Any, n2: int")
    w(") -> tuple[tuple[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]:")
    w('    """The MD5s of two padded messages of ``n1`` and ``n2`` blocks, hashed side by side."""')
    w("    st1 = (np.uint64(IV[0]), np.uint64(IV[1]), np.uint64(IV[2]), np.uint64(IV[3]))")
    w("    st2 = st1")
    w("    both = min(n1, n2)")
    w("    for k in range(both):")
    w("        st1, st2 = _block2(b1, 64 * k, st1, b2, 64 * k, st2)")
    w("    for k in range(both, n1):")
    w("        st1 = block(b1, 64 * k, st1)")
    w("    for k in range(both, n2):")
    w("        st2 = block(b2, 64 * k, st2)")
    w("    return st1, st2")
    return {
        "scan_md5.py": "\n".join(one) + "\n",
        "scan_md5_pair.py": "\n".join(pair) + "\n",
    }


if __name__ == "__main__":
    for name, text in sources().items():
        target = Path(__file__).with_name(name)
        target.write_text(text)
        print(f"wrote {target}; now run ruff format on it", file=sys.stderr)
