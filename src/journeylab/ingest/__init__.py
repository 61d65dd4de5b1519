"""Ingest: readers per format (wire batches), the validation rules written once
(:mod:`.rules`, held equal to the record-level :class:`~.model.Validator`), and the
pipeline that lands events through :mod:`journeylab.lake`.

``preflight`` holds the file-level checks run once per input before any row is read.
"""

from journeylab.ingest.model import REASONS
from journeylab.ingest.options import IngestOptions
from journeylab.ingest.report import IngestReport

__all__ = ["IngestOptions", "IngestReport", "REASONS"]
