"""A realistic sample app, generated deterministically, with its planted rates exposed."""

from journeylab.sample.generator import DEFAULT_START, SampleManifest, generate, read_manifest
from journeylab.sample.lake import SampleFiles, sample_data_dir, sample_files, sample_lake
from journeylab.sample.planted import (
    ACTIVATION_WINDOW_DAYS,
    ACTIVATIONS,
    CHANNELS,
    JOURNEY_EVENTS,
    NOISE_EVENTS,
    PLATFORMS,
    PlantedRates,
)

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_WINDOW_DAYS",
    "CHANNELS",
    "DEFAULT_START",
    "JOURNEY_EVENTS",
    "NOISE_EVENTS",
    "PLATFORMS",
    "PlantedRates",
    "SampleFiles",
    "SampleManifest",
    "generate",
    "read_manifest",
    "sample_data_dir",
    "sample_files",
    "sample_lake",
]
