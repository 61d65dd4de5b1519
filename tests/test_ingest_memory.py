"""Memory of an ingest: a validated chunk is freed when the pipeline drops it, without
waiting for Python's cycle collector (a rejected record's traceback once held the whole
chunk in a reference cycle, and peak memory grew with every chunk)."""

from __future__ import annotations

import gc
import io
import weakref

import duckdb

from journeylab.ingest.json_readers import jsonl_batches
from journeylab.ingest.validate import Checker


def test_a_validated_chunk_is_freed_by_reference_counting() -> None:
    lines = b'{"userId":"u","name":"a"}\n{"userId":"","name":"a"}\n[1]\n{oops\n'  # last: not JSON
    checker = Checker(duckdb.connect())
    gc.disable()
    try:
        batch = next(jsonl_batches(io.BytesIO(lines), "x", 0, 100, lambda n: None))
        done = checker.validate(batch)
        assert len(done.rejects) == 3
        refs = [weakref.ref(batch), weakref.ref(done)]
        del batch, done
        assert [r() for r in refs] == [None, None]
    finally:
        gc.enable()
