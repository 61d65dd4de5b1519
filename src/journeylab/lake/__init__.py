"""The lake: the only code that touches the lake's files (layout, commit, catalog,
compaction); ingest (:mod:`journeylab.ingest`) lands events through it."""

from journeylab.ingest.model import REASONS
from journeylab.ingest.report import IngestReport
from journeylab.lake.catalog import Catalog, NearMiss
from journeylab.lake.core import Lake, open_lake

__all__ = ["Catalog", "IngestReport", "Lake", "NearMiss", "REASONS", "open_lake"]
