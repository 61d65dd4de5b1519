"""The lake: the only code that touches files (layout, writer, importers, catalog)."""

from journeylab.lake.catalog import Catalog, NearMiss
from journeylab.lake.core import Lake, open_lake
from journeylab.lake.ingest import IngestReport
from journeylab.lake.model import REASONS

__all__ = ["Catalog", "IngestReport", "Lake", "NearMiss", "REASONS", "open_lake"]
