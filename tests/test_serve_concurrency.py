"""The endpoint is one more writer of the lake (docs/lake.md, "Guarantees"): file ingests
and compactions run while it serves and flushes; every event lands exactly once and the
readers never fail."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from journeylab import open_lake
from journeylab.serve import ServeConfig, serving
from serve_helpers import get_json, post, wait_landed


def test_file_ingests_and_compactions_while_serving(tmp_path: Path) -> None:
    lake_dir = tmp_path / "lake"
    files = []
    for f in range(3):
        path = tmp_path / f"file{f}.jsonl"
        rows = [
            {"userId": f"f{i % 30}", "name": "imported", "eventId": f"file-{f}-{i}"}
            for i in range(300)
        ]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        files.append(path)
    errors: list[BaseException] = []
    acked: list[str] = []

    with serving(ServeConfig(lake_dir, port=0, flush_seconds=0.02, flush_events=200)) as url:

        def send() -> None:
            try:
                for b in range(40):
                    batch = [
                        {"userId": f"h{i % 20}", "name": "served", "eventId": f"http-{b}-{i}"}
                        for i in range(50)
                    ]
                    status, reply = post(url, {"events": batch})
                    assert status == 200, reply
                    acked.extend(reply["accepted"])
            except BaseException as exc:  # reported below, in the test thread
                errors.append(exc)

        sender = threading.Thread(target=send)
        sender.start()
        lake = open_lake(lake_dir)
        for path in files:
            lake.ingest(path)
            lake.compact()
            assert lake.catalog().names()  # a reader while both writers commit
            status, doc = get_json(url, "/v1/event-names")
            assert status == 200
        sender.join()
        assert not errors, errors
        lake.ingest(files[0])  # again: nothing new
        wait_landed(url)
        lake.compact()
    lake = open_lake(lake_dir)
    ids = lake.execute(lake.events().select("event_id"))["event_id"].to_list()
    assert len(ids) == len(set(ids)) == 900 + 2000
    assert set(acked) <= set(ids)
    assert len(lake.layout.event_files()) == 1
