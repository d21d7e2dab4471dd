"""Where the package finds its configs and data."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Hydra configs (``configs/`` at the repository root, linked into the package as ``conf``).
CONFIG_DIR = (PACKAGE_DIR / "conf").resolve()
#: Shipped city data.
CITY_DATA_DIR = PACKAGE_DIR / "data" / "cities"


def strategy_names() -> list[str]:
    """Names of the shipped strategies (``configs/strategy/*.yaml``), baseline first."""
    names = sorted(p.stem for p in (CONFIG_DIR / "strategy").glob("*.yaml"))
    return ["reactive"] + [n for n in names if n != "reactive"]
