"""Evaluations and benchmarks: they read the product, the product never imports them."""

import os
from pathlib import Path

# pyvideo/data (CC0), shared with the workplace and never committed whole; TALKS_PYVIDEO_ARCHIVE points elsewhere
PYVIDEO_ARCHIVE = Path(os.environ.get("TALKS_PYVIDEO_ARCHIVE") or "/work/shared/datasets/pyvideo-data.tar.gz")
