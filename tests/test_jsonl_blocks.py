"""JSON lines are split block by block (journeylab.ingest.json_readers._lines): whatever the
block size, every non-blank line comes out once, whole, with its line number — lines that
span blocks, lines longer than a block, blank lines, and a last line without a newline."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.ingest import json_readers

LINES = st.lists(
    st.one_of(
        st.just(b""),
        st.just(b"  \t"),
        st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"\n", b"x")),
        st.binary(min_size=60, max_size=200).map(lambda b: b.replace(b"\n", b"y")),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(lines=LINES, final_newline=st.booleans(), block=st.sampled_from([1, 7, 16, 64, 1 << 20]))
def test_lines_come_out_whole_and_numbered_whatever_the_block(
    lines: list[bytes], final_newline: bool, block: int
) -> None:
    text = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    if lines:  # the stream's leading byte order mark is not part of the first line
        lines = [lines[0].removeprefix(json_readers.BOM), *lines[1:]]
    want = [
        (no, line + (b"\n" if no < len(lines) or final_newline else b""))
        for no, line in enumerate(lines, start=1)
        if line.strip(b" \t\r\n\f\v")
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(json_readers, "_BLOCK", block)
        got = [
            (int(no), value)
            for values, numbers in json_readers._lines(io.BytesIO(text), lambda n: None)
            for value, no in zip(values.to_pylist(), numbers, strict=True)
        ]
    assert got == want
