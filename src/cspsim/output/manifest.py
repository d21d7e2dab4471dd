"""The sweep manifest (``sweep.json``): which runs a sweep expects, written by the sweeper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MANIFEST = "sweep.json"


def read_manifest(sweep_dir: Path) -> dict[str, Any] | None:
    """The sweep's manifest, or None when the directory was not made by a cspsim sweep."""
    try:
        return json.loads((Path(sweep_dir) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
