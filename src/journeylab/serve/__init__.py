"""A local Events API endpoint: ``journeylab serve`` (docs/serve.md).

``POST /v1/events`` validates each event as file ingest does, appends the request to a
durable log (fsynced, group commit) before it answers, and a flusher lands the log in the
lake in batches through the lake's commit; a restart replays what had not landed.

Needs the ``serve`` extra (Starlette and uvicorn): ``pip install 'journeylab[serve]'``.
"""

from journeylab.serve.config import ServeConfig
from journeylab.serve.server import EventServer, run, serving

__all__ = ["EventServer", "ServeConfig", "run", "serving"]
